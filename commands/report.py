"""`gavel report`: an audit report over a period of evidence, recorded as evidence itself.

Wires the parts together: verify the store, aggregate the period from the report index,
render each requested format into `--out`, then sign the files' digests into the log so a copy
handed to an auditor can be checked with `gavel evidence verify-report`. A store that fails
verification still gets its report (saying so, in red in HTML) and the command exits 5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import __version__
from ..engine.errors import EvidenceIntegrityError, UsageError
from ..engine.loader import PolicySet
from ..engine.metadata import FRAMEWORKS
from ..engine.posture import StoreIntegrity
from ..reports.audit.base import AUDIT_FORMATS, get_audit_format
from .evidence import TRUSTED_KEYS, _moment
from .keys import settings_of
from .options import evidence_options, policy_options
from .output import write_atomically
from .pipeline import load_policies

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from ..evidence.store import EvidenceStore


def period_bound(value: str | None, option: str, *, end: bool) -> datetime | None:
    """A date means the whole day (so `--until 2026-03-31` includes the 31st); a time is used as given."""
    try:
        day = date.fromisoformat(value) if value is not None and len(value) == 10 else None
    except ValueError:
        day = None
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + (
            timedelta(days=1) if end else timedelta()
        )
    return _moment(value, option)


def verified_integrity(
    store: EvidenceStore, trusted: Mapping[str, Ed25519PublicKey], state_dir: Path, full: bool, size: int
) -> StoreIntegrity:
    """Verify the first `size` entries (the ones the report aggregates); a failure is a result to
    report in red, not an exception."""
    from ..evidence.audit_summary import checkpoint_at
    from ..evidence.store_verify import verify_store

    try:
        verified = verify_store(store, trusted, state_dir=state_dir, full=full, size=size)
    except EvidenceIntegrityError as error:
        return StoreIntegrity(store.origin, False, size, 0, error.one_line(), checkpoint_at(store, size))
    report = verified.report
    return StoreIntegrity(
        store.origin, True, report.size, report.checkpoints, None, checkpoint_at(store, size), verified.scope
    )


def resolve_frameworks(requested: Sequence[str], policy_set: PolicySet) -> tuple[list[str], bool]:
    """The frameworks to report (in the canonical order) and whether the user narrowed them."""
    mapped = {r.framework for p in policy_set.policies for r in p.metadata.regulations}
    ordered = [f for f in FRAMEWORKS if f in mapped] + sorted(mapped - set(FRAMEWORKS))
    if not requested:
        if not ordered:
            raise UsageError("no loaded policy maps to any framework, so there is nothing to report on")
        return ordered, False
    chosen = []
    for name in requested:
        match = next((f for f in [*ordered, *FRAMEWORKS] if f.lower() == name.lower()), None)
        if match is None:
            raise UsageError(f"unknown framework {name!r}; frameworks: {', '.join(FRAMEWORKS)}")
        if match not in mapped:
            raise UsageError(
                f"no loaded policy maps to framework {match}, so it cannot be assessed "
                f"(frameworks with policies: {', '.join(ordered) or 'none'})",
                hint="pass --policies with a library that covers it",
            )
        if match not in chosen:
            chosen.append(match)
    return [f for f in ordered if f in chosen], True


@click.command()
@click.option(
    "--since", metavar="DATE", help="First day (YYYY-MM-DD) or ISO 8601 time. Default: the first record."
)
@click.option(
    "--until",
    metavar="DATE",
    help="Last day, included (YYYY-MM-DD), or ISO 8601 time, excluded. Default: the last record.",
)
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    metavar="NAME",
    help="Report on this framework (repeatable). Default: all.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(AUDIT_FORMATS)),
    default=("html",),
    show_default=True,
    help="Output format (repeatable): html, md, oscal (assessment results), policyreport (YAML), json.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder to write the report files into.",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rows in the top-N tables."
)
@click.option(
    "--full-verify",
    is_flag=True,
    help="Check every signature again, not only entries added since this machine last verified the store.",
)
@policy_options
@evidence_options
@TRUSTED_KEYS
@click.pass_context
def command(
    context: click.Context,
    since: str | None,
    until: str | None,
    frameworks: tuple[str, ...],
    formats: tuple[str, ...],
    out: Path,
    top: int,
    full_verify: bool,
    policies: tuple[str, ...],
    data: tuple[Path, ...],
    evidence_url: str | None,
    no_evidence: bool,
    trusted_keys: Path | None,
) -> None:
    """Audit report over a period: HTML, Markdown, OSCAL, PolicyReport, JSON.

    Posture per framework and requirement over time, top failures, waivers, manual attestations,
    recent admission denials and the evidence it rests on. The store is verified against the
    trusted keys while the report is aggregated: entries this machine verified before (state kept
    in $GAVEL_HOME/verified) are re-hashed and compared, new ones are checked in full, and
    --full-verify checks everything again. Recorded results are mapped to frameworks through the
    policy library's metadata (--policies, default the built-in library); one file per --format
    is written into --out, and the files' digests are then recorded as evidence (unless
    --no-evidence). Exits 5 when the store fails verification.

    \b
    Examples:
      gavel report --format html --out reports/
      gavel report --since 2026-01-01 --until 2026-03-31 --framework GDPR --format md --format oscal
      gavel report --evidence postgresql://gavel@db/evidence --format policyreport --out .
    """
    from ..evidence.audit_summary import Limits, summarise
    from ..evidence.keys import load_or_create_signer, load_trusted_keys
    from ..evidence.queries import Scope
    from ..evidence.report_index import backfill
    from ..evidence.report_record import ReportScope, record_report
    from ..evidence.store import LOG_ID, EvidenceStore

    start, end = period_bound(since, "--since", end=False), period_bound(until, "--until", end=True)
    if start and end and start >= end:
        raise UsageError(f"--since {since} is not before --until {until}")
    policy_set = load_policies(policies, data)
    names, narrowed = resolve_frameworks(frameworks, policy_set)
    settings = settings_of(context)
    trusted = load_trusted_keys(trusted_keys or settings.keys_dir)
    now = datetime.now(UTC)
    with EvidenceStore.open(evidence_url or settings.evidence_url) as store:
        backfill(store.database, LOG_ID)
        with store.snapshot() as connection:
            size = int(store.state(connection).tree_size)
        scope = Scope([p.metadata for p in policy_set.policies], names, start, end, size, narrowed)
        with ThreadPoolExecutor(1) as background:
            verifying = background.submit(
                verified_integrity, store, trusted, settings.home / "verified", full_verify, size
            )
            summary = summarise(
                store,
                scope,
                integrity=StoreIntegrity(store.origin, False, size, 0, "not verified yet", None),
                generated_at=now,
                tool_version=__version__,
                policy_set_digest=policy_set.digest(),
                limits=Limits(top=top),
            )
            integrity = verifying.result()
        summary = replace(summary, integrity=integrity)
        files = {}
        for name in dict.fromkeys(formats):
            report = get_audit_format(name)
            files[report.file_name] = report.render(summary)
            write_atomically(out / report.file_name, files[report.file_name])
            click.echo(f"gavel: wrote {out / report.file_name}", err=True)
        if integrity.verified and not no_evidence:
            signer, notice = load_or_create_signer(settings.keys_dir)
            if notice:
                click.echo(f"gavel: {notice}", err=True)
            point = integrity.checkpoint
            receipt = record_report(
                store,
                files,
                ReportScope(start, end, names, integrity.entries, point.root if point else "", True, now),
                signer,
            )
            click.echo(
                f"gavel: report recorded as evidence #{receipt.log_index} ({receipt.record_digest})", err=True
            )
    if not integrity.verified:
        raise EvidenceIntegrityError(
            f"the evidence store failed verification ({integrity.problem}); "
            "the report says so and was not recorded"
        )
