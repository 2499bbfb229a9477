"""The frontier, proof builders and range proofs against the recursive RFC 6962 definition."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gavel.evidence.merkle import (
    Frontier,
    consistency_proof,
    fold,
    inclusion_proof,
    leaf_hash,
    nodes_of,
    range_proof,
    root_from_range,
    root_of,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(70)]


def test_frontier_matches_recursive_root_and_stores_every_perfect_subtree() -> None:
    frontier = Frontier()
    stored: dict[tuple[int, int], bytes] = {}
    for size in range(1, len(LEAVES) + 1):
        for level, index, hashed in frontier.append(LEAVES[size - 1]):
            stored[(level, index)] = hashed
        assert frontier.root() == root_of(LEAVES[:size])
        assert Frontier.unpack(size, frontier.pack()).root() == frontier.root()
    reference = nodes_of(LEAVES)
    assert all(stored[key] == reference(*key) for key in stored)
    assert len(stored) == len(LEAVES) - 1 - (len(LEAVES).bit_count() - 1)


def test_every_inclusion_and_consistency_proof_up_to_33_leaves_verifies() -> None:
    node = nodes_of(LEAVES)
    for size in range(1, 34):
        root = root_of(LEAVES[:size])
        for index in range(size):
            assert verify_inclusion(index, size, LEAVES[index], inclusion_proof(index, size, node), root)
        for old in range(1, size + 1):
            proof = consistency_proof(old, size, node)
            assert verify_consistency(old, size, root_of(LEAVES[:old]), root, proof)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_single_bit_flip_in_a_proof_fails(data: st.DataObject) -> None:
    size = data.draw(st.integers(2, 64))
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(index, size, nodes_of(LEAVES))
    element = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    flipped = bytearray(proof[element])
    flipped[bit // 8] ^= 1 << (bit % 8)
    proof[element] = bytes(flipped)
    assert not verify_inclusion(index, size, LEAVES[index], proof, root_of(LEAVES[:size]))


def test_range_proofs_recompute_the_root_and_their_left_part_is_the_frontier() -> None:
    node = nodes_of(LEAVES)
    for size in (1, 2, 7, 8, 13, 33):
        for begin in range(size):
            for end in range(begin + 1, size + 1):
                left, right = range_proof(begin, end, size, node)
                root = root_from_range(begin, size, LEAVES[begin:end], left, right)
                assert root == root_of(LEAVES[:size])
                prefix = Frontier()
                for leaf in LEAVES[:begin]:
                    prefix.append(leaf)
                assert left == prefix.hashes


def test_range_proof_rejects_a_moved_range_or_missing_hash() -> None:
    left, right = range_proof(3, 6, 13, nodes_of(LEAVES))
    assert root_from_range(4, 13, LEAVES[3:6], left, right) != root_of(LEAVES[:13])
    assert root_from_range(3, 13, LEAVES[3:6], left, right[:-1]) is None
    assert root_from_range(3, 13, LEAVES[3:6], left, [*right, LEAVES[0]]) is None


@pytest.mark.parametrize("size", [1, 2, 5, 8, 13, 64, 100])
@pytest.mark.parametrize("level", [1, 2, 3])
def test_ranges_hashed_apart_join_into_the_same_tree(size: int, level: int) -> None:
    """What parallel verification relies on: aligned ranges' subtrees appended as nodes give the
    tree of all leaves, and folding a range's frontier first gives the same checkpoint root."""
    leaves = [leaf_hash(bytes([i])) for i in range(size)]
    joined = Frontier()
    width = 1 << level
    for start in range(0, size, width):
        part = Frontier()
        for leaf in leaves[start : start + width]:
            part.append(leaf)
            prefix = [*joined.hashes, fold(part.hashes)]
            assert fold(prefix) == root_of(leaves[: start + part.size])
        for sub_level, hashed in part.subtrees():
            joined.append(hashed, sub_level)
    assert (joined.size, joined.root()) == (size, root_of(leaves))
    with pytest.raises(ValueError, match="cannot start at leaf"):
        Frontier(1, [leaves[0]]).append(leaf_hash(b"next"), 1)
