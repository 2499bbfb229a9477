"""Framework mappings: the built-in files hold together, and every defect prowler's GDPR mapping had
(dangling, duplicate or deprecated references, requirements nobody checks) is caught, naming the file."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest

from gavel.engine.coverage import mapped_regulations, mapping_problems
from gavel.engine.errors import PolicyError
from gavel.engine.frameworks import Assessment, FrameworkLibrary, load_frameworks
from gavel.engine.loader import BUILTIN_LIBRARY, Policy, load_policy_set
from gavel.engine.metadata import FRAMEWORKS
from gavel.engine.models import Regulation

CONTROLS = """\
controls:
  GVL-ENC-01:
    title: Object storage declares default encryption
  GVL-LOG-01:
    title: Data stores record audit logs
  GVL-OLD-01:
    title: A control nobody should use any more
    deprecated: true
"""

GDPR = """\
framework: GDPR
title: General Data Protection Regulation
requirements:
  - id: "Art. 32(1)(a)"
    title: Encryption of personal data
    controls: [GVL-ENC-01]
  - id: "Art. 30"
    title: Records of processing activities
    assessment: attestation
    reason: The record of processing is kept by the controller.
  - id: "Art. 28"
    title: Processors
    assessment: out-of-scope
    reason: Contracts between organisations.
  - id: "Art. 32"
    title: Security of processing (whole article)
    deprecated: true
    replaced_by: ["Art. 32(1)(a)"]
"""


def write_policy(
    root: Path,
    policy_id: str,
    *,
    controls: Sequence[str] = ("GVL-ENC-01",),
    regulations: Sequence[tuple[str, str]] = (("GDPR", "Art. 32(1)(a)"),),
    kinds: Sequence[str] = ("aws_s3_bucket",),
    extra: str = "",
) -> None:
    folder = root / "storage" / policy_id
    folder.mkdir(parents=True)
    cited = "\n".join(f'#     - {{framework: {f}, article: "{a}"}}' for f, a in regulations)
    (folder / "policy.rego").write_text(
        textwrap.dedent(
            f"""\
            # METADATA
            # title: A test policy named {policy_id}
            # custom:
            #   id: {policy_id}
            #   severity: high
            #   controls: [{", ".join(controls)}]
            #   regulations:
            {cited}
            #   resource_kinds: [{", ".join(kinds)}]
            #   remediation: Set the field the message names.
            """
        )
        + extra
        + f'package gavel.storage.{policy_id}\n\nimport rego.v1\n\ndeny contains "x" if false\n'
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A clean library: one encryption policy, a control catalog and a GDPR file."""
    frameworks = tmp_path / "frameworks"
    frameworks.mkdir()
    (frameworks / "controls.yaml").write_text(CONTROLS)
    (frameworks / "gdpr.yaml").write_text(GDPR)
    write_policy(tmp_path / "policies", "bucket_sse")
    return tmp_path


def problems(tree: Path) -> list[str]:
    library = load_frameworks(tree / "frameworks")
    return mapping_problems(library, load_policy_set([tree / "policies"]).policies)


def only(found: list[str], *fragments: str) -> str:
    assert len(found) == 1, found
    assert all(fragment in found[0] for fragment in fragments), found[0]
    return found[0]


def test_builtin_frameworks_map_every_policy_without_problems() -> None:
    library = load_frameworks()
    policy_set = load_policy_set([BUILTIN_LIBRARY])
    assert mapping_problems(library, policy_set.policies) == []
    unmapped = [p.id for p in policy_set.policies if not p.conftest and not mapped_regulations(library, p)]
    assert unmapped == []


def test_builtin_frameworks_hold_the_regulations_the_issue_names() -> None:
    library = load_frameworks()
    assert sorted(library.frameworks) == sorted(FRAMEWORKS)
    expected = {
        "SEC": ["MRM-1", "MRM-2", "MRM-3", "MRM-4", "Rule 17a-4(f)(2)(i)(B)"],
        "EU-AI-ACT": ["Art. 10(2)", "Art. 12(1)", "Art. 14", "Art. 15(1)"],
        "DSA": ["Art. 27(1)", "Art. 38", "Art. 34"],
        "GDPR": ["Art. 6(1)", "Art. 17", "Art. 35(1)", "Art. 46"],
    }
    for name, ids in expected.items():
        assert all(library.get(name).requirement(i) is not None for i in ids), name
    dpia = library.get("GDPR").requirement("Art. 35(7)")
    assert dpia is not None and dpia.assessment is Assessment.ATTESTATION and dpia.reason


