"""`gavel webhook serve|manifests`: the Kubernetes validating admission webhook and its manifests.

`serve` runs the HTTPS webhook under uvicorn with several worker processes; `manifests` prints (or
writes to a folder) every object to `kubectl apply`, with fresh TLS material whose CA is the
webhook configuration's `caBundle`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from ..engine.admission_settings import FailureMode
from ..engine.errors import UsageError
from .options import evidence_options, policy_options
from .settings import Settings


@click.group("webhook")
def command() -> None:
    """Kubernetes validating admission webhook: serve it, or print its manifests."""


@command.command("serve")
@click.option(
    "--tls-cert",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="Serving certificate (PEM).",
)
@click.option(
    "--tls-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="Its private key (PEM).",
)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=8443, show_default=True, type=click.IntRange(1, 65535), help="HTTPS port.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option(
    "--failure-mode",
    type=click.Choice([m.value for m in FailureMode]),
    default=FailureMode.CLOSED.value,
    show_default=True,
    help="Answer when evaluation raises or passes the deadline: "
    "deny (fail-closed) or allow with a warning (fail-open).",
)
@click.option(
    "--deadline-seconds",
    type=click.FloatRange(0.05, 29.0),
    default=3.0,
    show_default=True,
    help="Per-request evaluation deadline; keep it below the webhook's timeoutSeconds.",
)
@click.option(
    "--enforcement-config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="YAML: default/policies/namespaces actions (deny|warn|dryrun), exemptions, evaluate_on_delete.",
)
@click.option(
    "--namespace-lookup",
    type=click.Choice(["auto", "on", "off"]),
    default="auto",
    show_default=True,
    help="Read each request namespace's labels from the API server (cached 30 s) so a namespace "
    "labelled data-classification classifies what is admitted into it; auto = when running in a "
    "cluster or given --kubeconfig.",
)
@click.option(
    "--kubeconfig",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Credentials for the namespace lookup outside a cluster (in-cluster: the service account).",
)
@click.option("--context", "kube_context", help="kubeconfig context for the namespace lookup.")
@click.option(
    "--catalog",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Placement catalog (as for `gavel place`): a denial for where a workload runs also names "
    "the cheapest compliant placement in it.",
)
@evidence_options
@policy_options
def serve(
    tls_cert: Path,
    tls_key: Path,
    host: str,
    port: int,
    workers: int,
    failure_mode: str,
    deadline_seconds: float,
    enforcement_config: Path | None,
    namespace_lookup: str,
    kubeconfig: Path | None,
    kube_context: str | None,
    catalog: Path | None,
    evidence_url: str | None,
    no_evidence: bool,
    policies: tuple[str, ...],
    data: tuple[Path, ...],
) -> None:
    """Serve AdmissionReview v1 on POST /validate over HTTPS (plus /healthz, /readyz, /metrics)."""
    from ..server.webhook import WebhookConfig, load_settings, namespace_lookup_for
    from ..server.webhook_runner import run_workers
    from .pipeline import load_policies

    settings = Settings.from_environment()
    config = WebhookConfig(
        policies=policies or ("builtin",),
        data=tuple(str(d) for d in data),
        enforcement_config=str(enforcement_config) if enforcement_config else None,
        failure_mode=failure_mode,
        deadline_seconds=deadline_seconds,
        evidence_url=None if no_evidence else (evidence_url or settings.evidence_url),
        keys_dir=str(settings.keys_dir),
        namespace_lookup=namespace_lookup,
        kubeconfig=str(kubeconfig) if kubeconfig else None,
        kube_context=kube_context,
        catalog=str(catalog) if catalog else None,
    )
    load_settings(config)  # a bad enforcement file or policy stops here with exit 3, not in every worker
    namespace_lookup_for(config)  # and credentials that do not load, with exit 4
    policy_set = load_policies(policies, data)
    if catalog is not None:
        from ..server.alternatives import Alternatives

        Alternatives(policy_set, catalog)  # and a catalog with errors, naming the file
    if config.evidence_url and config.evidence_url.startswith("sqlite:///"):
        Path(config.evidence_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    status = run_workers(
        config,
        host=host,
        port=port,
        workers=workers,
        cert=tls_cert,
        key=tls_key,
        announce=lambda line: click.echo(f"gavel: {line}", err=True),
    )
    if status:
        raise click.exceptions.Exit(status)


@command.command("manifests")
@click.option("--namespace", default="gavel-system", show_default=True, help="Namespace the webhook runs in.")
@click.option(
    "--replicas", default=2, show_default=True, type=click.IntRange(1, 100), help="Deployment replicas."
)
@click.option(
    "--failure-policy",
    type=click.Choice(["Fail", "Ignore"]),
    default="Fail",
    show_default=True,
    help="What the API server does when the webhook cannot answer (also sets the server's failure mode).",
)
@click.option(
    "--timeout-seconds",
    default=5,
    show_default=True,
    type=click.IntRange(1, 30),
    help="Webhook timeoutSeconds.",
)
@click.option("--image", default="ghcr.io/gavel-dev/gavel:0.1.0", show_default=True, help="Container image.")
@click.option(
    "--evidence",
    "evidence_url",
    metavar="URL",
    help="Evidence store URL for the pods (use PostgreSQL with replicas > 1).",
)
@click.option(
    "--cert-manager",
    is_flag=True,
    help="Let cert-manager issue the certificate and inject the CA "
    "instead of embedding generated TLS material.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one file per object plus kustomization.yaml here.",
)
@policy_options
def manifests(
    namespace: str,
    replicas: int,
    failure_policy: str,
    timeout_seconds: int,
    image: str,
    evidence_url: str | None,
    cert_manager: bool,
    out: Path | None,
    policies: tuple[str, ...],
    data: tuple[Path, ...],
) -> None:
    """Print everything to `kubectl apply` (Namespace to ValidatingWebhookConfiguration)."""
    from ..server.manifests import NAME, ManifestOptions, build_manifests, file_name, kustomization, to_yaml
    from ..server.tls import generate_tls
    from ..server.webhook import covered_kinds
    from .pipeline import load_policies

    if not namespace or namespace == "kube-system":
        raise UsageError(
            f"--namespace {namespace!r}: choose a namespace of its own (it is excluded from admission)"
        )
    options = ManifestOptions(
        namespace=namespace,
        replicas=replicas,
        failure_policy=failure_policy,
        timeout_seconds=timeout_seconds,
        image=image,
    )
    if evidence_url:
        options = dataclasses.replace(options, evidence_url=evidence_url)
    kinds = covered_kinds(load_policies(policies, data))
    tls = None if cert_manager else generate_tls(NAME, namespace)
    objects = build_manifests(options, kinds, tls)
    if out is None:
        click.echo(to_yaml(objects), nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for index, manifest in enumerate(objects):
        (out / file_name(index, manifest)).write_text(to_yaml([manifest]), encoding="utf-8")
    (out / "kustomization.yaml").write_text(to_yaml([kustomization(objects)]), encoding="utf-8")
    click.echo(f"gavel: wrote {len(objects)} manifests and kustomization.yaml to {out}", err=True)
