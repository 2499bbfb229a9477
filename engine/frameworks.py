"""Framework mappings: regulation requirements -> gavel control ids, read from `policies/frameworks/`.

One file per framework (`gdpr.yaml`, `sec.yaml`, ...) lists its requirements and, for each, the
gavel controls that serve it, or says why no policy can (`attestation`: a person must attest it;
`out-of-scope`: gavel does not address it). `controls.yaml` is the catalog of gavel control ids.
Policies declare only their own `controls` and `regulations`; which policies serve a requirement
is derived through the controls (engine/coverage.py), so the framework file stays the single
mapping and a new policy never edits it to be counted. Files are validated against published
JSON Schemas; duplicate YAML keys and duplicate requirement ids are errors naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyError, SourceLocation

CONTROLS_FILE = "controls.yaml"


class Assessment(StrEnum):
    """How a requirement is assessed: by policies, by a person's signed attestation, or not at all."""

    AUTOMATED = "automated"
    ATTESTATION = "attestation"
    OUT_OF_SCOPE = "out-of-scope"


@dataclass(frozen=True)
class Requirement:
    """One article, paragraph or control of a framework and how gavel assesses it."""

    id: str
    title: str
    assessment: Assessment = Assessment.AUTOMATED
    controls: tuple[str, ...] = ()
    reason: str = ""
    description: str = ""
    deprecated: bool = False
    replaced_by: tuple[str, ...] = ()
    resource_kinds: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        """In scope and not deprecated: it counts in coverage."""
        return not self.deprecated and self.assessment is not Assessment.OUT_OF_SCOPE

    def served_by(self, controls: Iterable[str], kinds: Iterable[str]) -> bool:
        """Whether a policy with these controls and resource kinds implements this requirement."""
        if not set(controls) & set(self.controls):
            return False
        if not self.resource_kinds:
            return True
        return any(kind == "*" or fnmatchcase(kind, p) for kind in kinds for p in self.resource_kinds)


@dataclass(frozen=True)
class Framework:
    """A regulation or standard as gavel maps it, with the file it was read from."""

    name: str
    title: str
    requirements: tuple[Requirement, ...]
    path: str
    version: str = ""
    source: str = ""

    def requirement(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)


@dataclass(frozen=True)
class Control:
    """A gavel control: one technical or organisational safeguard, implemented by policies."""

    id: str
    title: str
    description: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class FrameworkLibrary:
    """Every framework file of a folder and the control catalog beside them."""

    frameworks: Mapping[str, Framework]
    controls: Mapping[str, Control]
    controls_path: str

    def get(self, name: str) -> Framework:
        if name not in self.frameworks:
            known = ", ".join(sorted(self.frameworks)) or "none"
            raise PolicyError(f"no framework file for {name!r} (known: {known})")
        return self.frameworks[name]


def builtin_frameworks() -> Path:
    return Path(str(resources.files("gavel.policies"))) / "frameworks"


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"schemas/{name}").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; a mapping file must not silently drop one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """A YAML document with duplicate keys refused; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"cannot read file: {error.strerror}", SourceLocation(str(path))) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = (
            SourceLocation(str(path), mark.line + 1, mark.column + 1) if mark else SourceLocation(str(path))
        )
        raise PolicyError(f"invalid YAML: {getattr(error, 'problem', None) or error}", where) from None


def validate(document: Any, schema_name: str, path: Path) -> None:
    """Raise the first JSON Schema error as one line naming the file and the offending path."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema(schema_name))
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or "document"
        kind = schema_name.split(".", maxsplit=1)[0]
        raise PolicyError(f"invalid {kind} file at {where}: {first.message}", SourceLocation(str(path)))


def _requirement(entry: Mapping[str, Any]) -> Requirement:
    return Requirement(
        id=str(entry["id"]),
        title=str(entry["title"]),
        assessment=Assessment(entry.get("assessment", Assessment.AUTOMATED.value)),
        controls=tuple(entry.get("controls", ())),
        reason=str(entry.get("reason", "")).strip(),
        description=str(entry.get("description", "")).strip(),
        deprecated=bool(entry.get("deprecated", False)),
        replaced_by=tuple(entry.get("replaced_by", ())),
        resource_kinds=tuple(entry.get("resource_kinds", ())),
    )


def load_framework(path: Path) -> Framework:
    """One framework file, validated; its name must match the file name (`EU-AI-ACT` <- eu-ai-act.yaml)."""
    document = read_yaml(path)
    validate(document, "framework.schema.json", path)
    name = str(document["framework"])
    if path.stem.upper() != name:
        raise PolicyError(
            f"framework {name!r} must live in {name.lower()}.yaml, not {path.name}", SourceLocation(str(path))
        )
    requirements = tuple(_requirement(entry) for entry in document["requirements"])
    seen: set[str] = set()
    for requirement in requirements:
        if requirement.id in seen:
            raise PolicyError(f"requirement {requirement.id!r} is listed twice", SourceLocation(str(path)))
        seen.add(requirement.id)
    for requirement in requirements:
        for successor in requirement.replaced_by:
            if successor not in seen:
                raise PolicyError(
                    f"requirement {requirement.id!r} is replaced by {successor!r}, not in the file",
                    SourceLocation(str(path)),
                )
    return Framework(
        name=name,
        title=str(document["title"]),
        requirements=requirements,
        path=str(path),
        version=str(document.get("version", "")),
        source=str(document.get("source", "")),
    )


def load_controls(path: Path) -> dict[str, Control]:
    """The control catalog: control id -> title, description and whether it is deprecated."""
    document = read_yaml(path)
    validate(document, "controls.schema.json", path)
    return {
        control_id: Control(
            id=control_id,
            title=str(entry["title"]),
            description=str(entry.get("description", "")).strip(),
            deprecated=bool(entry.get("deprecated", False)),
        )
        for control_id, entry in document["controls"].items()
    }


def load_frameworks(folder: Path | None = None) -> FrameworkLibrary:
    """Every `<framework>.yaml` in `folder` (default: the built-in library) and its `controls.yaml`."""
    folder = folder or builtin_frameworks()
    if not folder.is_dir():
        raise PolicyError("framework folder does not exist", SourceLocation(str(folder)))
    controls_path = folder / CONTROLS_FILE
    if not controls_path.is_file():
        raise PolicyError(f"no {CONTROLS_FILE} control catalog", SourceLocation(str(folder)))
    frameworks: dict[str, Framework] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == CONTROLS_FILE:
            continue
        framework = load_framework(path)
        frameworks[framework.name] = framework
    return FrameworkLibrary(frameworks, load_controls(controls_path), str(controls_path))
