"""The cyclic collector paused around bulk work, restored after it, and frozen only on success."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from gavel.engine.collector import collector_paused


@pytest.fixture(autouse=True)
def _restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_as_before_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_freeze_moves_what_lives_out_of_sight_only_when_the_block_succeeds() -> None:
    gc.enable()
    gc.unfreeze()
    with pytest.raises(ValueError), collector_paused(freeze=True):
        raise ValueError("failed")
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    with collector_paused(freeze=True):
        kept = [{"id": index} for index in range(1000)]
    assert gc.get_freeze_count() >= len(kept)
    assert gc.isenabled()
