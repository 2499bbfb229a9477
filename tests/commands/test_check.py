"""`gavel check` end to end through the real adapters, engine and formats: exit codes, errors,
outputs and settings precedence."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gavel.cli import cli


@pytest.fixture
def policies(data_dir: Path) -> str:
    return str(data_dir / "engine" / "policies")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_violations_exit_1_with_a_table_and_summary(policies: str, sse_plan: Path) -> None:
    result = run("check", str(sse_plan), "--policies", policies, "--no-evidence")
    assert result.exit_code == 1, result.output
    assert "bucket_encrypted" in result.output
    assert "terraform:aws_s3_bucket.unencrypted" in result.output
    assert "GDPR Art. 32(1)(a)" in result.output
    assert "FAILED" in result.output


def test_json_output_has_the_documented_shape(policies: str, sse_plan: Path) -> None:
    result = run("check", str(sse_plan), "--policies", policies, "--no-evidence", "--format", "json")
    document = json.loads(result.stdout)
    assert set(document) >= {"summary", "findings", "evidence"}
    assert document["summary"]["passed"] is False
    encrypted = {f["resource"]["id"] for f in document["findings"] if f["policy_id"] == "bucket_encrypted"}
    assert "terraform:aws_s3_bucket.unencrypted" in encrypted
    assert not any(rid.endswith((".sse_s3", ".sse_kms")) for rid in encrypted)
    assert document["evidence"] is None


def test_fail_on_critical_passes_the_same_plan(policies: str, sse_plan: Path) -> None:
    result = run("check", str(sse_plan), "--policies", policies, "--no-evidence", "--fail-on", "critical")
    assert result.exit_code == 0, result.output


def test_environment_variables_and_config_file_set_options(
    policies: str, tmp_path: Path, sse_plan: Path
) -> None:
    assert (
        run(
            "check",
            str(sse_plan),
            "--policies",
            policies,
            "--no-evidence",
            env={"GAVEL_CHECK_FAIL_ON": "critical"},
        ).exit_code
        == 0
    )
    (tmp_path / "gavel.yaml").write_text("check:\n  fail-on: critical\n")
    assert run("check", str(sse_plan), "--policies", policies, "--no-evidence").exit_code == 0
    # a flag wins over the config file
    assert (
        run("check", str(sse_plan), "--policies", policies, "--no-evidence", "--fail-on", "high").exit_code
        == 1
    )


def test_output_file_is_written_and_summary_goes_to_stderr(
    policies: str, tmp_path: Path, sse_plan: Path
) -> None:
    out = tmp_path / "reports" / "gavel.sarif"
    result = run(
        "check",
        str(sse_plan),
        "--policies",
        policies,
        "--no-evidence",
        "--format",
        "sarif",
        "--output",
        str(out),
    )
    assert result.exit_code == 1
    sarif = json.loads(out.read_text())
    assert sarif["version"] == "2.1.0"
    assert "blocking findings" in result.stderr
    assert list(out.parent.iterdir()) == [out], "no temporary files left behind"


def test_output_to_a_named_pipe_writes_through_it_instead_of_replacing_it(
    policies: str, tmp_path: Path, sse_plan: Path
) -> None:
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    args = ("check", str(sse_plan), "--policies", policies, "--no-evidence", "--format", "json")
    result = run(*args, "--output", str(pipe))
    reader.join(timeout=60)
    assert result.exit_code == 1
    assert json.loads(received[0])["summary"]["resources"] > 0
    assert stat.S_ISFIFO(pipe.stat().st_mode), "the pipe is still a pipe"


def test_malformed_json_names_file_line_and_column_and_exits_4(tmp_path: Path, policies: str) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{\n  "format_version": "1.2",\n  "planned_values": {,\n}\n')
    out = tmp_path / "out.json"
    result = run("check", str(bad), "--policies", policies, "--no-evidence", "--output", str(out))
    assert result.exit_code == 4
    assert f"{bad}:3:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists(), "nothing is half-written on failure"


def test_malformed_yaml_exits_4(tmp_path: Path, policies: str) -> None:
    bad = tmp_path / "deploy.yaml"
    bad.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n")
    result = run("check", str(bad), "--policies", policies, "--no-evidence")
    assert result.exit_code == 4
    assert str(bad) in result.stderr


def test_broken_rego_exits_3_with_location(data_dir: Path, sse_plan: Path) -> None:
    result = run(
        "check", str(sse_plan), "--policies", str(data_dir / "engine" / "bad_syntax"), "--no-evidence"
    )
    assert result.exit_code == 3
    assert "bad_policy/policy.rego:7:1" in result.stderr


def test_unknown_documents_are_skipped_or_fatal_under_strict(
    tmp_path: Path, policies: str, sse_plan: Path
) -> None:
    other = tmp_path / "notes.json"
    other.write_text('{"hello": "world"}')
    lenient = run(
        "check", str(other), str(sse_plan), "--policies", policies, "--no-evidence", "--fail-on", "critical"
    )
    assert lenient.exit_code == 0
    assert "notes.json" in lenient.stderr and "skipped" in lenient.stderr
    strict = run("check", str(other), "--policies", policies, "--no-evidence", "--strict")
    assert strict.exit_code == 4


def test_usage_errors_exit_2(policies: str, sse_plan: Path) -> None:
    assert run("check", str(sse_plan), "--format", "pdf").exit_code == 2
    assert run("check").exit_code == 2
    missing_threshold = run(
        "check", str(sse_plan), "--policies", policies, "--no-evidence", "--environment", "moon"
    )
    assert missing_threshold.exit_code == 2
    assert "moon" in missing_threshold.stderr
    assert run("check", str(sse_plan), "--no-evidence", "--runtime", "opa").exit_code == 2


def test_missing_path_exits_4(policies: str) -> None:
    result = run("check", "no-such-plan.json", "--policies", policies, "--no-evidence")
    assert result.exit_code == 4
    assert "no-such-plan.json" in result.stderr


WAIVER = """\
waivers:
  - policy: {policy}
    resources: {{{selector}}}
    reason: Legacy bucket scheduled for deletion.
    owner: data-platform@example.com
    expires: 2099-01-01
