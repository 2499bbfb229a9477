"""Everything `kubectl apply` needs to run periodic audits in a cluster, as plain Kubernetes objects.

A CronJob runs `gavel audit` on a schedule; with several shards its Job is an Indexed Job whose
pods each run `--shard $(JOB_COMPLETION_INDEX)/N` and append to one PostgreSQL evidence store
(DESIGN section 7). Nothing secret is written here: the store's URL and the signing key come from
a Secret the user creates, so every shard and every night signs with the one key the log knows
(a key made inside a pod would die with it and be refused by the shared log as a second key).
The audit config travels in a ConfigMap. Labels, security contexts and RBAC are the webhook's
(`server/manifests.py`), so both parts of gavel look and are locked down alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .manifests import (
    IMAGE,
    STATE_DIR,
    container_security_context,
    evidence_env,
    object_metadata,
    pod_security_context,
    read_access,
    signing_key_mount,
    signing_key_volume,
    state_env,
    webhook_rules,
)

NAME = "gavel-audit"
CONFIG_MAP = f"{NAME}-config"
CONFIG_DIR = "/etc/gavel"
CONFIG_FILE = "audit.yaml"
CONTAINER = "audit"
# Exit codes a retry would only repeat (violations found, usage, policy or config error); an
# unreachable API server (4) or store (5) is worth another try.
FINAL_EXIT_CODES = (1, 2, 3)


@dataclass(frozen=True)
class AuditManifestOptions:
    """The choices `gavel audit manifests` exposes."""

    namespace: str = "gavel-system"
    schedule: str = "0 3 * * *"
    shards: int = 1
    image: str = IMAGE
    service_account: str = NAME
    evidence_secret: str = f"{NAME}-evidence"
    config_text: str | None = None  # the audit config; None audits the cluster the Job runs in
    once: str | None = None  # the name of a one-shot Job to emit instead of the CronJob
    backoff_limit: int = 2
    active_deadline_seconds: int = 3600
    ttl_seconds_after_finished: int = 86400


def audit_args(options: AuditManifestOptions) -> list[str]:
    """The container's arguments; Kubernetes expands `$(JOB_COMPLETION_INDEX)` in each pod."""
    args = ["audit"]
    args += ["--config", f"{CONFIG_DIR}/{CONFIG_FILE}"] if options.config_text is not None else ["--cluster"]
    if options.shards > 1:
        args += ["--shard", f"$(JOB_COMPLETION_INDEX)/{options.shards}"]
    return args


def _container(options: AuditManifestOptions) -> dict[str, Any]:
    env = [*state_env(), evidence_env(options.evidence_secret, None)]
    if options.shards > 1:
        index = "metadata.annotations['batch.kubernetes.io/job-completion-index']"
        env.append({"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {"fieldPath": index}}})
    mounts = [
        {"name": "state", "mountPath": STATE_DIR},
        signing_key_mount(),
    ]
    if options.config_text is not None:
        mounts.append({"name": "config", "mountPath": CONFIG_DIR, "readOnly": True})
    return {
        "name": CONTAINER,
        "image": options.image,
        "args": audit_args(options),
        "env": env,
        "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
        "securityContext": container_security_context(),
        "volumeMounts": mounts,
    }


def _volumes(options: AuditManifestOptions) -> list[dict[str, Any]]:
    volumes: list[dict[str, Any]] = [
        {"name": "state", "emptyDir": {}},
        signing_key_volume(options.evidence_secret),
    ]
    if options.config_text is not None:
        volumes.append({"name": "config", "configMap": {"name": CONFIG_MAP}})
    return volumes


def job_spec(options: AuditManifestOptions) -> dict[str, Any]:
    """One audit run: a plain Job, or an Indexed Job of `shards` pods that each retry on their own."""
    indexed = options.shards > 1
    failure_rules = [
        {
            "action": "FailIndex" if indexed else "FailJob",
            "onExitCodes": {"containerName": CONTAINER, "operator": "In", "values": list(FINAL_EXIT_CODES)},
        },
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]},
    ]
    spec: dict[str, Any] = {}
    if indexed:
        spec |= {
            "completions": options.shards,
            "parallelism": options.shards,
            "completionMode": "Indexed",
            "backoffLimitPerIndex": options.backoff_limit,
        }
    else:
        spec["backoffLimit"] = options.backoff_limit
    pod_spec = {
        "serviceAccountName": options.service_account,
        "automountServiceAccountToken": True,
        "restartPolicy": "Never",
        "securityContext": pod_security_context(),
        "containers": [_container(options)],
        "volumes": _volumes(options),
    }
    return spec | {
        "activeDeadlineSeconds": options.active_deadline_seconds,
        "ttlSecondsAfterFinished": options.ttl_seconds_after_finished,
        "podFailurePolicy": {"rules": failure_rules},
        "template": {"metadata": {"labels": _labels()}, "spec": pod_spec},
    }


def _labels() -> dict[str, str]:
    return dict(object_metadata(NAME, NAME)["labels"])


def _runner(options: AuditManifestOptions) -> dict[str, Any]:
    if options.once is not None:
        return {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": object_metadata(NAME, options.once, options.namespace),
            "spec": job_spec(options),
        }
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": object_metadata(NAME, NAME, options.namespace),
        "spec": {
            "schedule": options.schedule,
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 3600,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"metadata": {"labels": _labels()}, "spec": job_spec(options)},
        },
    }


def build_audit_manifests(options: AuditManifestOptions, kinds: Iterable[str]) -> list[dict[str, Any]]:
    """Every object, in apply order; `kinds` are those the audit lists (RBAC reads exactly these)."""
    namespace = options.namespace
    rules = webhook_rules(set(kinds) - {"Namespace"})
    objects: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": object_metadata(NAME, namespace)},
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": object_metadata(NAME, options.service_account, namespace),
            "automountServiceAccountToken": False,
        },
        *read_access(NAME, options.service_account, namespace, rules, ("get", "list")),
    ]
    if options.config_text is not None:
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": object_metadata(NAME, CONFIG_MAP, namespace),
                "data": {CONFIG_FILE: options.config_text},
            }
        )
    objects.append(_runner(options))
    return objects
