"""The sections a person reads, independent of markup, so HTML and Markdown say exactly the same.

An audit report is a list of sections made of a few block types: paragraphs, alerts (the store's
verification verdict), tables, charts (posture over time, pass rate per requirement) and
preformatted text (the signed checkpoint). `html.py` and `markdown.py` only decide markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ...engine.models import Regulation
from ...engine.posture import WAIVER_EXPIRING_DAYS, AuditSummary, EvidenceLink, FrameworkPosture, Rate

OK, WARN, BAD = "ok", "warn", "bad"


@dataclass(frozen=True)
class Cell:
    text: str
    tone: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Alert:
    text: str
    tone: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Chart:
    """`line`: pass rate over time buckets; `bars`: pass rate per labelled item (0..1, None = no checks)."""

    kind: str
    title: str
    points: tuple[tuple[str, float | None], ...]


@dataclass(frozen=True)
class Preformatted:
    text: str


Block = Paragraph | Alert | Table | Chart | Preformatted


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def rate_tone(rate: Rate) -> str:
    value = rate.pass_rate
    if value is None:
        return ""
    return OK if value >= 0.95 else WARN if value >= 0.8 else BAD


def evidence(link: EvidenceLink) -> str:
    return f"#{link.log_index} {link.record_digest[:19]}"


def regulations(items: Sequence[Regulation], frameworks: Sequence[str]) -> str:
    return ", ".join(str(r) for r in items if r.framework in frameworks) or "-"


def integrity_alert(summary: AuditSummary) -> Alert:
    store = summary.integrity
    if store.verified:
        return Alert(
            f"The evidence store verified: {store.entries} entries and {store.checkpoints} "
            "signed checkpoints "
            f"of log {store.origin} checked against the trusted keys."
            + (f" {store.scope}" if store.scope else ""),
            OK,
        )
    return Alert(
        f"The evidence store FAILED verification: {store.problem}. The figures in this report come from "
        "records that could not be proven and must not be relied on.",
        BAD,
    )


def _rate_cells(rate: Rate) -> tuple[Cell, ...]:
    return (Cell(str(rate.checks)), Cell(str(rate.failed)), Cell(rate.percent(), rate_tone(rate)))


def summary_section(summary: AuditSummary) -> Section:
    totals = summary.totals
    frameworks = ", ".join(f.name for f in summary.frameworks)
    blocks: list[Block] = [
        integrity_alert(summary),
        Paragraph(
            f"Period: {summary.period_text()}. Frameworks: {frameworks}. "
            f"Generated {when(summary.generated_at)} "
            f"by gavel {summary.tool_version}."
        ),
    ]
    if summary.empty:
        blocks.append(Paragraph("No decisions were recorded in this period: there is nothing to assess."))
    else:
        sources = ", ".join(f"{source} {count}" for source, count in totals.by_source)
        blocks.append(
            Paragraph(
                f"{totals.decisions} decisions ({totals.allowed} allowed, {totals.denied} denied; {sources}) "
                f"judged {totals.resources} resources between {when(totals.first)} and {when(totals.last)}. "
                f"Overall pass rate: {summary.overall.percent()} of {summary.overall.checks} checks."
            )
        )
    blocks.append(
        Table(
            ("Framework", "Policies", "Checks", "Failed", "Pass rate"),
            tuple(
                (Cell(f.name), Cell(str(len(f.policies))), *_rate_cells(f.rate)) for f in summary.frameworks
            ),
        )
    )
    return Section("summary", "Summary", tuple(blocks))


def framework_section(framework: FrameworkPosture, bucket: str) -> Section:
    label = "Week of" if bucket == "week" else "Day"
    blocks: list[Block] = []
    if framework.rate.checks == 0:
        blocks.append(Paragraph(f"No check of a {framework.name} policy was recorded in this period."))
    else:
        blocks.append(
            Chart(
                "line",
                f"{framework.name} pass rate per {bucket}",
                tuple((p.start.isoformat(), p.rate.pass_rate) for p in framework.series),
            )
        )
        blocks.append(
            Table(
                (label, "Checks", "Failed", "Pass rate"),
                tuple(
                    (Cell(p.start.isoformat()), *_rate_cells(p.rate))
                    for p in framework.series
                    if p.rate.checks
                ),
            )
        )
        blocks.append(
            Chart(
                "bars",
                f"{framework.name} pass rate per requirement",
                tuple((r.article, r.rate.pass_rate) for r in framework.requirements),
            )
        )
    blocks.append(
        Table(
            ("Requirement", "Policies", "Checks", "Failed", "Pass rate"),
            tuple(
                (Cell(r.article), Cell(", ".join(r.policies)), *_rate_cells(r.rate))
                for r in framework.requirements
            ),
        )
    )
    return Section(
        f"framework-{framework.name.lower()}", f"{framework.name}: posture over time", tuple(blocks)
    )


def failing_sections(summary: AuditSummary) -> tuple[Section, Section]:
    names = [f.name for f in summary.frameworks]
    policies = Table(
        ("Policy", "Severity", "Failed checks", "Resources", "Last seen", "Regulations", "Latest evidence"),
        tuple(
            (
                Cell(f"{p.policy_id}: {p.title}"),
                Cell(p.severity.value, BAD if p.severity.rank >= 3 else WARN),
                Cell(str(p.failures)),
                Cell(str(p.resources)),
                Cell(when(p.last_seen)),
                Cell(regulations(p.regulations, names)),
                Cell(evidence(p.latest)),
            )
            for p in summary.failing_policies
        ),
    )
    resources = Table(
        ("Resource", "Kind", "Failed checks", "Policies", "Last seen", "Latest evidence"),
        tuple(
            (
                Cell(r.resource_id),
                Cell(r.kind),
                Cell(str(r.failures)),
                Cell(str(r.policies)),
                Cell(when(r.last_seen)),
                Cell(evidence(r.latest)),
            )
            for r in summary.failing_resources
        ),
    )
    none = Paragraph("No failing check was recorded in this period.")
    return (
        Section("failing-policies", "Top failing policies", (policies,) if policies.rows else (none,)),
        Section("failing-resources", "Top failing resources", (resources,) if resources.rows else (none,)),
    )


def waiver_section(summary: AuditSummary) -> Section:
    tones = {"expired": BAD, "expiring": WARN, "open": OK}
    table = Table(
        ("Waiver", "Policy", "Owner", "Expires", "Status", "Applied", "Last applied", "Reason"),
        tuple(
            (
                Cell(w.waiver_id),
                Cell(w.policy_id),
                Cell(w.owner),
                Cell(w.expires.isoformat()),
                Cell(w.status, tones[w.status]),
                Cell(str(w.applications)),
                Cell(when(w.last_applied)),
                Cell(w.reason),
            )
            for w in summary.waivers
        ),
    )
    opened = sum(w.status != "expired" for w in summary.waivers)
    expiring = sum(w.status == "expiring" for w in summary.waivers)
    if not table.rows:
        return Section(
            "waivers", "Waivers", (Paragraph("No waiver was applied or found expired in this period."),)
        )
    text = (
        f"Open waivers: {opened}, of which {expiring} expire within {WAIVER_EXPIRING_DAYS} days of "
        f"{summary.generated_at.date()}; expired: {len(summary.waivers) - opened}."
    )
    return Section("waivers", "Waivers", (Paragraph(text), table))


def attestation_section(summary: AuditSummary) -> Section:
    if not summary.attestations:
        return Section(
            "attestations", "Manual attestations", (Paragraph("No manual attestation is recorded."),)
        )
    table = Table(
        ("Recorded", "Kind", "Subject", "Details", "Evidence"),
        tuple(
            (
                Cell(when(a.recorded_at)),
                Cell(a.kind),
                Cell(", ".join(a.subjects)),
                Cell("; ".join(f"{key}: {value}" for key, value in a.details)),
                Cell(evidence(a.evidence)),
            )
            for a in summary.attestations
        ),
    )
    return Section("attestations", "Manual attestations", (table,))


def denial_section(summary: AuditSummary) -> Section:
    if not summary.denials:
        return Section(
            "denials",
            "Recent admission denials",
            (Paragraph("The admission webhook denied no request in this period."),),
        )
    table = Table(
        ("Time", "Operation", "Resource", "User", "Policies", "Message", "Evidence"),
        tuple(
            (
                Cell(when(d.evaluated_at)),
                Cell(d.operation),
                Cell(d.resource),
                Cell(d.user),
                Cell(", ".join(d.policies)),
                Cell(d.message),
                Cell(evidence(d.evidence)),
            )
            for d in summary.denials
        ),
    )
    return Section("denials", "Recent admission denials", (table,))


def evidence_section(summary: AuditSummary) -> Section:
    store = summary.integrity
    point = store.checkpoint
    facts = [
        ("Evidence log", store.origin),
        ("Verified", "yes" if store.verified else "NO"),
        ("Entries", str(store.entries)),
        ("Report built from checkpoint", f"size {point.size}, signed {point.signed_at}" if point else "none"),
        ("Root hash", point.root if point else "-"),
        ("Policy library", summary.policy_set_digest),
    ]
    blocks: list[Block] = [
        integrity_alert(summary),
        Table(
            ("Fact", "Value"),
            tuple(
                (Cell(k), Cell(v, "" if k != "Verified" else OK if store.verified else BAD)) for k, v in facts
            ),
        ),
    ]
    if point:
        blocks.append(Paragraph("The signed checkpoint (C2SP signed note) every figure above is bounded by:"))
        blocks.append(Preformatted(point.note))
    if summary.unmapped_policies:
        blocks.append(
            Paragraph(
                "Policies recorded in the evidence but absent from the loaded policy library, so not mapped "
                f"to any framework: {', '.join(summary.unmapped_policies)}."
            )
        )
    blocks.append(
        Paragraph(
            "This report's own SHA-256 digest is recorded in the evidence log after it is written; "
            "check a copy "
            "with `gavel evidence verify-report FILE`."
        )
    )
    return Section("evidence", "Evidence", tuple(blocks))


def sections(summary: AuditSummary) -> tuple[Section, ...]:
    policies, resources = failing_sections(summary)
    return (
        summary_section(summary),
        *(framework_section(f, summary.bucket) for f in summary.frameworks),
        policies,
        resources,
        waiver_section(summary),
        attestation_section(summary),
        denial_section(summary),
        evidence_section(summary),
    )


def title(summary: AuditSummary) -> str:
    names = ", ".join(f.name for f in summary.frameworks)
    return f"Compliance audit: {names}, {summary.period_text()}"
