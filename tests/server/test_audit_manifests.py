"""Audit manifests: valid against Kubernetes' OpenAPI schemas (kubernetes-validate, offline) and the
API server's rules those schemas do not carry, sharded runs as Indexed Jobs, the audit config in a
ConfigMap, the evidence Secret referenced and never embedded, one-line errors, and the committed
kustomize base in sync."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import kubernetes_validate
import pytest
import yaml
from click.testing import CliRunner, Result
from committed_manifests import KUBERNETES_VERSION, assert_committed_base_matches
from test_webhook_manifests import ADMISSION, ROOT

from gavel.cli import GavelGroup
from gavel.commands.audit_manifests import command
from gavel.commands.audit_shards import Shard
from gavel.server.cron import schedule_problem

# A real `gavel audit --config` file: comments and key order must reach the ConfigMap as written.
AUDIT_CONFIG = """\
# Nightly posture of the ML platform, judged as one estate.
sources:
  - type: cluster
    namespaces: [ml-serving, ml-training]
  - type: aws
    regions: [eu-west-1, eu-central-1]
policies: [builtin]
fail_on: medium
"""


class _Gavel(GavelGroup):
    """The root group's error handling around the command alone (`gavel audit` registers it)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return ["manifests"]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return command if cmd_name == "manifests" else None


def run(*args: str) -> Result:
    return CliRunner().invoke(_Gavel(name="gavel"), ["manifests", *args])


