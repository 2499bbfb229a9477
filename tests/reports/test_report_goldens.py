"""Every format over the same realistic decisions, compared byte for byte with golden files."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

import pytest

from gavel.engine.models import Decision
from gavel.reports.base import FORMATS, ReportContext, get_format

EXTENSIONS = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "junit.xml", "github": "github.txt"}


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_mixed_estate_matches_golden(
    format_name: str,
    mixed_decision: Decision,
    context: ReportContext,
    golden: Callable[[bytes, str], None],
) -> None:
    output = get_format(format_name).render(mixed_decision, context)
    golden(output, f"check.mixed-estate.{EXTENSIONS[format_name]}")


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_compliant_run_matches_golden(
    format_name: str,
    compliant_decision: Decision,
    bare_context: ReportContext,
    golden: Callable[[bytes, str], None],
) -> None:
    output = get_format(format_name).render(compliant_decision, bare_context)
    golden(output, f"check.compliant.{EXTENSIONS[format_name]}")


def test_mixed_estate_without_evidence_matches_golden(
    mixed_decision: Decision, context: ReportContext, golden: Callable[[bytes, str], None]
) -> None:
    output = get_format("json").render(mixed_decision, replace(context, evidence=None))
    golden(output, "check.mixed-estate.no-evidence.json")


def test_coloured_text_matches_golden(
    mixed_decision: Decision, context: ReportContext, golden: Callable[[bytes, str], None]
) -> None:
    output = get_format("text").render(mixed_decision, replace(context, colour=True))
    golden(output, "check.mixed-estate.colour.txt")


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_output_does_not_depend_on_input_order(
    format_name: str, mixed_decision: Decision, context: ReportContext
) -> None:
    shuffled_findings = list(mixed_decision.findings)
    shuffled_resources = list(mixed_decision.resources)
    shuffled_policies = list(context.policies)
    rng = random.Random(7)
    for items in (shuffled_findings, shuffled_resources, shuffled_policies):
        rng.shuffle(items)
    shuffled = replace(
        mixed_decision,
        findings=tuple(shuffled_findings),
        resources=tuple(shuffled_resources),
        policy_ids=tuple(reversed(mixed_decision.policy_ids)),
    )
    report = get_format(format_name)
    assert report.render(shuffled, replace(context, policies=tuple(shuffled_policies))) == report.render(
        mixed_decision, context
    )