def test_clean_tree_has_no_problems_and_maps_through_controls(tree: Path) -> None:
    assert problems(tree) == []
    library = load_frameworks(tree / "frameworks")
    policy = load_policy_set([tree / "policies"]).get("bucket_sse")
    assert mapped_regulations(library, policy) == (Regulation("GDPR", "Art. 32(1)(a)"),)


def test_requirement_naming_an_unknown_control_is_dangling(tree: Path) -> None:
    gdpr = tree / "frameworks" / "gdpr.yaml"
    gdpr.write_text(gdpr.read_text().replace("controls: [GVL-ENC-01]", "controls: [GVL-ENC-01, GVL-ENC-99]"))
    only(problems(tree), "gdpr.yaml: Art. 32(1)(a)", "control GVL-ENC-99 is not in", "controls.yaml")


def test_policy_declaring_an_unknown_control_is_dangling(tree: Path) -> None:
    write_policy(tree / "policies", "typo", controls=("GVL-ENC-01", "GVL-ENX-01"))
    only(problems(tree), "policy typo", "control GVL-ENX-01 is not in")


def test_policy_citing_an_article_the_framework_lacks_is_dangling(tree: Path) -> None:
    write_policy(tree / "policies", "retention", regulations=(("GDPR", "Art. 5(1)(e)"),))
    only(problems(tree), "policy retention", "GDPR Art. 5(1)(e) is not a requirement in", "gdpr.yaml")


def test_policy_citing_a_framework_without_a_file_is_dangling(tree: Path) -> None:
    write_policy(tree / "policies", "dsa_policy", regulations=(("DSA", "Art. 27(1)"),))
    only(problems(tree), "policy dsa_policy", "no framework file for DSA")


def test_replaced_by_must_name_an_existing_active_policy(tree: Path) -> None:
    write_policy(tree / "policies", "old_sse", extra="#   deprecated: true\n#   replaced_by: [new_sse]\n")
    only(problems(tree), "policy old_sse", "replaced_by names policy 'new_sse', which does not exist")


def test_duplicate_requirement_ids_fail_loading_naming_the_file(tree: Path) -> None:
    gdpr = tree / "frameworks" / "gdpr.yaml"
    gdpr.write_text(
        gdpr.read_text() + '  - id: "Art. 30"\n    title: Records again\n    controls: [GVL-ENC-01]\n'
    )
    with pytest.raises(PolicyError) as caught:
        load_frameworks(tree / "frameworks")
    assert "gdpr.yaml" in caught.value.one_line() and "'Art. 30' is listed twice" in caught.value.one_line()


def test_duplicate_yaml_keys_fail_with_file_and_line(tree: Path) -> None:
    controls = tree / "frameworks" / "controls.yaml"
    controls.write_text(CONTROLS + "  GVL-ENC-01:\n    title: Defined a second time here\n")
    with pytest.raises(PolicyError) as caught:
        load_frameworks(tree / "frameworks")
    message = caught.value.one_line()
    assert "controls.yaml:9:3:" in message and "duplicate key 'GVL-ENC-01'" in message


def test_a_control_listed_twice_in_a_requirement_is_a_schema_error(tree: Path) -> None:
    gdpr = tree / "frameworks" / "gdpr.yaml"
    gdpr.write_text(gdpr.read_text().replace("controls: [GVL-ENC-01]", "controls: [GVL-ENC-01, GVL-ENC-01]"))
    with pytest.raises(PolicyError, match=r"gdpr\.yaml: invalid framework file at requirements\.0\.controls"):
        load_frameworks(tree / "frameworks")


def test_a_regulation_cited_twice_by_a_policy_is_a_duplicate(tree: Path) -> None:
    twice = (("GDPR", "Art. 32(1)(a)"), ("GDPR", "Art. 32(1)(a)"))
    write_policy(tree / "policies", "twice", regulations=twice)
    only(problems(tree), "policy twice", "GDPR Art. 32(1)(a) is listed twice")


def test_citing_a_deprecated_requirement_is_refused(tree: Path) -> None:
    write_policy(tree / "policies", "whole_article", regulations=(("GDPR", "Art. 32"),))
    only(problems(tree), "policy whole_article", "GDPR Art. 32 is deprecated (replaced by Art. 32(1)(a))")


