"""Options shared by several commands, declared once so their names and help never drift apart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def policy_options(function: F) -> F:
    """`--policies DIR` (repeatable) and `--data FILE` (repeatable)."""
    function = click.option(
        "--data",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="YAML/JSON document merged over the policy data (keys as in policies/data/). Repeatable.",
    )(function)
    return click.option(
        "--policies",
        multiple=True,
        metavar="DIR",
        help="Policy folder (repeatable). Default: the built-in library; `builtin` adds it to yours.",
    )(function)


def runtime_options(function: F) -> F:
    """`--runtime embedded|opa` and `--opa-url URL`."""
    function = click.option(
        "--opa-url",
        metavar="URL",
        help="OPA server for --runtime opa, e.g. http://127.0.0.1:8181.",
    )(function)
    return click.option(
        "--runtime",
        type=click.Choice(["embedded", "opa"]),
        default="embedded",
        show_default=True,
        help="Evaluate in-process (regorus) or on an OPA server through its REST API.",
    )(function)


def evidence_options(function: F) -> F:
    """`--evidence URL` and `--no-evidence`, for every command that records decisions."""
    function = click.option(
        "--no-evidence", is_flag=True, help="Do not record decisions as signed evidence."
    )(function)
    return click.option(
        "--evidence",
        "evidence_url",
        metavar="URL",
        help="Evidence store URL, sqlite:///PATH or postgresql://... (default: sqlite under $GAVEL_HOME).",
    )(function)
