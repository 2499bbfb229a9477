"""A click group whose subcommands are imported only when one is run.

Listing commands (`--help`) must stay fast and import none of them: some pull in SQLAlchemy,
Great Expectations or boto3. Each subcommand lives in its own module exposing `command`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import click


class LazyGroup(click.Group):
    """Subcommands by name -> module of `package`; subclasses set both."""

    package: str = ""
    modules: Mapping[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.modules)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.modules:
            return None
        module = importlib.import_module(f"{self.package}.{self.modules[cmd_name]}")
        command: click.Command = module.command
        return command
