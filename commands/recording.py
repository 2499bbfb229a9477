"""Recording a `gavel check` run as signed evidence: key on first use, one record per run."""

from __future__ import annotations

import click

from ..adapters.detect import Collection
from ..engine.models import Decision, EvidenceReceipt
from .settings import Settings


def subject_digests(collection: Collection) -> dict[str, str]:
    """Every input document judged, by source path, with the digest of the bytes that were read."""
    return {r.provenance.source: r.provenance.source_digest for r in collection.resources}


def record_check(
    decision: Decision, collection: Collection, evidence_url: str | None, paths: list[str]
) -> EvidenceReceipt:
    """Sign and append the decision; raises (and reports nothing as recorded) when it cannot."""
    from ..evidence.keys import load_or_create_signer
    from ..evidence.store import EvidenceStore

    settings = Settings.from_environment()
    signer, notice = load_or_create_signer(settings.keys_dir)
    if notice:
        click.echo(f"gavel: {notice}", err=True)
    with EvidenceStore.open(evidence_url or settings.evidence_url) as store:
        return store.record_decision(
            decision,
            signer=signer,
            subject_digests=subject_digests(collection),
            context={"command": "check", "paths": paths, "skipped": [str(s) for s in collection.skipped]},
        )
