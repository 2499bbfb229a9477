"""The human report: colour only on request, 100 columns, findings grouped and the verdict last."""

from __future__ import annotations

import re
from dataclasses import replace

from report_fixtures import FRONTEND, MODEL_CARD, VLLM_DEPLOYMENT, finding

from gavel.engine.models import Decision, Outcome
from gavel.reports.base import ReportContext
from gavel.reports.text import WIDTH, TextReport

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render(decision: Decision, context: ReportContext) -> str:
    return TextReport().render(decision, context).decode("utf-8")


def test_plain_output_has_no_escape_codes_and_fits_100_columns(
    mixed_decision: Decision, context: ReportContext
) -> None:
    text = render(mixed_decision, context)
    assert "\x1b" not in text
    too_wide = [line for line in text.splitlines() if len(line) > WIDTH and " " in line.strip()]
    assert too_wide == []


def test_colour_adds_styles_without_changing_the_words(
    mixed_decision: Decision, context: ReportContext
) -> None:
    plain = render(mixed_decision, context)
    coloured = render(mixed_decision, replace(context, colour=True))
    assert "\x1b[31m" in coloured  # red for the high findings and the FAILED verdict
    assert ANSI.sub("", coloured) == plain


def test_sections_put_critical_first_and_show_errors_warnings_and_waivers_apart(
    mixed_decision: Decision, context: ReportContext
) -> None:
    text = render(mixed_decision, context)
    order = [
        text.index("Violations (6)"),
        text.index("  CRITICAL  gpu_pool_eea_residency  kubernetes:default/Job/finetune-job"),
        text.index("  HIGH      main/deny"),
        text.index("  LOW       model_card_annotation"),
        text.index("Evaluation errors (1)"),
        text.index("  ERROR     training_lineage_classified"),
        text.index("Warnings (1)"),
        text.index("Waived findings (1)"),
        text.index("waived by data-platform@example.com until 2025-06-30"),
        text.index("Expired waivers (1)"),
        text.index("w-kms-rotation kms_key_rotation, owner security@example.com, expired 2025-01-31"),
    ]
    assert order == sorted(order)
    assert "GDPR Art. 32(1)(a), ISO-27001 A.8.24" in text


def test_closing_summary_states_counts_risk_verdict_and_reasons(
    mixed_decision: Decision, context: ReportContext
) -> None:
    lines = render(mixed_decision, context).splitlines()
    summary = " ".join(lines[-5:-3])
    assert summary.startswith("8 resources, 7 findings (2 critical, 3 high, 1 medium, 1 low; 1 evaluation")
    assert summary.endswith("risk 38.0 / max 20.0: FAILED")
    assert lines[-3:] == [
        "  gate: fail on high or above, or risk above 20.0",
        "  - 5 findings at or above high",
        "  - risk 38.0 exceeds the maximum 20.0",
    ]


def test_compliant_run_says_so(compliant_decision: Decision, bare_context: ReportContext) -> None:
    text = render(compliant_decision, bare_context)
    assert "No findings." in text
    assert "Evidence: not recorded." in text
    assert "3 resources, 0 findings, risk 0.0 / max 20.0: PASSED" in text


def test_control_characters_from_policies_cannot_reach_the_terminal(
    mixed_decision: Decision, context: ReportContext
) -> None:
    hostile = finding(MODEL_CARD, VLLM_DEPLOYMENT, "model card missing\x1b[2J\x07 see docs")
    text = render(replace(mixed_decision, findings=(hostile,)), replace(context, colour=False))
    assert "\x1b" not in text and "\x07" not in text
    assert "model card missing\N{REPLACEMENT CHARACTER}[2J\N{REPLACEMENT CHARACTER} see docs" in text


def test_multiline_messages_keep_their_paragraphs_indented(
    mixed_decision: Decision, context: ReportContext
) -> None:
    message = "first line of the message\nsecond line of the message"
    multiline = replace(finding(MODEL_CARD, FRONTEND, message), outcome=Outcome.VIOLATION)
    lines = render(replace(mixed_decision, findings=(multiline,)), context).splitlines()
    assert "            first line of the message" in lines
    assert "            second line of the message" in lines
