"""Local time and weekly office hours where an official sits: breaks, closed days, midnight, DST."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from models.localtime import (
    END_OF_DAY,
    MON_FRI_9_TO_6,
    InvalidHours,
    OfficeHours,
    UnknownTimeZone,
    office_state,
    parse_day,
    utc_offset_label,
    zone,
)

WEEKDAYS = MON_FRI_9_TO_6
MSK = zone("Europe/Moscow")  # UTC+3 all year
NY = zone("America/New_York")  # EST -5, EDT -4 from 8 March 2026 02:00 to 1 November 02:00
# Moscow with a lunch break on weekdays and a Saturday morning.
LUNCH = OfficeHours.of(
    [(d, time(9), time(13)) for d in range(5)]
    + [(d, time(14), time(18)) for d in range(5)]
    + [(5, time(10), time(12))]
)
# A night line: Saturday 22:00 to Sunday 04:00, written as two ranges meeting at midnight.
NIGHT = OfficeHours.of([(5, time(22), END_OF_DAY), (6, time(0), time(4))])


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_moscow_office_opens_at_nine_local() -> None:
    """Wed 06:00 UTC is 09:00 in Moscow (UTC+3): open, closing at 18:00 local."""
    state = office_state(WEEKDAYS, "Europe/Moscow", at(2026, 3, 4, 6, 0))
    assert state.is_open
    assert state.local_time.hour == 9
    assert state.next_change == datetime(2026, 3, 4, 18, 0, tzinfo=MSK)


def test_closing_time_is_exclusive() -> None:
    """At 18:00 local the office is closed; it next opens at 09:00 the next weekday."""
    state = office_state(WEEKDAYS, "Europe/Moscow", at(2026, 3, 4, 15, 0))
    assert not state.is_open
    assert state.next_change == datetime(2026, 3, 5, 9, 0, tzinfo=MSK)


def test_new_york_before_and_after_daylight_saving_starts() -> None:
    """13:00 UTC is 08:00 EST (closed) on Fri 6 March and 09:00 EDT (open) on Mon 9 March 2026."""
    before = office_state(WEEKDAYS, "America/New_York", at(2026, 3, 6, 13, 0))
    after = office_state(WEEKDAYS, "America/New_York", at(2026, 3, 9, 13, 0))
    assert (before.is_open, before.local_time.hour) == (False, 8)
    assert before.next_change is not None
    assert before.next_change.astimezone(UTC) == at(2026, 3, 6, 14, 0)
    assert (after.is_open, after.local_time.hour) == (True, 9)


def test_weekend_opening_is_found_across_the_spring_change() -> None:
    """Fri 6 March 18:30 EST is closed; Monday's 09:00 is EDT by then: 13:00 UTC, not 14:00."""
    state = office_state(WEEKDAYS, "America/New_York", at(2026, 3, 6, 23, 30))
    assert not state.is_open
    assert state.next_change is not None
    assert state.next_change.astimezone(UTC) == at(2026, 3, 9, 13, 0)


def test_weekend_opening_is_found_across_the_autumn_change() -> None:
    """Fri 30 October 18:30 EDT is closed; Monday 2 November 09:00 is EST: 14:00 UTC."""
    state = office_state(WEEKDAYS, "America/New_York", at(2026, 10, 30, 22, 30))
    assert state.next_change is not None
    assert state.next_change.astimezone(UTC) == at(2026, 11, 2, 14, 0)


def test_weekend_is_closed_until_monday() -> None:
    """Saturday noon in New York: closed, next opening Monday 09:00 local."""
    state = office_state(WEEKDAYS, "America/New_York", at(2026, 3, 7, 17, 0))
    assert not state.is_open
    assert state.next_change == datetime(2026, 3, 9, 9, 0, tzinfo=NY)


