"""The format registry finds every sibling by the name the command line accepts."""

from __future__ import annotations

import pytest

from gavel.engine.errors import UsageError
from gavel.reports.base import FORMATS, get_format


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_every_registered_format_loads_under_its_name(format_name: str) -> None:
    assert get_format(format_name).name == format_name


def test_unknown_format_is_a_usage_error_listing_the_choices() -> None:
    with pytest.raises(UsageError, match="unknown format 'yaml'; choose one of text, json") as caught:
        get_format("yaml")
    assert caught.value.exit_code == 2
