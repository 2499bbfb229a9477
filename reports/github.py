"""GitHub Actions workflow commands: one annotation per finding on the pull request's files.

`::error` for high/critical violations and evaluation errors, `::warning` for medium violations
and warnings, `::notice` for low/info and for waived findings. Values are escaped the way the
Actions runner unescapes them: `%`, CR and LF in the message, and also `:` and `,` in properties,
so a policy message can never end the command early or forge a second one.
"""

from __future__ import annotations

from ..engine.models import Decision, Finding, Outcome, Severity
from .base import ReportContext
from .summary import Summary, ordered_findings, regulation_labels, source_path


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_level(finding: Finding) -> str:
    if finding.waived:
        return "notice"
    if finding.outcome is Outcome.ERROR:
        return "error"
    if finding.outcome is Outcome.WARNING:
        return "warning"
    if finding.severity.at_least(Severity.HIGH):
        return "error"
    if finding.severity is Severity.MEDIUM:
        return "warning"
    return "notice"


class GithubReport:
    """Workflow commands, then the summary line as plain log output."""

    name = "github"

    def render(self, decision: Decision, context: ReportContext) -> bytes:
        lines = [_command(finding) for finding in ordered_findings(decision.findings)]
        lines.append(f"gavel {context.tool_version}: {Summary.of(decision).line()}")
        lines += [f"  - {escape_data(reason)}" for reason in decision.reasons]
        return "\n".join(lines).encode("utf-8") + b"\n"


def _command(finding: Finding) -> str:
    resource = finding.resource
    properties = [f"file={escape_property(source_path(resource.source))}"]
    if resource.line is not None:
        properties.append(f"line={resource.line}")
    properties.append(f"title={escape_property(_title(finding))}")
    body = [f"{resource.id}: {finding.message}"]
    labels = regulation_labels(finding.regulations)
    if labels:
        body.append(f"Regulations: {', '.join(labels)}")
    if finding.waiver is not None:
        waiver = finding.waiver
        body.append(f"Waived by {waiver.owner} until {waiver.expires.isoformat()}: {waiver.reason}")
    message = escape_data("\n".join(body))
    return f"::{annotation_level(finding)} {','.join(properties)}::{message}"


def _title(finding: Finding) -> str:
    if finding.outcome is Outcome.ERROR:
        return f"{finding.policy_id} (evaluation error)"
    kind = "warning" if finding.outcome is Outcome.WARNING else finding.severity.value
    return f"{finding.policy_id} ({kind}, waived)" if finding.waived else f"{finding.policy_id} ({kind})"