def test_lunch_break_is_closed_and_the_next_change_is_the_afternoon() -> None:
    """Wed 12:30 Moscow: open until 13:00; 13:30: closed, opening again at 14:00."""
    morning = office_state(LUNCH, "Europe/Moscow", at(2026, 3, 4, 9, 30))
    lunch = office_state(LUNCH, "Europe/Moscow", at(2026, 3, 4, 10, 30))
    afternoon = office_state(LUNCH, "Europe/Moscow", at(2026, 3, 4, 11, 0))
    assert (morning.is_open, morning.next_change) == (True, datetime(2026, 3, 4, 13, tzinfo=MSK))
    assert (lunch.is_open, lunch.next_change) == (False, datetime(2026, 3, 4, 14, tzinfo=MSK))
    assert (afternoon.is_open, afternoon.next_change) == (
        True,
        datetime(2026, 3, 4, 18, tzinfo=MSK),
    )


def test_saturday_morning_and_a_closed_sunday() -> None:
    """Fri 19:00 Moscow: next opening Sat 10:00; Sat 12:00 closes; Sunday waits for Monday."""
    friday = office_state(LUNCH, "Europe/Moscow", at(2026, 3, 6, 16, 0))
    saturday = office_state(LUNCH, "Europe/Moscow", at(2026, 3, 7, 8, 0))
    sunday = office_state(LUNCH, "Europe/Moscow", at(2026, 3, 8, 8, 0))
    assert (friday.is_open, friday.next_change) == (False, datetime(2026, 3, 7, 10, tzinfo=MSK))
    assert (saturday.is_open, saturday.next_change) == (True, datetime(2026, 3, 7, 12, tzinfo=MSK))
    assert (sunday.is_open, sunday.next_change) == (False, datetime(2026, 3, 9, 9, tzinfo=MSK))


def test_an_opening_across_midnight_closes_the_next_day() -> None:
    """The night line, in UTC: Sat 23:30 is open until Sun 04:00, not until midnight."""
    before = office_state(NIGHT, "UTC", at(2026, 2, 28, 21, 0))
    late = office_state(NIGHT, "UTC", at(2026, 2, 28, 23, 30))
    early = office_state(NIGHT, "UTC", at(2026, 3, 1, 1, 0))
    assert (before.is_open, before.next_change) == (False, at(2026, 2, 28, 22, 0))
    assert (late.is_open, late.next_change) == (True, at(2026, 3, 1, 4, 0))
    assert (early.is_open, early.next_change) == (True, at(2026, 3, 1, 4, 0))


def test_an_opening_across_midnight_and_the_clock_change() -> None:
    """New York, Sat 7 March 23:00 EST (04:00 UTC): open; it closes Sun 04:00 EDT, 08:00 UTC,
    five hours later, because the clocks skip 02:00 to 03:00 that night."""
    state = office_state(NIGHT, "America/New_York", at(2026, 3, 8, 4, 0))
    assert state.is_open
    assert state.next_change is not None
    assert state.next_change.astimezone(UTC) == at(2026, 3, 8, 8, 0)
    assert state.next_change.utcoffset() == datetime(2026, 3, 8, 4, tzinfo=NY).utcoffset()


def test_no_office_days_never_opens() -> None:
    """An office closed all week is always closed and has no next change."""
    hours = OfficeHours(((),) * 7)
    state = office_state(hours, "UTC", at(2026, 3, 4, 12, 0))
    assert (state.is_open, state.next_change) == (False, None)


def test_open_round_the_clock_never_closes() -> None:
    """Every day 00:00–24:00: open now, and no next change within the week searched."""
    hours = OfficeHours.of((d, time(0), END_OF_DAY) for d in range(7))
    state = office_state(hours, "Europe/London", at(2026, 3, 29, 0, 30))
    assert (state.is_open, state.next_change) == (True, None)