def test_deprecated_controls_are_refused_in_requirements_and_active_policies(tree: Path) -> None:
    gdpr = tree / "frameworks" / "gdpr.yaml"
    gdpr.write_text(gdpr.read_text().replace("controls: [GVL-ENC-01]", "controls: [GVL-ENC-01, GVL-OLD-01]"))
    write_policy(tree / "policies", "legacy", controls=("GVL-ENC-01", "GVL-OLD-01"))
    found = problems(tree)
    assert len(found) == 2
    assert "gdpr.yaml: Art. 32(1)(a): control GVL-OLD-01 is deprecated" in found[0]
    assert "policy legacy: control GVL-OLD-01 is deprecated" in found[1]


def test_a_deprecated_policy_no_longer_covers_a_requirement(tree: Path) -> None:
    rego = tree / "policies" / "storage" / "bucket_sse" / "policy.rego"
    rego.write_text(
        rego.read_text().replace("#   severity: high\n", "#   severity: high\n#   deprecated: true\n")
    )
    only(
        problems(tree),
        "Art. 32(1)(a): automated requirement has no active policy",
        "only deprecated: bucket_sse",
    )


def test_an_automated_requirement_without_a_policy_fails(tree: Path) -> None:
    gdpr = tree / "frameworks" / "gdpr.yaml"
    gdpr.write_text(
        gdpr.read_text()
        + '  - id: "Art. 5(1)(e)"\n    title: Storage limitation\n    controls: [GVL-LOG-01]\n'
    )
    only(problems(tree), "gdpr.yaml: Art. 5(1)(e): automated requirement has no active policy")


def test_a_cited_article_must_be_reached_through_the_policys_controls(tree: Path) -> None:
    write_policy(tree / "policies", "audit_logs", controls=("GVL-LOG-01",))
    only(
        problems(tree), "policy audit_logs: cites GDPR Art. 32(1)(a) but none of its controls ['GVL-LOG-01']"
    )


def test_citing_an_out_of_scope_requirement_is_a_contradiction(tree: Path) -> None:
    write_policy(tree / "policies", "dpa", regulations=(("GDPR", "Art. 28"),))
    only(problems(tree), "policy dpa: regulation GDPR Art. 28 is marked out of scope")


def test_platform_requirements_are_served_only_by_policies_of_that_platform(tree: Path) -> None:
    (tree / "frameworks" / "cis.yaml").write_text(
        textwrap.dedent(
            """\
            framework: CIS
            title: CIS Benchmarks
            requirements:
              - id: "GCP 1.10"
                title: KMS keys rotate
                controls: [GVL-ENC-01]
                resource_kinds: ["google_*"]
              - id: "AWS 2.1.1"
                title: S3 buckets are encrypted
                controls: [GVL-ENC-01]
                resource_kinds: ["aws_*"]
            """
        )
    )
    write_policy(tree / "policies", "aws_only", regulations=(("CIS", "GCP 1.10"),))
    found = problems(tree)
    assert any("policy aws_only: cites CIS GCP 1.10" in p for p in found)
    assert any("cis.yaml: GCP 1.10: automated requirement has no active policy" in p for p in found)
    library: FrameworkLibrary = load_frameworks(tree / "frameworks")
    policy: Policy = load_policy_set([tree / "policies"]).get("bucket_sse")
    assert Regulation("CIS", "AWS 2.1.1") in mapped_regulations(library, policy)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("    reason: The record of processing is kept by the controller.\n", ""), "'reason' is a required"),
        (
            (
                "    reason: Contracts between organisations.\n",
                "    reason: Contracts between organisations.\n    controls: [GVL-ENC-01]\n",
            ),
            "requirements.2.controls",
        ),
        (("framework: GDPR", "framework: GPDR"), "is not one of"),
        (("    deprecated: true\n", ""), "requirements.3: 'deprecated' is a required"),
    ],
)
def test_schema_errors_are_one_line_naming_the_file(tree: Path, edit: tuple[str, str], message: str) -> None:
    gdpr = tree / "frameworks" / "gdpr.yaml"
    gdpr.write_text(gdpr.read_text().replace(*edit))
    with pytest.raises(PolicyError) as caught:
        load_frameworks(tree / "frameworks")
    line = caught.value.one_line()
    assert "\n" not in line and "gdpr.yaml" in line and message in line


def test_framework_file_name_must_match_its_framework(tree: Path) -> None:
    (tree / "frameworks" / "gdpr.yaml").rename(tree / "frameworks" / "privacy.yaml")
    with pytest.raises(PolicyError, match=r"privacy\.yaml: framework 'GDPR' must live in gdpr\.yaml"):
        load_frameworks(tree / "frameworks")
