"""Gatekeeper ConstraintTemplates with their Constraints, loaded unmodified and run by the engine.

Every `suite.yaml` of the copied gatekeeper-library (gator verify's format) runs through
`load_policy_set` and `evaluate` with the real embedded runtime; the cases that cannot reproduce
Gatekeeper's expected result are listed in `KNOWN_GAPS` with the reason, and the test fails when
that list is no longer exact.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from gavel.adapters.kubernetes import KubernetesManifests
from gavel.cli import cli
from gavel.engine.errors import GavelError, PolicyError
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import evaluate
from gavel.engine.loader import PolicySet, load_policy_set
from gavel.engine.models import Decision, Outcome, Resource, Severity
from gavel.engine.rego import EmbeddedRuntime

LIBRARY = Path(__file__).parent.parent / "data" / "gatekeeper-library"
SUITES = sorted(LIBRARY.glob("*/*/suite.yaml"))
NOW = datetime.fromisoformat("2026-11-24T12:00:00+00:00")

# `<suite folder>/<test>/<case>` -> (why it cannot pass, a fragment of what the engine reports).
KNOWN_GAPS: dict[str, tuple[str, str]] = {
    "general/horizontalpodautoscaler/horizontal-pod-autoscaler/example-allowed-hpa": (
        "regorus parses `input.parameters.minimumReplicaSpread` followed by a line starting with `(`"
        " as a function call; OPA ends the expression at the newline",
        "could not find function input.parameters.minimumReplicaSpread",
    ),
    "general/horizontalpodautoscaler/horizontal-pod-autoscaler/example-disallowed-hpa-replicaspread": (
        "same regorus parse of a newline-separated `(...)` as a call",
        "could not find function input.parameters.minimumReplicaSpread",
    ),
    "general/horizontalpodautoscaler/horizontal-pod-autoscaler/example-disallowed-scaletarget": (
        "same regorus parse of a newline-separated `(...)` as a call",
        "could not find function input.parameters.minimumReplicaSpread",
    ),
    "general/horizontalpodautoscaler/horizontal-pod-autoscaler/example-disallowed-hpa-replicas": (
        "the template's sprintf has 6 verbs and 5 arguments: OPA writes %!v(MISSING), regorus raises",
        "no argument specified for format verb",
    ),
    "general/noupdateserviceaccount/noupdateserviceaccount/example-allowed": (
        "the template uses a v0 rule with several bodies (`violation[...] { ... } { ... }`), which"
        " regorus does not parse; the whole template is rejected",
        "else cannot be used with set rules",
    ),
    "pod-security-policy/users/users-and-groups-together/example-allowed": (
        "`not accept_value(rule, value, params.ranges)` with `params.ranges` undefined: OPA leaves the"
        " rule undefined (no violation), regorus takes the negation as true",
        "attempting to run as disallowed group 1000",
    ),
}
CASES = 270
PASSING_CASES = CASES - len(KNOWN_GAPS)


@dataclass(frozen=True)
class CaseResult:
    """One case of one suite; `problem` is empty when the engine reproduced Gatekeeper's result."""

    key: str
    problem: str


def _resources(path: Path) -> list[Resource]:
    """A case file's objects; an AdmissionReview becomes its request object with its operation."""
    resources: list[Resource] = []
    for document in (d for d in yaml.safe_load_all(path.read_text()) if d):
        operation, obj = None, document
        if document.get("kind") == "AdmissionReview":
            operation = str(document["request"].get("operation", "CREATE")).lower()
            obj = document["request"]["object"]
        manifests = KubernetesManifests.from_bytes(yaml.safe_dump(obj).encode(), path.name, NOW, strict=True)
        resources.extend(dataclasses.replace(r, action=operation) for r in manifests.resources)
    return resources


def _expected(assertion: Mapping[str, Any]) -> str:
    value = assertion.get("violations", "yes")
    if isinstance(value, bool):  # YAML 1.1 reads yes/no as booleans
        return "yes" if value else "no"
    return str(value)


