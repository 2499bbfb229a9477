"""Adapters turn input documents (Terraform plans, Kubernetes manifests) into normalised resources.

The command line calls `collect_paths`; everything else here is for code that already holds bytes
(`TerraformPlan.from_json`, `KubernetesManifests.from_bytes`) or wants to know what a file is.
"""

from .base import Adapter, Skipped
from .detect import Collection, collect_paths, detect_kind
from .kubernetes import KubernetesManifests
from .registry import input_kind_names
from .terraform import TerraformPlan

__all__ = [
    "Adapter",
    "Collection",
    "KubernetesManifests",
    "Skipped",
    "TerraformPlan",
    "collect_paths",
    "detect_kind",
    "input_kind_names",
]
