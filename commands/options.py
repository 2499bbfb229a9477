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


def jobs_option(function: F) -> F:
    """`--jobs N` (or GAVEL_JOBS), for the commands that judge whole estates."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        envvar="GAVEL_JOBS",
        metavar="N",
        help="Processes judging a large estate (2,000 resources or more) with the embedded runtime. "
        "[default: every CPU this process may use]",
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


def report_options(function: F) -> F:
    """`--format` and `--output`."""
    from ..reports.base import FORMATS

    function = click.option(
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write the report here (atomically) instead of stdout.",
    )(function)
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(sorted(FORMATS)),
        default="text",
        show_default=True,
        help="Output format: a table for people, json, SARIF for code scanning, JUnit, GitHub annotations.",
    )(function)


def gate_options(function: F) -> F:
    """`--fail-on`, `--max-risk`, `--environment` and `--waivers`: what makes a run fail."""
    from ..engine.models import Severity

    for decorator in reversed(
        [
            click.option(
                "--fail-on",
                type=click.Choice([s.value for s in Severity]),
                default=Severity.HIGH.value,
                show_default=True,
                help="Fail when an unwaived violation is at or above this severity.",
            ),
            click.option(
                "--max-risk",
                type=float,
                help="Fail when the risk score (sum of severity weights) exceeds this.",
            ),
            click.option(
                "--environment",
                help="Take --max-risk from the risk thresholds of this environment (data risk.yaml).",
            ),
            click.option(
                "--waivers",
                type=click.Path(path_type=Path, dir_okay=False),
                help="YAML file of expiring waivers.",
            ),
        ]
    ):
        function = decorator(function)
    return function
