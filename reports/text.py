"""The human report of `gavel check`: findings grouped by kind, most severe first, and a verdict.

Readable at 100 columns in a terminal or a CI log. Colour is an option the command line turns on
for terminals only; without it the output is plain text that diffs and greps cleanly. Text that
comes from policies or inputs is stripped of control characters so it cannot drive the terminal.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence

import click

from ..engine.models import Decision, Finding, Outcome, Severity, Waiver
from .base import ReportContext
from .summary import Summary, format_risk, ordered_findings, regulation_labels

WIDTH = 100
_TAG_WIDTH = 10
_MAX_POLICY_WIDTH = 36
_INDENT = "  "
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_SEVERITY_STYLE: dict[Severity, dict[str, object]] = {
    Severity.CRITICAL: {"fg": "red", "bold": True},
    Severity.HIGH: {"fg": "red"},
    Severity.MEDIUM: {"fg": "yellow"},
    Severity.LOW: {"fg": "cyan"},
    Severity.INFO: {"fg": "blue"},
}

Style = Callable[..., str]


class TextReport:
    """Plain (or coloured) text for people; the default format of `gavel check`."""

    name = "text"

    def render(self, decision: Decision, context: ReportContext) -> bytes:
        style: Style = click.style if context.colour else _unstyled
        findings = ordered_findings(decision.findings)
        lines = [*_header(decision, context), ""]
        sections = [
            ("Violations", [f for f in findings if not f.waived and f.outcome is Outcome.VIOLATION], ""),
            (
                "Evaluation errors",
                [f for f in findings if not f.waived and f.outcome is Outcome.ERROR],
                "the policy could not decide, so the gate fails closed",
            ),
            ("Warnings", [f for f in findings if not f.waived and f.outcome is Outcome.WARNING], ""),
            ("Waived findings", [f for f in findings if f.waived], "accepted exceptions, not counted"),
        ]
        for title, members, note in sections:
            if members:
                lines += _section(title, members, note, style)
        if not decision.findings:
            lines += ["No findings.", ""]
        if decision.expired_waivers:
            lines += _expired_waivers(decision.expired_waivers, style)
        lines += [*_evidence(context), ""]
        lines += _verdict(decision, style)
        return "\n".join(lines).encode("utf-8") + b"\n"


def _unstyled(text: str, **_: object) -> str:
    return text


def _clean(text: str) -> str:
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)


def _header(decision: Decision, context: ReportContext) -> list[str]:
    return [
        f"gavel {context.tool_version} check: {len(decision.resources)} resources, "
        f"{len(decision.policy_ids)} policies",
        f"{_INDENT}runtime {decision.runtime}, evaluated {decision.evaluated_at.isoformat()}",
    ]


def _section(title: str, findings: Sequence[Finding], note: str, style: Style) -> list[str]:
    heading = f"{title} ({len(findings)})" + (f": {note}" if note else "")
    policy_width = min(max(len("POLICY"), *(len(f.policy_id) for f in findings)), _MAX_POLICY_WIDTH)
    columns = f"{_INDENT}{'SEVERITY':<{_TAG_WIDTH}}{'POLICY':<{policy_width}}  RESOURCE"
    lines = [style(heading, bold=True), style(columns, dim=True)]
    for finding in findings:
        lines += _finding(finding, policy_width, style)
    lines.append("")
    return lines


def _tag(finding: Finding, style: Style) -> str:
    if finding.outcome is Outcome.ERROR:
        return style(f"{'ERROR':<{_TAG_WIDTH}}", fg="magenta", bold=True)
    if finding.outcome is Outcome.WARNING:
        return style(f"{'WARN':<{_TAG_WIDTH}}", fg="yellow")
    return style(f"{finding.severity.value.upper():<{_TAG_WIDTH}}", **_SEVERITY_STYLE[finding.severity])


def _finding(finding: Finding, policy_width: int, style: Style) -> list[str]:
    hanging = " " * (len(_INDENT) + _TAG_WIDTH)
    resource = _clean(finding.resource.id)
    first = f"{_INDENT}{_tag(finding, style)}{finding.policy_id:<{policy_width}}  {resource}"
    location = _clean(finding.resource.source)
    if finding.resource.line is not None:
        location += f":{finding.resource.line}"
    where = ", ".join([location, *regulation_labels(finding.regulations)])
    lines = [first, *_wrap(where, hanging, style, dim=True)]
    lines += _wrap(_clean(finding.message), hanging, style)
    if finding.waiver is not None:
        waiver = finding.waiver
        note = f"waived by {waiver.owner} until {waiver.expires.isoformat()}: {waiver.reason}"
        lines += _wrap(_clean(note), hanging, style, fg="green")
    return lines


def _wrap(text: str, indent: str, style: Style, **styles: object) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines():
        wrapped = textwrap.wrap(
            paragraph,
            width=WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += [
            indent + (style(line[len(indent) :], **styles) if styles else line[len(indent) :])
            for line in wrapped
        ]
    return lines


def _expired_waivers(waivers: Sequence[Waiver], style: Style) -> list[str]:
    heading = f"Expired waivers ({len(waivers)}): no longer applied; renew or remove them"
    lines = [style(heading, bold=True)]
    for waiver in sorted(waivers, key=lambda w: (w.policy_id, w.expires, w.id, w.owner)):
        label = f"{waiver.id} " if waiver.id else ""
        text = (
            f"{label}{waiver.policy_id}, owner {waiver.owner}, "
            f"expired {waiver.expires.isoformat()}: {waiver.reason}"
        )
        wrapped = _wrap(_clean(text), _INDENT + "  ", style)
        lines += [_INDENT + "- " + wrapped[0][len(_INDENT) + 2 :], *wrapped[1:]]
    lines.append("")
    return lines


def _evidence(context: ReportContext) -> list[str]:
    if context.evidence is None:
        return ["Evidence: not recorded."]
    receipt = context.evidence
    return [
        f"Evidence: recorded at log index {receipt.log_index}",
        f"{_INDENT}record {receipt.record_digest}",
    ]


def _verdict(decision: Decision, style: Style) -> list[str]:
    summary = Summary.of(decision)
    colour = "green" if decision.passed else "red"
    lines = _wrap(summary.line(), "", style, fg=colour, bold=True)
    gate = f"fail on {decision.gate.fail_on.value} or above"
    if decision.gate.max_risk is not None:
        gate += f", or risk above {format_risk(decision.gate.max_risk)}"
    lines.append(f"{_INDENT}gate: {gate}")
    lines += [f"{_INDENT}- {_clean(reason)}" for reason in decision.reasons]
    return lines
