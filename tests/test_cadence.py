"""Proposed follow-up dates: business days in the official's country, checked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from models.cadence import add_business_days, is_business_day, propose_follow_up
from models.vocab import OutcomeClass


@pytest.mark.parametrize(
    ("start", "days", "country", "expected"),
    [
        # Friday 2026-12-04: the next business day is Monday.
        (date(2026, 12, 4), 1, "RU", date(2026, 12, 7)),
        # Russia's New Year holidays, 1-8 January 2027 (Fri 1 - Fri 8): Mon 11 January.
        (date(2026, 12, 31), 1, "RU", date(2027, 1, 11)),
        # US Thanksgiving, Thursday 2026-11-26: Wednesday + 1 is Friday.
        (date(2026, 11, 25), 1, "US", date(2026, 11, 27)),
        # Thanksgiving is a business day in Russia.
        (date(2026, 11, 25), 1, "RU", date(2026, 11, 26)),
        # No country: weekends only.
        (date(2026, 12, 31), 1, "", date(2027, 1, 1)),
        # A country the holidays package does not know: weekends only, no error.
        (date(2026, 12, 4), 2, "ZZ", date(2026, 12, 8)),
    ],
    ids=["friday", "ru-new-year", "us-thanksgiving", "ru-on-thanksgiving", "no-country", "unknown"],
)
def test_business_days_skip_weekends_and_the_countrys_public_holidays(
    start: date, days: int, country: str, expected: date
) -> None:
    """Counting starts the day after; weekends and public holidays are not counted."""
    assert add_business_days(start, days, country) == expected


def test_the_proposal_follows_the_outcome_class() -> None:
    """No contact 1, delivered 2, reached 3, refused 5 business days (from Monday 2026-12-07)."""
    monday = date(2026, 12, 7)
    proposals = {c: propose_follow_up(c, monday, "US") for c in OutcomeClass}
    assert proposals == {
        OutcomeClass.NO_CONTACT: date(2026, 12, 8),
        OutcomeClass.DELIVERED: date(2026, 12, 9),
        OutcomeClass.REACHED: date(2026, 12, 10),
        OutcomeClass.REFUSED: date(2026, 12, 14),
    }


def test_a_public_holiday_is_not_a_business_day() -> None:
    """7 January (Orthodox Christmas) is a holiday in Russia, an ordinary Thursday in the US."""
    assert (is_business_day(date(2027, 1, 7), "RU"), is_business_day(date(2027, 1, 7), "US")) == (
        False,
        True,
    )
