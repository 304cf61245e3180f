"""Office state and public-holiday labels, checked against calendars worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from models.localtime import MON_FRI_9_TO_6, OfficeHours
from models.office_status import availability, span

LUNCH = OfficeHours.of(
    (d, *r) for d in range(5) for r in ((time(9), time(13)), (time(14), time(18)))
)


def _utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "callable_", "label"),
    [
        # Moscow is UTC+3 all year: 08:59, 09:00, 17:59, 18:00 local on Wednesday 4 March 2026.
        (_utc(2026, 3, 4, 5, 59), False, "closed, opens Wed 09:00"),
        (_utc(2026, 3, 4, 6, 0), True, "open, closes in 9 h"),
        (_utc(2026, 3, 4, 14, 59), True, "open, closes in 1 min"),
        # Friday 18:00: Monday 9 March is a holiday (8 March falls on a Sunday), so Tuesday.
        (_utc(2026, 3, 6, 15, 0), False, "closed, opens Tue 09:00"),
        (
            _utc(2026, 3, 9, 7, 0),
            False,
            "public holiday: International Women's Day (observed), opens Tue 09:00",
        ),
        # New Year holidays 1-8 January 2027 (a Friday to a Friday), then the weekend.
        (
            _utc(2027, 1, 4, 9, 0),
            False,
            "public holiday: New Year Holidays, opens Mon 11 Jan 09:00",
        ),
    ],
)
def test_moscow_office_states(now: datetime, callable_: bool, label: str) -> None:
    """Edges of 09:00 and 18:00 local, a Friday evening, a holiday Monday, New Year."""
    state = availability(MON_FRI_9_TO_6, "Europe/Moscow", "RU", now)
    assert (state.callable, state.label) == (callable_, label)


@pytest.mark.parametrize(
    ("now", "label"),
    [
        # Thanksgiving, Thursday 26 November 2026, 10:00 in New York (UTC-5).
        (_utc(2026, 11, 26, 15, 0), "public holiday: Thanksgiving Day, opens Fri 09:00"),
        # Friday 6 March 2026 18:00 EST; the clocks go forward on Sunday 8 March: Monday
        # 09:00 is EDT, 13:00 UTC, and the label is in local time.
        (_utc(2026, 3, 6, 23, 0), "closed, opens Mon 09:00"),
        # Sunday 1 November 2026, the clocks go back: Monday 09:00 EST.
        (_utc(2026, 11, 1, 12, 0), "closed, opens Mon 09:00"),
    ],
)
def test_new_york_holidays_and_dst_weekends(now: datetime, label: str) -> None:
    """Thanksgiving is not callable; opening times stay 09:00 local across DST changes."""
    state = availability(MON_FRI_9_TO_6, "America/New_York", "US", now)
    assert (state.callable, state.label) == (False, label)


def test_the_next_opening_across_a_dst_change_is_the_right_instant() -> None:
    """Monday 9 March 2026 09:00 in New York is 13:00 UTC (EDT), not 14:00."""
    state = availability(MON_FRI_9_TO_6, "America/New_York", "US", _utc(2026, 3, 6, 23, 0))
    assert state.opens_at is not None
    assert state.opens_at.astimezone(UTC) == _utc(2026, 3, 9, 13, 0)


@pytest.mark.parametrize(
    ("local_hour", "local_minute", "callable_", "label"),
    [
        (12, 59, True, "open, closes in 1 min"),
        (13, 0, False, "closed, opens Wed 14:00"),
        (13, 59, False, "closed, opens Wed 14:00"),
        (14, 0, True, "open, closes in 4 h"),
    ],
)
def test_a_lunch_break_closes_the_office(
    local_hour: int, local_minute: int, callable_: bool, label: str
) -> None:
    """09:00-13:00 and 14:00-18:00: closed over lunch, open again at 14:00."""
    now = _utc(2026, 3, 4, local_hour - 3, local_minute)
    state = availability(LUNCH, "Europe/Moscow", "RU", now)
    assert (state.callable, state.label) == (callable_, label)


def test_an_unknown_country_has_weekends_only() -> None:
    """No country: no holidays; an office closed all week is "closed"."""
    closed = OfficeHours.of([])
    assert availability(closed, "UTC", "", _utc(2026, 1, 1, 12)).label == "closed"
    assert availability(MON_FRI_9_TO_6, "UTC", "", _utc(2026, 1, 1, 12)).callable


def test_span_is_rounded_down_to_the_minute() -> None:
    """Durations read as a person says them."""
    from datetime import timedelta

    assert [span(timedelta(seconds=s)) for s in (59, 2700, 3600, 5430, 7200)] == [
        "0 min", "45 min", "1 h", "1 h 30 min", "2 h",
    ]  # fmt: skip