def objects(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    return [m for m in yaml.safe_load_all(result.stdout) if m]


def by_kind(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {m["kind"]: m for m in manifests}


def job_of(manifests: list[dict[str, Any]]) -> dict[str, Any]:
    runner = manifests[-1]
    spec: dict[str, Any] = (
        runner["spec"]["jobTemplate"]["spec"] if runner["kind"] == "CronJob" else runner["spec"]
    )
    return spec


def container_of(manifests: list[dict[str, Any]]) -> dict[str, Any]:
    container: dict[str, Any] = job_of(manifests)["template"]["spec"]["containers"][0]
    return container


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "audit.yaml"
    path.write_text(AUDIT_CONFIG)
    return path


@pytest.fixture
def sharded(config_file: Path) -> list[dict[str, Any]]:
    return objects(run("--config", str(config_file), "--shards", "4", "--namespace", "audits"))


def assert_api_server_accepts_job(job: dict[str, Any]) -> None:
    """Job rules the API server enforces beyond the OpenAPI schema (batch validation)."""
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "Never"  # required by podFailurePolicy
    actions = {rule["action"] for rule in job["podFailurePolicy"]["rules"]}
    assert actions <= {"FailJob", "FailIndex", "Ignore", "Count"}
    if "FailIndex" in actions or "backoffLimitPerIndex" in job:
        assert job["completionMode"] == "Indexed" and "backoffLimitPerIndex" in job
    if job.get("completionMode") == "Indexed":
        assert 1 <= job["completions"] <= 100_000 and job["parallelism"] <= job["completions"]
    names = {c["name"] for c in pod["containers"]}
    for rule in job["podFailurePolicy"]["rules"]:
        if "onExitCodes" in rule:
            assert rule["onExitCodes"]["containerName"] in names
            assert 0 not in rule["onExitCodes"]["values"]  # exit 0 is not allowed with operator In
    volumes = {v["name"] for v in pod["volumes"]}
    assert {m["name"] for c in pod["containers"] for m in c["volumeMounts"]} <= volumes


@pytest.mark.parametrize(
    "args",
    [
        ("--shards", "4"),
        (),
        ("--once",),
        ("--once", "--shards", "3", "--service-account", "auditor", "--evidence-secret", "pg.audit"),
    ],
    ids=["cronjob-indexed", "cronjob-plain", "job", "job-indexed"],
)
def test_every_object_validates_strictly_against_the_kubernetes_schemas(
    config_file: Path, args: tuple[str, ...]
) -> None:
    manifests = objects(run("--config", str(config_file), *args))
    kinds = [m["kind"] for m in manifests]
    runner = "Job" if "--once" in args else "CronJob"
    assert kinds == ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", runner]
    for manifest in manifests:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    assert_api_server_accepts_job(job_of(manifests))


def test_a_sharded_run_is_an_indexed_job_whose_pods_each_take_their_shard(
    sharded: list[dict[str, Any]],
) -> None:
    job = job_of(sharded)
    assert job["completionMode"] == "Indexed"
    assert job["completions"] == job["parallelism"] == 4
    assert job["backoffLimitPerIndex"] == 2 and "backoffLimit" not in job
    container = container_of(sharded)
    assert container["args"] == [
        "audit",
        "--config",
        "/etc/gavel/audit.yaml",
        "--shard",
        "$(JOB_COMPLETION_INDEX)/4",
    ]
    index = next(e for e in container["env"] if e["name"] == "JOB_COMPLETION_INDEX")
    assert index["valueFrom"]["fieldRef"]["fieldPath"] == (
        "metadata.annotations['batch.kubernetes.io/job-completion-index']"
    )
    # What each pod runs once Kubernetes expands its index: exactly the shards 0/4 .. 3/4.
    expanded = [container["args"][-1].replace("$(JOB_COMPLETION_INDEX)", str(i)) for i in range(4)]
    assert [str(Shard.parse(text)) for text in expanded] == ["0/4", "1/4", "2/4", "3/4"]
    # A shard that found violations (1) or was misconfigured (2, 3) fails alone, without a retry
    # that would record the same audit again; evicted pods do not count.
    rules = job["podFailurePolicy"]["rules"]
    assert rules[0] == {
        "action": "FailIndex",
        "onExitCodes": {"containerName": "audit", "operator": "In", "values": [1, 2, 3]},
    }
    assert rules[1] == {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}


def test_one_shard_runs_a_plain_job_that_fails_whole(config_file: Path) -> None:
    manifests = objects(run("--config", str(config_file)))
    job = job_of(manifests)
    assert "completionMode" not in job and "completions" not in job and "backoffLimitPerIndex" not in job
    assert job["backoffLimit"] == 2
    assert job["podFailurePolicy"]["rules"][0]["action"] == "FailJob"
    assert container_of(manifests)["args"] == ["audit", "--config", "/etc/gavel/audit.yaml"]
    assert "JOB_COMPLETION_INDEX" not in json.dumps(manifests)


def test_the_cronjob_never_overlaps_and_cleans_up(sharded: list[dict[str, Any]]) -> None:
    cron = by_kind(sharded)["CronJob"]
    assert cron["metadata"]["namespace"] == "audits"
    spec = cron["spec"]
    assert spec["schedule"] == "0 3 * * *"
    assert spec["timeZone"] == "Etc/UTC"
    assert spec["concurrencyPolicy"] == "Forbid"
    job = job_of(sharded)
    assert job["activeDeadlineSeconds"] == 3600
    assert job["ttlSecondsAfterFinished"] == 86400
    other = objects(run("--schedule", "30 1 * * SUN", "--active-deadline-seconds", "7200"))
    assert by_kind(other)["CronJob"]["spec"]["schedule"] == "30 1 * * SUN"
    assert job_of(other)["activeDeadlineSeconds"] == 7200


def test_the_config_map_holds_the_config_as_written_and_is_mounted_where_the_args_read_it(
    sharded: list[dict[str, Any]],
) -> None:
    config_map = by_kind(sharded)["ConfigMap"]
    assert config_map["data"] == {"audit.yaml": AUDIT_CONFIG}
    pod = job_of(sharded)["template"]["spec"]
    volume = next(v for v in pod["volumes"] if v.get("configMap"))
    assert volume["configMap"]["name"] == config_map["metadata"]["name"]
    mount = next(m for m in container_of(sharded)["volumeMounts"] if m["name"] == volume["name"])
    assert mount == {"name": volume["name"], "mountPath": "/etc/gavel", "readOnly": True}


def test_a_utf16_config_reaches_the_config_map_as_text(tmp_path: Path) -> None:
    config = tmp_path / "audit.yaml"
    config.write_bytes(AUDIT_CONFIG.encode("utf-16"))  # with a byte-order mark, as gavel audit reads it
    manifests = objects(run("--config", str(config)))
    assert by_kind(manifests)["ConfigMap"]["data"] == {"audit.yaml": AUDIT_CONFIG}


def test_without_a_config_the_job_audits_its_own_cluster() -> None:
    manifests = objects(run())
    assert "ConfigMap" not in by_kind(manifests)
    assert container_of(manifests)["args"] == ["audit", "--cluster"]
    assert [v["name"] for v in job_of(manifests)["template"]["spec"]["volumes"]] == ["state", "signing-key"]


def test_the_evidence_secret_is_referenced_and_never_embedded(config_file: Path) -> None:
    manifests = objects(run("--config", str(config_file), "--shards", "2", "--evidence-secret", "pg-audit"))
    assert "Secret" not in by_kind(manifests)
    container = container_of(manifests)
    store = next(e for e in container["env"] if e["name"] == "GAVEL_EVIDENCE")
    assert store == {
        "name": "GAVEL_EVIDENCE",
        "valueFrom": {"secretKeyRef": {"name": "pg-audit", "key": "GAVEL_EVIDENCE_URL"}},
    }
    # The signing key: the Secret's files become $GAVEL_HOME/keys, read-only, for the pod's group.
    pod = job_of(manifests)["template"]["spec"]
    keys = next(v for v in pod["volumes"] if v["name"] == "signing-key")
    assert keys["secret"] == {"secretName": "pg-audit", "defaultMode": 0o440}
    home = next(e["value"] for e in container["env"] if e["name"] == "GAVEL_HOME")
    mount = next(m for m in container["volumeMounts"] if m["name"] == "signing-key")
    assert mount == {"name": "signing-key", "mountPath": f"{home}/keys", "readOnly": True}


def test_a_config_naming_its_own_store_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text(AUDIT_CONFIG + "evidence: postgresql://gavel:hunter2@db/evidence\n")
    result = run("--config", str(config))
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        f"gavel: error: {config}: `evidence` would override the store of the evidence Secret in the "
        "cluster (remove it; the pods read GAVEL_EVIDENCE_URL from --evidence-secret)"
    ]
    assert "hunter2" not in result.stdout


def test_a_config_with_paths_relative_to_its_folder_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text(AUDIT_CONFIG + "waivers: waivers.yaml\n")
    result = run("--config", str(config))
    assert result.exit_code == 3
    assert "'waivers.yaml' is relative to the config's folder" in result.stderr
    absolute = tmp_path / "absolute.yaml"
    absolute.write_text(AUDIT_CONFIG + "waivers: /etc/gavel-waivers/waivers.yaml\n")
    assert run("--config", str(absolute)).exit_code == 0


def test_the_service_account_reads_exactly_the_kinds_the_policies_cover() -> None:
    manifests = objects(
        run(
            "--service-account", "auditor", "--policies", str(ADMISSION / "policies"), "--namespace", "audits"
        )
    )
    kinds = by_kind(manifests)
    assert kinds["ServiceAccount"]["metadata"] == {
        "name": "auditor",
        "labels": {"app.kubernetes.io/name": "gavel-audit", "app.kubernetes.io/part-of": "gavel"},
        "namespace": "audits",
    }
    rules = kinds["ClusterRole"]["rules"]
    assert {verb for rule in rules for verb in rule["verbs"]} == {"get", "list"}
    readable = {(g, r) for rule in rules for g in rule["apiGroups"] for r in rule["resources"]}
    assert readable == {
        ("", "namespaces"),
        ("", "pods"),
        ("apps", "deployments"),
        ("apps", "replicasets"),
        ("apps", "statefulsets"),
        ("apps", "daemonsets"),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
    }
    binding = kinds["ClusterRoleBinding"]
    assert binding["roleRef"]["name"] == kinds["ClusterRole"]["metadata"]["name"] == "gavel:auditor"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "auditor", "namespace": "audits"}]
    pod = job_of(manifests)["template"]["spec"]
    assert pod["serviceAccountName"] == "auditor" and pod["automountServiceAccountToken"] is True


