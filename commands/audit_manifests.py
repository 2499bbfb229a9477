"""`gavel audit manifests`: the CronJob (or one-shot Job) that runs `gavel audit` inside a cluster.

Options are checked here, before anything reaches the API server, so a wrong schedule, shard
count or audit config is one line naming the flag or the file (exit 2, or 3 for the config) and
not a half-applied set of objects. The objects themselves come from `server/audit_manifests.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import yaml
from click.core import ParameterSource

from ..engine.errors import PolicyError, SourceLocation, UsageError
from .manifest_output import FORMATS, emit_manifests, out_option
from .options import policy_options

# Kubernetes' limit for an Indexed Job with a per-index backoff limit.
MAX_SHARDS = 100_000
CONFIG_MAP_LIMIT = 1024 * 1024  # bytes a ConfigMap may hold
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_NAMESPACE = re.compile(rf"^{_DNS_LABEL}$")
_OBJECT_NAME = re.compile(rf"^{_DNS_LABEL}(\.{_DNS_LABEL})*$")


@click.command()
@click.option("--namespace", default="gavel-system", show_default=True, help="Namespace the audit runs in.")
@click.option(
    "--schedule",
    default="0 3 * * *",
    show_default=True,
    help="Cron schedule in UTC (five fields, or @daily, @weekly, ...).",
)
@click.option(
    "--shards",
    type=int,
    default=1,
    show_default=True,
    help="Pods sharing each run: above 1 the Job is an Indexed Job and pod i runs --shard i/N.",
)
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path),
    help="Audit config (as for `gavel audit --config`), shipped in a ConfigMap mounted at "
    "/etc/gavel/audit.yaml. Default: audit the cluster the Job runs in (--cluster).",
)
@click.option(
    "--evidence-secret",
    default="gavel-audit-evidence",
    show_default=True,
    metavar="NAME",
    help="Secret holding GAVEL_EVIDENCE_URL (the PostgreSQL store every run appends to) and the "
    "signing key files from $GAVEL_HOME/keys; referenced, never embedded.",
)
@click.option("--image", metavar="IMAGE", help="Container image. Default: the gavel release image.")
@click.option(
    "--service-account",
    default="gavel-audit",
    show_default=True,
    metavar="NAME",
    help="Service account the pods run as, created with read access to the kinds the policies cover.",
)
@click.option(
    "--active-deadline-seconds",
    type=click.IntRange(min=60),
    default=3600,
    show_default=True,
    help="Stop a run (every shard) that takes longer than this.",
)
@click.option("--once", is_flag=True, help="Emit a Job that runs once now instead of the CronJob.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="yaml",
    show_default=True,
    help="YAML documents, or one JSON List.",
)
@out_option
@policy_options
def command(
    namespace: str,
    schedule: str,
    shards: int,
    config: Path | None,
    evidence_secret: str,
    image: str | None,
    service_account: str,
    active_deadline_seconds: int,
    once: bool,
    output_format: str,
    out: Path | None,
    policies: tuple[str, ...],
    data: tuple[Path, ...],
) -> None:
    """Print the Kubernetes manifests that run periodic audits in a cluster.

    A Namespace, a ServiceAccount with read-only RBAC on the kinds the policies cover (and
    Namespaces), the audit config as a ConfigMap, and a CronJob (concurrencyPolicy Forbid) whose
    Job runs `gavel audit`. With --shards N the Job is an Indexed Job of N pods, each auditing its
    share of the sources into the one evidence store. The RBAC follows --policies (default: the
    built-in library); pass the policies the config names. Create the Secret first:

    \b
      kubectl -n gavel-system create secret generic gavel-audit-evidence \\
        --from-literal=GAVEL_EVIDENCE_URL=postgresql://gavel:PASSWORD@db.example:5432/evidence \\
        --from-file=${GAVEL_HOME:-.gavel}/keys/

    \b
    Examples:
      gavel audit manifests --config audit.yaml | kubectl apply -f -
      gavel audit manifests --config audit.yaml --shards 8 --schedule "30 1 * * 0" --out deploy/audit
      gavel audit manifests --config audit.yaml --once | kubectl apply -f -
    """
    from ..adapters.kubernetes_cluster import wanted_kinds
    from ..server.audit_manifests import AuditManifestOptions, build_audit_manifests
    from ..server.cron import schedule_problem
    from ..server.manifests import IMAGE
    from .pipeline import load_policies

    _check_name("--namespace", namespace, _NAMESPACE, 63)
    _check_name("--service-account", service_account, _OBJECT_NAME, 253)
    _check_name("--evidence-secret", evidence_secret, _OBJECT_NAME, 253)
    problem = schedule_problem(schedule)
    if problem:
        raise UsageError(f"--schedule {schedule!r}: {problem}")
    if once and click.get_current_context().get_parameter_source("schedule") is ParameterSource.COMMANDLINE:
        raise UsageError("--once runs the audit now: leave out --schedule")
    if not 1 <= shards <= MAX_SHARDS:
        raise UsageError(f"--shards {shards}: must be 1 to {MAX_SHARDS:,} (pods per run)")
    policy_set = load_policies(policies, data)
    options = AuditManifestOptions(
        namespace=namespace,
        schedule=schedule,
        shards=shards,
        image=image or IMAGE,
        service_account=service_account,
        evidence_secret=evidence_secret,
        config_text=_read_config(config) if config is not None else None,
        once=f"gavel-audit-{datetime.now(UTC):%Y%m%d-%H%M%S}" if once else None,
        active_deadline_seconds=active_deadline_seconds,
    )
    kinds = wanted_kinds(kind for p in policy_set.policies for kind in p.metadata.resource_kinds)
    emit_manifests(build_audit_manifests(options, kinds), out, output_format)


def _check_name(flag: str, value: str, pattern: re.Pattern[str], longest: int) -> None:
    """A name the API server would refuse, refused here with the rule it breaks (RFC 1123)."""
    if not (pattern.match(value) and len(value) <= longest):
        raise UsageError(
            f"{flag} {value!r}: not a Kubernetes name (lowercase letters, digits, '-'"
            f"{'' if pattern is _NAMESPACE else ' and .'}, alphanumeric at both ends, "
            f"at most {longest} characters)"
        )


def _read_config(path: Path) -> str:
    """The config's text for the ConfigMap, once `gavel audit` would accept it and it can work in a pod.

    In the pod the config's folder is the ConfigMap mount, which holds the config alone, so a
    relative path in it names nothing. A config naming its own evidence store would win over the
    Secret's: every shard would write where the config says (a SQLite file on its own emptyDir, or
    a URL with its password in a ConfigMap).
    """
    from ..adapters.sources import read_source
    from .audit_config import load_audit_config

    where = SourceLocation(str(path))
    if path.is_dir():
        raise PolicyError("a folder, not an audit config file", where)
    loaded = load_audit_config(path)
    if "evidence_url" in loaded.options or "no_evidence" in loaded.options:
        raise PolicyError(
            "`evidence` would override the store of the evidence Secret in the cluster",
            where,
            hint="remove it; the pods read GAVEL_EVIDENCE_URL from --evidence-secret",
        )
    text = read_source(path).text  # decoded as `gavel audit` decodes it; the ConfigMap holds UTF-8
    if len(text.encode("utf-8")) > CONFIG_MAP_LIMIT:
        raise PolicyError("audit config is larger than a ConfigMap may hold (1 MiB)", where)
    relative = [value for value in _paths(yaml.safe_load(text)) if not value.startswith("/")]
    if relative:
        raise PolicyError(
            f"{relative[0]!r} is relative to the config's folder, which in the pod holds only the config",
            where,
            hint="use an absolute path inside the image",
        )
    return text


def _paths(document: Mapping[str, Any]) -> list[str]:
    """Every file or folder a (validated) audit config names."""
    paths = [p for p in document.get("policies", ()) if p != "builtin"]
    paths += [*document.get("data", ()), document.get("waivers"), document.get("output", {}).get("path")]
    for source in document["sources"]:
        paths += [*source.get("paths", ()), source.get("kubeconfig")]
    return [p for p in paths if p is not None]
