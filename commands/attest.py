"""`gavel attest REQUIREMENT`: record a person's signed statement for a requirement no policy can check.

`gavel attest "Art. 35(7)" --framework GDPR --by "Jane Doe <jane@example.com>" --statement "DPIA
reviewed" --expires 2027-06-30` appends a manual-attestation record to the evidence log; `gavel
attest list` shows them; `gavel policy coverage` counts one while it is unexpired. Only
requirements the framework file marks `assessment: attestation` can be attested: the others are
checked by policies or out of scope.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import click

from ..engine.coverage import Attestation
from ..engine.errors import UsageError
from ..engine.frameworks import Assessment, FrameworkLibrary, Requirement, load_frameworks
from ..engine.metadata import FRAMEWORKS
from .keys import settings_of
from .mapping_options import EVIDENCE_OPTION, FRAMEWORKS_OPTION

_PERSON = re.compile(r"^[^<>@]*\S[^<>@]* <[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


class _AttestGroup(click.Group):
    """`gavel attest REQUIREMENT ...` records; `gavel attest list` lists: a leading argument that
    is not a subcommand is the requirement of the default `record` subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["record", *args]
        return super().parse_args(ctx, args)


@click.group("attest", cls=_AttestGroup)
def command() -> None:
    """Record a person's signed attestation for a requirement no policy can check.

    `gavel attest list` shows those recorded.

    \b
    gavel attest "Art. 35(7)" --framework GDPR --by "Jane Doe <jane@example.com>" \\
        --statement "DPIA reviewed" --expires 2027-06-30 [--evidence-ref URL]
    gavel attest list [--framework GDPR] [--format json]
    """


def attestable(library: FrameworkLibrary, framework: str, requirement_id: str) -> Requirement:
    """The requirement, if the framework file marks it for attestation; a usage error otherwise."""
    found = library.get(framework).requirement(requirement_id)
    if found is None:
        raise UsageError(
            f"{framework} has no requirement {requirement_id!r}",
            hint=f"see `gavel policy coverage --framework {framework}`",
        )
    if found.deprecated:
        raise UsageError(
            f"{framework} {requirement_id} is deprecated (replaced by {', '.join(found.replaced_by)})"
        )
    if found.assessment is not Assessment.ATTESTATION:
        raise UsageError(
            f"{framework} {requirement_id} is {found.assessment.value}, not for attestation",
            hint="only requirements marked `assessment: attestation` are attested by a person",
        )
    return found


def _expiry(value: str, today: date) -> date:
    try:
        expires = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--expires {value!r} is not a date (YYYY-MM-DD)") from None
    if expires <= today:
        raise UsageError(f"--expires {value} is not in the future; an attestation must expire after today")
    return expires


@command.command("record")
@click.argument("requirement")
@click.option(
    "--framework", required=True, type=click.Choice(FRAMEWORKS), help="Framework of the requirement."
)
@click.option("--by", "person", required=True, help='Who attests, as "Name <email>".')
@click.option("--statement", required=True, help='What they attest, e.g. "DPIA reviewed".')
@click.option("--expires", required=True, help="Last day the attestation counts (YYYY-MM-DD).")
@click.option("--evidence-ref", help="URL of the supporting document (the DPIA, the minutes).")
@FRAMEWORKS_OPTION
@EVIDENCE_OPTION
@click.pass_context
def record(
    context: click.Context,
    requirement: str,
    framework: str,
    person: str,
    statement: str,
    expires: str,
    evidence_ref: str | None,
    frameworks_dir: Path | None,
    evidence_url: str | None,
) -> None:
    """Sign and record an attestation of REQUIREMENT.

    The statement names the person attesting and counts in `gavel policy coverage` through --expires.
    """
    from ..evidence.attestations import record_attestation
    from ..evidence.keys import load_or_create_signer
    from ..evidence.store import EvidenceStore

    now = datetime.now(UTC)
    if not _PERSON.match(person):
        raise UsageError(f"--by {person!r} must read 'Name <email>'")
    if not statement.strip():
        raise UsageError("--statement must say what is attested")
    if evidence_ref is not None and not _URI.match(evidence_ref):
        raise UsageError(f"--evidence-ref {evidence_ref!r} is not a URL")
    found = attestable(load_frameworks(frameworks_dir), framework, requirement)
    attestation = Attestation(
        framework=framework,
        requirement=found.id,
        by=person,
        statement=statement.strip(),
        expires=_expiry(expires, now.date()),
        attested_at=now,
        evidence_ref=evidence_ref,
    )
    settings = settings_of(context)
    signer, notice = load_or_create_signer(settings.keys_dir)
    if notice:
        click.echo(f"gavel: {notice}", err=True)
    with EvidenceStore.open(evidence_url or settings.evidence_url) as store:
        receipt = record_attestation(store, attestation, signer=signer, requirement_title=found.title)
    click.echo(
        f"recorded attestation of {framework} {found.id} by {person}, valid until {attestation.expires}: "
        f"log index {receipt.log_index} ({receipt.record_digest})"
    )


@command.command("list")
@click.option("--framework", type=click.Choice(FRAMEWORKS), help="Only attestations of this framework.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@EVIDENCE_OPTION
@click.pass_context
def list_attestations(
    context: click.Context, framework: str | None, output_format: str, evidence_url: str | None
) -> None:
    """List recorded attestations and whether each is still valid.

    Oldest first; an attestation is valid through its expiry day.
    """
    from ..evidence.attestations import read_attestations
    from ..evidence.store import EvidenceStore

    today = datetime.now(UTC).date()
    with EvidenceStore.open(evidence_url or settings_of(context).evidence_url) as store:
        found = [a for a in read_attestations(store) if framework is None or a.framework == framework]
    if output_format == "json":
        documents = [a.to_document() | {"valid": a.valid_on(today)} for a in found]
        click.echo(json.dumps(documents, indent=2))
        return
    for attestation in found:
        state = "valid" if attestation.valid_on(today) else "EXPIRED"
        click.echo(
            f"{attestation.log_index:>6}  {attestation.framework} {attestation.requirement}  {state} "
            f"until {attestation.expires}  by {attestation.by}: {attestation.statement}"
        )
    click.echo(f"{len(found)} attestations")
