"""Checking a CronJob schedule the way the Kubernetes API server will, before it is applied.

The API server parses `spec.schedule` with robfig/cron's standard parser: five fields (minute,
hour, day of month, month, day of week), each a comma list of `*`, `?`, `N` or `N-M` with an
optional `/step`, month and weekday names allowed, or one of the `@daily`-style descriptors.
A schedule it would refuse is better reported by the command that wrote it, naming the field,
than by `kubectl apply` after the rest of the objects went in.
"""

from __future__ import annotations

import re

DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_GO_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

# name, lowest, highest, names mapped to numbers
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: number for number, name in enumerate(_MONTHS, start=1)}),
    ("day of week", 0, 6, {name: number for number, name in enumerate(_WEEKDAYS)}),
)


def schedule_problem(schedule: str) -> str | None:
    """Why the API server would refuse `schedule`, or None when it is a valid schedule."""
    text = schedule.strip()
    if "TZ" in text:
        return "a time zone belongs in the CronJob's timeZone, not in the schedule"
    if text.startswith("@"):
        return _descriptor_problem(text)
    fields = text.split()
    if len(fields) != len(_FIELDS):
        return f"expected 5 fields (minute hour day-of-month month day-of-week), found {len(fields)}"
    for value, field in zip(fields, _FIELDS, strict=True):
        for part in value.split(","):
            problem = _part_problem(part, *field)
            if problem:
                return problem
    return None


def _descriptor_problem(text: str) -> str | None:
    if text.startswith("@every "):
        duration = text.removeprefix("@every ").strip()
        if not _GO_DURATION.match(duration):
            return f"@every needs a duration such as 6h, not {duration!r}"
        return None
    if text not in DESCRIPTORS:
        return f"unknown descriptor (known: {', '.join(DESCRIPTORS)}, @every)"
    return None


def _part_problem(part: str, name: str, lowest: int, highest: int, names: dict[str, int]) -> str | None:
    span, _, step = part.partition("/")
    if step and not (_number(step, {}) or 0) > 0:
        return f"{name}: step {step!r} must be a positive number"
    if span in ("*", "?"):
        return None
    start_text, dash, end_text = span.partition("-")
    numbers = []
    for text in (start_text, end_text) if dash else (start_text,):
        number = _number(text, names)
        if number is None:
            return f"{name}: {part!r} is not a number, range or list"
        if not lowest <= number <= highest:
            return f"{name}: {number} is outside {lowest}-{highest}"
        numbers.append(number)
    if numbers[0] > numbers[-1]:
        return f"{name}: range {span!r} starts after it ends"
    return None


def _number(text: str, names: dict[str, int]) -> int | None:
    if text.lower() in names:
        return names[text.lower()]
    return int(text) if text.isascii() and text.isdigit() else None
