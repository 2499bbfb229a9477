"""Discovers policy folders and turns them into a `PolicySet` the runtimes can evaluate.

Two kinds of folder are understood: gavel policies (a `# METADATA` block whose `custom.id`
equals the folder name and the package's last segment) and Conftest-style folders (any package
with `deny`, `violation` or `warn` rules and no gavel metadata), so users bring existing policy.
The built-in `lib/` helpers and `data/` documents are always loaded; user data overrides them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyError, SourceLocation
from .gatekeeper import load_gatekeeper
from .metadata import PolicyMetadata, parse_metadata
from .models import Severity

_PACKAGE = re.compile(r"^package\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_RESULT_RULE = re.compile(r"^((?:deny|violation|warn)(?:_\w+)?)\b", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_\w+)\b", re.MULTILINE)
_REGO_V1_IMPORT = re.compile(r"^import\s+rego\.v1\s*$", re.MULTILINE)
_V0_RULE_HEAD = re.compile(r"^\w+(\[[^\]]*\])?\s*(=\s*[^{]+)?\s*\{\s*$", re.MULTILINE)

BUILTIN_LIBRARY = "builtin"
# The package evaluation generates to ask every policy at once; no loaded module may claim it.
DISPATCH_PACKAGE = "gavel_dispatch"
# libyaml's loader when PyYAML was built with it: the reference data loads on every run.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Policy:
    """One evaluable policy: its metadata, the Rego package holding it and the rules it reads."""

    metadata: PolicyMetadata
    package: str
    folder: Path
    rules: tuple[str, ...]
    conftest: bool = False

    @property
    def id(self) -> str:
        return self.metadata.id


@dataclass(frozen=True)
class RegoTest:
    """A Rego unit test rule (`test_*`) and the file it lives in."""

    package: str
    rule: str
    path: str


@dataclass(frozen=True)
class PolicySet:
    """Everything needed to evaluate: policies, every Rego module, and the base data document."""

    policies: tuple[Policy, ...]
    modules: Mapping[str, str]
    data: Mapping[str, Any]
    tests: tuple[RegoTest, ...] = ()
    test_modules: Mapping[str, str] = field(default_factory=dict)
    rego_v0_modules: frozenset[str] = frozenset()

    def digest(self) -> str:
        """`sha256:` over every module and the data, independent of load order."""
        hasher = hashlib.sha256()
        for path in sorted(self.modules):
            hasher.update(path.encode() + b"\0" + self.modules[path].encode() + b"\0")
        hasher.update(json.dumps(self.data, sort_keys=True, separators=(",", ":")).encode())
        return "sha256:" + hasher.hexdigest()

    def get(self, policy_id: str) -> Policy:
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        raise PolicyError(f"no policy with id {policy_id!r}", hint="see `gavel policy list`")


def builtin_library() -> Path:
    return Path(str(resources.files("gavel.policies")))


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `override` into `base`: objects merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_data_file(path: Path) -> Any:
    """A YAML or JSON data document; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"cannot read data file: {error.strerror}", SourceLocation(str(path))) from None
    try:
        return yaml.load(text, Loader=_YAML_LOADER) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyError(
            f"invalid JSON: {error.msg}", SourceLocation(str(path), error.lineno, error.colno)
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        location = (
            SourceLocation(str(path), mark.line + 1, mark.column + 1) if mark else SourceLocation(str(path))
        )
        reason = getattr(error, "problem", None) or str(error)
        raise PolicyError(f"invalid YAML: {reason}", location) from None


def _data_folder_document(folder: Path) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
                document[path.stem] = load_data_file(path)
    return document


def _rego_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*.rego")):
        relative = path.relative_to(root).parts
        if "samples" in relative or any(part.startswith(".") for part in relative):
            continue
        yield path


def _display_path(path: Path, root: Path, builtin: Path) -> str:
    if path.is_relative_to(builtin):
        return f"policies/{path.relative_to(builtin).as_posix()}"
    return path.as_posix() if not path.is_absolute() else str(path)


def is_rego_v0(text: str) -> bool:
    """Rego v0 modules (Gatekeeper and older Conftest policies) write rule bodies without `if`."""
    if _REGO_V1_IMPORT.search(text):
        return False
    return bool(_V0_RULE_HEAD.search(text))


def package_of_module(text: str, display: str) -> str:
    """The module's package; a missing declaration or a package gavel generates is an error."""
    found = _PACKAGE.search(text)
    if not found:
        raise PolicyError("Rego file has no package declaration", SourceLocation(display, 1, 1))
    package = found.group(1)
    if package.split(".")[0] == DISPATCH_PACKAGE:
        raise PolicyError(f"package {package!r} is reserved by gavel", SourceLocation(display, 1, 1))
    return package


def _gavel_policy(metadata: PolicyMetadata, package: str, path: Path, display: str) -> Policy:
    last_segment = package.rsplit(".", 1)[-1]
    if not (metadata.id == path.parent.name == last_segment):
        raise PolicyError(
            f"policy id {metadata.id!r}, folder {path.parent.name!r} and package {package!r} must agree",
            SourceLocation(display),
            hint="name the folder and the package's last segment after custom.id",
        )
    return Policy(metadata=metadata, package=package, folder=path.parent, rules=("deny", "warn"))


def _conftest_policies(package: str, texts: Sequence[str], folder: Path) -> list[Policy]:
    rules = sorted({match for text in texts for match in _RESULT_RULE.findall(text)})
    policies = []
    for rule in rules:
        severity = Severity.LOW if rule.startswith("warn") else Severity.HIGH
        metadata = PolicyMetadata(
            id=f"{package}/{rule}",
            title=f"{package}.{rule}",
            severity=severity,
            resource_kinds=("*",),
        )
        policies.append(
            Policy(metadata=metadata, package=package, folder=folder, rules=(rule,), conftest=True)
        )
    return policies


def load_policy_set(
    policy_dirs: Sequence[Path | str] = (BUILTIN_LIBRARY,),
    data_files: Sequence[Path] = (),
) -> PolicySet:
    """Load policy folders (`builtin` names the built-in library) plus the built-in lib and data."""
    builtin = builtin_library()
    roots = [builtin if str(d) == BUILTIN_LIBRARY else Path(d) for d in policy_dirs]
    for root in roots:
        if not root.is_dir():
            raise PolicyError("policy folder does not exist", SourceLocation(str(root)))
    if builtin not in roots:
        roots.insert(0, builtin / "lib")

    modules: dict[str, str] = {}
    test_modules: dict[str, str] = {}
    tests: list[RegoTest] = []
    v0_modules: set[str] = set()
    policies: list[Policy] = []
    conftest_texts: dict[str, list[str]] = {}
    conftest_folders: dict[str, Path] = {}
    data: dict[str, Any] = _data_folder_document(builtin / "data")

    for root in roots:
        if root != builtin / "lib" and root != builtin:
            data = deep_merge(data, _data_folder_document(root / "data"))
        for path in _rego_files(root):
            display = _display_path(path, root, builtin)
            text = path.read_text(encoding="utf-8")
            package = package_of_module(text, display)
            if is_rego_v0(text):
                v0_modules.add(display)
            if path.name.endswith("_test.rego"):
                if root == builtin / "lib":
                    continue
                test_modules[display] = text
                tests.extend(RegoTest(package, rule, display) for rule in _TEST_RULE.findall(text))
                continue
            if display in modules:
                continue
            modules[display] = text
            metadata = parse_metadata(text, display)
            if metadata is not None:
                policies.append(_gavel_policy(metadata, package, path, display))
            elif not package.startswith("gavel.lib") and _RESULT_RULE.search(text):
                conftest_texts.setdefault(package, []).append(text)
                conftest_folders.setdefault(package, path.parent)

    gatekeeper = load_gatekeeper(roots)
    modules.update(gatekeeper.modules)
    v0_modules |= gatekeeper.rego_v0_modules
    policies.extend(Policy(c.metadata, c.package, c.folder, c.rules) for c in gatekeeper.constraints)
    for package, texts in sorted(conftest_texts.items()):
        policies.extend(_conftest_policies(package, texts, conftest_folders[package]))
    for data_file in data_files:
        document = load_data_file(data_file)
        if not isinstance(document, Mapping):
            raise PolicyError(
                "a data file must hold a mapping at its top level", SourceLocation(str(data_file))
            )
        data = deep_merge(data, document)

    _reject_duplicate_ids(policies)
    return PolicySet(
        policies=tuple(sorted(policies, key=lambda p: p.id)),
        modules=modules,
        data=data,
        tests=tuple(tests),
        test_modules=test_modules,
        rego_v0_modules=frozenset(v0_modules),
    )


def _reject_duplicate_ids(policies: Sequence[Policy]) -> None:
    seen: dict[str, Policy] = {}
    for policy in policies:
        if policy.id in seen and not policy.conftest:
            raise PolicyError(
                f"policy id {policy.id!r} is defined twice (also in {seen[policy.id].folder})",
                SourceLocation(str(policy.folder)),
            )
        seen[policy.id] = policy
