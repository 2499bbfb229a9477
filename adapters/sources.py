"""Reading input files at the boundary: bytes to text, text to parsed documents, with exact errors.

Every adapter starts from the same three facts about a file: its text (decoded whatever the shell
that saved it chose: UTF-8, UTF-8 with a BOM, UTF-16 with a BOM), the digest of its exact bytes
(recorded as provenance) and where each document in it starts, so findings can point at a line.
Malformed input raises one `InputError` naming `file:line:column`.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..engine.errors import InputError, SourceLocation

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

Span = tuple[int, int]


@dataclass(frozen=True)
class SourceText:
    """A file's decoded text, the name used in messages and the sha256 digest of its bytes."""

    name: str
    text: str
    digest: str

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> SourceText:
        return cls(name=name, text=decode_text(data, name), digest=source_digest(data))

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Document:
    """One parsed document of a file and the 1-based line where its content starts.

    `item_lines` gives, for a mapping with an `items` sequence (a Kubernetes `List`), the line
    where each item starts. `member_spans` gives, for a JSON object, the character range of each
    top-level member's value in the source text, so an adapter can search one section only.
    """

    value: Any
    line: int
    item_lines: tuple[int, ...] = ()
    member_spans: Mapping[str, Span] = field(default_factory=dict)


def source_digest(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def read_source(path: Path) -> SourceText:
    """Read and decode a file; a missing or unreadable file is an `InputError` naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file or folder", SourceLocation(str(path))) from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", SourceLocation(str(path))) from error
    return SourceText.from_bytes(data, str(path))


def decode_text(data: bytes, name: str) -> str:
    """Decode by byte-order mark, else as UTF-8; binary content is an `InputError`."""
    encoding = "utf-8"
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], bom_encoding
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = f"0x{data[error.start]:02x}"
        raise InputError(
            f"not {encoding.upper()} text (byte {byte} at offset {error.start}); binary file?",
            SourceLocation(name, line),
            hint="inputs must be UTF-8, or UTF-16 with a byte-order mark",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError("contains NUL characters; binary file?", SourceLocation(name, line))
    return text


def parse_json(source: SourceText) -> Document:
    """Parse one JSON document, keeping the character span of each top-level member."""
    decoder = json.JSONDecoder()
    text = source.text
    start = _skip_whitespace(text, 0)
    try:
        if text.startswith("{", start):
            value, spans, end = _decode_object_members(decoder, text, start)
        else:
            value, end = decoder.raw_decode(text, start)
            spans = {}
        trailing = _skip_whitespace(text, end)
        if trailing < len(text):
            raise json.JSONDecodeError("Extra data", text, trailing)
    except json.JSONDecodeError as error:
        raise InputError(
            f"invalid JSON: {error.msg}", SourceLocation(source.name, error.lineno, error.colno)
        ) from None
    return Document(value=value, line=line_of(text, start), member_spans=spans)


def parse_yaml_documents(source: SourceText) -> tuple[Document, ...]:
    """Parse every document of a YAML stream; empty documents are dropped."""
    loader = _JsonCompatibleLoader(source.text)
    documents: list[Document] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            value = loader.construct_document(node)
            if value is None:
                continue
            documents.append(
                Document(value=value, line=node.start_mark.line + 1, item_lines=_item_lines(node))
            )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "malformed document"
        location = SourceLocation(source.name, mark.line + 1, mark.column + 1) if mark else None
        raise InputError(f"invalid YAML: {problem}", location or SourceLocation(source.name)) from None
    except yaml.YAMLError as error:
        first_line = str(error).splitlines()[0]
        raise InputError(f"invalid YAML: {first_line}", SourceLocation(source.name)) from None
    finally:
        loader.dispose()
    return tuple(documents)


def parse_documents(source: SourceText) -> tuple[Document, ...]:
    """Parse by file name: `*.json` as one JSON document, `*.jsonl`/`*.ndjson` as JSON lines,
    anything else as a YAML stream."""
    name = source.name.lower()
    if name.endswith(".json"):
        return (parse_json(source),)
    if name.endswith(JSON_LINES_SUFFIXES):
        return parse_json_lines(source)
    return parse_yaml_documents(source)


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def parse_json_lines(source: SourceText) -> tuple[Document, ...]:
    """One JSON document per non-blank line (event logs, OpenLineage's file transport)."""
    documents = []
    for number, line in enumerate(source.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            documents.append(Document(value=json.loads(line), line=number))
        except json.JSONDecodeError as error:
            raise InputError(
                f"invalid JSON line: {error.msg}", SourceLocation(source.name, number, error.colno)
            ) from None
    return tuple(documents)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _decode_object_members(
    decoder: json.JSONDecoder, text: str, start: int
) -> tuple[dict[str, Any], dict[str, Span], int]:
    """Decode a top-level object member by member (as `json.loads` would), recording value spans."""
    value: dict[str, Any] = {}
    spans: dict[str, Span] = {}
    position = _skip_whitespace(text, start + 1)
    if text.startswith("}", position):
        return value, spans, position + 1
    while True:
        if not text.startswith('"', position):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, position)
        key, position = decoder.raw_decode(text, position)
        position = _skip_whitespace(text, position)
        if not text.startswith(":", position):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, position)
        value_start = _skip_whitespace(text, position + 1)
        value[key], position = decoder.raw_decode(text, value_start)
        spans[key] = (value_start, position)
        position = _skip_whitespace(text, position)
        if text.startswith("}", position):
            return value, spans, position + 1
        if not text.startswith(",", position):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        position = _skip_whitespace(text, position + 1)


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _item_lines(node: yaml.Node) -> tuple[int, ...]:
    if not isinstance(node, yaml.MappingNode):
        return ()
    for key_node, value_node in node.value:
        if key_node.value == "items" and isinstance(value_node, yaml.SequenceNode):
            return tuple(item.start_mark.line + 1 for item in value_node.value)
    return ()


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JsonCompatibleLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader that keeps timestamps as strings, so every document stays JSON for policies."""


_JsonCompatibleLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
