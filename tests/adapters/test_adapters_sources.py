"""Reading bytes at the boundary: encodings, digests, JSON member spans, YAML document lines."""

from __future__ import annotations

import codecs
import hashlib
import json
from pathlib import Path

import pytest

from gavel.adapters.sources import SourceText, parse_json, parse_yaml_documents, read_source
from gavel.engine.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "adapters"
SERVICE = DATA / "kubernetes/kubernetes-examples/AI/vllm-deployment/vllm-service.yaml"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
    ],
)
def test_text_is_decoded_by_byte_order_mark(encoding: str, bom: bytes) -> None:
    text = SERVICE.read_text()
    data = bom + text.encode(encoding)
    source = SourceText.from_bytes(data, "service.yaml")
    assert source.text == text
    assert source.digest == "sha256:" + hashlib.sha256(data).hexdigest()
    (document,) = parse_yaml_documents(source)
    assert document.value["metadata"]["name"] == "vllm-service"


def test_non_utf8_binary_is_rejected_with_its_line() -> None:
    with pytest.raises(InputError) as raised:
        SourceText.from_bytes(b"line one\n\x89PNG\r\n\x1a\n", "image.yaml")
    assert str(raised.value) == (
        "image.yaml:2: not UTF-8 text (byte 0x89 at offset 9); binary file? "
        "(inputs must be UTF-8, or UTF-16 with a byte-order mark)"
    )
    assert raised.value.exit_code == 4


def test_nul_characters_mark_a_binary_file() -> None:
    with pytest.raises(InputError, match=r"^blob.json:3: contains NUL characters; binary file\?$"):
        SourceText.from_bytes(b"{\n\n\x00}", "blob.json")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(InputError, match=rf"^{missing}: no such file or folder$"):
        read_source(missing)


def test_json_member_spans_cover_each_top_level_value() -> None:
    path = DATA / "terraform-plan/regula/rules/tf/aws/kms/inputs/key_rotation_infra.json"
    source = read_source(path)
    document = parse_json(source)
    assert document.value == json.loads(source.text)
    assert set(document.member_spans) == set(document.value)
    for key, (start, end) in document.member_spans.items():
        assert json.loads(source.text[start:end]) == document.value[key]


def test_json_scalar_and_empty_object_documents() -> None:
    assert parse_json(SourceText.from_bytes(b"  \n [1, 2]", "a.json")).value == [1, 2]
    assert parse_json(SourceText.from_bytes(b"  \n [1, 2]", "a.json")).line == 2
    assert parse_json(SourceText.from_bytes(b"{ }", "b.json")).value == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1 "b": 2}', "c.json:1:9: invalid JSON: Expecting ',' delimiter"),
        ('{"a" 1}', "c.json:1:6: invalid JSON: Expecting ':' delimiter"),
        ("{1: 2}", "c.json:1:2: invalid JSON: Expecting property name enclosed in double quotes"),
        ('{"a": [1,\n  }', "c.json:2:3: invalid JSON: Expecting value"),
    ],
)
def test_json_errors_match_the_standard_decoder_positions(text: str, message: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(InputError) as raised:
        parse_json(SourceText.from_bytes(text.encode(), "c.json"))
    assert str(raised.value) == message


def test_yaml_stream_drops_empty_documents_and_records_start_lines() -> None:
    text = "# header\n---\n---\na: 1\n---\n# only a comment\n---\n\n- b\n"
    documents = parse_yaml_documents(SourceText.from_bytes(text.encode(), "s.yaml"))
    assert [(d.value, d.line) for d in documents] == [({"a": 1}, 4), (["b"], 9)]
