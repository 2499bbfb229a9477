"""Webhook manifests: valid against Kubernetes' OpenAPI schemas (kubernetes-validate, offline), TLS
that chains to the `caBundle` for every Service name, and the committed kustomize base in sync."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from click.testing import CliRunner
from committed_manifests import KUBERNETES_VERSION, assert_committed_base_matches
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from gavel.commands.webhook import command
from gavel.server.manifests import ManifestOptions, build_manifests
from gavel.server.tls import generate_tls, service_dns_names

ROOT = Path(__file__).resolve().parent.parent.parent
ADMISSION = ROOT / "tests" / "data" / "admission"
CERT_MANAGER_KINDS = {"Issuer", "Certificate"}  # CRDs: kubernetes-validate ships core schemas only


def _by_kind(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {m["kind"]: m for m in manifests}


@pytest.fixture(scope="module")
def generated() -> list[dict[str, Any]]:
    runner = CliRunner()
    result = runner.invoke(
        command,
        [
            "manifests",
            "--namespace",
            "ml-guard",
            "--replicas",
            "3",
            "--failure-policy",
            "Ignore",
            "--policies",
            str(ADMISSION / "policies"),
        ],
    )
    assert result.exit_code == 0, result.output
    return [m for m in yaml.safe_load_all(result.stdout) if m]


def test_every_manifest_validates_strictly_against_the_kubernetes_schemas(
    generated: list[dict[str, Any]],
) -> None:
    assert [m["kind"] for m in generated] == [
        "Namespace",
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
        "ConfigMap",
        "Secret",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "ValidatingWebhookConfiguration",
    ]
    for manifest in generated:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_a_broken_manifest_is_caught_by_the_validator(generated: list[dict[str, Any]]) -> None:
    webhook = _by_kind(generated)["ValidatingWebhookConfiguration"]
    broken = {**webhook, "webhooks": [{**webhook["webhooks"][0], "timeoutSeconds": "five"}]}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_webhook_configuration(generated: list[dict[str, Any]]) -> None:
    webhook = _by_kind(generated)["ValidatingWebhookConfiguration"]["webhooks"][0]
    assert webhook["admissionReviewVersions"] == ["v1"]
    assert webhook["sideEffects"] == "None"
    assert webhook["failurePolicy"] == "Ignore"
    assert webhook["timeoutSeconds"] == 5
    assert webhook["clientConfig"]["service"] == {
        "namespace": "ml-guard",
        "name": "gavel-webhook",
        "path": "/validate",
        "port": 443,
    }
    assert webhook["namespaceSelector"]["matchExpressions"] == [
        {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system", "ml-guard"]}
    ]
    covered = {(g, r) for rule in webhook["rules"] for g in rule["apiGroups"] for r in rule["resources"]}
    assert covered == {
        ("", "pods"),
        ("apps", "deployments"),
        ("apps", "replicasets"),
        ("apps", "statefulsets"),
        ("apps", "daemonsets"),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
    }


def test_the_deployment_is_hardened_and_fails_the_way_the_api_server_does(
    generated: list[dict[str, Any]],
) -> None:
    deployment = _by_kind(generated)["Deployment"]
    assert deployment["spec"]["replicas"] == 3
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert "--failure-mode=fail-open" in container["args"]
    assert "--deadline-seconds=3.0" in container["args"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["scheme"] == "HTTPS"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert "memory" in container["resources"]["limits"]
    assert pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert _by_kind(generated)["PodDisruptionBudget"]["spec"]["maxUnavailable"] == 1


def test_the_serving_certificate_chains_to_the_ca_bundle_for_every_service_name(
    generated: list[dict[str, Any]],
) -> None:
    ca_pem = base64.b64decode(
        _by_kind(generated)["ValidatingWebhookConfiguration"]["webhooks"][0]["clientConfig"]["caBundle"]
    )
    secret = _by_kind(generated)["Secret"]
    assert secret["type"] == "kubernetes.io/tls"
    ca = x509.load_pem_x509_certificate(ca_pem)
    cert = x509.load_pem_x509_certificate(base64.b64decode(secret["data"]["tls.crt"]))
    assert base64.b64decode(secret["data"]["ca.crt"]) == ca_pem
    public_key = ca.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    public_key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))  # type: ignore[arg-type]
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName
    )
    assert (
        names
        == service_dns_names("gavel-webhook", "ml-guard")
        == [
            "gavel-webhook",
            "gavel-webhook.ml-guard",
            "gavel-webhook.ml-guard.svc",
            "gavel-webhook.ml-guard.svc.cluster.local",
        ]
    )
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True


def test_tls_material_is_fresh_each_time() -> None:
    first, second = generate_tls("a", "b"), generate_tls("a", "b")
    assert first.ca_pem != second.ca_pem and first.key_pem != second.key_pem


def test_the_committed_kustomize_base_is_what_the_code_generates(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, ["manifests", "--cert-manager", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    regenerate = "gavel webhook manifests --cert-manager --out deploy/base"
    assert_committed_base_matches(tmp_path, ROOT / "deploy" / "base", regenerate, CERT_MANAGER_KINDS)


def test_cert_manager_mode_embeds_no_key_material() -> None:
    manifests = build_manifests(ManifestOptions(), ["Pod"], None)
    kinds = _by_kind(manifests)
    assert "Secret" not in kinds
    assert kinds["Certificate"]["spec"]["secretName"] == "gavel-webhook-tls"
    webhook = kinds["ValidatingWebhookConfiguration"]
    assert "caBundle" not in webhook["webhooks"][0]["clientConfig"]
    assert webhook["metadata"]["annotations"] == {
        "cert-manager.io/inject-ca-from": "gavel-system/gavel-webhook"
    }


def test_kube_system_is_refused_as_the_webhook_namespace() -> None:
    result = CliRunner().invoke(command, ["manifests", "--namespace", "kube-system"])
    assert result.exit_code != 0
    assert "choose a namespace of its own" in str(result.exception or result.output)


def test_pods_read_namespace_labels_and_nothing_else(generated: list[dict[str, Any]]) -> None:
    pod = _by_kind(generated)["Deployment"]["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is True
    assert _by_kind(generated)["ClusterRole"]["rules"] == [
        {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]}
    ]


def test_without_an_evidence_secret_each_pod_keeps_its_own_store(generated: list[dict[str, Any]]) -> None:
    container = _by_kind(generated)["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    evidence = next(e for e in container["env"] if e["name"] == "GAVEL_EVIDENCE")
    assert evidence == {"name": "GAVEL_EVIDENCE", "value": "sqlite:////var/lib/gavel/evidence.db"}
    assert all(m["name"] != "signing-key" for m in container["volumeMounts"])


def test_replicas_share_the_signing_key_and_store_of_the_evidence_secret() -> None:
    result = CliRunner().invoke(
        command,
        [
            "manifests",
            "--cert-manager",
            "--evidence-secret",
            "pg-evidence",
            "--policies",
            str(ADMISSION / "policies"),
        ],
    )
    assert result.exit_code == 0, result.output
    manifests = [m for m in yaml.safe_load_all(result.stdout) if m]
    pod = _by_kind(manifests)["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    evidence = next(e for e in container["env"] if e["name"] == "GAVEL_EVIDENCE")
    assert evidence["valueFrom"] == {"secretKeyRef": {"name": "pg-evidence", "key": "GAVEL_EVIDENCE_URL"}}
    assert {"name": "signing-key", "mountPath": "/var/lib/gavel/keys", "readOnly": True} in container[
        "volumeMounts"
    ]
    assert {"name": "signing-key", "secret": {"secretName": "pg-evidence", "defaultMode": 0o440}} in pod[
        "volumes"
    ]
    assert "postgresql://" not in result.stdout
    for manifest in manifests:
        if manifest["kind"] not in CERT_MANAGER_KINDS:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_a_store_outliving_the_pods_without_a_shared_key_is_refused() -> None:
    result = CliRunner().invoke(command, ["manifests", "--evidence", "postgresql://db.example/evidence"])
    assert result.exit_code != 0
    assert "needs the signing key they share" in str(result.exception or result.output)
