# METADATA
# title: Airflow DAGs declare an accountable owner
# description: >-
#   Every Airflow DAG names at least one owner other than the defaults in default_owners
#   (data/pipeline_security.yaml: Airflow's default owner `airflow`, or none). A job that moves
#   data with no owner has nobody to answer for what it reads and writes, nor to receive its
#   findings.
# custom:
#   id: airflow_dag_owner_declared
#   version: 1.0.0
#   severity: low
#   controls: [GVL-GOV-06]
#   regulations:
#     - {framework: NIST-800-53, article: "CM-8"}
#     - {framework: ISO-27001, article: "A.8.9"}
#   resource_kinds: [airflow_dag]
#   remediation: |
#     with DAG(
#         dag_id="customer_features",
#         default_args={"owner": "data-eng"},   # the team accountable for the DAG
#         ...
#     ):
package gavel.pipeline_security.airflow_dag_owner_declared

import rego.v1

import data.gavel.lib.checks.documents as checks_documents


defaults := {lower(o) | some o in object.get(checks_documents, ["pipeline_security", "default_owners"], ["airflow", ""])}

owners := {o | some o in object.get(input.resource.attributes, "owners", []); not lower(trim_space(o)) in defaults}

deny contains {
	"msg": sprintf("Airflow DAG %s: no owner (owners: %v); set default_args={\"owner\": \"<team>\"}", [input.resource.name, object.get(input.resource.attributes, "owners", [])]),
	"details": {"field": "owners", "actual": object.get(input.resource.attributes, "owners", []), "expected": sprintf("an owner other than %v", [sort(defaults)])},
} if {
	count(owners) == 0
}
