# Reading container image references the way the container runtime resolves them: a reference
# without a registry host pulls from Docker Hub (`nginx` is docker.io/library/nginx), a tag is
# what follows the last `:` of the last path segment, and a digest (`@sha256:...`) pins the
# exact image whatever the tag says.
package gavel.lib.images

import rego.v1

# The reference with its registry host made explicit.
full_reference(image) := image if {
	has_registry(image)
} else := concat("/", ["docker.io", image]) if {
	contains(image, "/")
} else := concat("/", ["docker.io/library", image])

has_registry(image) if {
	parts := split(image, "/")
	count(parts) > 1
	host_like(parts[0])
}

host_like(segment) if contains(segment, ".")

host_like(segment) if contains(segment, ":")

host_like(segment) if segment == "localhost"

# True when the reference names an image by digest.
pinned_by_digest(image) if contains(image, "@sha256:")

# The tag of a reference without a digest; "latest" when it names none (what the runtime pulls).
tag(image) := tag_named(image) if not pinned_by_digest(image)

# The tag a reference without a digest names, "latest" when none (the digest is checked once).
tag_named(image) := t if {
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
} else := "latest"