def test_describe_office_hours() -> None:
    """Days alike are grouped, runs read as spans, ranges are listed, a closing at midnight
    reads 24:00."""
    assert WEEKDAYS.describe() == "Mon–Fri 09:00–18:00"
    assert LUNCH.describe() == "Mon–Fri 09:00–13:00, 14:00–18:00; Sat 10:00–12:00"
    odd = OfficeHours.of([(0, time(10), time(12, 30)), (2, time(10), time(12, 30))])
    assert odd.describe() == "Mon, Wed 10:00–12:30"
    assert NIGHT.describe() == "Sat 22:00–24:00; Sun 00:00–04:00"
    assert OfficeHours(((),) * 7).describe() == "closed all week"


def test_ranges_are_kept_in_order() -> None:
    """Ranges given in any order come out sorted, as (weekday, opens, closes)."""
    hours = OfficeHours.of([(1, time(14), time(18)), (1, time(9), time(13))])
    assert list(hours.ranges()) == [(1, time(9), time(13)), (1, time(14), time(18))]


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        (
            [(0, time(9), time(13)), (0, time(12), time(18))],
            "Mon: 09:00–13:00 and 12:00–18:00 overlap",
        ),
        ([(2, time(18), time(9))], "Wed: 18:00–09:00 closes before it opens"),
        ([(4, time(9), time(9))], "Fri: 09:00–09:00 closes before it opens"),
        ([(7, time(9), time(10))], "Weekday 7 is not 0"),
    ],
)
def test_bad_schedules_are_refused(ranges: list[tuple[int, time, time]], message: str) -> None:
    """Overlapping ranges, a range that closes before it opens, a day past Sunday."""
    with pytest.raises(InvalidHours, match=message):
        OfficeHours.of(ranges)


def test_a_week_has_seven_days() -> None:
    with pytest.raises(InvalidHours, match="7 days, not 6"):
        OfficeHours(((),) * 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-13:00, 14:00-18:00", ((time(9), time(13)), (time(14), time(18)))),
        ("14:00–18:00; 9-13", ((time(9), time(13)), (time(14), time(18)))),
        ("9:30 to 17", ((time(9, 30), time(17)),)),
        ("22:00-24:00", ((time(22), END_OF_DAY),)),
        ("", ()),
        ("  closed ", ()),
    ],
)
def test_a_typed_day_is_read(text: str, expected: tuple[tuple[time, time], ...]) -> None:
    """Commas or semicolons between ranges, hyphen or dash or "to", hours alone; empty is closed."""
    assert parse_day(text, 0) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9:00-", "Tue: “9:00-” is not a range of hours; write it as 09:00-13:00"),
        ("09:00-13:00, lunch", "Tue: “lunch” is not a range"),
        ("25:00-26:00", "Tue: 25:00 is not a time of day"),
        ("09:75-10:00", "Tue: 09:75 is not a time of day"),
        ("24:00-24:00", "Tue: 24:00 is not a time of day"),
        ("14:00-13:00", "Tue: 14:00–13:00 closes before it opens"),
        ("09:00-13:00, 12:00-18:00", "Tue: 09:00–13:00 and 12:00–18:00 overlap"),
    ],
)
def test_a_badly_typed_day_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InvalidHours, match=message):
        parse_day(text, 1)


def test_zone_label_shows_the_current_offset() -> None:
    """Moscow is +03:00; New York -05:00 in January and -04:00 in July; Kolkata +05:30."""
    winter, summer = at(2026, 1, 15, 12), at(2026, 7, 15, 12)
    assert utc_offset_label("Europe/Moscow", winter) == "Europe/Moscow (UTC+03:00)"
    assert utc_offset_label("America/New_York", winter) == "America/New_York (UTC-05:00)"
    assert utc_offset_label("America/New_York", summer) == "America/New_York (UTC-04:00)"
    assert utc_offset_label("Asia/Kolkata", summer) == "Asia/Kolkata (UTC+05:30)"


def test_unknown_zone_is_refused() -> None:
    """A zone name that is not IANA's raises a readable error."""
    with pytest.raises(UnknownTimeZone, match="Mars/Olympus"):
        zone("Mars/Olympus")