def _problems(assertions: Sequence[Mapping[str, Any]], messages: Sequence[str]) -> str:
    problems = []
    for assertion in assertions:
        pattern = assertion.get("message")
        matching = [m for m in messages if pattern is None or re.search(str(pattern), m)]
        expected = _expected(assertion)
        wanted = {"yes": None, "no": 0}.get(expected, int(expected) if expected.isdigit() else -1)
        if (wanted is None and not matching) or (wanted is not None and len(matching) != wanted):
            problems.append(f"expected violations matching {pattern!r}: {expected}, got {messages}")
    return "; ".join(problems)


def _run_case(policy_set: PolicySet, folder: Path, case: Mapping[str, Any]) -> str:
    subjects = _resources(folder / case["object"])
    inventory = [r for item in case.get("inventory") or () for r in _resources(folder / item)]
    estate = build_estate([*subjects, *inventory])
    subject_ids = {
        rid for rid, r in estate.resources.items() if any(r.attributes is s.attributes for s in subjects)
    }
    try:
        decision = evaluate(policy_set, estate, EmbeddedRuntime(), now=NOW)
    except GavelError as error:
        return error.one_line()
    findings = [f for f in decision.findings if f.resource.id in subject_ids]
    errors = [str(f.message) for f in findings if f.outcome is Outcome.ERROR]
    return errors[0] if errors else _problems(case.get("assertions") or (), [f.message for f in findings])


def run_suite(suite: Path, work: Path) -> Iterator[CaseResult]:
    """Every case of a suite, each test's template and constraint in a policy folder of their own."""
    folder = suite.parent
    name = f"{folder.parent.name}/{folder.name}"
    for test in yaml.safe_load(suite.read_text()).get("tests") or ():
        policies = work / name / test["name"]
        policies.mkdir(parents=True)
        shutil.copy(folder / test["template"], policies / "template.yaml")
        shutil.copy(folder / test["constraint"], policies / "constraint.yaml")
        policy_set = load_policy_set([policies])
        assert [p.id.split("/")[1] for p in policy_set.policies] == [
            yaml.safe_load((policies / "constraint.yaml").read_text())["kind"]
        ]
        for case in test.get("cases") or ():
            yield CaseResult(f"{name}/{test['name']}/{case['name']}", _run_case(policy_set, folder, case))


@pytest.fixture(scope="module")
def library_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[CaseResult]]:
    work = tmp_path_factory.mktemp("gatekeeper-suites")
    return {suite.parent.name: list(run_suite(suite, work)) for suite in SUITES}


def test_the_library_copy_holds_every_template_and_suite() -> None:
    assert len(SUITES) == 49
    assert len(list(LIBRARY.glob("*/*/template.yaml"))) == 49


@pytest.mark.parametrize("suite", SUITES, ids=lambda path: path.parent.name)
def test_suite_reproduces_gatekeeper_except_known_gaps(
    suite: Path, library_results: dict[str, list[CaseResult]]
) -> None:
    results = library_results[suite.parent.name]
    assert results, "a suite without cases proves nothing"
    failing = {r.key: r.problem for r in results if r.problem}
    gaps = {
        key: gap
        for key, gap in KNOWN_GAPS.items()
        if key.startswith(f"{suite.parent.parent.name}/{suite.parent.name}/")
    }
    assert set(failing) == set(gaps), failing
    for key, (_, fragment) in gaps.items():
        assert fragment in failing[key]


def test_library_pass_counts(library_results: dict[str, list[CaseResult]]) -> None:
    results = [r for suite in library_results.values() for r in suite]
    assert len(results) == CASES
    assert sum(not r.problem for r in results) == PASSING_CASES == 264
    fully_passing = [name for name, suite in library_results.items() if all(not r.problem for r in suite)]
    assert len(fully_passing) == 46


REQUIRED_LABELS = LIBRARY / "general" / "requiredlabels" / "template.yaml"
BASE_POD = (
    LIBRARY
    / "pod-security-policy"
    / "privileged-containers"
    / "samples"
    / "psp-privileged-container"
    / "example_allowed.yaml"
)


