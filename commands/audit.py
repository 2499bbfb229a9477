"""`gavel audit`: judge what is already running, not what is about to be deployed, and record it.

Where `gavel check` reads files, an audit reads live sources (a Kubernetes cluster, an AWS
account, the lineage store, the MLflow registry) beside files (Terraform state, GX results),
named by flags or by an audit config file (`audit_config`). The rest is `check`'s pipeline: the
same policies, waivers, gate, report formats and exit codes, and one signed evidence record per
run whose context names every source, what it could not read and, for a shard of a sharded
audit, which units were its own.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from ..engine.errors import InputError, UsageError
from .audit_config import AuditConfig, AwsSpec, ClusterSpec, SourceSpec, load_audit_config, merge_options
from .audit_shards import Shard
from .lazy_group import LazyGroup
from .options import (
    evidence_options,
    gate_options,
    jobs_option,
    policy_options,
    report_options,
    runtime_options,
)
from .output import emit_report
from .pipeline import build_runtime, gate_policy, load_policies, load_waivers
from .recording import record_run

# subcommand -> module in gavel.commands exposing `command`, imported only when used.
SUBCOMMANDS = {"manifests": "audit_manifests"}
USER_SET = (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)


class AuditGroup(LazyGroup):
    """`gavel audit [OPTIONS]` runs the audit; `gavel audit manifests` is loaded only when asked for."""

    package = __package__ or ""
    modules = SUBCOMMANDS


@click.group(cls=AuditGroup, invoke_without_command=True)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Audit config (YAML or JSON): sources, policies, waivers, store, gate, output. Flags win over it.",
)
@click.option(
    "--shard",
    metavar="INDEX/COUNT",
    envvar="GAVEL_SHARD",
    help="Judge only this shard's part (0-based INDEX, e.g. $JOB_COMPLETION_INDEX/4); env GAVEL_SHARD.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 4 when any source could not be read (after judging and recording the rest).",
)
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
@jobs_option
@click.pass_context
def command(ctx: click.Context, /, **params: Any) -> None:
    """Audit live sources and files (cluster, AWS, lineage, MLflow) and record evidence.

    With --cluster, lists every object of the kinds the policies apply to (and all Namespaces,
    whose labels classify the workloads in them) through the Kubernetes API, as the kubeconfig
    context or the pod's service account may. A kind it may not list is reported and the rest
    is audited. Pods and ReplicaSets made by a collected controller are judged through that
    controller.

    With --aws, reads S3 buckets (all regions), KMS keys, EC2 instances, EBS volumes, RDS
    instances and SageMaker training jobs, models, endpoint configs and endpoints in each
    --aws-region, as AWS Config configuration items (the same policies judge Config exports
    given to `gavel check`). A call AWS denies is reported with the IAM action and region it
    needed and the rest is audited; throttled calls are retried by botocore.

    --config FILE names further sources (cluster, aws, lineage store, mlflow, great_expectations,
    files) and the settings of the run; its sources add to --cluster and --aws. A source that
    cannot be read is reported and the rest is audited; exit 4 only when nothing could be read,
    or with --strict when anything could not.

    --shard INDEX/COUNT splits one audit over COUNT pods (a Kubernetes Indexed Job) appending to
    one PostgreSQL store: cluster namespaces and AWS regions are divided among the shards by a
    stable hash. Lineage, files, MLflow, GX results and S3 buckets, which cross-layer rules join
    over, are read whole by every shard and judged by one. A rule that judges one of those by
    looking at a namespace or region another shard read does not see it there: run unsharded
    when such a finding must not be missed.

    Exits 0 when compliant, 1 when a violation reaches --fail-on or the risk exceeds --max-risk.

    \b
    Examples:
      gavel audit --cluster
      gavel audit --cluster --context prod-eu --namespace ml-serving --format json
      gavel audit --cluster --kubeconfig ci.kubeconfig --fail-on medium --output audit.sarif --format sarif
      gavel audit --aws --aws-region eu-west-1 --aws-region us-east-1 --format json
      gavel audit --config audit.yaml --shard 0/4 --evidence postgresql://gavel@db/gavel
    """
    if ctx.invoked_subcommand is not None:
        return
    config_path, shard = params["config_path"], params["shard"]
    config = load_audit_config(config_path) if config_path is not None else None
    from_user = [name for name in params if ctx.get_parameter_source(name) in USER_SET]
    options = merge_options(params, config, from_user)
    specs = _flag_sources(options) + list(config.sources if config else ())
    if not specs:
        raise UsageError("nothing to audit: name a source (--cluster, --aws)")
    _run(options, specs, config, Shard.parse(shard) if shard else None)


def _flag_sources(options: dict[str, Any]) -> list[SourceSpec]:
    """The sources --cluster and --aws name, described by the flags beside them."""
    specs: list[SourceSpec] = []
    if options["cluster"]:
        specs.append(ClusterSpec(options["kubeconfig"], options["kube_context"], options["namespaces"]))
    if options["aws"]:
        specs.append(
            AwsSpec(
                options["aws_profile"],
                options["aws_regions"],
                options["aws_endpoint_url"],
                options["aws_retry_mode"],
                options["aws_max_attempts"],
            )
        )
    return specs


def _run(
    options: dict[str, Any], specs: list[SourceSpec], config: AuditConfig | None, shard: Shard | None
) -> None:
    """Collect, judge, report and record; the exit code follows the gate (and --strict)."""
    from ..engine.estate import build_estate
    from ..engine.forked import usable_cpus
    from .audit_collect import collect_units, judge_owned
    from .audit_progress import AuditProgress
    from .audit_sources import Planning

    now = datetime.now(UTC)
    policy_set = load_policies(options["policies"], options["data"])
    waiver_list = load_waivers(options["waivers"])
    gate = gate_policy(options["fail_on"], options["max_risk"], options["environment"], policy_set)
    progress = AuditProgress()
    planning = Planning(
        policy_set=policy_set,
        chunk_size=options["chunk_size"],
        collected_at=now,
        sharded=shard is not None,
        strict=options["strict"],
        progress=progress.message if progress.enabled else None,
    )
    collected = collect_units(specs, planning, shard or Shard(), progress)
    for entry in dict.fromkeys(collected.skipped):
        click.echo(f"gavel: {entry}", err=True)
    collected.check_anything_read()
    for line in collected.not_collected():
        click.echo(f"gavel: not collected: {line}", err=True)
    estate = build_estate(collected.resources)
    owned = None if shard is None else collected.judged
    progress.phase(f"evaluating, against a graph of {len(estate.resources)} resources")
    decision = judge_owned(
        policy_set,
        estate,
        build_runtime(options["runtime"], options["opa_url"]),
        owned,
        waivers=waiver_list,
        gate=gate,
        now=now,
        jobs=options["jobs"] or usable_cpus(),
    )
    progress.finish(f"evaluated {len(decision.resources)} resources, {len(decision.findings)} findings")
    context: dict[str, Any] = {"command": "audit", "sources": collected.sources}
    if config is not None:
        context["config"] = os.fspath(config.path)
    if collected.failures:
        context["not_collected"] = collected.not_collected()
    if shard is not None:
        context["shard"] = {
            "index": shard.index,
            "count": shard.count,
            "units": collected.owned,
            "shared_units_read": collected.context,
        }
    receipt = (
        None
        if options["no_evidence"]
        else record_run(decision, collected.resources, options["evidence_url"], context)
    )
    emit_report(decision, policy_set, receipt, options["output_format"], options["output"])
    if options["strict"] and collected.failures:
        raise InputError(f"--strict: {len(collected.failures)} source(s) not collected; see above")
    click.get_current_context().exit(0 if decision.passed else 1)
