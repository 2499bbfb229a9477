"""Admission enforcement settings: per-policy and per-namespace actions, exemptions, failure mode.

One YAML file (`gavel webhook serve --enforcement-config FILE`, a ConfigMap in the cluster) says
how each policy is enforced where. It is validated when read, so a typo in an action or a key is
a configuration error naming the file, never a silently unenforced policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import Any

from .errors import PolicyError, SourceLocation


class Enforcement(StrEnum):
    """What a finding does at admission: block, advise, or only leave a record."""

    DENY = "deny"
    WARN = "warn"
    DRYRUN = "dryrun"


class FailureMode(StrEnum):
    """What the webhook answers when it cannot judge a request (error or deadline)."""

    CLOSED = "fail-closed"
    OPEN = "fail-open"


@dataclass(frozen=True)
class NamespaceEnforcement:
    """Enforcement inside one namespace: a default for every policy, and per-policy overrides."""

    default: Enforcement | None = None
    policies: Mapping[str, Enforcement] = field(default_factory=dict)


@dataclass(frozen=True)
class AdmissionSettings:
    """How findings are enforced, who is exempt and what failure means; read from one YAML file.

    Precedence for a policy in a namespace: the namespace's entry for that policy, the namespace's
    default, the policy's own entry, the global default.
    """

    default: Enforcement = Enforcement.DENY
    policies: Mapping[str, Enforcement] = field(default_factory=dict)
    namespaces: Mapping[str, NamespaceEnforcement] = field(default_factory=dict)
    exempt_namespaces: tuple[str, ...] = ()
    exempt_labels: tuple[Mapping[str, str], ...] = ()
    evaluate_on_delete: tuple[str, ...] = ()
    failure_mode: FailureMode = FailureMode.CLOSED

    def enforcement(self, policy_id: str, namespace: str | None) -> Enforcement:
        scoped = self.namespaces.get(namespace or "")
        if scoped is not None:
            if policy_id in scoped.policies:
                return scoped.policies[policy_id]
            if scoped.default is not None:
                return scoped.default
        return self.policies.get(policy_id, self.default)

    def exemption(self, namespace: str | None, labels: Mapping[str, Any]) -> str | None:
        """Why an object in `namespace` with `labels` is exempt, or None when it is judged."""
        if namespace and any(fnmatchcase(namespace, pattern) for pattern in self.exempt_namespaces):
            return f"namespace {namespace} is exempt"
        for selector in self.exempt_labels:
            if all(k in labels and v in ("*", str(labels[k])) for k, v in selector.items()):
                return f"labels match exemption {dict(selector)}"
        return None


def _action(value: Any, where: str, source: str) -> Enforcement:
    try:
        return Enforcement(value)
    except ValueError:
        choices = ", ".join(e.value for e in Enforcement)
        raise PolicyError(
            f"{where}: enforcement must be one of {choices}, got {value!r}", SourceLocation(source)
        ) from None


def _section(document: Mapping[str, Any], key: str, kind: type, source: str) -> Any:
    value = document.get(key, kind())
    if not isinstance(value, kind):
        raise PolicyError(f"{key} must be a {kind.__name__}", SourceLocation(source))
    return value


def settings_from_document(document: Any, source: str, failure_mode: FailureMode) -> AdmissionSettings:
    """Build settings from the enforcement file's document; errors name the file and the key."""
    if document is None:
        document = {}
    if not isinstance(document, Mapping):
        raise PolicyError("the enforcement config must be a mapping", SourceLocation(source))
    known = {"default", "policies", "namespaces", "exemptions", "evaluate_on_delete"}
    unknown = sorted(set(document) - known)
    if unknown:
        raise PolicyError(f"unknown keys {unknown} (known: {sorted(known)})", SourceLocation(source))
    namespaces: dict[str, NamespaceEnforcement] = {}
    for name, entry in _section(document, "namespaces", dict, source).items():
        if isinstance(entry, str):
            namespaces[str(name)] = NamespaceEnforcement(default=_action(entry, f"namespaces.{name}", source))
            continue
        if not isinstance(entry, Mapping):
            raise PolicyError(f"namespaces.{name} must be an action or a mapping", SourceLocation(source))
        namespaces[str(name)] = NamespaceEnforcement(
            default=_action(entry["default"], f"namespaces.{name}.default", source)
            if "default" in entry
            else None,
            policies={
                str(p): _action(a, f"namespaces.{name}.policies.{p}", source)
                for p, a in _section(entry, "policies", dict, source).items()
            },
        )
    exemptions = _section(document, "exemptions", dict, source)
    labels = _section(exemptions, "labels", list, source)
    if not all(isinstance(selector, Mapping) and selector for selector in labels):
        raise PolicyError("exemptions.labels must be a list of non-empty label maps", SourceLocation(source))
    return AdmissionSettings(
        default=_action(document.get("default", "deny"), "default", source),
        policies={
            str(p): _action(a, f"policies.{p}", source)
            for p, a in _section(document, "policies", dict, source).items()
        },
        namespaces=namespaces,
        exempt_namespaces=tuple(str(n) for n in _section(exemptions, "namespaces", list, source)),
        exempt_labels=tuple({str(k): str(v) for k, v in s.items()} for s in labels),
        evaluate_on_delete=tuple(str(p) for p in _section(document, "evaluate_on_delete", list, source)),
        failure_mode=failure_mode,
    )
