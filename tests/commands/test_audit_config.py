"""`gavel audit --config audit.yaml` end to end: a real Kubernetes-API server and moto in server
mode on loopback, a SQLite lineage store filled the way the receiver fills it, the cross-layer
estate of tests/data/engine/graph/ml-platform as files, the built-in library and a real SQLite
evidence store."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kube_apiserver as apiserver
import pytest
from audit_environment import isolate, read_terminal, seeded_moto
from aws_moto import MotoServer, closed_port_url
from click.testing import CliRunner, Result

from gavel.adapters.openlineage_store import LineageStore
from gavel.cli import COMMANDS, cli
from gavel.commands.audit_config import config_schema
from gavel.engine.models import Severity
from gavel.reports.base import FORMATS

DATA = Path(__file__).resolve().parents[1] / "data"
ESTATE = DATA / "engine" / "graph" / "ml-platform"
FINETUNE = "kubernetes:ml-training/Job/finetune-support-tickets"
GX_RESULT = DATA / "adapters/great-expectations/great_expectations-0.18.21"
REGIONS = ["eu-central-1", "us-east-1"]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


@pytest.fixture
def kubeconfig(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "audit").mkdir()
    with apiserver.ClusterApiServer(apiserver.Cluster()) as server:
        yield server.write_kubeconfig(tmp_path / "audit" / "kubeconfig")


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    yield from seeded_moto()


@pytest.fixture
def lineage_store(tmp_path: Path) -> str:
    """The receiver's store holding the estate's three OpenLineage run events, as it keeps them."""
    url = f"sqlite:///{tmp_path / 'lineage' / 'lineage.db'}"
    store = LineageStore.open(url)
    for event in json.loads((ESTATE / "openlineage.events.json").read_text()):
        store.append(json.dumps(event), event)
    store.close()
    return url


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_config(folder: Path, document: dict[str, Any], name: str = "audit.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(document) if name.endswith(".json") else _yaml(document))
    return path


def _yaml(document: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(document, sort_keys=False)


def findings(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((f["policy_id"], f["resource"]["id"], f["message"]) for f in report["findings"])


def cross_layer_files() -> list[str]:
    names = (
        "job.finetune-support-tickets.yaml",
        "pvc.checkpoints.yaml",
        "tfplan.gke.json",
        "tfplan.aws.json",
    )
    return [str(ESTATE / name) for name in names]


def test_config_sources_give_the_same_findings_as_the_flags(
    kubeconfig: Path, moto: MotoServer, tmp_path: Path
) -> None:
    flags = run(
        "audit",
        "--cluster",
        "--kubeconfig",
        str(kubeconfig),
        "--aws",
        *[arg for region in REGIONS for arg in ("--aws-region", region)],
        "--aws-endpoint-url",
        moto.url,
        "--format",
        "json",
        "--no-evidence",
    )
    assert flags.exit_code == 1, flags.output
    config = write_config(
        tmp_path / "audit",
        {
            "sources": [
                {"type": "cluster", "kubeconfig": "kubeconfig"},
                {"type": "aws", "regions": REGIONS, "endpoint_url": moto.url, "retry": {"max_attempts": 3}},
            ],
            "output": {"format": "json"},
        },
    )
    configured = run("audit", "--config", str(config))
    assert configured.exit_code == 1, configured.output
    by_flags, by_config = json.loads(flags.stdout), json.loads(configured.stdout)
    assert findings(by_config) == findings(by_flags)
    assert by_config["summary"]["resources"] == by_flags["summary"]["resources"]
    kinds = {f["resource"]["id"].split(":", 1)[0] for f in by_config["findings"]}
    assert kinds == {"kubernetes", "aws"}

    shown = json.loads(run("evidence", "show", str(by_config["evidence"]["log_index"])).stdout)
    context = shown["statement"]["predicate"]["context"]
    assert context["config"] == str(config)
    assert [s["type"] for s in context["sources"]] == ["kubernetes-cluster", "aws"]
    assert context["sources"][1]["retry"] == {"mode": "standard", "max_attempts": 3}
    assert "shard" not in context and "not_collected" not in context
    assert run("evidence", "verify").exit_code == 0


def test_relative_paths_resolve_against_the_config_folder(
    kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = kubeconfig.parent
    (folder / "waivers.yaml").write_text(
        "waivers:\n"
        "  - policy: k8s_gpu_approved_placement\n"
        "    resources: {id: 'kubernetes:gke-serving/Deployment/triton-deployment'}\n"
        "    reason: The us-central1 pool is being drained; the EU pool takes over in March.\n"
        "    owner: ml-platform@example.com\n"
        "    expires: 2099-01-01\n"
    )
    config = write_config(
        folder,
        {
            "sources": [{"type": "cluster", "kubeconfig": "./kubeconfig", "namespaces": ["gke-serving"]}],
            "waivers": "waivers.yaml",
            "evidence": "sqlite:///store/evidence.db",
            "output": {"format": "json", "path": "reports/audit.json"},
        },
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli, ["audit", "--config", "../audit/audit.yaml"], catch_exceptions=False)
    assert result.exit_code == 0, result.output  # the waiver covers the one high finding
    report = json.loads((folder / "reports" / "audit.json").read_text())
    triton = [
        f
        for f in report["findings"]
        if f["policy_id"] == "k8s_gpu_approved_placement"
        and f["resource"]["id"] == "kubernetes:gke-serving/Deployment/triton-deployment"
    ]
    assert triton and all(f["waived"] for f in triton)
    assert (folder / "store" / "evidence.db").is_file()
    assert config.is_file()
    verified = run("evidence", "verify", "--evidence", f"sqlite:///{folder / 'store' / 'evidence.db'}")
    assert verified.exit_code == 0, verified.output


def test_flags_and_gavel_variables_win_over_the_config(
    kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(
        kubeconfig.parent,
        {
            "sources": [{"type": "cluster", "kubeconfig": "kubeconfig", "namespaces": ["web"]}],
            "fail_on": "critical",
            "evidence": False,
            "output": {"format": "json"},
        },
        name="audit.json",
    )
    configured = run("audit", "--config", str(config))
    assert json.loads(configured.stdout)["summary"]["fail_on"] == "critical"
    flagged = run("audit", "--config", str(config), "--fail-on", "low", "--format", "text")
    assert "resources" in flagged.stdout and not flagged.stdout.startswith("{")
    assert flagged.exit_code == 1
    monkeypatch.setenv("GAVEL_AUDIT_FAIL_ON", "medium")
    from_env = json.loads(run("audit", "--config", str(config)).stdout)
    assert from_env["summary"]["fail_on"] == "medium"
    assert from_env["evidence"] is None
    recorded = json.loads(run("audit", "--config", str(config), "--evidence", "sqlite:///e.db").stdout)
    assert recorded["evidence"]["log_index"] == 0


def test_a_lineage_store_source_feeds_cross_layer_policies(lineage_store: str, tmp_path: Path) -> None:
    files = {"type": "files", "paths": cross_layer_files()}
    with_lineage = write_config(
        tmp_path / "with",
        {"sources": [{"type": "lineage", "store": lineage_store}, files], "evidence": False},
    )
    without = write_config(tmp_path / "without", {"sources": [files], "evidence": False})
    found = json.loads(run("audit", "--config", str(with_lineage), "--format", "json").stdout)
    unseen = json.loads(run("audit", "--config", str(without), "--format", "json").stdout)
    cross_layer = {("gpu_personal_data_in_eea", FINETUNE), ("personal_data_compute_outside_eea", FINETUNE)}
    assert cross_layer <= {(p, r) for p, r, _ in findings(found)}
    assert not cross_layer & {(p, r) for p, r, _ in findings(unseen)}
    assert "openlineage:dataset:s3://acme-support-tickets/tickets/2025" in {r for _, r, _ in findings(found)}


def test_great_expectations_source_reads_results_and_passes_over_other_files(tmp_path: Path) -> None:
    results = sorted(GX_RESULT.rglob("*.json"))[:2]
    config = write_config(
        tmp_path / "gx",
        {
            "sources": [
                {"type": "great_expectations", "paths": [str(p) for p in results] + cross_layer_files()[:1]}
            ],
            "evidence": False,
            "output": {"format": "json"},
        },
    )
    result = run("audit", "--config", str(config))
    report = json.loads(result.stdout)
    assert report["summary"]["resources"] >= len(results)
    assert {f["resource"]["kind"] for f in report["findings"]} <= {"gx_validation_result"}
    assert (
        f"gavel: {cross_layer_files()[0]}: skipped: not a Great Expectations result or validation config "
        "(read as kubernetes)" in result.stderr.splitlines()
    )


def test_a_source_that_fails_is_reported_and_the_rest_is_audited(kubeconfig: Path, tmp_path: Path) -> None:
    unreachable = closed_port_url().replace("http://", "postgresql://gavel@") + "/lineage"
    config = write_config(
        kubeconfig.parent,
        {
            "sources": [
                {"type": "lineage", "store": unreachable},
                {"type": "cluster", "kubeconfig": "kubeconfig"},
            ],
            "output": {"format": "json"},
        },
    )
    result = run("audit", "--config", str(config))
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stderr.splitlines() if "not collected" in line]
    assert len(failed) == 1
    assert failed[0].startswith(f"gavel: not collected: lineage:{unreachable}: cannot open lineage store ")
    report = json.loads(result.stdout)
    assert report["summary"]["resources"] > 0
    context = json.loads(run("evidence", "show", "0").stdout)["statement"]["predicate"]["context"]
    assert context["not_collected"][0].startswith(f"lineage:{unreachable}: cannot open lineage store")

    strict = run("audit", "--config", str(config), "--strict")
    assert strict.exit_code == 4
    assert json.loads(strict.stdout)["evidence"]["log_index"] == 1
    assert strict.stderr.splitlines()[-1] == "gavel: error: --strict: 1 source(s) not collected; see above"


def test_when_no_source_can_be_read_it_exits_4_naming_each(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "audit",
        {
            "sources": [
                {"type": "files", "paths": ["absent.yaml"]},
                {"type": "lineage", "store": "mysql://x/y"},
            ]
        },
    )
    result = run("audit", "--config", str(config))
    assert result.exit_code == 4
    absent = tmp_path / "audit" / "absent.yaml"
    assert result.stderr == (
        "gavel: error: nothing could be collected: "
        f"files {absent}: {absent}: no such file or folder; "
        "lineage:mysql://x/y: unsupported lineage store 'mysql'; use sqlite:/// or postgresql://\n"
    )
    assert not (tmp_path / "home" / "evidence.db").exists()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("audit.yaml", "sources:\n  - type: cluster\n   context: x\n", "audit.yaml:3:4: invalid YAML: "),
        ("audit.json", '{"sources": [}', "audit.json:1:14: invalid JSON: Expecting value"),
        (
            "audit.yaml",
            "sources:\n  - type: kafka\n",
            "audit.yaml: invalid audit config at $.sources[0].type: 'kafka' is not one of "
            "['cluster', 'aws', 'lineage', 'mlflow', 'great_expectations', 'files']",
        ),
        (
            "audit.yaml",
            "sources:\n  - type: files\n  - type: lineage\n",
            "audit.yaml: invalid audit config at $.sources[0]: missing key 'paths'",
        ),
        (
            "audit.yaml",
            "sources:\n  - {type: cluster, namespace: web}\n",
            "audit.yaml: invalid audit config at $.sources[0]: unknown key 'namespace'",
        ),
        (
            "audit.yaml",
            "policies: [builtin]\n",
            "audit.yaml: invalid audit config at $: missing key 'sources'",
        ),
        (
            "audit.yaml",
            "sources: [{type: files, paths: [a]}]\noutput: {format: pdf}\n",
            "audit.yaml: invalid audit config at $.output.format: 'pdf' is not one of",
        ),
        (
            "audit.yaml",
            "sources: []\n",
            "audit.yaml: invalid audit config at $.sources: [] should be non-empty",
        ),
        (
            "audit.yaml",
            "sources: [{type: files, paths: [a]}]\njobs: 0\n",
            "audit.yaml: invalid audit config at $.jobs: 0 is less than the minimum of 1",
        ),
        ("audit.yaml", "---\nsources: []\n---\nsources: []\n", "an audit config holds one document, found 2"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_file_and_path(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = run("audit", "--config", str(path))
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("gavel: error: ")
    assert message in line
    assert str(tmp_path) in line


def test_a_missing_config_exits_3_naming_it(tmp_path: Path) -> None:
    result = run("audit", "--config", str(tmp_path / "absent.yaml"))
    assert result.exit_code == 3
    assert result.stderr == f"gavel: error: {tmp_path / 'absent.yaml'}: audit config file does not exist\n"


def test_the_schema_offers_what_the_command_accepts() -> None:
    schema = config_schema()
    assert schema["properties"]["output"]["properties"]["format"]["enum"] == sorted(FORMATS)
    assert schema["properties"]["fail_on"]["enum"] == [s.value for s in Severity]


def test_audit_is_a_group_whose_help_lists_manifests_and_the_new_options() -> None:
    result = run("audit", "--help")
    assert result.exit_code == 0
    for text in ("--config", "--shard", "--strict", "--cluster", "--aws", "--jobs", "manifests"):
        assert text in result.output
    assert (
        COMMANDS["audit"][1]
        == "Audit live sources and files (cluster, AWS, lineage, MLflow) and record evidence."
    )


def test_a_terminal_shows_a_bar_over_the_units_and_the_evaluation(kubeconfig: Path, tmp_path: Path) -> None:
    config = write_config(
        kubeconfig.parent,
        {
            "sources": [
                {"type": "cluster", "kubeconfig": "kubeconfig"},
                {"type": "files", "paths": cross_layer_files()},
            ]
        },
    )
    quiet = run("audit", "--config", str(config), "--no-evidence")
    assert "collecting" not in quiet.stderr and "evaluat" not in quiet.stderr

    controller, terminal = pty.openpty()
    env = {**os.environ, "GAVEL_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    command = [sys.executable, "-c", "from gavel.cli import main; main()", "audit", "--config", str(config)]
    with os.fdopen(controller, "rb", buffering=0) as screen:
        process = subprocess.Popen(
            [*command, "--no-evidence"], stdout=subprocess.DEVNULL, stderr=terminal, env=env
        )
        os.close(terminal)
        shown = read_terminal(screen)
        assert process.wait(timeout=120) == 1
    text = shown.decode()
    assert "gavel: collecting [" in text
    assert "] 5/5 file:" in text  # the cluster and four files, the last one named
    assert "gavel: Deployment (apps/v1): 8 objects" in text  # the adapter's lines stay, above the bar
    assert re.search(r"gavel: evaluated \d+ resources, \d+ findings \(\d+\.\d s\)", text)


def test_config_sources_add_to_the_flags(kubeconfig: Path, tmp_path: Path) -> None:
    (tmp_path / "second").mkdir()
    with apiserver.ClusterApiServer(apiserver.Cluster()) as other:
        other.write_kubeconfig(tmp_path / "second" / "kubeconfig")
        config = write_config(
            tmp_path / "second", {"sources": [{"type": "cluster", "kubeconfig": "kubeconfig"}]}
        )
        result = run("audit", "--cluster", "--kubeconfig", str(kubeconfig), "--config", str(config))
    assert result.exit_code == 1, result.output
    context = context_of_first_record()
    servers = [source["server"] for source in context["sources"]]
    assert servers == [yaml_server(kubeconfig), other.url]


def context_of_first_record() -> dict[str, Any]:
    context: dict[str, Any] = json.loads(run("evidence", "show", "0").stdout)["statement"]["predicate"][
        "context"
    ]
    return context


def yaml_server(kubeconfig: Path) -> str:
    import yaml

    server: str = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    return server
