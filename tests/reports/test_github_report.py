"""GitHub Actions workflow commands: levels, locations and the runner's escaping rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from report_fixtures import GPU_RESIDENCY, KMS_ROTATION, MODEL_CARD, NODE_POOL, VLLM_DEPLOYMENT, finding

from gavel.engine.metadata import PolicyMetadata
from gavel.engine.models import Decision, Outcome, ResourceRef
from gavel.reports.base import ReportContext
from gavel.reports.github import GithubReport, escape_data, escape_property


def render(decision: Decision, context: ReportContext) -> list[str]:
    return GithubReport().render(decision, context).decode("utf-8").splitlines()


def test_data_escaping_encodes_percent_first_then_line_breaks() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_data("%0A") == "%250A"


def test_property_escaping_also_encodes_colon_and_comma() -> None:
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_one_command_per_finding_with_level_by_severity_and_outcome(
    mixed_decision: Decision, context: ReportContext
) -> None:
    lines = render(mixed_decision, context)
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(mixed_decision.findings)
    levels = [line[2 : line.index(" ")] for line in commands]
    assert levels == ["error", "error", "error", "error", "notice", "error", "warning", "warning", "notice"]
    assert lines[len(commands)].startswith("gavel 0.1.0: 8 resources, 7 findings")


@pytest.mark.parametrize(
    ("policy", "outcome", "level"),
    [
        (GPU_RESIDENCY, Outcome.VIOLATION, "error"),
        (KMS_ROTATION, Outcome.VIOLATION, "warning"),
        (MODEL_CARD, Outcome.VIOLATION, "notice"),
        (MODEL_CARD, Outcome.ERROR, "error"),
        (GPU_RESIDENCY, Outcome.WARNING, "warning"),
    ],
)
def test_annotation_levels(
    policy: PolicyMetadata, outcome: Outcome, level: str, mixed_decision: Decision, context: ReportContext
) -> None:
    single = finding(policy, VLLM_DEPLOYMENT, "message", outcome=outcome)
    assert render(replace(mixed_decision, findings=(single,)), context)[0].startswith(f"::{level} ")


def test_line_is_given_only_when_known(mixed_decision: Decision, context: ReportContext) -> None:
    with_line = finding(MODEL_CARD, VLLM_DEPLOYMENT, "m")
    without_line = finding(GPU_RESIDENCY, NODE_POOL, "m")
    lines = render(replace(mixed_decision, findings=(with_line, without_line)), context)
    assert lines[0].startswith("::error file=infra/gke/full_container_node_pool.tfplan.json,title=")
    assert lines[1].startswith("::notice file=k8s/vllm-deployment/vllm-deployment.yaml,line=1,title=")


def test_hostile_text_cannot_break_out_of_the_command(
    mixed_decision: Decision, context: ReportContext
) -> None:
    resource = ResourceRef("kubernetes:ns/Pod/p", "Pod", "dir,with:odd\\name.yaml", 3)
    hostile = finding(MODEL_CARD, resource, "50% off\n::error file=x::forged\rend")
    lines = render(replace(mixed_decision, findings=(hostile,)), context)
    assert lines[0] == (
        "::notice file=dir%2Cwith%3Aodd/name.yaml,line=3,title=model_card_annotation (low)"
        "::kubernetes:ns/Pod/p: 50%25 off%0A::error file=x::forged%0Dend%0ARegulations: EU-AI-ACT Art. 11"
    )
    assert not any(line.startswith("::error file=x") for line in lines)
