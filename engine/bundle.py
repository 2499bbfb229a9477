"""An OPA bundle of a policy set: the same Rego and data gavel evaluates, for fleets of OPA servers.

Layout (OPA's bundle file format): a gzipped tarball with `.manifest` (`revision`, `roots`,
`rego_version: 1`), every policy and `lib/` module at a path mirroring its package
(`gavel/encryption_at_rest/s3_bucket_sse/policy.rego`), the policy data as
`gavel/data/<name>/data.json` (so policies read `data.gavel.data.<name>` as they do in gavel), and
a generated entrypoint module `gavel.entrypoint` whose `results` rule answers, for one
`input.resource`, every applicable policy's `deny` and `warn` (what gavel's own dispatch asks).
Rego unit tests (`*_test.rego`) are left out: they are for `gavel policy test`, not for serving.
The roots name only what the bundle owns, so `data.gavel.estate` stays writable through OPA's
Data API for the estate a cross-resource policy looks up. The tarball is reproducible: sorted
members, fixed timestamps, and by default the policy set's digest as the revision.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import PolicyError, SourceLocation
from .evaluate import build_dispatch
from .loader import DISPATCH_PACKAGE, PolicySet, package_of_module
from .rego import RegoBundle

MANIFEST = ".manifest"
DATA_ROOT = ("gavel", "data")
ENTRYPOINT_PACKAGE = "gavel.entrypoint"
ENTRYPOINT_RULE = "results"


@dataclass(frozen=True)
class OpaBundle:
    """A bundle's parts: its manifest, Rego modules by bundle path, and data files by bundle path."""

    manifest: Mapping[str, Any]
    modules: Mapping[str, str]
    data_files: Mapping[str, Any]

    def data(self) -> dict[str, Any]:
        """The data document the bundle's `data.json` files make, each at its directory's path."""
        document: dict[str, Any] = {}
        for path, value in sorted(self.data_files.items()):
            parent = document
            for segment in PurePosixPath(path).parent.parts:
                parent = parent.setdefault(segment, {})
            parent.update(value)
        return document

    def rego_bundle(self) -> RegoBundle:
        return RegoBundle(modules=dict(self.modules), data=self.data())


def entrypoint_module(policy_set: PolicySet) -> str:
    """`gavel.entrypoint.results`: per resource kind, every applicable policy's results at once."""
    kinds = sorted({k for p in policy_set.policies for k in p.metadata.resource_kinds if k != "*"})
    dispatch = build_dispatch(policy_set.policies, kinds)
    body = dispatch.module.replace(f"package {DISPATCH_PACKAGE}\n", f"package {ENTRYPOINT_PACKAGE}\n", 1)
    selectors = [
        f'{ENTRYPOINT_RULE} := {rule} if input.resource.kind == "{kind}"'
        for kind, rule in sorted(dispatch.rule_of_kind.items())
    ]
    return body + f"\ndefault {ENTRYPOINT_RULE} := {{}}\n\n" + "\n".join(selectors) + "\n"


def _module_path(package: str, source: str, taken: Mapping[str, str]) -> str:
    path = "/".join([*package.split("."), PurePosixPath(source).name])
    if path in taken:
        raise PolicyError(
            f"two modules of package {package} are both named {PurePosixPath(source).name} "
            f"(also {taken[path]})",
            SourceLocation(source),
        )
    return path


def _roots(packages: Sequence[str]) -> list[str]:
    """The package prefixes the bundle owns: `gavel/<domain>` for gavel's, the package's first
    segment for others, and `gavel/data`; a root inside another root is dropped."""
    candidates = {"/".join(DATA_ROOT)}
    for package in packages:
        segments = package.split(".")
        candidates.add("/".join(segments[:2] if segments[0] == "gavel" else segments[:1]))
    return sorted(
        root
        for root in candidates
        if not any(other != root and root.startswith(other + "/") for other in candidates)
    )


