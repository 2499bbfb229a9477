package main

import future.keywords.in

deny[msg] {
  input.kind == "Deployment"
  not input.spec.template.spec.securityContext.runAsNonRoot
  msg := sprintf("Deployment %s must set runAsNonRoot", [input.metadata.name])
}

warn_latest[msg] {
  some container in input.spec.template.spec.containers
  endswith(container.image, ":latest")
  msg := sprintf("container %s uses a :latest image", [container.name])
}
