"""The dependency rule of DESIGN section 1: the engine depends on nothing else in gavel, and
adapters, evidence and reports depend only on the engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "engine": {"engine"},
    "adapters": {"engine", "adapters"},
    "evidence": {"engine", "evidence"},
    "reports": {"engine", "reports"},
}


def _gavel_imports(path: Path) -> set[str]:
    """Top-level gavel parts a module imports, resolving relative imports against its package."""
    package_parts = path.relative_to(ROOT).parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                target = [*base, *(node.module.split(".") if node.module else [])]
                if target:
                    found.add(target[0])
                elif node.names:
                    found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("gavel."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("gavel."))
    return found


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_part_imports_only_what_it_may(part: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_gavel_imports(path) - ALLOWED[part])
        for path in (ROOT / part).rglob("*.py")
        if _gavel_imports(path) - ALLOWED[part]
    }
    assert offenders == {}
