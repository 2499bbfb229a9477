"""The steps commands share: load the policy set, read waivers, pick a Rego runtime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..engine.errors import UsageError
from ..engine.loader import BUILTIN_LIBRARY, PolicySet, load_data_file, load_policy_set
from ..engine.models import Waiver
from ..engine.rego import EmbeddedRuntime, RegoRuntime
from ..engine.waivers import parse_waivers


def load_policies(policy_dirs: Sequence[str], data_files: Sequence[Path]) -> PolicySet:
    return load_policy_set(policy_dirs or (BUILTIN_LIBRARY,), data_files)


def load_waivers(path: Path | None) -> tuple[Waiver, ...]:
    if path is None:
        return ()
    return parse_waivers(load_data_file(path), str(path))


def build_runtime(name: str, opa_url: str | None) -> RegoRuntime:
    if name == "embedded":
        return EmbeddedRuntime()
    if not opa_url:
        raise UsageError("--runtime opa needs --opa-url URL (e.g. http://127.0.0.1:8181)")
    from ..engine.opa_runtime import OpaServerRuntime

    return OpaServerRuntime(opa_url, timeout=10.0)