def _constraint(name: str, spec: Mapping[str, Any], kind: str = "K8sRequiredLabels") -> dict[str, Any]:
    return {
        "apiVersion": "constraints.gatekeeper.sh/v1beta1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": spec,
    }


def _policy_folder(folder: Path, templates: Sequence[Path], constraints: Sequence[Mapping[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index, template in enumerate(templates):
        shutil.copy(template, folder / f"template-{index}.yaml")
    (folder / "constraints.yaml").write_text(yaml.safe_dump_all(constraints))
    return folder


def _object(
    base: Path, name: str, namespace: str | None = None, labels: Mapping[str, str] | None = None
) -> Resource:
    document = yaml.safe_load(base.read_text())
    document["metadata"] = {
        "name": name,
        **({"namespace": namespace} if namespace else {}),
        **({"labels": dict(labels)} if labels else {}),
    }
    return KubernetesManifests.from_bytes(yaml.safe_dump(document).encode(), f"{name}.yaml", NOW).resources[0]


def _namespace(name: str, labels: Mapping[str, str]) -> Resource:
    document = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": dict(labels)}}
    return KubernetesManifests.from_bytes(yaml.safe_dump(document).encode(), f"{name}.yaml", NOW).resources[0]


def _judged(decision: Decision) -> set[tuple[str, str, str]]:
    return {(f.policy_id.rsplit("/", 1)[-1], f.resource.id, f.outcome.value) for f in decision.findings}


OWNER = {"labels": [{"key": "owner"}]}


def test_match_block_selects_namespaces_labels_names_and_enforcement(
    tmp_path: Path, make_resource: Any
) -> None:
    pods = {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}]}
    folder = _policy_folder(
        tmp_path / "policies",
        [REQUIRED_LABELS],
        [
            _constraint(
                "by-namespace",
                {
                    "match": {
                        **pods,
                        "namespaces": ["prod-*", "*-live"],
                        "excludedNamespaces": ["prod-legacy"],
                    },
                    "parameters": OWNER,
                },
            ),
            _constraint(
                "by-labels",
                {
                    "match": {
                        **pods,
                        "labelSelector": {
                            "matchLabels": {"tier": "web"},
                            "matchExpressions": [{"key": "stage", "operator": "NotIn", "values": ["test"]}],
                        },
                    },
                    "parameters": OWNER,
                },
            ),
            _constraint(
                "by-namespace-labels",
                {
                    "match": {
                        **pods,
                        "namespaceSelector": {
                            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}]
                        },
                    },
                    "parameters": OWNER,
                },
            ),
            _constraint(
                "batch-names",
                {"enforcementAction": "warn", "match": {**pods, "name": "batch-*"}, "parameters": OWNER},
            ),
            _constraint(
                "everything",
                {"enforcementAction": "dryrun", "match": {"scope": "Cluster"}, "parameters": OWNER},
            ),
        ],
    )
    policy_set = load_policy_set([folder])
    estate = build_estate(
        [
            _object(BASE_POD, "api", "prod-api"),
            _object(BASE_POD, "shop", "shop-live"),
            _object(BASE_POD, "old", "prod-legacy"),
            _object(BASE_POD, "owned", "prod-api", {"owner": "team-a"}),
            _object(BASE_POD, "web", "dev", {"tier": "web"}),
            _object(BASE_POD, "web-test", "dev", {"tier": "web", "stage": "test"}),
            _object(BASE_POD, "pay", "payments"),
            _namespace("payments", {"env": "prod"}),
            _namespace("dev", {"env": "dev"}),
            _object(BASE_POD, "batch-nightly", "dev"),
            make_resource("aws_s3_bucket", "data", {"bucket": "data"}),
        ]
    )
    decision = evaluate(policy_set, estate, EmbeddedRuntime(), now=NOW)
    assert _judged(decision) == {
        ("by-namespace", "kubernetes:prod-api/Pod/api", "violation"),
        ("by-namespace", "kubernetes:shop-live/Pod/shop", "violation"),
        ("by-labels", "kubernetes:dev/Pod/web", "violation"),
        ("by-namespace-labels", "kubernetes:payments/Pod/pay", "violation"),
        ("batch-names", "kubernetes:dev/Pod/batch-nightly", "warning"),
        ("everything", "kubernetes:_/Namespace/payments", "warning"),
        ("everything", "kubernetes:_/Namespace/dev", "warning"),
    }
    dryrun = next(f for f in decision.findings if f.policy_id == "gatekeeper/K8sRequiredLabels/everything")
    assert dryrun.details == {
        "constraint": "K8sRequiredLabels/everything",
        "enforcement_action": "dryrun",
        "violation": {"missing_labels": ["owner"]},
    }
    assert dryrun.message == 'you must provide labels: {"owner"}'
    assert policy_set.get("gatekeeper/K8sRequiredLabels/by-namespace").metadata.severity is Severity.HIGH
    assert policy_set.get("gatekeeper/K8sRequiredLabels/everything").metadata.resource_kinds == ("*",)
    assert decision.risk > 0 and not decision.passed


