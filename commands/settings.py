"""One typed settings object, built once by the command line and passed down.

Precedence is flags, then `GAVEL_*` environment variables, then the config file, then these
defaults; click applies the first three (auto_envvar_prefix and default_map), this module holds
the defaults that depend on the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def gavel_home() -> Path:
    """Where gavel keeps its state: `$GAVEL_HOME`, else `./.gavel`."""
    return Path(os.environ.get("GAVEL_HOME") or ".gavel")


def default_evidence_url() -> str:
    return f"sqlite:///{gavel_home() / 'evidence.db'}"


@dataclass(frozen=True)
class Settings:
    """Process-wide choices every command shares."""

    home: Path
    evidence_url: str
    keys_dir: Path

    @classmethod
    def from_environment(cls) -> Settings:
        home = gavel_home()
        return cls(
            home=home,
            evidence_url=os.environ.get("GAVEL_EVIDENCE") or default_evidence_url(),
            keys_dir=home / "keys",
        )