def build_bundle(policy_set: PolicySet, *, revision: str | None = None, tool_version: str = "") -> OpaBundle:
    """The bundle's parts for a loaded policy set; Rego v0 modules are refused (the manifest says v1)."""
    if policy_set.rego_v0_modules:
        names = ", ".join(sorted(policy_set.rego_v0_modules))
        raise PolicyError(f"an OPA bundle takes Rego v1 modules only; v0: {names}")
    modules: dict[str, str] = {}
    sources: dict[str, str] = {}
    for source, text in sorted(policy_set.modules.items()):
        path = _module_path(package_of_module(text, source), source, sources)
        modules[path], sources[path] = text, source
    modules["gavel/entrypoint/entrypoint.rego"] = entrypoint_module(policy_set)
    data_files: dict[str, Any] = {}
    for name, value in sorted(policy_set.data.items()):
        if "/" in name or not isinstance(value, Mapping):
            raise PolicyError(
                f"data document {name!r} cannot be a bundle data file (an object named without '/')"
            )
        data_files["/".join([*DATA_ROOT, name, "data.json"])] = value
    manifest = {
        "revision": revision or policy_set.digest(),
        "roots": _roots([package_of_module(text, path) for path, text in modules.items()]),
        "rego_version": 1,
        "metadata": {"gavel": {"version": tool_version, "policy_digest": policy_set.digest()}},
    }
    bundle = OpaBundle(manifest, modules, data_files)
    check_bundle(bundle)
    return bundle


def _within(path: str, roots: Sequence[str]) -> bool:
    return any(root in ("", path) or path.startswith(root + "/") for root in roots)


def check_bundle(bundle: OpaBundle) -> None:
    """OPA's activation rules: every package and data path lies under one of the manifest's roots."""
    roots = list(bundle.manifest.get("roots", [""]))
    for path, text in bundle.modules.items():
        package = package_of_module(text, path).replace(".", "/")
        if not _within(package, roots):
            raise PolicyError(f"package {package} is outside the bundle roots {roots}", SourceLocation(path))
    for path in bundle.data_files:
        directory = str(PurePosixPath(path).parent)
        if not _within(directory, roots):
            raise PolicyError(
                f"data at /{directory} is outside the bundle roots {roots}", SourceLocation(path)
            )


def _member(name: str, content: bytes) -> tuple[tarfile.TarInfo, io.BytesIO]:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(content), 0o644, 0
    return info, io.BytesIO(content)


def write_bundle(bundle: OpaBundle, out: Path) -> None:
    """Write the tarball reproducibly (sorted members, zero timestamps), replacing `out` atomically."""
    members = {MANIFEST: json.dumps(bundle.manifest, indent=2, sort_keys=True).encode()}
    members |= {path: text.encode() for path, text in bundle.modules.items()}
    members |= {path: json.dumps(value, sort_keys=True).encode() for path, value in bundle.data_files.items()}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(members):
            archive.addfile(*_member(name, members[name]))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(gzip.compress(raw.getvalue(), mtime=0))
    partial.replace(out)


def read_bundle(path: Path) -> OpaBundle:
    """Read a bundle tarball back (gavel's or any OPA bundle of Rego and data.json files)."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            files = {
                member.name.lstrip("/"): archive.extractfile(member).read()  # type: ignore[union-attr]
                for member in archive.getmembers()
                if member.isfile()
            }
    except (OSError, tarfile.TarError, EOFError) as error:
        raise PolicyError(f"not a readable bundle: {error}", SourceLocation(str(path))) from None
    try:
        manifest = json.loads(files.get(MANIFEST, b"{}"))
        modules = {name: text.decode() for name, text in files.items() if name.endswith(".rego")}
        data_files = {
            name: json.loads(text)
            for name, text in files.items()
            if name == "data.json" or name.endswith("/data.json")
        }
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PolicyError(
            f"bundle member is not valid UTF-8 JSON or Rego: {error}", SourceLocation(str(path))
        ) from None
    return OpaBundle(manifest, modules, data_files)
