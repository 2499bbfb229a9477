"""OpenLineage event files read as a stream give what reading them whole gives, to the byte.

Every file here is the jaffle_shop JSON lines file (or the dbt integration's array of events),
written again in the shapes the stream reader must take on or hand back: CRLF line ends, a
byte-order mark, line breaks only `str.splitlines` sees, numbers beyond 64 bits, arrays.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths
from gavel.adapters.openlineage import OpenLineageEvents
from gavel.adapters.openlineage_merge import ArrivalFold, LocatedEvent, merge_events
from gavel.adapters.openlineage_stream import read_json_array, read_json_lines
from gavel.adapters.sources import parse_documents, read_source
from gavel.engine.errors import InputError

DATA = Path(__file__).parent.parent / "data/adapters/openlineage"
JAFFLE = DATA / "crafted/events.jaffle-shop.jsonl"
DBT_TEMPLATES = (
    DATA
    / "OpenLineage/integration/common/tests/dbt/structured_logs/postgres/test/results/test_ol_events.json"
)
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LINES = [line for line in JAFFLE.read_text().splitlines() if line.strip()]


def _whole(path: Path, *, strict: bool = False) -> OpenLineageEvents:
    """The general path: the file parsed whole, then validated and folded."""
    source = read_source(path)
    return OpenLineageEvents.from_documents(source, parse_documents(source), NOW, strict=strict)


def _streamed(path: Path) -> OpenLineageEvents | None:
    return read_json_lines(path, forced=False, collected_at=NOW, strict=False)


def _write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text(end.join(lines) + end)
    return path


def _text(lines: list[str], end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode()


def _with_value(line: str, key: str, value: str) -> str:
    """The event on `line` with one more top-level member, written as raw JSON `value`."""
    return line[:-1] + f', "{key}": {value}}}'


# File contents the stream reads itself, and those it hands to the general path.
READ_AS_A_STREAM: dict[str, bytes] = {
    "as recorded": _text(LINES),
    "CRLF line ends and blank lines": _text(["", *LINES, "  "], "\r\n"),
    "events in reverse order": _text(LINES[::-1]),
    "a 20-digit integer": _text([_with_value(LINES[0], "n", "1" * 20), *LINES]),
    "a lone surrogate escape": _text([*LINES, _with_value(LINES[0], "s", '"\\ud800"')]),
    "NaN": _text([*LINES, _with_value(LINES[1], "x", "NaN")]),
}
HANDED_BACK: dict[str, bytes] = {
    "a UTF-8 byte-order mark": codecs.BOM_UTF8 + _text(LINES),
    "CR alone between lines": _text(LINES, "\r"),
    "a form feed in a blank line": _text([LINES[0], "\f", *LINES[1:]]),
    "a line separator inside a string": _text([LINES[0].replace("jaffle", "jaf\u2028fle", 1), *LINES]),
    "a line holding an array": _text([*LINES[:2], f"[{LINES[2]}, {{}}]", *LINES[2:]]),
    "a first document that is not an event": _text(['{"kind": "Note"}', *LINES]),
}


@pytest.mark.parametrize("shape", READ_AS_A_STREAM)
def test_a_streamed_file_gives_what_the_whole_file_gives(shape: str, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(READ_AS_A_STREAM[shape])
    streamed = _streamed(path)
    assert streamed is not None
    whole = _whole(path)
    assert streamed.resources == whole.resources
    assert [str(s) for s in streamed.skipped] == [str(s) for s in whole.skipped]
    assert streamed.accepted == whole.accepted
    assert collect_paths([path], collected_at=NOW).resources == whole.resources


def _outcome(read: Callable[[], object]) -> object:
    """What reading gives: the resources and skipped entries, or the one-line error."""
    try:
        result = read()
    except InputError as error:
        return error.one_line()
    return result.resources, [str(s) for s in result.skipped]  # type: ignore[attr-defined]


@pytest.mark.parametrize("shape", HANDED_BACK)
def test_what_the_stream_cannot_read_exactly_goes_to_the_general_path(shape: str, tmp_path: Path) -> None:
    path = tmp_path / "events.ndjson"
    path.write_bytes(HANDED_BACK[shape])
    assert _streamed(path) is None
    expected = _outcome(lambda: _whole(path))
    assert _outcome(lambda: collect_paths([path], collected_at=NOW)) == expected
    assert expected != ((), [])


def test_a_malformed_line_is_reported_before_an_invalid_event_under_strict(tmp_path: Path) -> None:
    """The general path parses the whole file before validating; so does the error a user sees."""
    path = _write(tmp_path / "a.jsonl", [*LINES, "{not json"])
    with pytest.raises(InputError) as raised:
        collect_paths([path], collected_at=NOW, strict=True)
    assert raised.value.one_line() == (
        f"{path}:10:2: invalid JSON line: Expecting property name enclosed in double quotes"
    )
    valid = _write(tmp_path / "b.jsonl", LINES)
    with pytest.raises(InputError) as raised:
        collect_paths([valid], collected_at=NOW, strict=True)
    assert raised.value.one_line() == f"{valid}:5: invalid OpenLineage event: run.runId: 'x' is not a 'uuid'"


def test_an_array_of_events_is_read_item_by_item_with_each_item_s_line(tmp_path: Path) -> None:
    events = [json.loads(line) for line in LINES]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events, indent=2))
    streamed = read_json_array(read_source(path), forced=False, collected_at=NOW, strict=False)
    assert streamed is not None
    whole = _whole(path)
    assert streamed.resources == whole.resources
    assert [str(s) for s in streamed.skipped] == [str(s) for s in whole.skipped]
    (skipped,) = streamed.skipped
    assert path.read_text().splitlines()[skipped.line - 1] == "  {"  # type: ignore[operator]


def test_the_dbt_templates_array_is_rejected_item_by_item() -> None:
    collected = collect_paths([DBT_TEMPLATES], collected_at=NOW)
    assert collected.resources == ()
    assert len(collected.skipped) == 26
    assert [s.line for s in collected.skipped][:3] == [2, 35, 142]


def test_a_malformed_array_is_reported_as_the_whole_file_parser_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(json.dumps([json.loads(line) for line in LINES]) + " trailing")
    assert read_json_array(read_source(path), forced=False, collected_at=NOW, strict=False) is None
    with pytest.raises(InputError) as raised:
        collect_paths([path], collected_at=NOW)
    assert raised.value.one_line().startswith(f"{path}:1:") and "invalid JSON: Extra data" in str(
        raised.value
    )


# The fold: in file order while each dataset and job gets its events in time order.


def _two_jobs() -> list[LocatedEvent]:
    """Two jobs' runs, alternating; the second job's clock runs two hours behind the first's."""
    template = json.loads((DATA / "OpenLineage/client/python/tests/example_full_event.json").read_text())
    located = []
    for index in range(6):
        event = json.loads(json.dumps(template))
        job = index % 2
        event["job"] = {**event["job"], "name": f"job-{job}"}
        event["inputs"] = [{**event["inputs"][0], "name": f"in-{job}"}]
        event["outputs"] = [{**event["outputs"][0], "name": f"out-{job}"}]
        event["eventTime"] = f"2025-01-01T{10 + index - 2 * job:02d}:00:00Z"
        event["run"] = {**event["run"], "runId": f"00000000-0000-4000-8000-00000000000{index}"}
        located.append(LocatedEvent(event, "mem", "sha256:0", index + 1))
    return located


def _folded(located: list[LocatedEvent]) -> tuple[tuple[object, ...], list[int]]:
    reread: list[int] = []

    def again(index: int) -> LocatedEvent:
        reread.append(index)
        return located[index]

    fold: ArrivalFold[int] = ArrivalFold(again)
    for index, event in enumerate(located):
        fold.add(event, index)
    return fold.resources(NOW), reread


def test_interleaved_producers_are_folded_in_one_pass() -> None:
    located = _two_jobs()
    assert located[1].time < located[0].time  # out of order in the file, in order per job
    resources, reread = _folded(located)
    assert reread == []
    assert resources == merge_events(located, NOW)


def test_a_job_given_an_earlier_event_last_is_folded_again_in_time_order() -> None:
    located = _two_jobs()
    swapped = [located[2], *located[:2], *located[3:]]
    resources, reread = _folded(swapped)
    assert sorted(reread) == list(range(6))
    assert resources == merge_events(located, NOW)
    (job,) = [r for r in resources if r.name == "job-0"]
    assert job.attributes["latest_run"]["runId"] == "00000000-0000-4000-8000-000000000004"
