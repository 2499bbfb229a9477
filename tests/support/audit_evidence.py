"""An evidence store filled by real runs, for the audit report tests.

Four weekly `gavel check`-style runs of the engine over real documents (regula's S3 plan, the
Kubernetes guestbook and vLLM Deployments) with real waivers, and the admission webhook's own
recorder over saved AdmissionReviews, all at fixed evaluation times in January 2026. The policy
library is the engine's and the webhook's test policies, so the report's figures do not move
when the built-in library grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from gavel.adapters.detect import collect_paths
from gavel.commands.report import verified_integrity
from gavel.engine.admission import parse_review, review
from gavel.engine.admission_settings import AdmissionSettings
from gavel.engine.estate import Estate, build_estate
from gavel.engine.evaluate import PreparedEvaluation, evaluate
from gavel.engine.loader import PolicySet, load_data_file, load_policy_set
from gavel.engine.posture import AuditSummary
from gavel.engine.rego import EmbeddedRuntime
from gavel.engine.waivers import parse_waivers
from gavel.evidence.audit_summary import summarise
from gavel.evidence.keys import generate_key, load_signer, load_trusted_keys
from gavel.evidence.queries import Scope
from gavel.evidence.store import EvidenceStore
from gavel.server.admission_evidence import EvidenceRecorder
from gavel.server.webhook import covered_kinds, kubernetes_resource

DATA = Path(__file__).resolve().parent.parent / "data"
POLICY_DIRS = (DATA / "engine" / "policies", DATA / "admission" / "policies")
SSE_PLAN = DATA / "adapters/terraform-plan/regula/rules/tf/aws/s3/inputs/bucket_sse_infra.json"
GUESTBOOK = DATA / "adapters/kubernetes/kubernetes-examples/web/guestbook/frontend-deployment.yaml"
VLLM = DATA / "adapters/kubernetes/kubernetes-examples/AI/vllm-deployment/vllm-deployment.yaml"
WAIVERS = DATA / "reports/audit/waivers.yaml"
REVIEWS = DATA / "admission/reviews"
ORIGIN = "gavel.dev/evidence/audit-report-tests"
GENERATED_AT = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
FRAMEWORKS = ("CIS", "GDPR", "ISO-27001", "NIST-800-53")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 1, day, hour, tzinfo=UTC)


CHECK_RUNS = (
    (at(5), (SSE_PLAN, GUESTBOOK), False),
    (at(12), (SSE_PLAN, GUESTBOOK, VLLM), True),
    (at(19), (SSE_PLAN, GUESTBOOK, VLLM), True),
    (at(26), (SSE_PLAN,), True),
)
ADMISSIONS = (
    (at(6, 10), "privileged-pod"),
    (at(6, 11), "unprivileged-pod"),
    (at(13, 10), "privileged-deployment"),
    (at(14, 10), "guestbook-frontend"),
    (at(20, 10), "vllm-classification-downgrade-update"),
    (at(27, 10), "privileged-statefulset"),
)


@dataclass(frozen=True)
class AuditEvidence:
    url: str
    keys_dir: Path
    policy_set: PolicySet


def library() -> PolicySet:
    return load_policy_set(list(POLICY_DIRS))


def check_run(
    store: EvidenceStore,
    keys_dir: Path,
    policy_set: PolicySet,
    when: datetime,
    paths: tuple[Path, ...],
    waived: bool,
) -> None:
    """What `gavel check PATHS [--waivers FILE]` records, evaluated at `when`."""
    collection = collect_paths(list(paths), collected_at=when)
    waivers = parse_waivers(load_data_file(WAIVERS), str(WAIVERS)) if waived else ()
    decision = evaluate(
        policy_set, build_estate(collection.resources), EmbeddedRuntime(), waivers=waivers, now=when
    )
    store.record_decision(
        decision,
        signer=load_signer(keys_dir),
        subject_digests={r.provenance.source: r.provenance.source_digest for r in collection.resources},
        context={"command": "check", "paths": [p.name for p in paths], "skipped": []},
        environment={},
    )


def admission_runs(url: str, keys_dir: Path, policy_set: PolicySet) -> None:
    """Saved AdmissionReviews judged by `review()` and recorded by the webhook's recorder."""
    prepared = PreparedEvaluation(policy_set, EmbeddedRuntime(), covered_kinds(policy_set), Estate({}, {}))
    recorder = EvidenceRecorder(
        url, keys_dir, bundle_digest=prepared.bundle_digest, runtime=prepared.runtime_version
    )
    try:
        for when, name in ADMISSIONS:
            request = parse_review((REVIEWS / f"admission.{name}.json").read_bytes())
            verdict = review(
                request, prepared, AdmissionSettings(), to_resource=kubernetes_resource, now=when
            )
            recorder.submit(recorder.sign(verdict, when)).result()
    finally:
        recorder.close()


def fill_store(url: str, keys_dir: Path) -> AuditEvidence:
    """Weekly check runs interleaved with admission decisions, in time order."""
    generate_key(keys_dir)
    policy_set = library()
    with EvidenceStore.open(url, origin=ORIGIN) as store:
        for when, paths, waived in CHECK_RUNS[:2]:
            check_run(store, keys_dir, policy_set, when, paths, waived)
    admission_runs(url, keys_dir, policy_set)
    with EvidenceStore.open(url) as store:
        for when, paths, waived in CHECK_RUNS[2:]:
            check_run(store, keys_dir, policy_set, when, paths, waived)
    return AuditEvidence(url, keys_dir, policy_set)


def summary_of(
    evidence: AuditEvidence,
    frameworks: tuple[str, ...] = FRAMEWORKS,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    filtered: bool = False,
) -> AuditSummary:
    """What `gavel report` reads from the store, with the report clock fixed at GENERATED_AT.

    Verified as on a machine that has not verified this log before (a fresh state folder), so the
    report always says the same about what was checked.
    """
    with EvidenceStore.open(evidence.url) as store, TemporaryDirectory() as state_dir:
        with store.snapshot() as connection:
            size = int(store.state(connection).tree_size)
        trusted = load_trusted_keys(evidence.keys_dir)
        integrity = verified_integrity(store, trusted, Path(state_dir), False, size)
        policies = [p.metadata for p in evidence.policy_set.policies]
        scope = Scope(policies, list(frameworks), since, until, size, filtered)
        return summarise(
            store,
            scope,
            integrity=integrity,
            generated_at=GENERATED_AT,
            tool_version="0.1.0",
            policy_set_digest=evidence.policy_set.digest(),
        )
