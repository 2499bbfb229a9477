package gavel.access_control.gcp_service_account_admin_roles_test

import rego.v1

import data.gavel.access_control.gcp_service_account_admin_roles as policy

sa := "serviceAccount:training@ml-prod.iam.gserviceaccount.com"

member(role, who) := {"id": "terraform:google_project_iam_member.training", "kind": "google_project_iam_member", "name": "training", "attributes": {"project": "ml-prod", "role": role, "member": who}}

test_editor_for_service_account_denied if {
	[d.msg | some d in policy.deny] == ["google_project_iam_member.training: role (for serviceAccount:training@ml-prod.iam.gserviceaccount.com) is roles/editor; set role (for serviceAccount:training@ml-prod.iam.gserviceaccount.com) to a predefined role limited to what the service account uses"] with input as {"resource": member("roles/editor", sa)}
}

test_predefined_role_allowed if {
	count(policy.deny) == 0 with input as {"resource": member("roles/storage.objectViewer", sa)}
}

test_people_not_judged if {
	count(policy.deny) == 0 with input as {"resource": member("roles/owner", "user:lead@example.com")}
}

test_binding_members if {
	binding := {"id": "terraform:google_folder_iam_binding.ml", "kind": "google_folder_iam_binding", "name": "ml", "attributes": {"role": "roles/owner", "members": ["group:ml@example.com", sa]}}
	[d.details.actual | some d in policy.deny] == ["roles/owner"] with input as {"resource": binding}
}

test_policy_data if {
	text := json.marshal({"bindings": [{"role": "roles/iam.securityAdmin", "members": [sa]}]})
	count(policy.deny) == 1 with input as {"resource": {"id": "terraform:google_project_iam_policy.p", "kind": "google_project_iam_policy", "name": "p", "attributes": {"policy_data": text}}}
}
