"""When to contact an official again: business days in the official's country.

A follow-up is proposed a number of business days after an attempt, by the attempt's
outcome class (DESIGN.md, "Cadence"). Business days skip weekends and the public
holidays of the official's country, from the maintained ``holidays`` package; an
official with no country (or one the package does not know) gets weekends only.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays

from models.vocab import OutcomeClass

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


def propose_follow_up(outcome_class: OutcomeClass, attempt_day: date, country: str) -> date:
    """The proposed "Follow up on" date after an attempt made on ``attempt_day`` (local)."""
    return add_business_days(attempt_day, CADENCE_DAYS[outcome_class], country)
