"""Whether an official can be called now: office hours, public holidays, and a short label.

The label is what the Follow-ups queue shows beside each row: ``open, closes in 2 h``,
``closed, opens Mon 09:00``, ``public holiday: New Year Holidays, opens Mon 11 Jan 09:00``.
Holidays come from the ``holidays`` package for the official's country (names in
English); an office is never callable on one, whatever its weekly hours say.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import holidays

from models.localtime import WEEKDAY_NAMES, OfficeHours, office_state, zone

# Enough steps to get past the longest run of holidays and weekends (Russia's New Year).
_MAX_SKIPS = 40


@dataclass(frozen=True)
class Availability:
    local_time: datetime  # aware, in the official's zone
    callable: bool  # open now and not a public holiday
    label: str
    holiday: str  # today's public holiday where the official sits, or ""
    opens_at: datetime | None  # when not callable: the next opening (local), if any


@functools.lru_cache(maxsize=128)
def _calendar(country: str, year: int) -> dict[object, str]:
    try:
        return dict(holidays.country_holidays(country, years=year, language="en_US").items())
    except NotImplementedError:  # a country the package does not cover
        return {}


def holiday_name(country: str, day: datetime) -> str:
    """The public holiday on ``day``'s date in ``country`` (ISO alpha-2), or ""."""
    if not country:
        return ""
    return _calendar(country.upper(), day.year).get(day.date(), "")


def availability(hours: OfficeHours, tz_name: str, country: str, now_utc: datetime) -> Availability:
    """Whether the office is callable at ``now_utc`` (aware), with its queue label."""
    tz = zone(tz_name)
    local = now_utc.astimezone(tz)
    holiday = holiday_name(country, local)
    state = office_state(hours, tz_name, now_utc)
    if state.is_open and not holiday:
        closes = state.next_change
        label = "open" if closes is None else f"open, closes in {span(closes - local)}"
        return Availability(local, True, label, "", None)
    opens = next_opening(hours, tz_name, country, now_utc)
    then = "" if opens is None else f", opens {when(opens, local)}"
    label = f"public holiday: {holiday}{then}" if holiday else f"closed{then}"
    return Availability(local, False, label, holiday, opens)


def next_opening(
    hours: OfficeHours, tz_name: str, country: str, now_utc: datetime
) -> datetime | None:
    """The next instant (local) the office is open on a day that is not a public holiday;
    ``now_utc`` itself if it is open now. None if it never opens within the search."""
    tz = zone(tz_name)
    at = now_utc.astimezone(tz)
    for _ in range(_MAX_SKIPS):
        state = office_state(hours, tz_name, at)
        candidate = at if state.is_open else state.next_change
        if candidate is None:
            return None
        candidate = candidate.astimezone(tz)
        if not holiday_name(country, candidate):
            return candidate
        at = datetime.combine(candidate.date() + timedelta(days=1), time(0), tzinfo=tz)
    return None


def span(delta: timedelta) -> str:
    """``2 h``, ``1 h 30 min``, ``45 min``: a duration rounded down to the minute."""
    minutes = max(int(delta.total_seconds()) // 60, 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def when(moment: datetime, local_now: datetime) -> str:
    """``Mon 09:00`` within the coming week; ``Mon 11 Jan 09:00`` further ahead."""
    day = WEEKDAY_NAMES[moment.weekday()]
    if moment.date() - local_now.date() >= timedelta(days=7):
        return f"{day} {moment.day} {moment:%b %H:%M}"
    return f"{day} {moment:%H:%M}"
