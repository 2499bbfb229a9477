"""OpenLineage event files read as a stream: one event parsed, validated and folded at a time.

An audit's lineage is a JSON lines file of a hundred thousand events (OpenLineage's file
transport) or a JSON array of them. Parsed whole, such a file is more than a gigabyte of Python
objects; read event by event (`EventReader`, `ArrivalFold`) it is the folded datasets and jobs
and, per event, its time and where it starts. JSON lines are parsed by orjson, several times
faster than the json module.

The result is the one the general path (`sources.parse_documents`, then
`OpenLineageEvents.from_documents`) gives, to the byte. Whatever this reader cannot take on
exactly as that path would hands the file back to it (`None`), which reads it whole and reports
what is wrong in its usual words: a byte-order mark, a line break `str.splitlines` sees and a
byte reader does not (CR alone, VT, FF, NEL, LS, PS), a line neither parser reads, a line that
is an array, and a file whose first document is not an event (another kind may claim it).
Where orjson and the json module could read a line differently (a literal outside 64-bit
integers, NaN, a lone surrogate escape), that line is read by the json module.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from ..engine.collector import collector_paused
from .openlineage import EventReader, OpenLineageEvents, is_openlineage_event
from .sources import JSON_LINES_SUFFIXES, SourceText, line_of

_BYTE_ORDER_MARKS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
# Line breaks of str.splitlines beyond LF and CR (checked apart): VT and FF (in a blank line,
# where bytes.strip removes them; elsewhere orjson refuses them) and NEL, LS, PS in UTF-8.
_BLANK_BREAKS = (b"\x0b", b"\x0c")
_WIDE_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
# orjson reads an integer literal beyond 64 bits as a float; 19 digits in a row may be one.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_BLANK = object()


class _HandBackError(Exception):
    """The general path must read this file."""


def read_json_lines(
    path: Path, *, forced: bool, collected_at: datetime, strict: bool
) -> OpenLineageEvents | None:
    """The events of a JSON lines file at `path`, or None when the general path must read it.

    Unless `forced` (`--input-kind openlineage`), the first document must be an event.
    """
    name = str(path)
    try:
        with path.open("rb") as stream:
            if stream.read(4).startswith(_BYTE_ORDER_MARKS):
                return None
            stream.seek(0)
            digest = f"sha256:{hashlib.file_digest(stream, 'sha256').hexdigest()}"
            stream.seek(0)
            reader = EventReader(name, digest, lambda offset: _event_at(stream, offset), strict=strict)
            with collector_paused():
                _read_lines(stream, reader, forced)
                return reader.finish(collected_at)
    except OSError:
        return None  # the general path names the file and the reason
    except _HandBackError:
        return None


def _read_lines(stream: Any, reader: EventReader, forced: bool) -> None:
    offset = 0
    first = not forced
    for number, raw in enumerate(stream, start=1):
        value = _line_value(raw)
        if value is not _BLANK:
            if first and not is_openlineage_event(value):
                raise _HandBackError
            first = False
            reader.read(value, number, offset)
        offset += len(raw)
    if first:
        raise _HandBackError  # no document at all: the general path says the file is empty


def _line_value(raw: bytes) -> Any:
    """The JSON value of one line as `json.loads` reads it, or `_BLANK`; `_HandBackError` otherwise."""
    content = raw[:-1] if raw.endswith(b"\n") else raw
    if content.endswith(b"\r"):
        content = content[:-1]
    if b"\r" in content or (not content.isascii() and any(b in content for b in _WIDE_BREAKS)):
        raise _HandBackError
    if not content.strip():
        if any(b in content for b in _BLANK_BREAKS):
            raise _HandBackError
        return _BLANK
    if _LONG_NUMBER not in content.translate(_DIGITS_TO_ZERO):
        try:
            value = orjson.loads(content)
        except orjson.JSONDecodeError:
            value = _json_module_value(content)
    else:
        value = _json_module_value(content)
    if isinstance(value, list):
        raise _HandBackError  # array items get lines of their own on the general path
    return value


def _json_module_value(content: bytes) -> Any:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise _HandBackError from None
    if "\x00" in text:
        raise _HandBackError
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise _HandBackError from None


def _event_at(stream: Any, offset: int) -> Any:
    """The event on the line starting at `offset` (read once already, when it was validated)."""
    stream.seek(offset)
    return _line_value(stream.readline())


def read_json_array(
    source: SourceText, *, forced: bool, collected_at: datetime, strict: bool
) -> OpenLineageEvents | None:
    """The events of a JSON file holding an array of events, or None when it holds something else.

    The text is decoded whole (`source`); each item is decoded, validated and folded in turn.
    """
    text = source.text
    decoder = json.JSONDecoder()
    position = _after_space(text, 0)
    if not text.startswith("[", position):
        return None
    line, counted = line_of(text, position), position
    reader = EventReader(
        source.name, source.digest, lambda start: decoder.raw_decode(text, start)[0], strict=strict
    )
    position = _after_space(text, position + 1)
    if text.startswith("]", position):
        return None
    first = not forced
    with collector_paused():
        while True:
            line += text.count("\n", counted, position)
            counted = position
            try:
                value, end = decoder.raw_decode(text, position)
            except (json.JSONDecodeError, RecursionError):
                return None
            if first and not is_openlineage_event(value):
                return None
            first = False
            reader.read(value, line, position)
            position = _after_space(text, end)
            if text.startswith("]", position):
                break
            if not text.startswith(",", position):
                return None
            position = _after_space(text, position + 1)
        if _after_space(text, position + 1) != len(text):
            return None
        return reader.finish(collected_at)


def _after_space(text: str, position: int) -> int:
    """The first position at or after `position` that is not JSON whitespace."""
    match = _JSON_SPACE.match(text, position)
    return match.end() if match else position


def is_json_lines(path: Path) -> bool:
    """Named as a JSON lines file (`sources.parse_documents` reads it line by line)."""
    return path.name.lower().endswith(JSON_LINES_SUFFIXES)
