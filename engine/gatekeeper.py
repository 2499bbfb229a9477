"""Gatekeeper ConstraintTemplates and their Constraints, run unmodified as gavel policies.

Users bring the policy they already enforce with OPA Gatekeeper. A ConstraintTemplate's Rego
(v0 by default, v1 when its `code` entry says `version: v1`) and its `libs` are loaded under a
package of their own, as Gatekeeper's constraint framework does, so two templates never share
rules. Each Constraint becomes one policy (`gatekeeper/<Kind>/<name>`) whose package is a small
generated module: it checks the Constraint's `match` block, builds Gatekeeper's `input.review`
from `input.resource` and asks the template's `violation` rule with the Constraint's parameters.
`data.inventory` (referential templates) is served from `data.gavel.estate`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyError, SourceLocation
from .gatekeeper_rego import ADMISSION_REGO, INVENTORY_REGO
from .metadata import PolicyMetadata
from .models import Severity

TEMPLATE_GROUP = "templates.gatekeeper.sh"
CONSTRAINT_GROUP = "constraints.gatekeeper.sh"
ADMISSION_TARGET = "admission.k8s.gatekeeper.sh"
ROOT_PACKAGE = "gavel_gatekeeper"
ENFORCEMENT_RULES = {"deny": "deny", "warn": "warn", "dryrun": "warn"}
# When a Constraint is `scoped`, the strictest action for gavel's own enforcement points wins.
_ENFORCEMENT_POINTS = {"*", "gator.gatekeeper.sh", "validation.gatekeeper.sh", "audit.gatekeeper.sh"}
_STRICTNESS = ("dryrun", "warn", "deny")

_PACKAGE_LINE = re.compile(r"^package\s+([\w.]+)[ \t]*$", re.MULTILINE)
_DATA_REFERENCE = re.compile(r"\bdata\.(lib|inventory)\b")

_SUPPORT_MODULES = {
    f"{ROOT_PACKAGE}/admission.rego": ADMISSION_REGO,
    f"{ROOT_PACKAGE}/inventory.rego": INVENTORY_REGO,
}


@dataclass(frozen=True)
class ConstraintPolicy:
    """What the loader needs to make a `Policy` of one Constraint."""

    metadata: PolicyMetadata
    package: str
    folder: Path
    rules: tuple[str, ...]


@dataclass(frozen=True)
class GatekeeperPolicies:
    """The Rego modules of every template (plus the wrappers) and one policy per Constraint."""

    modules: Mapping[str, str]
    rego_v0_modules: frozenset[str]
    constraints: tuple[ConstraintPolicy, ...]


@dataclass(frozen=True)
class _Template:
    kind: str
    package: str
    title: str
    version: str
    description: str


@dataclass(frozen=True)
class _Document:
    value: Mapping[str, Any]
    path: Path
    display: str


def _group(document: Mapping[str, Any]) -> str:
    api_version = document.get("apiVersion")
    return api_version.split("/", 1)[0] if isinstance(api_version, str) else ""


def _gatekeeper_documents(roots: Sequence[Path]) -> Iterator[_Document]:
    for root in roots:
        for path in sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")]):
            relative = path.relative_to(root).parts
            if "samples" in relative or any(part.startswith(".") for part in relative):
                continue
            text = path.read_text(encoding="utf-8")
            if TEMPLATE_GROUP not in text and CONSTRAINT_GROUP not in text:
                continue
            for value in _parse_yaml_stream(text, path.as_posix()):
                if isinstance(value, Mapping) and _group(value) in (TEMPLATE_GROUP, CONSTRAINT_GROUP):
                    yield _Document(value, path, path.as_posix())


def _parse_yaml_stream(text: str, display: str) -> list[Any]:
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        location = (
            SourceLocation(display, mark.line + 1, mark.column + 1) if mark else SourceLocation(display)
        )
        raise PolicyError(f"invalid YAML: {getattr(error, 'problem', None) or error}", location) from None


def _field(document: Mapping[str, Any], dotted: str) -> Any:
    value: Any = document
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _name_of(document: _Document) -> str:
    name = _field(document.value, "metadata.name")
    if not isinstance(name, str) or not name:
        raise PolicyError(
            f"{document.value.get('kind')} has no metadata.name", SourceLocation(document.display)
        )
    return name


def _identifier(text: str) -> str:
    return re.sub(r"\W", "_", text.lower())


def _rego_sources(document: _Document, name: str) -> tuple[str, list[str], bool]:
    """The template's Rego, its libs, and whether they are Rego v0."""
    targets = _field(document.value, "spec.targets")
    target = next(
        (t for t in targets or () if isinstance(t, Mapping) and t.get("target") == ADMISSION_TARGET), None
    )
    if target is None:
        raise PolicyError(
            f"ConstraintTemplate {name} has no {ADMISSION_TARGET} target", SourceLocation(document.display)
        )
    for entry in target.get("code") or ():
        source = entry.get("source") if isinstance(entry, Mapping) else None
        if (
            entry.get("engine") == "Rego"
            and isinstance(source, Mapping)
            and isinstance(source.get("rego"), str)
        ):
            return source["rego"], list(source.get("libs") or ()), source.get("version") != "v1"
    if isinstance(target.get("rego"), str):
        return target["rego"], list(target.get("libs") or ()), True
    engines = [e.get("engine") for e in target.get("code") or () if isinstance(e, Mapping)]
    raise PolicyError(
        f"ConstraintTemplate {name} has no Rego source (engines: {', '.join(map(str, engines)) or 'none'})",
        SourceLocation(document.display),
        hint="gavel runs the Rego engine of a template; CEL-only templates are not supported",
    )