def test_templates_keep_their_own_packages_and_libs(tmp_path: Path) -> None:
    """Two templates declaring the same package, and two templates sharing `lib.exempt_container`."""
    twin = tmp_path / "twin.yaml"
    twin.write_text(
        REQUIRED_LABELS.read_text()
        .replace("name: k8srequiredlabels", "name: k8srequiredteam")
        .replace("kind: K8sRequiredLabels", "kind: K8sRequiredTeam")
    )
    psp = LIBRARY / "pod-security-policy"
    folder = _policy_folder(
        tmp_path / "policies",
        [
            REQUIRED_LABELS,
            twin,
            psp / "capabilities" / "template.yaml",
            psp / "privileged-containers" / "template.yaml",
        ],
        [
            _constraint("owner", {"parameters": OWNER}),
            _constraint("team", {"parameters": {"labels": [{"key": "team"}]}}, kind="K8sRequiredTeam"),
            yaml.safe_load(
                (
                    psp / "capabilities" / "samples" / "psp-capabilities-baseline" / "constraint.yaml"
                ).read_text()
            ),
            yaml.safe_load(
                (
                    psp / "privileged-containers" / "samples" / "psp-privileged-container" / "constraint.yaml"
                ).read_text()
            ),
        ],
    )
    policy_set = load_policy_set([folder])
    pod = _resources(
        psp / "privileged-containers" / "samples" / "psp-privileged-container" / "example_disallowed.yaml"
    )
    decision = evaluate(policy_set, build_estate(pod), EmbeddedRuntime(), now=NOW)
    by_policy = {f.policy_id: f.message for f in decision.findings}
    assert set(by_policy) == {
        "gatekeeper/K8sRequiredLabels/owner",
        "gatekeeper/K8sRequiredTeam/team",
        "gatekeeper/K8sPSPPrivilegedContainer/psp-privileged-container",
    }
    assert by_policy["gatekeeper/K8sRequiredLabels/owner"] == 'you must provide labels: {"owner"}'
    assert by_policy["gatekeeper/K8sRequiredTeam/team"] == 'you must provide labels: {"team"}'


V1_TEMPLATE = """\
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sblockedimages
spec:
  crd:
    spec:
      names:
        kind: K8sBlockedImages
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: Rego
          source:
            version: v1
            rego: |
              package k8sblockedimages

              import data.lib.images.blocked

              violation contains {"msg": msg} if {
                some container in input.review.object.spec.containers
                blocked(container.image, input.parameters.prefixes)
                op := input.review.operation
                msg := sprintf("<%v> uses blocked <%v> (%v)", [container.name, container.image, op])
              }
            libs:
              - |
                package lib.images

                blocked(image, prefixes) if {
                  some prefix in prefixes
                  startswith(image, prefix)
                }
"""


