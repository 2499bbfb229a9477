"""`gavel policy list|show|test|coverage`: browse the library and its regulation mapping, test it,
and see how far it covers each framework."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..engine.loader import BUILTIN_LIBRARY, Policy, PolicySet
from ..engine.metadata import FRAMEWORKS
from ..engine.policy_tests import TestResult
from .mapping_options import EVIDENCE_OPTION, FRAMEWORKS_OPTION
from .options import policy_options
from .pipeline import load_policies

if TYPE_CHECKING:
    from ..engine.coverage import Attestation


@click.group("policy")
def command() -> None:
    """Browse, explain and test policies."""


def _articles(policy: Policy) -> str:
    return ", ".join(str(r) for r in policy.metadata.regulations) or "-"


@command.command("list")
@policy_options
@click.option("--framework", type=click.Choice(FRAMEWORKS), help="Only policies mapped to this framework.")
@FRAMEWORKS_OPTION
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_policies(
    policies: tuple[str, ...],
    data: tuple[Path, ...],
    framework: str | None,
    frameworks_dir: Path | None,
    output_format: str,
) -> None:
    """List policies with severity, regulation articles and the resource kinds they apply to.

    A policy belongs to a framework when it cites one of its articles or implements a control
    the framework file maps; JSON adds those mapped requirements to each policy's metadata.
    """
    from ..engine.coverage import mapped_regulations
    from ..engine.frameworks import load_frameworks

    library = load_frameworks(frameworks_dir)
    listed = []
    for policy in load_policies(policies, data).policies:
        mapped = mapped_regulations(library, policy)
        cited = {*policy.metadata.regulations, *mapped}
        if framework is None or any(r.framework == framework for r in cited):
            listed.append((policy, mapped))
    if output_format == "json":
        documents = [
            p.metadata.to_document()
            | {"mapped": [{"framework": r.framework, "article": r.article} for r in m]}
            for p, m in listed
        ]
        click.echo(json.dumps(documents, indent=2))
        return
    width = max((len(p.id) for p, _ in listed), default=10)
    click.echo(f"{'POLICY':<{width}}  {'SEVERITY':<8}  REGULATIONS / KINDS")
    for policy, _ in listed:
        meta = policy.metadata
        click.echo(f"{policy.id:<{width}}  {meta.severity.value:<8}  {_articles(policy)}")
        click.echo(f"{'':<{width}}  {'':<8}  kinds: {', '.join(meta.resource_kinds)}")
    click.echo(f"{len(listed)} policies")


@command.command("coverage")
@policy_options
@click.option("--framework", type=click.Choice(FRAMEWORKS), help="Only this framework (default: all).")
@FRAMEWORKS_OPTION
@EVIDENCE_OPTION
@click.option("--no-evidence", is_flag=True, help="Do not read attestations from the evidence store.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def coverage_command(
    context: click.Context,
    policies: tuple[str, ...],
    data: tuple[Path, ...],
    framework: str | None,
    frameworks_dir: Path | None,
    evidence_url: str | None,
    no_evidence: bool,
    output_format: str,
) -> None:
    """Per framework: requirements covered, by how many policies, and which need a person's attestation.

    Requirements marked for attestation count as covered while an unexpired `gavel attest`
    record exists in the evidence store. Mapping problems (dangling, duplicate or deprecated
    references) are listed too.
    """
    from ..engine.coverage import framework_coverage, mapping_problems
    from ..engine.frameworks import load_frameworks
    from .coverage_output import render_json, render_text

    library = load_frameworks(frameworks_dir)
    names = [framework] if framework else sorted(library.frameworks)
    selected = [library.get(name) for name in names]
    policy_set = load_policies(policies, data)
    attestations = [] if no_evidence else _attestations(context, evidence_url)
    today = datetime.now(UTC).date()
    reports = [framework_coverage(f, policy_set.policies, attestations, today) for f in selected]
    problems = mapping_problems(library, policy_set.policies)
    render = render_json if output_format == "json" else render_text
    click.echo(render(reports, problems, today), nl=False)


def _attestations(context: click.Context, evidence_url: str | None) -> list[Attestation]:
    from ..evidence.attestations import read_attestations
    from ..evidence.store import EvidenceStore
    from .keys import settings_of

    with EvidenceStore.open(evidence_url or settings_of(context).evidence_url) as store:
        return read_attestations(store)


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
            if not s.name.startswith(".") and (s.is_dir() or s.suffix in (".json", ".yaml", ".yml"))
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
