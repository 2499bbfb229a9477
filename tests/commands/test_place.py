"""`gavel place` end to end through the real adapters, library and evidence store, and
`gavel check --catalog` naming the cheapest compliant alternative."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from gavel.cli import cli

ROOT = Path(__file__).resolve().parents[2]
WORKLOAD = ROOT / "examples" / "placement" / "workload.yaml"
CATALOG = ROOT / "examples" / "placement" / "catalog.yaml"
JOBS = ROOT / "examples" / "ml-platform" / "kubernetes"
LINEAGE = ROOT / "tests" / "data" / "placement" / "openlineage.jaffle-shop.jsonl"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GAVEL_EVIDENCE", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def place(*args: str) -> Result:
    return run("place", "--workload", str(WORKLOAD), "--catalog", str(CATALOG), *args)


def rewritten(tmp_path: Path, source: Path, name: str, **changes: object) -> Path:
    document = yaml.safe_load(source.read_text())
    document.update(changes)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document))
    return path


def test_text_answer_runners_up_rejections_and_counts() -> None:
    result = place("--no-evidence", "--top", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Cheapest compliant placement"
    assert lines[1].startswith("  aws-euc1-p5: aws eu-central-1a, node pool gpu-h100, 1 x p5.48xlarge")
    assert "  2. gcp-euw4-a3: " in result.output and "USD 97.10/h (+33.80)" in result.output
    assert "azure-swedencentral" not in result.output
    assert "aws-euw1-p5: " in result.output and "risk >= 7: s3_personal_data_cmk" in result.output
    assert "aws-euc1-p4de: offers nvidia-a100-80gb, needs nvidia-h100-80gb" in result.output
    assert lines[-1].startswith("Judged 5 of 7 placements from 13 catalog entries (6 cannot run it)")


def test_json_answer_is_exact_and_says_what_rejected_each_candidate() -> None:
    result = place("--no-evidence", "--format", "json")
    document = json.loads(result.output)
    assert document["chosen"]["candidate"] == "aws-euc1-p5"
    assert document["chosen"]["hourly_cost"] == "63.3"
    assert [r["candidate"] for r in document["runners_up"]] == ["gcp-euw4-a3", "azure-swedencentral-nd-h100"]
    rejected = {r["candidate"]: r for r in document["rejected"]}
    assert "s3_personal_data_cmk" in rejected["aws-euw1-p5"]["rejected_by"]
    us = rejected["aws-use1-p5"]
    assert [f["policy_id"] for f in us["findings"]] == ["personal_data_storage_location"]
    assert us["complete"] is False and us["risk"] == "10"
    assert document["summary"] | {"evaluations": None} == {
        "workload": "finetune-support-model",
        "catalog": str(CATALOG),
        "classification": "personal",
        "candidates": 13,
        "offers": 7,
        "misfits": 6,
        "judged": 7,
        "evaluations": None,
        "max_risk": "0",
        "compliant": True,
    }
    assert document["fix"] is None and document["evidence"] is None


def test_nothing_complies_exits_1_with_the_smallest_change(tmp_path: Path) -> None:
    workload = rewritten(tmp_path, WORKLOAD, "w.yaml", constraints={"regions": ["us-east-1", "eastus"]})
    result = run("place", "--workload", str(workload), "--catalog", str(CATALOG), "--no-evidence")
    assert result.exit_code == 1
    assert result.output.startswith("No compliant placement for finetune-support-model.")
    assert "Smallest change for the cheapest candidate, aws-use1-p5:" in result.output
    document = json.loads(
        run(
            "place",
            "--workload",
            str(workload),
            "--catalog",
            str(CATALOG),
            "--no-evidence",
            "--format",
            "json",
        ).output
    )
    assert document["chosen"] is None and document["summary"]["compliant"] is False
    assert document["fix"]["candidate"] == "aws-use1-p5"


def test_the_smallest_change_names_an_eea_region_when_the_pins_allow_one(tmp_path: Path) -> None:
    workload = rewritten(tmp_path, WORKLOAD, "w.yaml", constraints={"clouds": ["aws"]})
    catalog = rewritten(tmp_path, CATALOG, "c.yaml")
    document = yaml.safe_load(catalog.read_text())
    document["candidates"] = [c for c in document["candidates"] if c["id"] == "aws-use1-p5"]
    catalog.write_text(yaml.safe_dump(document))
    result = run("place", "--workload", str(workload), "--catalog", str(catalog), "--no-evidence")
    assert result.exit_code == 1
    assert "  - move to an EEA region: eu-central-1, eu-north-1" in result.output


def test_max_risk_admits_a_medium_finding_the_default_rejects(tmp_path: Path) -> None:
    internal = rewritten(tmp_path, WORKLOAD, "w.yaml", data={"classifications": ["internal"]})
    strict = run(
        "place", "--workload", str(internal), "--catalog", str(CATALOG), "--no-evidence", "--format", "json"
    )
    assert json.loads(strict.output)["chosen"]["candidate"] == "aws-euw1-p5"  # no CMK needed for internal
    relaxed = run(
        "place",
        "--workload",
        str(internal),
        "--catalog",
        str(CATALOG),
        "--no-evidence",
        "--format",
        "json",
        "--max-risk",
        "20",
        "--fail-on",
        "critical",
    )
    assert json.loads(relaxed.output)["chosen"]["candidate"] == "aws-use1-p5"


def test_the_decision_is_recorded_as_evidence() -> None:
    result = place("--format", "json")
    assert result.exit_code == 0
    receipt = json.loads(result.stdout)["evidence"]
    shown = json.loads(run("evidence", "show", str(receipt["log_index"])).output)
    predicate = shown["statement"]["predicate"]
    assert predicate["decision"] == "allow"
    assert predicate["context"]["command"] == "place"
    assert predicate["context"]["placement"]["chosen"]["candidate"] == "aws-euc1-p5"
    subjects = {s["name"] for s in shown["statement"]["subject"]}
    assert {str(WORKLOAD), str(CATALOG)} <= subjects
    assert "verified 1 entries" in run("evidence", "verify").output


def test_bad_inputs_exit_4_and_usage_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text(
        "candidates:\n  - id: x\n    cloud: aws\n    region: eu-west-1\n    instance_type: p5\n"
        "    memory_gib: 1\n    hourly_cost: -3\n"
    )
    result = run("place", "--workload", str(WORKLOAD), "--catalog", str(bad), "--no-evidence")
    assert result.exit_code == 4
    assert f"{bad}:7: candidates[0] (x).hourly_cost: negative hourly_cost -3" in result.output
    missing = run("place", "--workload", str(tmp_path / "nope.yaml"), "--catalog", str(CATALOG))
    assert missing.exit_code == 4 and "no such file" in missing.output
    assert place("--top", "-1").exit_code == 2
    lineage = rewritten(
        tmp_path, WORKLOAD, "w.yaml", data={"lineage": {"jobs": ["jaffle-exports/export_customers"]}}
    )
    needs_documents = run("place", "--workload", str(lineage), "--catalog", str(CATALOG), "--no-evidence")
    assert needs_documents.exit_code == 2 and "--lineage PATH" in needs_documents.output


def test_lineage_documents_give_the_workload_its_data(tmp_path: Path) -> None:
    lineage = rewritten(
        tmp_path, WORKLOAD, "w.yaml", data={"lineage": {"jobs": ["jaffle-exports/export_customers"]}}
    )
    args = [
        "place",
        "--workload",
        str(lineage),
        "--catalog",
        str(CATALOG),
        "--no-evidence",
        "--format",
        "json",
    ]
    result = run(*args, "--lineage", str(LINEAGE))
    document = json.loads(result.stdout)
    assert document["summary"]["classification"] == "personal"
    assert document["chosen"]["candidate"] == "aws-euc1-p5"


def test_check_with_a_catalog_names_the_cheapest_compliant_alternative() -> None:
    result = run("check", str(JOBS), "--no-evidence", "--catalog", str(CATALOG), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    residency = [f for f in findings if f["policy_id"] == "gpu_personal_data_in_eea"]
    assert residency and all(
        f["message"].endswith(
            "; cheapest compliant alternative: gcp-euw4-g2-l4: gcp europe-west4-c, node pool g2-l4-shared, "
            "2 x g2-standard-48 (4 x nvidia-l4), on-demand, USD 8.80/h"
        )
        for f in residency
    )
    plain = json.loads(run("check", str(JOBS), "--no-evidence", "--format", "json").stdout)["findings"]
    assert [f["policy_id"] for f in plain] == [f["policy_id"] for f in findings]
    assert not any("alternative" in f["message"] for f in plain)