"""


def test_waivers_file_waives_and_bad_waivers_exit_3(tmp_path: Path, policies: str, sse_plan: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        WAIVER.format(policy="bucket_encrypted", selector="id: 'terraform:aws_s3_bucket.unencrypted'")
    )
    args = ("check", str(sse_plan), "--policies", policies, "--no-evidence", "--waivers", str(waivers))
    result = run(*args, "--format", "json")
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["policy_id"] == "bucket_encrypted")
    assert finding["waived"] is True
    waivers.write_text(WAIVER.format(policy="'*'", selector="kind: aws_s3_bucket"))
    refused = run(*args)
    assert refused.exit_code == 3
    assert "matches everything" in refused.stderr


def test_opa_runtime_gives_the_same_report_as_the_embedded_one(policies: str, sse_plan: Path) -> None:
    from gavel.server.opa_compat import OpaCompatServer

    args = ("check", str(sse_plan), "--policies", policies, "--no-evidence", "--format", "json")
    embedded = json.loads(run(*args).stdout)
    with OpaCompatServer("127.0.0.1", 0) as server:
        served = run(*args, "--runtime", "opa", "--opa-url", server.url)
    assert served.exit_code == 1
    document = json.loads(served.stdout)
    assert document["findings"] == embedded["findings"]
    assert document["summary"] == embedded["summary"]


def test_unreachable_opa_server_is_a_configuration_error(policies: str, sse_plan: Path) -> None:
    result = run(
        "check",
        str(sse_plan),
        "--policies",
        policies,
        "--no-evidence",
        "--runtime",
        "opa",
        "--opa-url",
        "http://127.0.0.1:9",
    )
    assert result.exit_code == 3
    assert "127.0.0.1:9" in result.stderr


def _many_buckets(sse_plan: Path, path: Path, copies: int) -> int:
    """The plan with its resources repeated under new names: an estate big enough to split."""
    plan = json.loads(sse_plan.read_text())
    changes = plan["resource_changes"]
    plan["resource_changes"] = [
        {**change, "address": f"{change['address']}_{n}", "name": f"{change['name']}_{n}"}
        for n in range(copies)
        for change in changes
    ]
    path.write_text(json.dumps(plan))
    return len(plan["resource_changes"])


def test_jobs_split_a_large_estate_and_report_what_one_process_reports(
    policies: str, sse_plan: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "many.json"
    assert _many_buckets(sse_plan, plan, 600) >= 2_000
    reports = {}
    for jobs in ("1", "2"):
        result = run(
            "check", str(plan), "--policies", policies, "--no-evidence", "--format", "json", "-j", jobs
        )
        assert result.exit_code == 1, result.output
        document = json.loads(result.stdout)
        reports[jobs] = (document["findings"], document["summary"])
    assert reports["1"] == reports["2"]
    assert len(reports["2"][0]) >= 600


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(policies: str, sse_plan: Path, value: str) -> None:
    result = run("check", str(sse_plan), "--policies", policies, "--no-evidence", env={"GAVEL_JOBS": value})
    assert result.exit_code == 2
    assert "--jobs" in result.output
