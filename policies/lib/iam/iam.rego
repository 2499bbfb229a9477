# Reading identity and access grants: AWS IAM policy documents (the statements a role is
# allowed), which AWS roles are pipeline or ML identities (data/access_control.yaml), and the
# role bindings of GCP IAM resources as {role, member} pairs whatever resource declares them.
package gavel.lib.iam

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.s3
import data.gavel.lib.terraform

params := checks.parameters("access_control")

# A policy document parsed from its JSON text; undefined for unknown or unparseable text.
document(text) := json.unmarshal(text) if {
	is_string(text)
	json.is_valid(text)
}

# A string-or-list field of a statement as a list.
values(field) := field if is_array(field)

values(field) := [field] if is_string(field)

values(field) := [] if field == null

allow_statements(doc) := [st | some st in s3.statements(doc); st.Effect == "Allow"]

# The wildcards an Allow statement grants: `*` and `<service>:*` actions, and NotAction (which
# allows everything not listed).
action_wildcards(statement) := [a | some a in values(object.get(statement, "Action", null)); wildcard_action(a)] if {
	not statement.NotAction
} else := ["NotAction"]

wildcard_action(action) if action == "*"

wildcard_action(action) if {
	is_string(action)
	endswith(action, ":*")
}

# True when a statement allows actions on every resource beyond those AWS only grants on `*`.
all_resources(statement) if {
	"*" in values(object.get(statement, "Resource", null))
	some action in values(object.get(statement, "Action", null))
	not action in object.get(params, "resource_wildcard_actions", [])
}

all_resources(statement) if {
	"*" in values(object.get(statement, "Resource", null))
	statement.NotAction
}

# The wildcard grants of a policy document as {statement, field, values} entries.
wildcard_grants(doc) := [grant |
	some i, statement in allow_statements(doc)
	some grant in statement_grants(i, statement)
]

statement_grants(i, statement) := array.concat(
	[{"statement": statement_name(i, statement), "field": "Action", "values": wildcards} |
		wildcards := action_wildcards(statement)
		count(wildcards) > 0
	],
	[{"statement": statement_name(i, statement), "field": "Resource", "values": ["*"]} | all_resources(statement)],
)

# A statement's Sid, or its position when it has none.
statement_name(i, statement) := statement.Sid if {
	is_string(statement.Sid)
	statement.Sid != ""
} else := sprintf("#%d", [i])

# Roles of the plan named `name` (the `role` argument of policies and attachments).
roles_named(name) := [role |
	some role in terraform.estate_resources("aws_iam_role")
	role.attributes.name == name
]

# True when an aws_iam_role runs pipelines or models: tagged so, or trusted by a pipeline service.
pipeline_role(role) if {
	some key in object.get(params, "pipeline_role_tag_keys", [])
	lower(role.labels[key]) in object.get(params, "pipeline_role_tag_values", [])
}

pipeline_role(role) if {
	some statement in s3.statements(document(role.attributes.assume_role_policy))
	some service in values(object.get(statement, ["Principal", "Service"], null))
	service in object.get(params, "pipeline_service_principals", [])
}

# True when the role named by a policy or attachment (its `role` argument) is a pipeline role.
names_pipeline_role(attributes) if {
	some role in roles_named(attributes.role)
	pipeline_role(role)
}

# {role, member} grants of google_{project,folder,organization,...}_iam_{member,binding,policy}.
grants(resource) := [{"role": a.role, "member": a.member}] if {
	endswith(resource.kind, "_iam_member")
	a := resource.attributes
} else := [{"role": a.role, "member": m} | some m in values(a.members)] if {
	endswith(resource.kind, "_iam_binding")
	a := resource.attributes
} else := [{"role": b.role, "member": m} |
	some b in checks.items(document(resource.attributes.policy_data), "bindings")
	some m in values(object.get(b, "members", null))
]

# True when a GCP IAM member is a service account.
service_account(member) if {
	is_string(member)
	startswith(member, "serviceAccount:")
}