def _aligned(rego: str, file_text: str) -> str:
    """Pad a block of Rego with blank lines so the runtime's line numbers are the YAML file's."""
    block = [line.strip() for line in rego.rstrip("\n").splitlines()]
    lines = [line.strip() for line in file_text.splitlines()]
    for start in range(len(lines) - len(block) + 1):
        if lines[start : start + len(block)] == block:
            return "\n" * start + rego
    return rego


def _relocated(rego: str, package: str, slug: str, display: str) -> str:
    found = _PACKAGE_LINE.search(rego)
    if found is None:
        raise PolicyError("template Rego has no package declaration", SourceLocation(display))
    libs = f"data.{ROOT_PACKAGE}.libs.{slug}.lib"
    rewritten = _DATA_REFERENCE.sub(
        lambda m: libs if m.group(1) == "lib" else f"data.{ROOT_PACKAGE}.inventory", rego
    )
    return rewritten[: found.start()] + f"package {package}" + rewritten[found.end() :]


def _load_template(document: _Document, modules: dict[str, str], v0: set[str]) -> _Template:
    name = _name_of(document)
    kind = _field(document.value, "spec.crd.spec.names.kind")
    if not isinstance(kind, str) or not kind:
        raise PolicyError(
            f"ConstraintTemplate {name} has no spec.crd.spec.names.kind", SourceLocation(document.display)
        )
    rego, libs, is_v0 = _rego_sources(document, name)
    file_text = document.path.read_text(encoding="utf-8")
    slug = _identifier(kind)
    package = f"{ROOT_PACKAGE}.templates.{slug}"
    sources = {f"{document.display}#{kind}": (rego, package)}
    for index, lib in enumerate(libs):
        lib_package = _PACKAGE_LINE.search(str(lib))
        if lib_package is None or not (lib_package.group(1) + ".").startswith("lib."):
            raise PolicyError(
                f"ConstraintTemplate {name}: libs[{index}] must declare a package under `lib`",
                SourceLocation(document.display),
            )
        sources[f"{document.display}#{kind}.libs[{index}]"] = (
            str(lib),
            f"{ROOT_PACKAGE}.libs.{slug}.{lib_package.group(1)}",
        )
    for module_name, (text, module_package) in sources.items():
        modules[module_name] = _relocated(_aligned(text, file_text), module_package, slug, document.display)
        if is_v0:
            v0.add(module_name)
    annotations = _field(document.value, "metadata.annotations") or {}
    return _Template(
        kind=kind,
        package=package,
        title=str(annotations.get("metadata.gatekeeper.sh/title") or kind),
        version=str(annotations.get("metadata.gatekeeper.sh/version") or "1.0.0"),
        description=str(annotations.get("description") or "").strip(),
    )


