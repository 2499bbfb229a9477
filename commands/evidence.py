"""`gavel evidence`: inspect, prove and export the signed decision log.

`verify` and `verify-bundle` trust only public keys the user holds (the keys folder, or the file
given with `--trusted-keys`), never keys stored beside the evidence. Failures raise
`EvidenceIntegrityError` subclasses, which `cli.py` turns into exit code 5.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from ..engine.errors import EvidenceIntegrityError, InputError, UsageError
from ..evidence.canonical import strict_loads
from ..evidence.dsse import Envelope
from ..evidence.export import export_bundle
from ..evidence.keys import load_trusted_keys
from ..evidence.offline import verify_bundle
from ..evidence.report_index import backfill, record_kind
from ..evidence.report_record import file_digest, find_report
from ..evidence.store import LOG_ID, EvidenceStore
from ..evidence.store_verify import verify_store
from ..evidence.verify import VerificationReport
from .keys import settings_of

EVIDENCE_OPTION = click.option(
    "--evidence", "evidence_url", help="Evidence store URL (default: $GAVEL_EVIDENCE or the local store)."
)


def _moment(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise UsageError(f"{option} {value!r} is not an ISO 8601 date or time") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _open(context: click.Context, evidence_url: str | None) -> EvidenceStore:
    return EvidenceStore.open(evidence_url or settings_of(context).evidence_url)


def _statement(envelope: bytes) -> dict[str, Any]:
    document = strict_loads(Envelope.from_bytes(envelope).payload)
    return document if isinstance(document, dict) else {}


def _summary(row: Any) -> dict[str, Any]:
    predicate = _statement(bytes(row.envelope)).get("predicate", {})
    resources = predicate.get("resources", [])
    return {
        "index": row.idx,
        "integrated_time": row.integrated_time,
        "record_id": row.record_id,
        "record_digest": f"sha256:{row.envelope_sha256}",
        "predicate_type": row.predicate_type,
        "decision": row.decision,
        "policies": sorted({r["policy"] for res in resources for r in res.get("results", [])}),
        "resources": [res.get("id") for res in resources],
        "key_id": row.key_id,
    }


def _matching(
    store: EvidenceStore,
    *,
    since: datetime | None,
    until: datetime | None,
    decision: str | None,
    policy: str | None,
    resource: str | None,
) -> Iterator[dict[str, Any]]:
    with store.snapshot() as connection:
        for row in store.entry_rows(connection):
            moment = datetime.fromisoformat(row.integrated_time)
            outside = (since and moment < since) or (until and moment >= until)
            if outside or (decision and row.decision != decision):
                continue
            summary = _summary(row)
            if (policy and policy not in summary["policies"]) or (
                resource and resource not in summary["resources"]
            ):
                continue
            yield summary


@click.group(name="evidence")
def command() -> None:
    """Inspect, verify and export the signed evidence log."""


@command.command(name="log")
@EVIDENCE_OPTION
@click.option("--since", help="Only records integrated at or after this ISO 8601 time.")
@click.option("--until", help="Only records integrated before this ISO 8601 time.")
@click.option("--decision", type=click.Choice(["allow", "deny"]), help="Only this decision.")
@click.option("--policy", help="Only records with a result from this policy id.")
@click.option("--resource", help="Only records that evaluated this resource id.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def log_command(
    context: click.Context,
    *,
    evidence_url: str | None,
    since: str | None,
    until: str | None,
    decision: str | None,
    policy: str | None,
    resource: str | None,
    output_format: str,
) -> None:
    """List recorded decisions."""
    with _open(context, evidence_url) as store:
        found = _matching(
            store,
            since=_moment(since, "--since"),
            until=_moment(until, "--until"),
            decision=decision,
            policy=policy,
            resource=resource,
        )
        if output_format == "json":
            click.echo(json.dumps(list(found), indent=2))
            return
        for item in found:
            label = item["decision"] or record_kind(item["predicate_type"])
            click.echo(
                f"{item['index']:>8}  {item['integrated_time']}  {label:<12}  {', '.join(item['policies'])}"
            )


@command.command()
@EVIDENCE_OPTION
@click.argument("index", type=int)
@click.pass_context
def show(context: click.Context, evidence_url: str | None, index: int) -> None:
    """Print the signed statement recorded at INDEX, with its envelope digest."""
    with _open(context, evidence_url) as store, store.snapshot() as connection:
        rows = list(store.entry_rows(connection, index, index + 1))
        if not rows:
            raise UsageError(f"the evidence log has no entry {index}")
        document = {
            "index": index,
            "integrated_time": rows[0].integrated_time,
            "record_digest": f"sha256:{rows[0].envelope_sha256}",
            "statement": _statement(bytes(rows[0].envelope)),
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _echo_report(report: VerificationReport, output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(report.to_document(), indent=2))
        return
    decisions = ", ".join(f"{k} {v}" for k, v in sorted(report.decisions.items())) or "none"
    click.echo(
        f"verified {report.size} entries of {report.origin}: root {report.root.hex()}, "
        f"{report.checkpoints} checkpoints, decisions: {decisions}"
    )


TRUSTED_KEYS = click.option(
    "--trusted-keys",
    type=click.Path(path_type=Path),
    help="PEM file (or keys folder) of trusted public keys; default: the keys folder.",
)
REPORT_FORMAT = click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")


@command.command()
@EVIDENCE_OPTION
@TRUSTED_KEYS
@REPORT_FORMAT
@click.option(
    "--incremental",
    is_flag=True,
    help="Re-hash what this machine verified before ($GAVEL_HOME/verified); check only new entries in full.",
)
@click.pass_context
def verify(
    context: click.Context,
    evidence_url: str | None,
    trusted_keys: Path | None,
    output_format: str,
    incremental: bool,
) -> None:
    """Verify the whole store: signatures, Merkle nodes, checkpoints and their consistency."""
    settings = settings_of(context)
    trusted = load_trusted_keys(trusted_keys or settings.keys_dir)
    with _open(context, evidence_url) as store:
        verified = verify_store(store, trusted, state_dir=settings.home / "verified", full=not incremental)
    _echo_report(verified.report, output_format)
    if output_format == "text":
        click.echo(verified.scope)


@command.command()
@EVIDENCE_OPTION
@click.option("--since", help="First integrated time to include (ISO 8601).")
@click.option("--until", help="Integrated time to stop before (ISO 8601).")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Bundle file to write.")
@click.pass_context
def export(
    context: click.Context, evidence_url: str | None, since: str | None, until: str | None, out: Path
) -> None:
    """Write a bundle an auditor can verify offline with `gavel evidence verify-bundle`."""
    with _open(context, evidence_url) as store:
        summary = export_bundle(store, out, since=_moment(since, "--since"), until=_moment(until, "--until"))
    click.echo(
        f"exported entries {summary.begin}..{summary.end - 1} of {summary.tree_size} to {summary.path}"
    )


@command.command(name="verify-bundle")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option(
    "--trusted-keys", type=click.Path(path_type=Path), required=True, help="PEM file of trusted keys."
)
@REPORT_FORMAT
def verify_bundle_command(bundle: Path, trusted_keys: Path, output_format: str) -> None:
    """Verify an exported bundle offline, trusting only the keys in --trusted-keys."""
    _echo_report(verify_bundle(bundle, load_trusted_keys(trusted_keys)), output_format)


@command.command(name="verify-report")
@click.argument("report", type=click.Path(path_type=Path, dir_okay=False))
@EVIDENCE_OPTION
@TRUSTED_KEYS
@click.pass_context
def verify_report_command(
    context: click.Context, report: Path, evidence_url: str | None, trusted_keys: Path | None
) -> None:
    """Check that REPORT, a file `gavel report` wrote, is recorded unchanged in a store that verifies."""
    trusted = load_trusted_keys(trusted_keys or settings_of(context).keys_dir)
    try:
        digest = file_digest(report.read_bytes())
    except OSError as error:
        raise InputError(f"{report}: cannot read the report: {error.strerror}") from error
    with _open(context, evidence_url) as store:
        backfill(store.database, LOG_ID)
        verified = verify_store(store, trusted, state_dir=settings_of(context).home / "verified").report
        found = find_report(store, digest, verified.size)
    if not found:
        raise EvidenceIntegrityError(
            f"{report}: sha256:{digest} is not a report recorded in evidence log {verified.origin}",
            hint="the file was changed after it was recorded, or comes from another store",
        )
    for item in found:
        click.echo(
            f"{report}: recorded as {item.file_name} at evidence #{item.log_index} ({item.integrated_time}, "
            f"record {item.record_digest}); the store verified: {verified.size} entries, "
            f"root {verified.root.hex()}"
        )
