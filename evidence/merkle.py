"""RFC 6962 / RFC 9162 Merkle tree hashing, the append frontier, and proofs.

Pure functions over hashes. Proof builders take `node(level, index)`, the hash of the perfect
subtree covering leaves `[index * 2**level, (index + 1) * 2**level)` (level 0 = leaf hashes), so
they work the same over stored nodes and over an in-memory list. Verification follows RFC 9162
sections 2.1.3.2 and 2.1.4.2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

NodeGetter = Callable[[int, int], bytes]
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly less than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash by the RFC's recursive definition; the frontier is tested against it."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = split_point(len(leaf_hashes))
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


def nodes_of(leaf_hashes: Sequence[bytes]) -> NodeGetter:
    """A node getter over an in-memory list of leaf hashes."""

    def node(level: int, index: int) -> bytes:
        start = index << level
        return root_of(leaf_hashes[start : start + (1 << level)])

    return node


def fold(hashes: Sequence[bytes]) -> bytes:
    """Join frontier hashes right to left into a root; folding a suffix first gives the same result,
    which is how a range's contribution to a checkpoint root is computed without the hashes before it."""
    current = hashes[-1]
    for left in reversed(hashes[:-1]):
        current = node_hash(left, current)
    return current


@dataclass
class Frontier:
    """The roots of the perfect subtrees of a tree of `size` leaves, largest (leftmost) first."""

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes, level: int = 0) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash, or the root of a perfect subtree of `2**level` leaves starting at `size`.

        Returns the perfect subtrees it completed as (level, index, hash) above `level`. A subtree
        can only be added where it is aligned (`size` a multiple of its width): that is how the
        roots of ranges hashed in parallel are joined into one tree.
        """
        width = 1 << level
        if self.size % width:
            raise ValueError(f"a subtree of {width} leaves cannot start at leaf {self.size}")
        completed: list[tuple[int, int, bytes]] = []
        start, current, remaining = self.size, leaf, self.size >> level
        while remaining & 1:
            current = node_hash(self.hashes.pop(), current)
            level += 1
            completed.append((level, start >> level, current))
            remaining >>= 1
        self.hashes.append(current)
        self.size += width
        return completed

    def subtrees(self) -> list[tuple[int, bytes]]:
        """The frontier as (level, hash), largest first: what `append` takes to rebuild it elsewhere."""
        levels = [bit for bit in range(self.size.bit_length() - 1, -1, -1) if self.size >> bit & 1]
        return list(zip(levels, self.hashes, strict=True))

    def root(self) -> bytes:
        return fold(self.hashes) if self.hashes else EMPTY_ROOT

    def pack(self) -> bytes:
        return b"".join(self.hashes)

    @classmethod
    def unpack(cls, size: int, packed: bytes) -> Frontier:
        hashes = [packed[i : i + HASH_SIZE] for i in range(0, len(packed), HASH_SIZE)]
        if len(hashes) != size.bit_count() or len(packed) % HASH_SIZE:
            raise ValueError(
                f"a frontier of size {size} needs {size.bit_count()} hashes, got {len(packed)} bytes"
            )
        return cls(size, hashes)


def subtree_hash(start: int, end: int, node: NodeGetter) -> bytes:
    size = end - start
    if size & (size - 1) == 0 and start % size == 0:
        level = size.bit_length() - 1
        return node(level, start >> level)
    k = split_point(size)
    return node_hash(subtree_hash(start, start + k, node), subtree_hash(start + k, end, node))


def inclusion_proof(index: int, size: int, node: NodeGetter) -> list[bytes]:
    """RFC 6962 PATH(index, D[0:size]), leaf sibling first."""

    def path(m: int, start: int, end: int) -> list[bytes]:
        if end - start == 1:
            return []
        k = split_point(end - start)
        if m < k:
            return [*path(m, start, start + k), subtree_hash(start + k, end, node)]
        return [*path(m - k, start + k, end), subtree_hash(start, start + k, node)]

    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    return path(index, 0, size)


def consistency_proof(old_size: int, new_size: int, node: NodeGetter) -> list[bytes]:
    """RFC 6962 PROOF(old_size, D[0:new_size])."""

    def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
        if m == end - start:
            return [] if whole else [subtree_hash(start, end, node)]
        k = split_point(end - start)
        if m <= k:
            return [*subproof(m, start, start + k, whole), subtree_hash(start + k, end, node)]
        return [*subproof(m - k, start + k, end, False), subtree_hash(start, start + k, node)]

    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    return subproof(old_size, 0, new_size, True)


def _climb(fn: int, sn: int) -> tuple[int, int]:
    while True:
        fn >>= 1
        sn >>= 1
        if fn & 1 or fn == 0:
            return fn, sn


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    if index >= size or index < 0:
        return False
    fn, sn, current = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            current = node_hash(sibling, current)
            if not fn & 1:
                fn, sn = _climb(fn, sn)
        else:
            current = node_hash(current, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and current == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size <= 0 or old_size > new_size or not proof:
        return False
    hashes = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = hashes[0]
    for sibling in hashes[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first = node_hash(sibling, first)
            second = node_hash(sibling, second)
            if not fn & 1:
                fn, sn = _climb(fn, sn)
        else:
            second = node_hash(second, sibling)
        fn >>= 1
        sn >>= 1
    return first == old_root and second == new_root and sn == 0


def _range_walk(
    begin: int, end: int, size: int, inside: Callable[[int, int], bytes], outside: Callable[[int, int], bytes]
) -> bytes:
    def walk(start: int, stop: int) -> bytes:
        if stop <= begin or start >= end:
            return outside(start, stop)
        if start >= begin and stop <= end:
            return inside(start, stop)
        k = split_point(stop - start)
        return node_hash(walk(start, start + k), walk(start + k, stop))

    return walk(0, size)


def range_proof(begin: int, end: int, size: int, node: NodeGetter) -> tuple[list[bytes], list[bytes]]:
    """The maximal subtrees outside leaves `[begin, end)`: those left of it and those right of it.

    The left ones, in walk order, are exactly the frontier of a tree of `begin` leaves, so a
    verifier can resume appending from them; with the right ones and the range's leaves they
    recompute the root of the whole tree of `size`. This is how a bundle holding part of a log
    proves its entries sit where it claims.
    """
    if not 0 <= begin < end <= size:
        raise ValueError(f"bad range [{begin}, {end}) in a tree of size {size}")
    left: list[bytes] = []
    right: list[bytes] = []

    def outside(start: int, stop: int) -> bytes:
        side = left if stop <= begin else right
        side.append(subtree_hash(start, stop, node))
        return side[-1]

    _range_walk(begin, end, size, lambda _start, _stop: EMPTY_ROOT, outside)
    return left, right


def root_from_range(
    begin: int, size: int, leaves: Sequence[bytes], left: Sequence[bytes], right: Sequence[bytes]
) -> bytes | None:
    """The root implied by a range's leaf hashes and its `range_proof`; None for a misshapen proof."""
    end = begin + len(leaves)
    if not 0 <= begin < end <= size:
        return None
    supplied = {True: iter(left), False: iter(right)}
    missing = False

    def outside(start: int, stop: int) -> bytes:
        nonlocal missing
        value = next(supplied[stop <= begin], None)
        if value is None:
            missing = True
            return EMPTY_ROOT
        return value

    root = _range_walk(
        begin, end, size, lambda start, stop: root_of(leaves[start - begin : stop - begin]), outside
    )
    if missing or any(next(rest, None) is not None for rest in supplied.values()):
        return None
    return root
