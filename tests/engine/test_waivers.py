"""Reading waiver files: what is accepted, and the wildcard and malformed ones that are refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import yaml

from gavel.engine.errors import PolicyError
from gavel.engine.waivers import parse_waivers, selects

VALID = """
waivers:
  - id: W-7
    policy: bucket_encrypted
    resources: {id: "terraform:module.logs.*", labels: {team: platform}}
    reason: Access logs are re-encrypted by the log pipeline until Q1.
    owner: platform-security@example.com
    expires: 2027-03-31
"""


def _waiver(**overrides: Any) -> dict[str, Any]:
    entry = yaml.safe_load(VALID)["waivers"][0]
    entry["expires"] = "2027-03-31"
    entry.update(overrides)
    return {"waivers": [entry]}


def test_a_valid_waiver_is_read_with_its_expiry() -> None:
    (waiver,) = parse_waivers(_waiver(), "waivers.yaml")
    assert waiver.id == "W-7"
    assert waiver.expires == date(2027, 3, 31)
    assert waiver.is_expired(date(2027, 4, 1)) and not waiver.is_expired(date(2027, 3, 31))


def test_selector_matches_every_key(make_resource: Any) -> None:
    (waiver,) = parse_waivers(_waiver(), "waivers.yaml")
    inside = replace(
        make_resource("aws_s3_bucket", "x", labels={"team": "platform"}),
        id="terraform:module.logs.aws_s3_bucket.x",
    )
    assert selects(waiver.selector, inside)
    assert not selects(waiver.selector, replace(inside, labels={"team": "data"}))
    assert not selects(waiver.selector, replace(inside, id="terraform:aws_s3_bucket.x"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"policy": "*"}, "matches everything"),
        ({"resources": {"id": "*"}}, "matches everything"),
        ({"resources": {"id": "**", "source": "*"}}, "matches everything"),
        ({"resources": {}}, "should be non-empty|does not have enough properties"),
        ({"reason": "ok"}, "reason"),
        ({"expires": "next year"}, "expires"),
        ({"owner": None}, "owner"),
    ],
)
def test_bad_waivers_are_refused_naming_the_file(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message) as raised:
        parse_waivers(_waiver(**overrides), "ops/waivers.yaml")
    assert raised.value.one_line().startswith("ops/waivers.yaml: ")
    assert raised.value.exit_code == 3


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(PolicyError, match="ticket"):
        parse_waivers(_waiver(ticket="SEC-1"), "w.yaml")