def test_the_pod_is_locked_down(sharded: list[dict[str, Any]]) -> None:
    pod = job_of(sharded)["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    context = container_of(sharded)["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}
    resources = container_of(sharded)["resources"]
    assert resources["requests"]["cpu"] and resources["limits"]["memory"]


def test_once_emits_a_job_named_for_the_moment_and_refuses_a_schedule(config_file: Path) -> None:
    manifests = objects(run("--config", str(config_file), "--once", "--image", "registry.example/gavel:1"))
    job = manifests[-1]
    assert job["kind"] == "Job" and "CronJob" not in by_kind(manifests)
    name = job["metadata"]["name"]
    assert name.startswith("gavel-audit-") and len(name) == len("gavel-audit-20261125-030000")
    assert container_of(manifests)["image"] == "registry.example/gavel:1"
    refused = run("--once", "--schedule", "0 4 * * *")
    assert refused.exit_code == 2
    assert refused.stderr == "gavel: error: --once runs the audit now: leave out --schedule\n"


def test_json_is_one_list_kubectl_reads(config_file: Path) -> None:
    result = run("--config", str(config_file), "--shards", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["apiVersion"], document["kind"]) == ("v1", "List")
    assert [m["kind"] for m in document["items"]][-1] == "CronJob"
    assert document["items"] == objects(run("--config", str(config_file), "--shards", "2"))


