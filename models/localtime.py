"""Local time where an official sits, their weekly office hours, and whether the office is open.

Office hours are a week of wall-clock ranges in the official's own zone: each weekday
(0 = Monday) has none (closed) or several ranges, e.g. 09:00–13:00 and 14:00–18:00 for a
lunch break. A range may close at 24:00 (:data:`END_OF_DAY`), so an office open past
midnight is a range up to 24:00 followed by one from 00:00 the next day; the two read as
one opening.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from models.text import InvalidInput

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The end of the day, written 24:00: the largest time a TIME column holds.
END_OF_DAY = time.max

Range = tuple[time, time]  # (opens, closes), opens < closes, wall clock in the official's zone
Week = tuple[tuple[Range, ...], ...]  # seven days, Monday first


class UnknownTimeZone(ValueError):
    pass


class InvalidHours(InvalidInput):
    """Office hours a person must correct; the message names the day and the range."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; raises :class:`UnknownTimeZone` with a readable message."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimeZone(f"“{name}” is not an IANA time zone (e.g. Europe/Moscow).") from exc


def all_zones() -> list[str]:
    return sorted(available_timezones())


def utc_offset_label(name: str, now_utc: datetime) -> str:
    """``Europe/Moscow (UTC+03:00)``: the zone with its offset from UTC at ``now_utc``."""
    offset = now_utc.astimezone(zone(name)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{name} (UTC{sign}{hours:02d}:{mins:02d})"


def clock(t: time) -> str:
    """``09:00``; the end of the day is ``24:00``."""
    return "24:00" if t == END_OF_DAY else f"{t:%H:%M}"


def describe_range(span: Range) -> str:
    return f"{clock(span[0])}–{clock(span[1])}"


def describe_day(ranges: tuple[Range, ...]) -> str:
    """``09:00–13:00, 14:00–18:00``, or empty for a closed day (what the editor shows)."""
    return ", ".join(describe_range(r) for r in ranges)


@dataclass(frozen=True)
class OfficeHours:
    """A weekly schedule: for each weekday, Monday first, its opening ranges in order.

    Made invalid, it raises :class:`InvalidHours`: seven days, each range opening before
    it closes, and no two ranges of a day overlapping (touching is fine).
    """

    week: Week

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise InvalidHours(f"A week has 7 days, not {len(self.week)}.")
        ordered = tuple(tuple(sorted(day)) for day in self.week)
        for weekday, day in enumerate(ordered):
            _check_day(WEEKDAY_NAMES[weekday], day)
        object.__setattr__(self, "week", ordered)

    @classmethod
    def of(cls, ranges: Iterable[tuple[int, time, time]]) -> OfficeHours:
        """From ``(weekday, opens, closes)`` triples, in any order."""
        days: list[list[Range]] = [[] for _ in range(7)]
        for weekday, opens, closes in ranges:
            if not 0 <= weekday <= 6:
                raise InvalidHours(f"Weekday {weekday} is not 0 (Monday) to 6 (Sunday).")
            days[weekday].append((opens, closes))
        return cls(tuple(tuple(day) for day in days))

    @classmethod
    def weekdays(cls, opens: time, closes: time, days: Iterable[int] = range(5)) -> OfficeHours:
        """The same one range on each of ``days`` (default Monday to Friday)."""
        return cls.of((day, opens, closes) for day in days)

    def ranges(self) -> Iterator[tuple[int, time, time]]:
        """Every range as ``(weekday, opens, closes)``, Monday first."""
        for weekday, day in enumerate(self.week):
            for opens, closes in day:
                yield weekday, opens, closes

    def is_open_day(self, weekday: int) -> bool:
        return bool(self.week[weekday])

    def is_open_at(self, weekday: int, at: time) -> bool:
        """Whether ``at`` (wall clock) on ``weekday`` falls in a range (closing is exclusive)."""
        return any(opens <= at < closes for opens, closes in self.week[weekday])

    def describe(self) -> str:
        """``Mon–Fri 09:00–13:00, 14:00–18:00; Sat 10:00–12:00``; days alike are grouped."""
        groups: dict[tuple[Range, ...], list[int]] = {}
        for weekday, day in enumerate(self.week):
            if day:
                groups.setdefault(day, []).append(weekday)
        if not groups:
            return "closed all week"
        return "; ".join(f"{_days_text(days)} {describe_day(day)}" for day, days in groups.items())


def _check_day(name: str, day: tuple[Range, ...]) -> None:
    for opens, closes in day:
        if opens >= closes:
            raise InvalidHours(
                f"{name}: {clock(opens)}–{clock(closes)} closes before it opens; "
                "an office open past midnight needs two ranges (e.g. 22:00-24:00, then "
                "00:00-02:00 the next day)."
            )
    for first, second in itertools.pairwise(day):
        if second[0] < first[1]:
            raise InvalidHours(
                f"{name}: {describe_range(first)} and {describe_range(second)} overlap."
            )


def _days_text(days: list[int]) -> str:
    """``Mon–Fri`` for a run of three or more days, else the days listed."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) > 2:
            parts.append(f"{WEEKDAY_NAMES[run[0]]}–{WEEKDAY_NAMES[run[-1]]}")
        else:
            parts.extend(WEEKDAY_NAMES[d] for d in run)
    return ", ".join(parts)


# The hours assumed until someone sets them: Monday to Friday, 09:00–18:00.
MON_FRI_9_TO_6 = OfficeHours.weekdays(time(9), time(18))

_TIME = r"(\d{1,2})(?::(\d{2}))?"
_RANGE = re.compile(rf"{_TIME}\s*(?:-|–|—|to)\s*{_TIME}")


def parse_day(text: str, weekday: int) -> tuple[Range, ...]:
    """The ranges typed for one weekday: ``09:00-13:00, 14:00-18:00``; empty is closed.

    Raises :class:`InvalidHours` saying which part is wrong and how to write it.
    """
    name = WEEKDAY_NAMES[weekday]
    cleaned = text.strip()
    if not cleaned or cleaned.casefold() == "closed":
        return ()
    ranges: list[Range] = []
    for part in re.split(r"[,;]", cleaned):
        part = part.strip()
        if not part:
            continue
        match = _RANGE.fullmatch(part)
        if match is None:
            raise InvalidHours(
                f"{name}: “{part}” is not a range of hours; write it as 09:00-13:00, "
                "ranges separated by commas, or leave the day empty for closed."
            )
        h1, m1, h2, m2 = match.groups()
        ranges.append((_time(name, h1, m1, closing=False), _time(name, h2, m2, closing=True)))
    day = tuple(sorted(ranges))
    _check_day(name, day)
    return day


def _time(name: str, hours: str, minutes: str | None, *, closing: bool) -> time:
    h, m = int(hours), int(minutes or 0)
    if closing and (h, m) == (24, 0):
        return END_OF_DAY
    if h > 23 or m > 59:
        raise InvalidHours(f"{name}: {hours}:{minutes or '00'} is not a time of day.")
    return time(h, m)


@dataclass(frozen=True)
class OfficeState:
    local_time: datetime  # aware, in the official's zone
    is_open: bool
    next_change: datetime | None  # when it next opens or closes, local; None if never


def office_state(hours: OfficeHours, tz_name: str, now_utc: datetime) -> OfficeState:
    """Whether the office is open at ``now_utc`` (aware) in its own time zone, and when
    that next changes (searching a week ahead).

    Ranges are wall-clock times of their day, placed on the calendar in the zone and
    compared as instants, so a change of the clocks moves the UTC time an office opens.
    A range ending at 24:00 and one starting at 00:00 the next day are one opening.
    """
    tz = zone(tz_name)
    local = now_utc.astimezone(tz)
    instant = now_utc.astimezone(UTC)
    horizon = datetime.combine(local.date() + timedelta(days=9), time(0), tzinfo=tz)
    for start, end in _openings(hours, local.date(), tz):
        if end <= instant:
            continue
        if start <= instant:  # open; an office open round the clock never closes
            return OfficeState(local, True, None if end >= horizon else end.astimezone(tz))
        return OfficeState(local, False, start.astimezone(tz))
    return OfficeState(local, False, None)


def _openings(hours: OfficeHours, today: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The openings from yesterday to eight days ahead as UTC (start, end), in order,
    ranges that meet (at midnight or at a shared minute) joined into one."""
    merged: list[tuple[datetime, datetime]] = []
    for offset in range(-1, 9):
        day = today + timedelta(days=offset)
        for opens, closes in hours.week[day.weekday()]:
            start = datetime.combine(day, opens, tzinfo=tz).astimezone(UTC)
            if closes == END_OF_DAY:
                end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
            else:
                end = datetime.combine(day, closes, tzinfo=tz)
            end = end.astimezone(UTC)
            if merged and merged[-1][1] >= start:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
    return merged
