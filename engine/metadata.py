"""Policy metadata: read from a policy's `# METADATA` block and validated against a JSON Schema.

Metadata is what turns a Rego rule into a compliance control: severity, the regulation articles
it serves, the resource kinds it applies to and how to fix what it finds. Unknown keys are
errors, so a typo never silently drops a regulation mapping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .errors import PolicyError, SourceLocation
from .models import Regulation, Severity

FRAMEWORKS = ("GDPR", "DSA", "SEC", "EU-AI-ACT", "NIST-800-53", "ISO-27001", "CIS")

# OPA annotation keys; gavel's own fields live under `custom`.
_OPA_ANNOTATION_KEYS = {
    "scope",
    "title",
    "description",
    "related_resources",
    "authors",
    "organizations",
    "schemas",
    "entrypoint",
    "custom",
}


@dataclass(frozen=True)
class PolicyMetadata:
    """What gavel knows about a policy besides its Rego: identity, severity, mapping, remedy."""

    id: str
    title: str
    severity: Severity
    version: str = "1.0.0"
    description: str = ""
    controls: tuple[str, ...] = ()
    regulations: tuple[Regulation, ...] = ()
    resource_kinds: tuple[str, ...] = ()
    remediation: str = ""
    deprecated: bool = False
    replaced_by: tuple[str, ...] = ()

    def applies_to(self, kind: str) -> bool:
        return "*" in self.resource_kinds or kind in self.resource_kinds

    def to_document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "severity": self.severity.value,
            "description": self.description,
            "controls": list(self.controls),
            "regulations": [{"framework": r.framework, "article": r.article} for r in self.regulations],
            "resource_kinds": list(self.resource_kinds),
            "remediation": self.remediation,
            "deprecated": self.deprecated,
            "replaced_by": list(self.replaced_by),
        }


@cache
def metadata_schema() -> dict[str, Any]:
    """The published JSON Schema for the `custom` block plus title and description."""
    text = resources.files(__package__).joinpath("schemas/policy-metadata.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def extract_metadata_block(rego_text: str) -> tuple[str, int] | None:
    """The YAML of the first `# METADATA` comment block and the line it starts on, if any."""
    lines = rego_text.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == "# METADATA":
            body: list[str] = []
            for following in lines[index + 1 :]:
                stripped = following.lstrip()
                if not stripped.startswith("#"):
                    break
                content = stripped[1:]
                body.append(content[1:] if content.startswith(" ") else content)
            return "\n".join(body), index + 1
    return None


def parse_metadata(rego_text: str, path: str) -> PolicyMetadata | None:
    """Validated metadata of a policy file, or None when it has no `# METADATA` block with an id."""
    import jsonschema

    block = extract_metadata_block(rego_text)
    if block is None:
        return None
    yaml_text, line = block
    try:
        annotation = yaml.safe_load(yaml_text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = line + 1 + mark.line if mark is not None else line
        raise PolicyError(f"METADATA block is not valid YAML: {error}", SourceLocation(path, at)) from None
    if not isinstance(annotation, dict):
        raise PolicyError("METADATA block must be a mapping", SourceLocation(path, line))
    unknown = set(annotation) - _OPA_ANNOTATION_KEYS
    if unknown:
        raise PolicyError(f"unknown METADATA keys: {sorted(unknown)}", SourceLocation(path, line))
    custom = annotation.get("custom") or {}
    if "id" not in custom:
        return None
    document = {"title": annotation.get("title"), "description": annotation.get("description", ""), **custom}
    validator = jsonschema.Draft202012Validator(metadata_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or "metadata"
        raise PolicyError(f"invalid metadata at {where}: {first.message}", SourceLocation(path, line))
    return PolicyMetadata(
        id=document["id"],
        title=document["title"],
        severity=Severity(document["severity"]),
        version=document.get("version", "1.0.0"),
        description=(document.get("description") or "").strip(),
        controls=tuple(document.get("controls", ())),
        regulations=tuple(
            Regulation(r["framework"], str(r["article"])) for r in document.get("regulations", ())
        ),
        resource_kinds=tuple(document.get("resource_kinds", ())),
        remediation=(document.get("remediation") or "").strip(),
        deprecated=bool(document.get("deprecated", False)),
        replaced_by=tuple(document.get("replaced_by", ())),
    )
