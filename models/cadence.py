"""When to contact an official again: business days in the official's country.

A follow-up is proposed a number of business days after an attempt, by the attempt's
outcome class (DESIGN.md, "Cadence"). Business days skip weekends and the public
holidays of the official's country, from the maintained ``holidays`` package; an
official with no country (or one the package does not know) gets weekends only.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta

import holidays

from models.localtime import OfficeHours, zone
from models.text import InvalidInput
from models.vocab import Outcome, OutcomeClass

# Business days until the next follow-up, by the class of the attempt's outcome.
CADENCE_DAYS: dict[OutcomeClass, int] = {
    OutcomeClass.NO_CONTACT: 1,
    OutcomeClass.DELIVERED: 2,
    OutcomeClass.REACHED: 3,
    OutcomeClass.REFUSED: 5,
}
WEEKEND = frozenset({5, 6})  # Saturday, Sunday


@functools.lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:  # a country the package does not cover
        return frozenset()


def is_business_day(day: date, country: str) -> bool:
    """Not a weekend and not a public holiday where the official sits."""
    if day.weekday() in WEEKEND:
        return False
    return not country or day not in _holidays(country.upper(), day.year)


def add_business_days(day: date, count: int, country: str) -> date:
    """The ``count``-th business day after ``day`` (``day`` itself never counts)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current, country):
            remaining -= 1
    return current


def next_open_day(day: date, country: str, hours: OfficeHours | None) -> date:
    """``day`` or the first day after it that is a business day on which the office is
    open by its weekly hours; ``hours`` None or closed all week: business days only."""
    open_any = hours is not None and any(hours.is_open_day(d) for d in range(7))
    current = day
    for _ in range(400):  # a year of holidays at most; the loop always ends well before
        weekday_ok = not open_any or (hours is not None and hours.is_open_day(current.weekday()))
        if weekday_ok and is_business_day(current, country):
            return current
        current += timedelta(days=1)
    return day


def propose_follow_up(
    outcome_class: OutcomeClass,
    attempt_day: date,
    country: str,
    *,
    days: dict[OutcomeClass, int] | None = None,
    hours: OfficeHours | None = None,
) -> date:
    """The proposed "Follow up on" date after an attempt made on ``attempt_day`` (the
    official's day): the class's business days (``days``, a campaign's own cadence, else
    :data:`CADENCE_DAYS`), then on to a day the office is open (``hours``)."""
    count = (days or CADENCE_DAYS).get(outcome_class, CADENCE_DAYS[outcome_class])
    return next_open_day(add_business_days(attempt_day, count, country), country, hours)


def propose_next(
    outcome: Outcome,
    attempt_day: date,
    country: str,
    *,
    days: dict[OutcomeClass, int] | None = None,
    hours: OfficeHours | None = None,
) -> date:
    """As :func:`propose_follow_up`, except "asked to call back": the day of the attempt
    (the form's "Call back at" gives the time they named)."""
    if outcome == Outcome.ASKED_TO_CALL_BACK:
        return attempt_day
    return propose_follow_up(outcome.outcome_class, attempt_day, country, days=days, hours=hours)


def commitment_follow_up(commitment_on: date, country: str, hours: OfficeHours | None) -> date:
    """The follow-up of a commitment: the first business day after its date, office open."""
    return next_open_day(add_business_days(commitment_on, 1, country), country, hours)


def call_back_due(
    zone_name: str, attempt_at: datetime, follow_up_on: date | None, at: time | None
) -> tuple[date, datetime | None] | None:
    """The follow-up an attempt asks for: (due day, due instant in UTC or None).

    ``at`` is "Call back at", the official's wall clock, on ``follow_up_on`` (or, with no
    date, the official's day of the attempt); a time before the attempt is refused.
    """
    if at is None:
        return None if follow_up_on is None else (follow_up_on, None)
    tz = zone(zone_name)
    day = follow_up_on or attempt_at.astimezone(tz).date()
    due_at = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
    if due_at < attempt_at:
        raise InvalidInput(
            f"Call back at {day.isoformat()} {at:%H:%M} (their time, {zone_name}) is before "
            "the attempt; give a later time or another Follow up on date."
        )
    return day, due_at
