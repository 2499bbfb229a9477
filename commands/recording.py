"""Recording a run as signed evidence: key on first use, one record per run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import click

from ..engine.models import Decision, EvidenceReceipt, Resource
from .settings import Settings


def record_run(
    decision: Decision, resources: Iterable[Resource], evidence_url: str | None, context: Mapping[str, Any]
) -> EvidenceReceipt:
    """Sign and append the decision, naming every judged source with the digest of what was read.

    Raises (and reports nothing as recorded) when the decision cannot be made durable.
    """
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
            subject_digests={r.provenance.source: r.provenance.source_digest for r in resources},
            context=context,
        )
