"""Local time and office hours where an official sits, across zones and a DST change."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from models.localtime import OfficeHours, UnknownTimeZone, days_mask, office_state, zone

WEEKDAYS = OfficeHours(days=days_mask([0, 1, 2, 3, 4]), opens=time(9), closes=time(18))


def test_moscow_office_opens_at_nine_local() -> None:
    """Wed 06:00 UTC is 09:00 in Moscow (UTC+3): open, closing at 18:00 local."""
    state = office_state(WEEKDAYS, "Europe/Moscow", datetime(2026, 3, 4, 6, 0, tzinfo=UTC))
    assert state.is_open
    assert state.local_time.hour == 9
    assert state.next_change == datetime(2026, 3, 4, 18, 0, tzinfo=zone("Europe/Moscow"))


def test_closing_time_is_exclusive() -> None:
    """At 18:00 local the office is closed; it next opens at 09:00 the next weekday."""
    state = office_state(WEEKDAYS, "Europe/Moscow", datetime(2026, 3, 4, 15, 0, tzinfo=UTC))
    assert not state.is_open
    assert state.next_change == datetime(2026, 3, 5, 9, 0, tzinfo=zone("Europe/Moscow"))


def test_new_york_before_and_after_daylight_saving_starts() -> None:
    """13:00 UTC is 08:00 EST (closed) on Fri 6 March and 09:00 EDT (open) on Mon 9 March 2026."""
    before = office_state(WEEKDAYS, "America/New_York", datetime(2026, 3, 6, 13, 0, tzinfo=UTC))
    after = office_state(WEEKDAYS, "America/New_York", datetime(2026, 3, 9, 13, 0, tzinfo=UTC))
    assert (before.is_open, before.local_time.hour) == (False, 8)
    assert before.next_change is not None
    assert before.next_change.astimezone(UTC) == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    assert (after.is_open, after.local_time.hour) == (True, 9)


def test_weekend_is_closed_until_monday() -> None:
    """Saturday noon in New York: closed, next opening Monday 09:00 local."""
    state = office_state(WEEKDAYS, "America/New_York", datetime(2026, 3, 7, 17, 0, tzinfo=UTC))
    assert not state.is_open
    assert state.next_change == datetime(2026, 3, 9, 9, 0, tzinfo=zone("America/New_York"))


def test_no_office_days_never_opens() -> None:
    """An office with no days is always closed and has no next change."""
    hours = OfficeHours(days=0, opens=time(9), closes=time(18))
    state = office_state(hours, "UTC", datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    assert (state.is_open, state.next_change) == (False, None)


def test_describe_office_hours() -> None:
    """Contiguous days read as a span, others as a list."""
    assert WEEKDAYS.describe() == "Mon–Fri 09:00–18:00"
    odd = OfficeHours(days=days_mask([0, 2]), opens=time(10), closes=time(12, 30))
    assert odd.describe() == "Mon, Wed 10:00–12:30"


def test_unknown_zone_is_refused() -> None:
    """A zone name that is not IANA's raises a readable error."""
    with pytest.raises(UnknownTimeZone, match="Mars/Olympus"):
        zone("Mars/Olympus")
