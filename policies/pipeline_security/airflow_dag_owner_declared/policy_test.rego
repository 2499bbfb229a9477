package gavel.pipeline_security.airflow_dag_owner_declared_test

import rego.v1

import data.gavel.pipeline_security.airflow_dag_owner_declared as policy

dag(owners) := {"kind": "airflow_dag", "name": "nightly_report", "attributes": {"owners": owners}}

test_default_owner_denied if {
	some d in policy.deny with input as {"resource": dag(["airflow"])}
	contains(d.msg, "Airflow DAG nightly_report: no owner")
}

test_no_owner_denied if {
	count(policy.deny) == 1 with input as {"resource": dag([])}
	count(policy.deny) == 1 with input as {"resource": {"kind": "airflow_dag", "name": "x", "attributes": {}}}
}

test_team_owner_allowed if {
	count(policy.deny) == 0 with input as {"resource": dag(["airflow", "data-eng"])}
}

test_default_owners_are_data if {
	count(policy.deny) == 1 with input as {"resource": dag(["nobody"])} with data.gavel.data.pipeline_security.default_owners as ["nobody"]
}