def _enforcement_action(spec: Mapping[str, Any], display: str) -> str:
    action = spec.get("enforcementAction") or "deny"
    if action == "scoped":
        scoped = [
            entry.get("action")
            for entry in spec.get("scopedEnforcementActions") or ()
            if isinstance(entry, Mapping)
            and any(_field(p, "name") in _ENFORCEMENT_POINTS for p in entry.get("enforcementPoints") or ())
        ]
        known = [a for a in scoped if a in _STRICTNESS]
        if not known:
            raise PolicyError(
                "scoped Constraint names no action for gator, validation or audit", SourceLocation(display)
            )
        action = max(known, key=_STRICTNESS.index)
    if action not in ENFORCEMENT_RULES:
        raise PolicyError(
            f"unknown enforcementAction {action!r}",
            SourceLocation(display),
            hint="use deny, warn, dryrun or scoped",
        )
    return str(action)


def _match_kinds(match: Mapping[str, Any]) -> tuple[str, ...]:
    kinds = {kind for entry in match.get("kinds") or () for kind in (entry.get("kinds") or ["*"])}
    return ("*",) if not kinds or "*" in kinds else tuple(sorted(kinds))


def _wrapper(package: str, rule: str, template: _Template, constraint: Mapping[str, Any]) -> str:
    # The violations are bound before iterating: in regorus, `some v in x with input as y`
    # leaves later references to this package's rules undefined.
    return f"""package {package}

import rego.v1

import data.{ROOT_PACKAGE}.admission

constraint := {json.dumps(constraint, indent=1, sort_keys=True)}

{rule} contains admission.finding(violation, constraint) if {{
\tadmission.applies(constraint.match, input.resource)
\treview := {{"review": admission.review(input.resource), "parameters": constraint.parameters}}
\tviolations := data.{template.package}.violation with input as review
\tsome violation in violations
}}
"""


def _load_constraint(document: _Document, template: _Template, modules: dict[str, str]) -> ConstraintPolicy:
    name = _name_of(document)
    spec = document.value.get("spec") or {}
    if not isinstance(spec, Mapping):
        raise PolicyError(
            f"Constraint {template.kind}/{name}: spec must be a mapping", SourceLocation(document.display)
        )
    action = _enforcement_action(spec, document.display)
    match = spec.get("match") or {}
    policy_id = f"gatekeeper/{template.kind}/{name}"
    digest = hashlib.sha256(policy_id.encode()).hexdigest()[:8]
    package = f"{ROOT_PACKAGE}.constraints.{_identifier(template.kind)}.{_identifier(name)}_{digest}"
    constraint = {
        "ref": f"{template.kind}/{name}",
        "action": action,
        "match": match,
        "parameters": spec.get("parameters") or {},
    }
    rule = ENFORCEMENT_RULES[action]
    modules[f"{document.display}#{template.kind}/{name}"] = _wrapper(package, rule, template, constraint)
    metadata = PolicyMetadata(
        id=policy_id,
        title=f"{template.title} ({name})",
        severity=Severity.HIGH if action == "deny" else Severity.LOW,
        version=template.version,
        description=template.description,
        resource_kinds=_match_kinds(match),
    )
    return ConstraintPolicy(metadata=metadata, package=package, folder=document.path.parent, rules=(rule,))


def load_gatekeeper(roots: Iterable[Path]) -> GatekeeperPolicies:
    """Every ConstraintTemplate and Constraint under the policy folders (outside `samples/`)."""
    documents = list(_gatekeeper_documents(list(roots)))
    modules: dict[str, str] = {}
    v0: set[str] = set()
    templates: dict[str, _Template] = {}
    for document in documents:
        if _group(document.value) == TEMPLATE_GROUP and document.value.get("kind") == "ConstraintTemplate":
            template = _load_template(document, modules, v0)
            if template.kind in templates:
                raise PolicyError(
                    f"ConstraintTemplate for {template.kind} is defined twice",
                    SourceLocation(document.display),
                )
            templates[template.kind] = template
    constraints = []
    for document in documents:
        if _group(document.value) != CONSTRAINT_GROUP:
            continue
        kind = str(document.value.get("kind"))
        if kind not in templates:
            raise PolicyError(
                f"Constraint kind {kind} has no ConstraintTemplate in the policy folders",
                SourceLocation(document.display),
                hint="put the template.yaml that defines this kind beside the Constraint",
            )
        constraints.append(_load_constraint(document, templates[kind], modules))
    if templates:
        modules.update(_SUPPORT_MODULES)
    return GatekeeperPolicies(modules=modules, rego_v0_modules=frozenset(v0), constraints=tuple(constraints))
