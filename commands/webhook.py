"""`gavel webhook serve|manifests`: the Kubernetes validating admission webhook and its manifests.

`serve` runs the HTTPS webhook under uvicorn with several worker processes; `manifests` prints (or
writes to a folder) every object to `kubectl apply`, with fresh TLS material whose CA is the
webhook configuration's `caBundle`.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..engine.admission_settings import FailureMode
from ..engine.errors import UsageError
from .manifest_output import out_option
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
    help="Evidence store URL for the pods (default: GAVEL_EVIDENCE_URL of --evidence-secret, "
    "else a SQLite file in each pod, lost with it).",
)
@click.option(
    "--evidence-secret",
    metavar="NAME",
    help="Secret holding the signing key every replica shares (and GAVEL_EVIDENCE_URL): "
    "needed for any store that outlives a pod.",
)
@click.option(
    "--cert-manager",
    is_flag=True,
    help="Let cert-manager issue the certificate and inject the CA "
    "instead of embedding generated TLS material.",
)
@out_option
@policy_options
def manifests(
    namespace: str,
    replicas: int,
    failure_policy: str,
    timeout_seconds: int,
    image: str,
    evidence_url: str | None,
    evidence_secret: str | None,
    cert_manager: bool,
    out: Path | None,
    policies: tuple[str, ...],
    data: tuple[Path, ...],
) -> None:
    """Print everything to `kubectl apply` (Namespace to ValidatingWebhookConfiguration).

    Evidence: without --evidence-secret each pod keeps its own SQLite store and signing key on an
    emptyDir, lost with the pod (for trying gavel out). For production, create a Secret with the
    signing key and a PostgreSQL URL that every replica shares:

    \b
      kubectl -n gavel-system create secret generic gavel-webhook-evidence \\
        --from-literal=GAVEL_EVIDENCE_URL=postgresql://gavel:PASSWORD@db.example:5432/evidence \\
        --from-file=${GAVEL_HOME:-.gavel}/keys/
      gavel webhook manifests --evidence-secret gavel-webhook-evidence | kubectl apply -f -
    """
    from ..server.manifests import NAME, ManifestOptions, build_manifests
    from ..server.tls import generate_tls
    from ..server.webhook import covered_kinds
    from .manifest_output import emit_manifests
    from .pipeline import load_policies

    if not namespace or namespace == "kube-system":
        raise UsageError(
            f"--namespace {namespace!r}: choose a namespace of its own (it is excluded from admission)"
        )
    if evidence_url and not evidence_secret:
        raise UsageError(
            "--evidence: a store that outlives the pods needs the signing key they share",
            hint="add --evidence-secret NAME (a Secret made from .gavel/keys/; see --help)",
        )
    options = ManifestOptions(
        namespace=namespace,
        replicas=replicas,
        failure_policy=failure_policy,
        timeout_seconds=timeout_seconds,
        image=image,
        evidence_url=evidence_url,
        evidence_secret=evidence_secret,
    )
    kinds = covered_kinds(load_policies(policies, data))
    tls = None if cert_manager else generate_tls(NAME, namespace)
    emit_manifests(build_manifests(options, kinds, tls), out)
