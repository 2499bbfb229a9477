"""The `gavel` command line: the root group, settings precedence and error-to-exit-code mapping.

Commands live in `commands/`, one module per command or group, imported only when invoked so
`gavel --help` stays fast. This is the only place a `GavelError` becomes a message and an exit
code; everything below raises.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml

from . import __version__
from .commands.lazy_group import LazyGroup
from .commands.settings import gavel_home
from .engine.errors import GavelError, UsageError

# command name -> (module in gavel.commands exposing `command`, one-line help for `gavel --help`).
# The help is kept here so listing commands imports none of them (some pull in SQLAlchemy).
COMMANDS = {
    "attest": ("attest", "Record a person's signed attestation for a requirement no policy can check."),
    "audit": ("audit", "Audit live sources and files (cluster, AWS, lineage, MLflow) and record evidence."),
    "bundle": ("bundle", "Build an OPA bundle (.tar.gz with .manifest) of the policy library."),
    "check": ("check", "Gate Terraform plans, Kubernetes manifests and other state in CI."),
    "estate": ("estate", "Inspect the estate graph: resources of every layer and the edges joining them."),
    "evidence": ("evidence", "Inspect, verify and export the signed evidence log."),
    "keys": ("keys", "Manage the signing keys of the evidence log."),
    "lineage": ("lineage", "Receive OpenLineage events and keep them for audits."),
    "place": ("place", "Find the cheapest placement of a workload that the policies pass."),
    "policy": ("policy", "Browse, explain and test policies."),
    "report": ("report", "Audit report over a period: HTML, Markdown, OSCAL, PolicyReport, JSON."),
    "serve": ("serve", "Serve OPA's Data API over the embedded runtime (a sidecar for OPA clients)."),
    "webhook": ("webhook", "Kubernetes validating admission webhook: serve it, or print its manifests."),
}

CONFIG_HELP = (
    "YAML config file whose keys mirror commands and options "
    "(default: ./gavel.yaml, then $GAVEL_HOME/config.yaml)."
)


class GavelGroup(LazyGroup):
    """Loads subcommands lazily and turns gavel errors into a one-line message and exit code."""

    package = f"{__package__}.commands"
    modules = {name: module for name, (module, _) in COMMANDS.items()}

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, help_text) in sorted(COMMANDS.items())])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GavelError as error:
            click.echo(f"gavel: error: {error.one_line()}", err=True)
            ctx.exit(error.exit_code)


def load_config(path: Path | None) -> dict[str, Any]:
    """The config file as click's `default_map`: flags and GAVEL_* variables still win over it."""
    candidates = [path] if path else [Path("gavel.yaml"), gavel_home() / "config.yaml"]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            try:
                document = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as error:
                raise UsageError(f"{candidate}: config file is not valid YAML: {error}") from None
            if not isinstance(document, dict):
                raise UsageError(f"{candidate}: config file must be a mapping of command names to options")
            return _as_default_map(document)
        if path is not None:
            raise UsageError(f"{candidate}: config file does not exist")
    return {}


def _as_default_map(section: dict[str, Any]) -> dict[str, Any]:
    """Command names stay as written; option names accept `fail-on` as well as `fail_on`."""
    return {
        str(key) if isinstance(value, dict) else str(key).replace("-", "_"): (
            _as_default_map(value) if isinstance(value, dict) else value
        )
        for key, value in section.items()
    }


@click.group(
    cls=GavelGroup,
    context_settings={
        "auto_envvar_prefix": "GAVEL",
        "help_option_names": ["-h", "--help"],
        "max_content_width": 100,
    },
)
@click.version_option(__version__, prog_name="gavel")
@click.option(
    "--config", type=click.Path(path_type=Path, dir_okay=False), envvar="GAVEL_CONFIG", help=CONFIG_HELP
)
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Policy-as-code compliance for ML and data platforms.

    Evaluates Rego policies mapped to GDPR, DSA, SEC and EU AI Act articles over Terraform plans
    and Kubernetes manifests, gates CI with exit codes, and records every decision as signed
    evidence.

    \b
    Exit codes: 0 compliant, 1 violations over threshold, 2 usage error,
    3 policy or configuration error, 4 input or adapter error,
    5 evidence integrity failure.
    """
    try:
        ctx.default_map = load_config(config)
    except UsageError as error:
        click.echo(f"gavel: error: {error.one_line()}", err=True)
        ctx.exit(error.exit_code)


def main() -> None:
    cli.main(prog_name="gavel")
