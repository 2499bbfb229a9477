"""`gavel policy list|show|test`: browse the library and its regulation mapping, and test it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from ..engine.loader import BUILTIN_LIBRARY, Policy, PolicySet
from ..engine.metadata import FRAMEWORKS
from ..engine.policy_tests import TestResult
from .options import policy_options
from .pipeline import load_policies


@click.group("policy")
def command() -> None:
    """Browse, explain and test policies."""


def _articles(policy: Policy) -> str:
    return ", ".join(str(r) for r in policy.metadata.regulations) or "-"


@command.command("list")
@policy_options
@click.option("--framework", type=click.Choice(FRAMEWORKS), help="Only policies mapped to this framework.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_policies(
    policies: tuple[str, ...], data: tuple[Path, ...], framework: str | None, output_format: str
) -> None:
    """List policies with severity, regulation articles and the resource kinds they apply to."""
    selected = [
        p
        for p in load_policies(policies, data).policies
        if framework is None or any(r.framework == framework for r in p.metadata.regulations)
    ]
    if output_format == "json":
        click.echo(json.dumps([p.metadata.to_document() for p in selected], indent=2))
        return
    width = max((len(p.id) for p in selected), default=10)
    click.echo(f"{'POLICY':<{width}}  {'SEVERITY':<8}  REGULATIONS / KINDS")
    for policy in selected:
        meta = policy.metadata
        click.echo(f"{policy.id:<{width}}  {meta.severity.value:<8}  {_articles(policy)}")
        click.echo(f"{'':<{width}}  {'':<8}  kinds: {', '.join(meta.resource_kinds)}")
    click.echo(f"{len(selected)} policies")


@command.command("show")
@click.argument("policy_id")
@policy_options
def show_policy(policy_id: str, policies: tuple[str, ...], data: tuple[Path, ...]) -> None:
    """Show one policy: what it checks, why (regulations), where it applies and how to comply."""
    policy = load_policies(policies, data).get(policy_id)
    meta = policy.metadata
    click.echo(f"{meta.id}  ({meta.severity.value}, v{meta.version})")
    click.echo(meta.title)
    if meta.description:
        click.echo(f"\n{meta.description}")
    click.echo(f"\nRegulations: {_articles(policy)}")
    click.echo(f"Controls:    {', '.join(meta.controls) or '-'}")
    click.echo(f"Applies to:  {', '.join(meta.resource_kinds)}")
    click.echo(f"Package:     data.{policy.package}   ({policy.folder})")
    if meta.remediation:
        click.echo(f"\nRemediation:\n{meta.remediation}")


@command.command("test")
@click.argument("dirs", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="List every test, not only failures.")
def test_policies(dirs: tuple[str, ...], verbose: bool) -> None:
    """Run Rego unit tests and every policy's allowed/denied samples.

    DIRS default to the built-in library. Exits 1 when any test fails.
    """
    from ..engine.policy_tests import run_rego_unit_tests
    from ..engine.rego import EmbeddedRuntime

    policy_set = load_policies(dirs or (BUILTIN_LIBRARY,), ())
    results = run_rego_unit_tests(policy_set, EmbeddedRuntime())
    for policy in policy_set.policies:
        results.extend(sample_results(policy_set, policy))
    failed = [r for r in results if not r.passed]
    for result in results if verbose else failed:
        mark = click.style("PASS", fg="green") if result.passed else click.style("FAIL", fg="red")
        click.echo(f"{mark} {result.name}" + (f": {result.detail}" if result.detail else ""))
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    click.get_current_context().exit(1 if failed else 0)


def sample_results(policy_set: PolicySet, policy: Policy) -> list[TestResult]:
    """Judge each sample; a gavel policy without an allowed and a denied sample fails too."""
    from ..adapters.detect import collect_paths
    from ..engine.estate import build_estate
    from ..engine.evaluate import evaluate
    from ..engine.policy_tests import judge_sample, only
    from ..engine.rego import EmbeddedRuntime

    results = []
    now = datetime.now(UTC)
    for expect_denied, folder in ((False, "allowed"), (True, "denied")):
        samples = [
            s
            for s in sorted((policy.folder / "samples" / folder).glob("*"))
            if not s.name.startswith(".") and s.suffix in (".json", ".yaml", ".yml")
        ]
        if not samples and not policy.conftest:
            results.append(
                TestResult(f"{policy.id}: {folder} samples", False, f"no samples/{folder}/ documents")
            )
        for sample in samples:
            collection = collect_paths([sample], collected_at=now)
            decision = evaluate(
                only(policy_set, policy), build_estate(collection.resources), EmbeddedRuntime(), now=now
            )
            results.append(judge_sample(policy, sample.name, decision, expect_denied))
    return results
