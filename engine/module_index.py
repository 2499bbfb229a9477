"""What the text of the loaded Rego modules says about their packages, for a cheaper dispatch.

The embedded runtime walks every loaded module for each reference to `data.<path>` it has not
evaluated yet in the current query, whether a rule is found there or not. A run therefore pays,
on every resource, for modules it never evaluates and for result rules that do not exist. This
index lets evaluation leave both out, from the module texts alone and conservatively: a name is
taken as used wherever it appears as a word in the code, string literals included.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from .loader import package_of_module

_WORD = re.compile(r"\w+")
# String literals and comments, matched together so a `#` inside a string does not start a comment.
_STRING_OR_COMMENT = re.compile(r'"(?:\\.|[^"\\\n])*"|`[^`]*`|#[^\n]*')
LIBRARY_PACKAGE = "gavel.lib"
"""The built-in helpers: loaded for every run, needed only by the policies that import them."""


def _without_comments(text: str) -> str:
    """The module's code: comments dropped, string literals kept (a literal may spell a path)."""
    return _STRING_OR_COMMENT.sub(lambda found: "" if found[0].startswith("#") else found[0], text)


class ModuleIndex:
    """Packages of the modules and the words each package's modules hold."""

    def __init__(self, modules: Mapping[str, str]):
        self._package_of: dict[str, str] = {}
        self._words_of_package: dict[str, set[str]] = {}
        for display, text in modules.items():
            package = package_of_module(text, display)
            self._package_of[display] = package
            self._words_of_package.setdefault(package, set()).update(_WORD.findall(_without_comments(text)))

    def may_define(self, package: str, rule: str) -> bool:
        """Whether any module can define the rule `data.<package>.<rule>`.

        Such a rule can only come from a module whose package is `package` or a prefix of it
        (rule heads extend the package path) and that holds the word `rule`, or from a package at
        or below `<package>.<rule>`: the rule is ruled out only when no such module exists.
        """
        target = f"{package}.{rule}"
        for other, words in self._words_of_package.items():
            encloses = target.startswith(f"{other}.")
            below = other == target or other.startswith(f"{target}.")
            if (encloses and rule in words) or below:
                return True
        return False

    def needed(self, modules: Mapping[str, str], idle_packages: Collection[str]) -> dict[str, str]:
        """`modules` without the packages no evaluation of this run can reach.

        Candidates are the `idle_packages` (policies that judge no resource of the run) and the
        built-in helpers; every other package is kept. A candidate is kept too when its last
        segment (what an import of it is called) appears as a word in a kept package, until no
        more are added.
        """
        candidates = {
            package
            for package in self._words_of_package
            if package in idle_packages
            or package == LIBRARY_PACKAGE
            or package.startswith(f"{LIBRARY_PACKAGE}.")
        }
        kept = set(self._words_of_package) - candidates
        words = set().union(*(self._words_of_package[package] for package in kept))
        added = True
        while added:
            added = False
            for package in sorted(candidates - kept):
                if package.rsplit(".", 1)[-1] in words:
                    kept.add(package)
                    words |= self._words_of_package[package]
                    added = True
        return {display: text for display, text in modules.items() if self._package_of[display] in kept}
