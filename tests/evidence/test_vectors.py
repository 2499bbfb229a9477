"""Known-answer tests with published vectors.

DSSE: secure-systems-lab/dsse testvectors/vectors.json (rev 82043adf), RFC 8032 section 7.1 keys.
RFC 6962: transparency-dev/merkle rfc6962_test.go, testonly/constants.go, testdata/{inclusion,consistency}.
Signed note: golang.org/x/mod sumdb/note (PeterNeumann KAT). Project checkpoint and SPKI key id:
reference/evidence-design.md sections 2.4 and 2.5.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gavel.evidence.checkpoint import Checkpoint, note_key_id, open_note, sign_note, verifier_key
from gavel.evidence.dsse import Envelope, Signature, pae, sign_envelope, verified_key_ids
from gavel.evidence.errors import MalformedRecordError
from gavel.evidence.keys import Signer, key_id_of, spki_der
from gavel.evidence.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_of,
    root_of,
    verify_consistency,
    verify_inclusion,
)

KEY_A = Signer(
    Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    )
)
KEY_B = Signer(
    Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
    )
)
STATEMENT = b'{"_type":"https://in-toto.io/Statement/v1"}'
IN_TOTO = "application/vnd.in-toto+json"


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def test_rfc8032_public_keys() -> None:
    assert (
        KEY_A.public_key.public_bytes_raw().hex()
        == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    )
    assert (
        KEY_B.public_key.public_bytes_raw().hex()
        == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
    )


@pytest.mark.parametrize(
    ("payload_type", "body", "expected_hex", "signature_b64"),
    [
        (
            IN_TOTO,
            STATEMENT,
            "445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203433207b225f74797065223a2268747470733a2f2f696e2d746f746f2e696f2f53746174656d656e742f7631227d",
            "2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==",
        ),
        (
            "application/vnd.exämple+json",
            STATEMENT,
            "445353457631203239206170706c69636174696f6e2f766e642e6578c3a46d706c652b6a736f6e203433207b225f74797065223a2268747470733a2f2f696e2d746f746f2e696f2f53746174656d656e742f7631227d",
            "xmSk/ug66ysT7ayhkCIjhAq42zgZXSsEWuzUaNL7w2eGAdF/NU6/fRXPtmfN+5DNSAs5/i2lUnHjbbjPsu0tAw==",
        ),
        (
            IN_TOTO,
            b"",
            "445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203020",
            "gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/jHfkkDqsj7CDbDg==",
        ),
    ],
    ids=["single-signature", "non-ascii-payload-type", "empty-payload"],
)
def test_dsse_pae_and_signature_vectors(
    payload_type: str, body: bytes, expected_hex: str, signature_b64: str
) -> None:
    assert pae(payload_type, body).hex() == expected_hex
    envelope = sign_envelope(payload_type, body, [KEY_A])
    assert base64.b64encode(envelope.signatures[0].sig).decode() == signature_b64
    assert verified_key_ids(envelope, {KEY_A.key_id: KEY_A.public_key}) == {KEY_A.key_id}


def test_dsse_protocol_example_pae() -> None:
    assert (
        pae("http://example.com/HelloWorld", b"hello world")
        == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_dsse_url_safe_base64_vector_accepted() -> None:
    document = (
        b'{"payload":"-_-_Pj8=","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"",'
        b'"sig":"P-_KHICeR7tI6S_YyejJTRtrXhcQyQ2LYPaL8h90KjC9qN8HU_svOQ6TuDOT1HIrsGW886DbWNWcCmX5twLrAw=="}]}'
    )
    envelope = Envelope.from_bytes(document)
    assert envelope.payload == h("fbffbf3e3f")
    assert verified_key_ids(envelope, {"a": KEY_A.public_key}) == {"a"}


def test_dsse_payload_type_swap_rejected() -> None:
    signed = sign_envelope(IN_TOTO, STATEMENT, [KEY_A])
    swapped = Envelope("application/vnd.example.other+json", STATEMENT, signed.signatures)
    assert verified_key_ids(swapped, {"a": KEY_A.public_key}) == set()


def test_dsse_empty_payload_type_rejected_despite_valid_signature() -> None:
    sig = base64.b64decode(
        "iC3q/+3Rm0+lpAJRueDmDh15PnwCfxKmS0NAfKsbv+zgulXQC/WM9trc+j1XEqlwDIg/vf/uNfebeD6sxInrDg=="
    )
    KEY_A.public_key.verify(sig, pae("", STATEMENT))
    assert verified_key_ids(Envelope("", STATEMENT, (Signature("", sig),)), {"a": KEY_A.public_key}) == set()


def test_dsse_thresholds_count_unique_keys() -> None:
    both = sign_envelope(IN_TOTO, STATEMENT, [KEY_A, KEY_B])
    assert base64.b64encode(both.signatures[1].sig).decode() == (
        "c1+67/aT0yqEpwx8PsVY3MLHsj9D0CZ014/Fv/QlG59P+9CobUZ7xECJ/V3USG0Ob9CiE5LjReEZUzNF2l7eBw=="
    )
    trusted = {"a": KEY_A.public_key, "b": KEY_B.public_key}
    assert len(verified_key_ids(both, trusted)) == 2
    twice = sign_envelope(IN_TOTO, STATEMENT, [KEY_A, KEY_A])
    assert len(verified_key_ids(twice, trusted)) == 1
    no_hints = Envelope(IN_TOTO, STATEMENT, tuple(Signature("", s.sig) for s in both.signatures))
    assert len(verified_key_ids(no_hints, trusted)) == 2


def test_dsse_base64_garbage_is_malformed() -> None:
    with pytest.raises(MalformedRecordError):
        Envelope.from_bytes(b'{"payload":"!!!","payloadType":"x","signatures":[]}')


def test_spki_key_id_vector() -> None:
    assert spki_der(KEY_A.public_key).hex().startswith("302a300506032b6570032100d75a98")
    assert key_id_of(KEY_A.public_key) == "06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9"


LEAVES = [
    h(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
LEAF_HASHES = [leaf_hash(leaf) for leaf in LEAVES]


def test_rfc6962_hash_vectors() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert leaf_hash(b"L123456").hex() == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    assert (
        node_hash(b"N123", b"N456").hex()
        == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


@pytest.mark.parametrize("size", range(9))
def test_rfc6962_roots(size: int) -> None:
    assert root_of(LEAF_HASHES[:size]).hex() == ROOTS[size]


INCLUSION_0_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]
CONSISTENCY_6_8 = [
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
]


def test_rfc6962_inclusion_vectors() -> None:
    node = nodes_of(LEAF_HASHES)
    assert [p.hex() for p in inclusion_proof(0, 8, node)] == INCLUSION_0_8
    assert verify_inclusion(0, 8, LEAF_HASHES[0], [h(p) for p in INCLUSION_0_8], h(ROOTS[8]))
    assert LEAF_HASHES[2].hex() == "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"
    assert [p.hex() for p in inclusion_proof(2, 3, node)] == [ROOTS[2]]
    assert verify_inclusion(2, 3, LEAF_HASHES[2], [h(ROOTS[2])], h(ROOTS[3]))


def test_rfc6962_consistency_vectors() -> None:
    node = nodes_of(LEAF_HASHES)
    assert [p.hex() for p in consistency_proof(1, 8, node)] == INCLUSION_0_8
    assert [p.hex() for p in consistency_proof(6, 8, node)] == CONSISTENCY_6_8
    assert verify_consistency(6, 8, h(ROOTS[6]), h(ROOTS[8]), [h(p) for p in CONSISTENCY_6_8])
    assert verify_consistency(1, 8, h(ROOTS[1]), h(ROOTS[8]), [h(p) for p in INCLUSION_0_8])


@pytest.mark.parametrize(
    "mutation",
    [
        "wrong-leaf",
        "index+1",
        "index-1",
        "index^2",
        "size*2",
        "size/2",
        "bit-flip",
        "prepend",
        "append",
        "empty",
        "wrong-root",
    ],
)
def test_rfc6962_inclusion_mutations_rejected(mutation: str) -> None:
    index, size, leaf, root = 5, 8, LEAF_HASHES[5], h(ROOTS[8])
    proof = inclusion_proof(index, size, nodes_of(LEAF_HASHES))
    if mutation == "wrong-leaf":
        leaf = leaf_hash(b"WrongLeaf")
    elif mutation in ("index+1", "index-1", "index^2"):
        index = {"index+1": 6, "index-1": 4, "index^2": 7}[mutation]
    elif mutation in ("size*2", "size/2"):
        size = 16 if mutation == "size*2" else 4
    elif mutation == "bit-flip":
        proof[1] = bytes([proof[1][0] ^ 1]) + proof[1][1:]
    elif mutation in ("prepend", "append"):
        proof = [b"\x00" * 32, *proof] if mutation == "prepend" else [*proof, b"\x00" * 32]
    elif mutation == "empty":
        proof = []
    else:
        root = h(ROOTS[7])
    assert not verify_inclusion(index, size, leaf, proof, root)


def test_rfc6962_consistency_mutations_rejected() -> None:
    proof = [h(p) for p in CONSISTENCY_6_8]
    assert not verify_consistency(6, 8, h(ROOTS[5]), h(ROOTS[8]), proof)
    assert not verify_consistency(5, 8, h(ROOTS[6]), h(ROOTS[8]), proof)
    assert not verify_consistency(6, 8, h(ROOTS[6]), h(ROOTS[8]), proof[:-1])
    assert not verify_consistency(6, 8, h(ROOTS[6]), h(ROOTS[8]), [*proof, proof[0]])
    flipped = [proof[0], bytes([proof[1][0] ^ 0x80]) + proof[1][1:], proof[2]]
    assert not verify_consistency(6, 8, h(ROOTS[6]), h(ROOTS[8]), flipped)


NEUMANN_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)


def test_signed_note_published_kat() -> None:
    seed = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
    neumann = Signer(Ed25519PrivateKey.from_private_bytes(seed))
    assert (
        verifier_key("PeterNeumann", neumann.public_key)
        == "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    )
    assert note_key_id("PeterNeumann", neumann.public_key).hex() == "c74f20a3"
    note = sign_note(NEUMANN_TEXT, "PeterNeumann", [neumann])
    assert (
        note
        == NEUMANN_TEXT
        + "\n\u2014 PeterNeumann "
        + "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    )
    assert open_note(note, "PeterNeumann", [neumann.public_key]) == NEUMANN_TEXT


PROJECT_CHECKPOINT = (
    "example.com/evidence-log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"
    "\u2014 example.com/evidence-log "
    "UKtV9XKE955abx9Y5TyyamAzP1ZZWpVDzcg80klibEI/ZmQqMxg7Q32TMDQdISA0usCGyJehJrABGd5SSAEZztGb+A8=\n"
)


def test_project_checkpoint_bytes() -> None:
    checkpoint = Checkpoint("example.com/evidence-log", 8, h(ROOTS[8]))
    assert checkpoint.sign([KEY_A]) == PROJECT_CHECKPOINT
    assert verifier_key("example.com/evidence-log", KEY_A.public_key) == (
        "example.com/evidence-log+50ab55f5+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
    )


@pytest.mark.parametrize(
    "edit",
    [
        lambda n: n.replace("\n8\n", "\n9\n"),
        lambda n: n.replace("XcnaeacG", "XcnaeacH"),
        lambda n: n.replace("example.com/evidence-log\n8", "example.com/other-log\n8"),
        lambda n: n.replace("=\n\n", "=\nextension\n\n"),
        lambda n: n.replace("\u2014", "-"),
        lambda n: n[:-1],
    ],
    ids=["size", "root", "origin", "extension-line", "ascii-dash", "missing-final-newline"],
)
def test_checkpoint_text_edits_rejected(edit: object) -> None:
    from gavel.evidence.checkpoint import verify_checkpoint

    edited = edit(PROJECT_CHECKPOINT)  # type: ignore[operator]
    with pytest.raises(MalformedRecordError):
        verify_checkpoint(edited, "example.com/evidence-log", {"a": KEY_A.public_key})


def test_note_ignores_unknown_signers_but_rejects_bad_known_signature() -> None:
    stranger = Signer(Ed25519PrivateKey.generate())
    cosigned = PROJECT_CHECKPOINT + sign_note("x\n", "example.com/evidence-log", [stranger]).split("\n\n")[1]
    assert open_note(cosigned, "example.com/evidence-log", [KEY_A.public_key]).startswith("example.com/")
    with pytest.raises(MalformedRecordError, match="not signed by any trusted key"):
        open_note(PROJECT_CHECKPOINT, "example.com/evidence-log", [stranger.public_key])
    forged_line = PROJECT_CHECKPOINT.split("\n\n")[1].replace("UKtV9XKE955abx9Y", "UKtV9XKE955abx9Z")
    with pytest.raises(MalformedRecordError):
        open_note(
            PROJECT_CHECKPOINT.split("\n\n", maxsplit=1)[0] + "\n\n" + forged_line,
            "example.com/evidence-log",
            [KEY_A.public_key],
        )
