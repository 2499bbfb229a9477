"""`gavel audit --cluster` end to end: a real Kubernetes-API server on loopback holding the real
manifests of tests/data/adapters/kubernetes/, the built-in policy library, the embedded runtime,
the report formats and a real SQLite evidence store that `gavel evidence verify` checks."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kube_apiserver as apiserver
import pytest
from click.testing import CliRunner, Result

from gavel.cli import cli
from gavel.engine.loader import builtin_library

TRITON = "kubernetes:gke-serving/Deployment/triton-deployment"
VLLM = "kubernetes:ml-serving/Deployment/vllm-gemma-deployment"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("GAVEL_EVIDENCE", "KUBECONFIG", "KUBERNETES_SERVICE_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def server() -> Iterator[Any]:
    with apiserver.ClusterApiServer(apiserver.Cluster()) as running:
        yield running


@pytest.fixture
def kubeconfig(server: Any, tmp_path: Path) -> Path:
    path: Path = server.write_kubeconfig(tmp_path / "kubeconfig")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def findings_by_resource(report: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["resource"]["id"], set()).add(finding["policy_id"])
    return found


def test_audit_finds_misplaced_gpu_workloads_and_records_verifiable_evidence(
    kubeconfig: Path, tmp_path: Path
) -> None:
    result = run("audit", "--cluster", "--kubeconfig", str(kubeconfig), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    by_resource = findings_by_resource(report)
    triton = next(f for f in report["findings"] if f["resource"]["id"] == TRITON)
    assert triton["policy_id"] == "k8s_gpu_approved_placement"
    assert 'pinned to "us-central1", which is not an approved GPU region' in triton["message"]
    assert (
        triton["resource"]["source"]
        == "cluster://gavel-audit/apps/v1/Deployment/gke-serving/triton-deployment"
    )
    # The namespace's label classifies the workload: personal data on an unpinned GPU.
    assert "gpu_personal_data_in_eea" in by_resource[VLLM]
    assert "ingress_tls" in by_resource["kubernetes:ml-serving/Ingress/tf-serving-ingress"]
    assert "k8s_gpu_approved_placement" in by_resource["kubernetes:gpu-training/Job/quantize"]
    # Controller-owned Pods and ReplicaSets are judged through their owner, not again; only the
    # bare Pod of pod_priv.yaml is judged as a Pod.
    assert not [rid for rid in by_resource if "/ReplicaSet/" in rid]
    assert [rid for rid in by_resource if "/Pod/" in rid] == ["kubernetes:web/Pod/nginx"]
    assert report["evidence"]["log_index"] == 0

    shown = json.loads(run("evidence", "show", "0").stdout)["statement"]
    context = shown["predicate"]["context"]
    assert context["command"] == "audit"
    assert context["sources"][0]["type"] == "kubernetes-cluster"
    assert context["sources"][0]["cluster"] == "gavel-audit"
    subjects = {s["name"]: s["digest"]["sha256"] for s in shown["subject"]}
    assert len(subjects[triton["resource"]["source"]]) == 64
    verified = run("evidence", "verify")
    assert verified.exit_code == 0, verified.output
    assert "verified 1 entries" in verified.output


def test_a_forbidden_kind_is_reported_while_the_rest_is_audited(tmp_path: Path) -> None:
    with apiserver.ClusterApiServer(apiserver.Cluster(), forbidden=frozenset({"jobs"})) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        result = run(
            "audit", "--cluster", "--kubeconfig", str(kubeconfig), "--format", "json", "--no-evidence"
        )
    assert result.exit_code == 1
    denied = [line for line in result.stderr.splitlines() if "batch/v1/Job" in line]
    assert denied == [
        "gavel: cluster://gavel-audit/batch/v1/Job: skipped: 403 Forbidden: jobs.batch is forbidden: "
        'User "system:serviceaccount:gavel:auditor" cannot list resource "jobs" in API group "batch" '
        "at the cluster scope"
    ]
    by_resource = findings_by_resource(json.loads(result.stdout))
    assert TRITON in by_resource
    assert not [rid for rid in by_resource if "/Job/" in rid]


def test_pagination_is_followed_end_to_end(server: Any, kubeconfig: Path) -> None:
    audit = ("audit", "--cluster", "--kubeconfig", str(kubeconfig), "--format", "json", "--no-evidence")
    whole = json.loads(run(*audit).stdout)
    paged = json.loads(run(*audit, "--chunk-size", "2").stdout)
    assert [q.get("limit") for q in server.requests_for("/apis/apps/v1/deployments")] == [
        "500",
        "2",
        "2",
        "2",
        "2",
    ]
    assert paged["summary"]["resources"] == whole["summary"]["resources"]
    assert paged["findings"] == whole["findings"]


def test_a_waiver_and_fail_on_decide_the_exit_code(kubeconfig: Path, tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - policy: gpu_personal_data_in_eea\n"
        f"    resources: {{id: '{VLLM}'}}\n"
        "    reason: Inference on pseudonymised prompts only; pinning lands with the EU node pool.\n"
        "    owner: ml-platform@example.com\n"
        "    expires: 2099-01-01\n"
    )
    # The library's accelerator placement domain alone, so that the waived finding is the only
    # one at or above the default --fail-on (the whole library finds privileged DaemonSets too).
    policies = tmp_path / "policies"
    for part in ("lib", "data", "accelerator_placement"):
        shutil.copytree(builtin_library() / part, policies / part)
    audit = ("audit", "--cluster", "--kubeconfig", str(kubeconfig), "--policies", str(policies))
    assert run(*audit, "--no-evidence").exit_code == 1
    result = run(*audit, "--waivers", str(waivers), "--no-evidence")
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output
    stricter = run(*audit, "--waivers", str(waivers), "--fail-on", "medium", "--no-evidence")
    assert stricter.exit_code == 1


def test_an_unreachable_server_exits_4_with_one_line(tmp_path: Path) -> None:
    with apiserver.ClusterApiServer(apiserver.Cluster()) as stopped:
        kubeconfig = stopped.write_kubeconfig(tmp_path / "kubeconfig")
        url = stopped.url
    result = run("audit", "--cluster", "--kubeconfig", str(kubeconfig))
    assert result.exit_code == 4
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"gavel: error: {url}: cannot reach the Kubernetes API server: ")
    assert not (tmp_path / "home" / "evidence.db").exists()


def test_a_missing_kubeconfig_exits_4_naming_it(tmp_path: Path) -> None:
    result = run("audit", "--cluster", "--kubeconfig", str(tmp_path / "absent.yaml"))
    assert result.exit_code == 4
    assert result.stderr == f"gavel: error: {tmp_path / 'absent.yaml'}: kubeconfig file does not exist\n"


def test_without_a_source_it_is_a_usage_error() -> None:
    result = run("audit")
    assert result.exit_code == 2
    assert result.stderr == "gavel: error: nothing to audit: name a source (--cluster, --aws)\n"


def test_help_explains_the_cluster_options() -> None:
    result = run("audit", "--help")
    assert result.exit_code == 0
    for option in ("--cluster", "--kubeconfig", "--context", "--namespace", "--chunk-size", "--evidence"):
        assert option in result.output


def test_progress_goes_to_a_terminal_and_stays_quiet_otherwise(kubeconfig: Path, tmp_path: Path) -> None:
    quiet = run("audit", "--cluster", "--kubeconfig", str(kubeconfig), "--no-evidence")
    assert "objects" not in quiet.stderr

    controller, terminal = pty.openpty()
    env = {**os.environ, "GAVEL_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    with os.fdopen(controller, "rb", buffering=0) as screen:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from gavel.cli import main; main()",
                "audit",
                "--cluster",
                "--kubeconfig",
                str(kubeconfig),
                "--no-evidence",
            ],
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            env=env,
        )
        os.close(terminal)
        shown = b""
        while chunk := _read(screen):
            shown += chunk
        assert process.wait(timeout=60) == 1
    text = shown.decode()
    assert "gavel: Deployment (apps/v1): 8 objects" in text
    assert "gavel: collected " in text


def _read(screen: Any) -> bytes:
    try:
        data: bytes = screen.read(4096)
    except OSError:  # the terminal closes when the last writer exits
        return b""
    return data
