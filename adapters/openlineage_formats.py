"""The three string formats of the OpenLineage spec, one check each for both event validators.

`openlineage_schema` validates an event with `jsonschema-rs` and, when that rejects it, again with
`jsonschema` for the message; both call these functions, so they cannot disagree on a format.
Each check is a plain function of the value that returns False for a bad string and True for a
value that is not a string (the type check reports that):

- `uuid`: the hyphenated form RFC 4122 prints (`run.runId`, the parent facet's run id);
- `date-time`: what the models' own check reads (dateutil's `isoparse`) with a time part;
- `uri`: an absolute URI per RFC 3986 (`producer`, `schemaURL`, a datasource `uri`); the
  models' check, `urlparse`, accepts nearly any text.

Validation runs once per event, and an audit reads events by the hundred thousand, so the usual
shapes are recognised first by a regular expression and `datetime.fromisoformat`; only what
they do not accept goes to the slower general check.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema_rs

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# RFC 3339 with every field in range: isoparse and fromisoformat both read it, to the same time.
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
)


def is_uuid(value: object) -> bool:
    return not isinstance(value, str) or _UUID.fullmatch(value) is not None


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _RFC3339.fullmatch(value):
        try:
            datetime.fromisoformat(value)
            return True
        except ValueError:
            pass  # an impossible date (30 February): isoparse gives the verdict
    try:
        parse_time(value)
    except ValueError:
        return False
    return "t" in value.lower()


def is_uri(value: object) -> bool:
    return not isinstance(value, str) or _uri_validator().is_valid(value)


FORMATS: dict[str, Callable[[object], bool]] = {
    "uuid": is_uuid,
    "date-time": is_date_time,
    "uri": is_uri,
}
"""Format name -> check, as both validators are given them."""


def parse_time(value: str) -> datetime:
    """An ISO 8601 time as the models parse it (dateutil's `isoparse`, which the client requires)."""
    parser: Any = importlib.import_module("dateutil.parser")
    parsed: datetime = parser.isoparse(value)
    return parsed


@functools.cache
def _uri_validator() -> jsonschema_rs.Validator:
    """jsonschema-rs's own `uri` check (RFC 3986), the strict reading `jsonschema` leaves optional."""
    import jsonschema_rs

    return jsonschema_rs.validator_for({"format": "uri"}, validate_formats=True)