def test_rego_v1_templates_with_libs_and_the_admission_operation(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "blocked.yaml").write_text(
        V1_TEMPLATE
        + "---\n"
        + yaml.safe_dump(
            _constraint("no-nginx", {"parameters": {"prefixes": ["nginx"]}}, kind="K8sBlockedImages")
        )
    )
    policy_set = load_policy_set([folder])
    assert not any(name.startswith(str(folder)) for name in policy_set.rego_v0_modules)
    pod = _object(BASE_POD, "web", "shop")
    updated = dataclasses.replace(_object(BASE_POD, "web-update", "shop"), action="update")
    decision = evaluate(policy_set, build_estate([pod, updated]), EmbeddedRuntime(), now=NOW)
    assert sorted(f.message for f in decision.findings) == [
        "<nginx> uses blocked <nginx> (CREATE)",
        "<nginx> uses blocked <nginx> (UPDATE)",
    ]


def test_inventory_comes_from_the_estate_without_the_object_under_review(tmp_path: Path) -> None:
    samples = LIBRARY / "general" / "uniqueingresshost" / "samples" / "unique-ingress-host"
    folder = _policy_folder(
        tmp_path / "policies",
        [LIBRARY / "general" / "uniqueingresshost" / "template.yaml"],
        [yaml.safe_load((samples / "constraint.yaml").read_text())],
    )
    ingress = _resources(samples / "example_disallowed.yaml")
    existing = _resources(samples / "example_inventory_disallowed.yaml")
    policy_set = load_policy_set([folder])
    alone = evaluate(policy_set, build_estate(ingress), EmbeddedRuntime(), now=NOW)
    assert alone.findings == ()
    together = evaluate(policy_set, build_estate([*ingress, *existing]), EmbeddedRuntime(), now=NOW)
    assert {f.resource.id for f in together.findings} == {ingress[0].id, existing[0].id}
    assert all(
        f.message.startswith("ingress host conflicts with an existing ingress") for f in together.findings
    )


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        (
            [_constraint("orphan", {})],
            "Constraint kind K8sRequiredLabels has no ConstraintTemplate in the policy folders",
        ),
        ([_constraint("odd", {"enforcementAction": "block"})], "unknown enforcementAction 'block'"),
        ([_constraint("", {})], "K8sRequiredLabels has no metadata.name"),
    ],
)
def test_bad_constraints_are_policy_errors_naming_the_file(
    tmp_path: Path, documents: list[dict[str, Any]], message: str
) -> None:
    templates = [] if "orphan" in json.dumps(documents) else [REQUIRED_LABELS]
    folder = _policy_folder(tmp_path / "policies", templates, documents)
    with pytest.raises(PolicyError) as raised:
        load_policy_set([folder])
    assert raised.value.message == message
    assert raised.value.location is not None and raised.value.location.file == str(
        folder / "constraints.yaml"
    )
    assert raised.value.exit_code == 3


def test_a_cel_only_template_is_refused_by_name(tmp_path: Path) -> None:
    template = yaml.safe_load(
        (LIBRARY / "pod-security-policy" / "capabilities" / "template.yaml").read_text()
    )
    code = template["spec"]["targets"][0]["code"]
    template["spec"]["targets"][0]["code"] = [entry for entry in code if entry["engine"] != "Rego"]
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "template.yaml").write_text(yaml.safe_dump(template))
    with pytest.raises(
        PolicyError, match=r"k8spspcapabilities has no Rego source \(engines: K8sNativeValidation\)"
    ):
        load_policy_set([folder])