@pytest.mark.parametrize("output_format", ["yaml", "json"])
def test_out_writes_one_file_per_object_and_a_kustomization(
    config_file: Path, tmp_path: Path, output_format: str
) -> None:
    out = tmp_path / "deploy"
    result = run("--config", str(config_file), "--shards", "3", "--format", output_format, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"gavel: wrote 6 manifests and kustomization.yaml to {out}\n"
    kustomization = yaml.safe_load((out / "kustomization.yaml").read_text())
    assert kustomization["resources"] == [
        f"00-namespace-gavel-system.{output_format}",
        f"01-serviceaccount-gavel-audit.{output_format}",
        f"02-clusterrole-gavel-gavel-audit.{output_format}",
        f"03-clusterrolebinding-gavel-gavel-audit.{output_format}",
        f"04-configmap-gavel-audit-config.{output_format}",
        f"05-cronjob-gavel-audit.{output_format}",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*kustomization["resources"], "kustomization.yaml"]
    )
    written = [yaml.safe_load((out / name).read_text()) for name in kustomization["resources"]]
    assert written == objects(run("--config", str(config_file), "--shards", "3"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--schedule", "61 3 * * *"), "--schedule '61 3 * * *': minute: 61 is outside 0-59"),
        (("--schedule", "0 3 * *"), "--schedule '0 3 * *': expected 5 fields"),
        (("--shards", "0"), "--shards 0: must be 1 to 100,000 (pods per run)"),
        (("--shards", "100001"), "--shards 100001: must be 1 to 100,000"),
        (("--namespace", "Audits"), "--namespace 'Audits': not a Kubernetes name"),
        (("--evidence-secret", "pg_url"), "--evidence-secret 'pg_url': not a Kubernetes name"),
    ],
)
def test_bad_options_are_one_line_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gavel: error: {message}"), result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (None, "audit config file does not exist"),
        ("", "a folder, not an audit config file"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "contains NUL characters; binary file?"),
        ("sources: [{type: cluster}\n", "invalid YAML"),
        ("sources: []\n", "invalid audit config at $.sources"),
        ("sources: [{type: cluster}]\ncadence: nightly\n", "unknown key 'cadence'"),
    ],
    ids=["missing", "folder", "binary", "not-yaml", "no-sources", "unknown-key"],
)
def test_a_config_gavel_audit_would_refuse_is_a_one_line_error_naming_the_file(
    tmp_path: Path, text: str | bytes | None, problem: str
) -> None:
    config = tmp_path / "audit.yaml"
    if isinstance(text, bytes):
        config.write_bytes(text)
    elif text == "":
        config.mkdir()
    elif text is not None:
        config.write_text(text)
    result = run("--config", str(config))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gavel: error: {config}"), result.stderr
    assert problem in lines[0]


@pytest.mark.parametrize(
    "schedule",
    [
        "0 3 * * *",
        "*/15 * * * *",
        "0 3 * * MON-fri",
        "0 0 1,15 * ?",
        "5 4 * JAN/3 *",
        "@daily",
        "@every 1h30m",
    ],
)
def test_schedules_the_api_server_accepts(schedule: str) -> None:
    assert schedule_problem(schedule) is None


@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        ("0 3 * * 7", "day of week: 7 is outside 0-6"),
        ("0 24 * * *", "hour: 24 is outside 0-23"),
        ("0 3 0 * *", "day of month: 0 is outside 1-31"),
        ("0 3 * 13 *", "month: 13 is outside 1-12"),
        ("5-1 * * * *", "minute: range '5-1' starts after it ends"),
        ("*/0 * * * *", "minute: step '0' must be a positive number"),
        ("0 3 * * MON,", "day of week: '' is not a number, range or list"),
        ("0 3 * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 6"),
        ("CRON_TZ=Europe/Paris 0 3 * * *", "a time zone belongs in the CronJob's timeZone"),
        ("@fortnightly", "unknown descriptor"),
        ("@every fortnight", "@every needs a duration such as 6h"),
    ],
)
def test_schedules_the_api_server_refuses(schedule: str, problem: str) -> None:
    found = schedule_problem(schedule)
    assert found is not None and found.startswith(problem)


def test_the_committed_kustomize_base_is_what_the_code_generates(tmp_path: Path) -> None:
    result = run("--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    regenerate = "gavel audit manifests --out deploy/audit"
    assert_committed_base_matches(tmp_path, ROOT / "deploy" / "audit", regenerate)
