"""Values a Terraform plan knows only after apply, as attribute paths.

`terraform show -json` leaves such a value out of the planned values and marks it `true` at the
same place in the change's `after_unknown` (a whole block when the block itself is unknown). A
policy must not read the missing value as absent or false: `Resource.unknown` lists these paths
(keys and list indices, e.g. `["server_side_encryption_configuration", 0, "rule", 0,
"apply_server_side_encryption_by_default", 0, "kms_master_key_id"]`), shown to policies as
`input.resource.unknown`, and `gavel.lib.terraform.unknown(resource, path)` answers for a path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

AttributePath = tuple[str | int, ...]


def _walk(marks: Any, prefix: AttributePath) -> Iterator[AttributePath]:
    if marks is True:
        yield prefix
    elif isinstance(marks, Mapping):
        for key, value in marks.items():
            yield from _walk(value, (*prefix, str(key)))
    elif isinstance(marks, list):
        for index, value in enumerate(marks):
            yield from _walk(value, (*prefix, index))


def unknown_paths(change: Mapping[str, Any] | None) -> tuple[AttributePath, ...]:
    """The paths `after_unknown` marks in a `resource_changes` entry, sorted; none without a change."""
    details = change.get("change") if isinstance(change, Mapping) else None
    if not isinstance(details, Mapping) or not isinstance(details.get("after"), Mapping):
        return ()
    return tuple(sorted(_walk(details.get("after_unknown"), ()), key=lambda p: [str(s) for s in p]))
