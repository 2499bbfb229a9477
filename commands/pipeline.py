"""The steps commands share: load the policy set, read waivers, pick a Rego runtime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..engine.errors import UsageError
from ..engine.loader import BUILTIN_LIBRARY, PolicySet, load_data_file, load_policy_set
from ..engine.models import GatePolicy, Severity, Waiver
from ..engine.rego import EmbeddedRuntime, RegoRuntime
from ..engine.waivers import parse_waivers


def load_policies(policy_dirs: Sequence[str], data_files: Sequence[Path]) -> PolicySet:
    return load_policy_set(policy_dirs or (BUILTIN_LIBRARY,), data_files)


def load_waivers(path: Path | None) -> tuple[Waiver, ...]:
    if path is None:
        return ()
    return parse_waivers(load_data_file(path), str(path))


def gate_policy(
    fail_on: str, max_risk: float | None, environment: str | None, policy_set: PolicySet
) -> GatePolicy:
    """The gate: `--max-risk` wins; else `--environment` picks a threshold from the risk data."""
    if max_risk is None and environment is not None:
        thresholds = policy_set.data.get("risk", {}).get("thresholds", {})
        if environment not in thresholds:
            known = ", ".join(sorted(thresholds)) or "none defined"
            raise UsageError(f"no risk threshold for environment {environment!r} (known: {known})")
        max_risk = float(thresholds[environment])
    return GatePolicy(fail_on=Severity(fail_on), max_risk=max_risk)


def build_runtime(name: str, opa_url: str | None) -> RegoRuntime:
    if name == "embedded":
        return EmbeddedRuntime()
    if not opa_url:
        raise UsageError("--runtime opa needs --opa-url URL (e.g. http://127.0.0.1:8181)")
    from ..engine.opa_runtime import OpaServerRuntime

    return OpaServerRuntime(opa_url, timeout=10.0)
