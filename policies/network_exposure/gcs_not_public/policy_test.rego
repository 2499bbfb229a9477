package gavel.network_exposure.gcs_not_public_test

import rego.v1

import data.gavel.network_exposure.gcs_not_public as policy

resource(kind, attributes) := {"id": sprintf("terraform:%s.reports", [kind]), "kind": kind, "name": "reports", "attributes": attributes}

test_all_users_member_denied if {
	[d.msg | some d in policy.deny] == ["google_storage_bucket_iam_member.reports: member is allUsers; set member to named users, groups or service accounts"] with input as {"resource": resource("google_storage_bucket_iam_member", {"bucket": "reports", "role": "roles/storage.objectViewer", "member": "allUsers"})}
}

test_named_group_allowed if {
	count(policy.deny) == 0 with input as {"resource": resource("google_storage_bucket_iam_member", {"bucket": "reports", "role": "roles/storage.objectViewer", "member": "group:reporting@example.com"})}
}

test_binding_with_all_authenticated_users if {
	count(policy.deny) == 1 with input as {"resource": resource("google_storage_bucket_iam_binding", {"role": "roles/storage.objectViewer", "members": ["group:a@example.com", "allAuthenticatedUsers"]})}
}

test_acl_entity if {
	count(policy.deny) == 1 with input as {"resource": resource("google_storage_default_object_access_control", {"bucket": "reports", "entity": "allUsers", "role": "READER"})}
	count(policy.deny) == 0 with input as {"resource": resource("google_storage_bucket_access_control", {"bucket": "reports", "entity": "group-reporting@example.com", "role": "READER"})}
}