def test_rego_errors_point_at_the_template_yaml_line(tmp_path: Path) -> None:
    text = REQUIRED_LABELS.read_text()
    line = next(
        number for number, content in enumerate(text.splitlines(), 1) if "count(missing) > 0" in content
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("count(missing) > 0", "count(missing) > 0 ]"))
    folder = _policy_folder(tmp_path / "policies", [broken], [_constraint("owner", {"parameters": OWNER})])
    policy_set = load_policy_set([folder])
    with pytest.raises(PolicyError) as raised:
        evaluate(policy_set, build_estate([_object(BASE_POD, "web", "shop")]), EmbeddedRuntime(), now=NOW)
    location = raised.value.location
    assert location is not None
    assert location.file == f"{folder / 'template-0.yaml'}#K8sRequiredLabels"
    assert location.line == line, location


def test_gavel_check_judges_a_real_manifest_with_a_template_and_constraints(tmp_path: Path) -> None:
    workloads = {
        "kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}, {"apiGroups": [""], "kinds": ["Service"]}]
    }
    services = {"kinds": [{"apiGroups": [""], "kinds": ["Service"]}]}
    folder = _policy_folder(
        tmp_path / "policies",
        [REQUIRED_LABELS],
        [
            _constraint("must-have-app", {"match": workloads, "parameters": {"labels": [{"key": "app"}]}}),
            _constraint(
                "should-have-owner", {"enforcementAction": "warn", "match": services, "parameters": OWNER}
            ),
        ],
    )
    manifest = LIBRARY / "manifests" / "guestbook-all-in-one.yaml"
    result = CliRunner().invoke(
        cli, ["check", str(manifest), "--policies", str(folder), "--no-evidence", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    found = sorted((f["policy_id"], f["resource"]["id"]) for f in report["findings"])
    assert found == sorted(
        [
            ("gatekeeper/K8sRequiredLabels/must-have-app", f"kubernetes:_/Deployment/{name}")
            for name in ("frontend", "redis-master", "redis-replica")
        ]
        + [
            ("gatekeeper/K8sRequiredLabels/should-have-owner", f"kubernetes:_/Service/{name}")
            for name in ("frontend", "redis-master", "redis-replica")
        ]
    )
    assert report["summary"]["warnings"] == 3

    (folder / "constraints.yaml").write_text(
        yaml.safe_dump(
            _constraint(
                "should-have-owner", {"enforcementAction": "warn", "match": services, "parameters": OWNER}
            )
        )
    )
    advisory = CliRunner().invoke(cli, ["check", str(manifest), "--policies", str(folder), "--no-evidence"])
    assert advisory.exit_code == 0, advisory.output


def _scoped(*actions: tuple[str, str]) -> dict[str, Any]:
    return {
        "enforcementAction": "scoped",
        "scopedEnforcementActions": [
            {"action": action, "enforcementPoints": [{"name": point}]} for action, point in actions
        ],
        "parameters": OWNER,
    }


@pytest.mark.parametrize(
    ("spec", "rules", "severity"),
    [
        (
            _scoped(("warn", "validation.gatekeeper.sh"), ("deny", "gator.gatekeeper.sh")),
            ("deny",),
            Severity.HIGH,
        ),
        (_scoped(("dryrun", "audit.gatekeeper.sh"), ("deny", "vap.k8s.io")), ("warn",), Severity.LOW),
        ({"enforcementAction": "warn", "parameters": OWNER}, ("warn",), Severity.LOW),
        ({"parameters": OWNER}, ("deny",), Severity.HIGH),
    ],
)
def test_enforcement_action_picks_the_rule(
    tmp_path: Path, spec: dict[str, Any], rules: tuple[str, ...], severity: Severity
) -> None:
    policy = load_policy_set(
        [_policy_folder(tmp_path, [REQUIRED_LABELS], [_constraint("c", spec)])]
    ).policies[0]
    assert (policy.rules, policy.metadata.severity) == (rules, severity)


def test_scoped_enforcement_without_a_point_gavel_enforces_is_refused(tmp_path: Path) -> None:
    folder = _policy_folder(tmp_path, [REQUIRED_LABELS], [_constraint("c", _scoped(("deny", "vap.k8s.io")))])
    with pytest.raises(PolicyError, match="scoped Constraint names no action for gator, validation or audit"):
        load_policy_set([folder])
