"""Which shard of a sharded audit (`gavel audit --shard i/N`) owns which unit of work.

A Kubernetes Indexed Job runs N pods of the same audit, each with its completion index i. Every
pod expands the configured sources into the same work units (a cluster namespace, an AWS region,
an input file, a lineage store) and keeps the units it owns. Ownership is a stable hash of the
unit's key, not a position in a sorted list: pods list a live cluster at slightly different
moments, and a namespace created in between must not shift every later namespace onto another
shard (which would audit some twice and others never). A hash gives each unit exactly one owner
whatever else the other pods saw, at the price of balance that is even only on average.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..engine.errors import UsageError

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (0-based, like `JOB_COMPLETION_INDEX`) of `count`."""

    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`i/N` with 0 <= i < N; anything else is a usage error saying what is expected."""
        match = _SHARD.match(text)
        if match is None:
            raise UsageError(f"--shard {text!r}: expected INDEX/COUNT, e.g. 0/3 (INDEX counts from 0)")
        index, count = int(match[1]), int(match[2])
        if count < 1 or index >= count:
            raise UsageError(f"--shard {text!r}: INDEX must be 0 to {max(count - 1, 0)} for COUNT {count}")
        return cls(index, count)

    @property
    def whole(self) -> bool:
        return self.count == 1

    def owns(self, unit: str) -> bool:
        return owner(unit, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def owner(unit: str, count: int) -> int:
    """The shard index that owns `unit` among `count` shards: the same on every machine and run."""
    digest = hashlib.sha256(unit.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count
