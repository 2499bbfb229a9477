"""`gavel audit`: judge what is already running, not what is about to be deployed, and record it.

Where `gavel check` reads files, an audit reads live sources (a Kubernetes cluster, an AWS
account; the lineage store is a further entry of the same `sources` list). The rest
is `check`'s pipeline: the same policies, waivers, gate, report formats and exit codes, and one
signed evidence record per run whose context names every source and what it could not read.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import click

from ..adapters.base import Adapter, Skipped
from ..engine.errors import UsageError
from ..engine.loader import PolicySet
from ..engine.models import Resource
from .options import evidence_options, gate_options, policy_options, report_options, runtime_options
from .output import emit_report
from .pipeline import build_runtime, gate_policy, load_policies, load_waivers
from .recording import record_run


class AuditSource(Adapter, Protocol):
    """A live source: an adapter that can also say, for the evidence record, what it covered."""

    def describe(self) -> dict[str, Any]: ...


def cluster_source(
    policy_set: PolicySet,
    kubeconfig: Path | None,
    context: str | None,
    namespaces: Sequence[str],
    chunk_size: int,
    collected_at: datetime,
) -> AuditSource:
    """The cluster, listing the kinds the loaded policies apply to (and Namespaces)."""
    from ..adapters.kubernetes_cluster import KubernetesCluster, connect, wanted_kinds

    kinds = wanted_kinds(kind for p in policy_set.policies for kind in p.metadata.resource_kinds)
    return KubernetesCluster(
        connection=connect(kubeconfig, context),
        kinds=kinds,
        collected_at=collected_at,
        namespaces=tuple(namespaces),
        page_size=chunk_size,
        progress=_progress if sys.stderr.isatty() else None,
    )


def aws_source(
    profile: str | None,
    regions: Sequence[str],
    endpoint_url: str | None,
    retry_mode: str,
    max_attempts: int,
    chunk_size: int,
    collected_at: datetime,
) -> AuditSource:
    """The AWS account of the profile (or default credentials) over the named regions."""
    from importlib.util import find_spec

    from ..adapters.aws import AwsAccount, RetryPolicy, connect

    if find_spec("boto3") is None:
        raise UsageError("gavel audit --aws needs boto3 (not installed)", hint="pip install 'gavel[aws]'")

    regions = tuple(dict.fromkeys(regions)) or (_default_region(profile),)
    connection = connect(profile, regions[0], endpoint_url, RetryPolicy(retry_mode, max_attempts))
    return AwsAccount(
        connection=connection,
        regions=regions,
        collected_at=collected_at,
        page_size=chunk_size,
        progress=_progress if sys.stderr.isatty() else None,
    )


def _default_region(profile: str | None) -> str:
    import boto3  # type: ignore[import-untyped]

    region = boto3.Session(profile_name=profile).region_name
    if not region:
        raise UsageError("no AWS region: pass --aws-region (repeatable) or set AWS_REGION")
    return str(region)


def _progress(message: str) -> None:
    click.echo(f"gavel: {message}", err=True)


def collect_sources(sources: Sequence[AuditSource]) -> tuple[tuple[Resource, ...], tuple[Skipped, ...]]:
    resources: list[Resource] = []
    skipped: list[Skipped] = []
    for source in sources:
        resources.extend(source.collect())
        skipped.extend(source.skipped)
    return tuple(resources), tuple(skipped)


@click.command()
@click.option("--cluster", is_flag=True, help="Audit the Kubernetes cluster of the kubeconfig context.")
@click.option(
    "--kubeconfig",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Kubeconfig file. Default: $KUBECONFIG, then ~/.kube/config, then the pod's service account.",
)
@click.option(
    "--context", "kube_context", metavar="NAME", help="Kubeconfig context (default: the current one)."
)
@click.option(
    "--namespace",
    "namespaces",
    multiple=True,
    metavar="NS",
    help="Audit only this namespace (repeatable). Default: all namespaces.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Objects per list request; larger lists are read page by page.",
)
@click.option(
    "--aws",
    is_flag=True,
    help="Audit the AWS account of the credentials (S3, KMS, EC2, EBS, RDS, SageMaker).",
)
@click.option(
    "--aws-region",
    "aws_regions",
    multiple=True,
    metavar="REGION",
    help="AWS region to audit (repeatable; default: the profile's). S3 buckets are read in every region.",
)
@click.option(
    "--aws-profile", metavar="NAME", help="AWS profile of the shared config (default: the credential chain)."
)
@click.option(
    "--aws-endpoint-url",
    metavar="URL",
    help="Send every AWS call to this endpoint (an AWS-compatible server).",
)
@click.option(
    "--aws-retry-mode",
    type=click.Choice(["standard", "adaptive"]),
    default="standard",
    show_default=True,
    help="botocore retry mode for throttled and transient errors; adaptive also rate-limits the client.",
)
@click.option(
    "--aws-max-attempts",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Attempts per AWS call, first one included, before it is reported as not collected.",
)
@policy_options
@report_options
@gate_options
@evidence_options
@runtime_options
def command(
    cluster: bool,
    kubeconfig: Path | None,
    kube_context: str | None,
    namespaces: tuple[str, ...],
    chunk_size: int,
    aws: bool,
    aws_regions: tuple[str, ...],
    aws_profile: str | None,
    aws_endpoint_url: str | None,
    aws_retry_mode: str,
    aws_max_attempts: int,
    policies: tuple[str, ...],
    data: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    fail_on: str,
    max_risk: float | None,
    environment: str | None,
    waivers: Path | None,
    evidence_url: str | None,
    no_evidence: bool,
    runtime: str,
    opa_url: str | None,
) -> None:
    """Evaluate live sources (a Kubernetes cluster, an AWS account) and record evidence.

    With --cluster, lists every object of the kinds the policies apply to (and all Namespaces,
    whose labels classify the workloads in them) through the Kubernetes API, as the kubeconfig
    context or the pod's service account may. A kind it may not list is reported and the rest
    is audited; exit 4 only when nothing could be read. Pods and ReplicaSets made by a collected
    controller are judged through that controller.

    With --aws, reads S3 buckets (all regions), KMS keys, EC2 instances, EBS volumes, RDS
    instances and SageMaker training jobs, models, endpoint configs and endpoints in each
    --aws-region, as AWS Config configuration items (the same policies judge Config exports
    given to `gavel check`). A call AWS denies is reported with the IAM action and region it
    needed and the rest is audited; throttled calls are retried by botocore.

    Exits 0 when compliant, 1 when a violation reaches --fail-on or the risk exceeds --max-risk.

    \b
    Examples:
      gavel audit --cluster
      gavel audit --cluster --context prod-eu --namespace ml-serving --format json
      gavel audit --cluster --kubeconfig ci.kubeconfig --fail-on medium --output audit.sarif --format sarif
      gavel audit --aws --aws-region eu-west-1 --aws-region us-east-1 --format json
    """
    from ..engine.estate import build_estate
    from ..engine.evaluate import evaluate

    if not (cluster or aws):
        raise UsageError("nothing to audit: name a source (--cluster, --aws)")
    now = datetime.now(UTC)
    policy_set = load_policies(policies, data)
    waiver_list = load_waivers(waivers)
    gate = gate_policy(fail_on, max_risk, environment, policy_set)
    sources: list[AuditSource] = []
    if cluster:
        sources.append(cluster_source(policy_set, kubeconfig, kube_context, namespaces, chunk_size, now))
    if aws:
        settings = (aws_retry_mode, aws_max_attempts, chunk_size, now)
        sources.append(aws_source(aws_profile, aws_regions, aws_endpoint_url, *settings))
    resources, skipped = collect_sources(sources)
    for entry in skipped:
        click.echo(f"gavel: {entry}", err=True)
    decision = evaluate(
        policy_set,
        build_estate(resources),
        build_runtime(runtime, opa_url),
        waivers=waiver_list,
        gate=gate,
        now=now,
    )
    context = {"command": "audit", "sources": [source.describe() for source in sources]}
    receipt = None if no_evidence else record_run(decision, resources, evidence_url, context)
    emit_report(decision, policy_set, receipt, output_format, output)
    click.get_current_context().exit(0 if decision.passed else 1)
