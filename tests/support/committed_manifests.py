"""The committed kustomize bases under deploy/ must be what the code generates, and valid.

Both `gavel webhook manifests` and `gavel audit manifests` have a base committed for users who
apply it without running gavel; a test regenerates each and fails, naming the command to run,
when the committed files have drifted from the code.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import kubernetes_validate
import yaml

KUBERNETES_VERSION = "1.37.0"


def assert_committed_base_matches(
    generated: Path, committed: Path, regenerate: str, skip_kinds: Collection[str] = ()
) -> None:
    """Same files with the same text, each object valid for Kubernetes (bar `skip_kinds`: CRDs)."""
    names = sorted(p.name for p in generated.iterdir())
    assert names == sorted(p.name for p in committed.iterdir()), f"run: {regenerate}"
    for name in names:
        assert (generated / name).read_text() == (committed / name).read_text(), (
            f"{committed.name}/{name} is stale; run: {regenerate}"
        )
    for path in sorted(committed.glob("[0-9]*.yaml")):
        manifest = yaml.safe_load(path.read_text())
        if manifest["kind"] not in skip_kinds:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
