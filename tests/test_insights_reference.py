"""The reference counts, straight from the raw attempts, checked against a hand-worked table.

The data set (UTC; weeks start on Monday):

| id | when (UTC)       | who | channel | outcome        | class      | response      |
|----|------------------|-----|---------|----------------|------------|---------------|
| a1 | Wed 03-04 10:00  | A   | phone   | no answer      | no contact |               |
| a2 | Wed 03-04 11:00  | A   | phone   | spoke to staff | reached    | live          |
| a3 | Fri 03-06 09:00  | B   | fax     | sent           | delivered  | later, 03-12  |
| a4 | Sun 03-08 23:30  | B   | phone   | refused        | refused    |               |
| a5 | Mon 03-09 00:00  | A   | phone   | busy           | no contact |               |
| a6 | Tue 03-10 12:00  | B   | email   | sent           | delivered  |               |
| a7 | Tue 03-10 13:00  | A   | phone   | spoke to staff | reached    | live, DELETED |

Week of 03-02: a1..a4 -> 4 attempts, 2 with a response (a3's reply came the next week
but counts for its attempt's week). Week of 03-09: a5, a6 -> 2 attempts, 0 responses
(a7 is soft-deleted). Contact rate overall: a2, a4 = 2/6. Delivery: a2, a3, a4, a6 = 4/6.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial

import pytest
from sqlalchemy.orm import Session

from models.commands import ResponseInput, record_response
from models.filters import Filters
from models.insights import Summary, wilson
from models.insights.reference import attempts_by_week_channel, response_rate_by_week, summary
from models.tables import Attempt
from models.vocab import Channel, Outcome, Stance
from tests.factories import make_attempt, make_campaign, make_official, make_user

W1, W2 = date(2026, 3, 2), date(2026, 3, 9)


def _t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def data(session: Session) -> dict[str, int]:
    campaign = make_campaign(session)
    a = make_official(session, "Official A", campaign_id=campaign)
    b = make_official(session, "Official B", campaign_id=campaign)
    user = make_user(session)
    log = partial(make_attempt, session, campaign_id=campaign, actor_id=user)
    live = ResponseInput(Stance.NONCOMMITTAL, "Will pass it on")
    log(official_id=a, occurred_at=_t(4, 10))
    log(
        official_id=a,
        occurred_at=_t(4, 11),
        outcome=Outcome.SPOKE_TO_STAFF,
        response=live,
    )
    a3 = log(
        official_id=b,
        occurred_at=_t(6, 9),
        channel=Channel.FAX,
        outcome=Outcome.SENT,
    )
    log(official_id=b, occurred_at=_t(8, 23, 30), outcome=Outcome.REFUSED)
    log(official_id=a, occurred_at=_t(9, 0), outcome=Outcome.BUSY)
    log(
        official_id=b,
        occurred_at=_t(10, 12),
        channel=Channel.EMAIL,
        outcome=Outcome.SENT,
    )
    a7 = log(
        official_id=a,
        occurred_at=_t(10, 13),
        outcome=Outcome.SPOKE_TO_STAFF,
        response=live,
    )
    record_response(
        session,
        attempt_id=a3.attempt_id,
        response=ResponseInput(Stance.NO_COMMENT, "Reply letter", _t(12, 15)),
        actor_id=user,
    )
    deleted = session.get(Attempt, a7.attempt_id)
    assert deleted is not None
    deleted.deleted_at = _t(11, 9)
    session.commit()
    return {"campaign": campaign, "a": a, "b": b, "user": user}


@pytest.mark.usefixtures("data")
def test_summary_counts_follow_the_definitions(session: Session) -> None:
    """6 attempts (the deleted one excluded): 2 contacted, 4 delivered, 2 responded."""
    result = summary(session, Filters())
    assert result == Summary(attempts=6, contacted=2, delivered=4, responded=2)
    assert result.contact_rate == pytest.approx(2 / 6)
    assert result.delivery_rate == pytest.approx(4 / 6)
    assert result.response_rate == pytest.approx(2 / 6)


@pytest.mark.usefixtures("data")
def test_attempts_per_week_by_channel(session: Session) -> None:
    """Sunday 23:30 UTC belongs to the week before; Monday 00:00 starts the next."""
    frame = attempts_by_week_channel(session, Filters())
    assert list(frame.itertuples(index=False, name=None)) == [
        (W1, "fax", 1),
        (W1, "phone", 3),
        (W2, "email", 1),
        (W2, "phone", 1),
    ]


@pytest.mark.usefixtures("data")
def test_response_rate_by_attempt_cohort(session: Session) -> None:
    """The later reply to a3 counts in a3's week: 2/4 then 0/2, with Wilson intervals."""
    frame = response_rate_by_week(session, Filters())
    assert list(frame.columns) == [
        "week",
        "attempts",
        "responded",
        "response_rate",
        "ci_low",
        "ci_high",
    ]
    rows = list(frame.itertuples(index=False, name=None))
    assert [r[:4] for r in rows] == [(W1, 4, 2, 0.5), (W2, 2, 0, 0.0)]
    # Wilson 95%: 2/4 -> (0.1500, 0.8500); 0/2 -> (0, 0.6576), worked out by hand.
    assert rows[0][4:] == pytest.approx((0.1500, 0.8500), abs=1e-4)
    assert rows[1][4:] == pytest.approx((0.0, 0.6576), abs=1e-4)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(channels=(Channel.PHONE,)), Summary(4, 2, 2, 1)),
        (Filters(date_from=date(2026, 3, 9)), Summary(2, 0, 1, 0)),
        (Filters(date_to=date(2026, 3, 8)), Summary(4, 2, 3, 2)),
        (Filters(date_from=date(2026, 3, 5), date_to=date(2026, 3, 6)), Summary(1, 0, 1, 1)),
        (Filters(campaign_ids=(999,)), Summary(0, 0, 0, 0)),
    ],
)
@pytest.mark.usefixtures("data")
def test_filters_narrow_every_count(session: Session, filters: Filters, expected: Summary) -> None:
    """Channel and inclusive date filters select exactly the attempts worked out by hand."""
    assert summary(session, filters) == expected


def test_official_and_coordinator_filters(session: Session, data: dict[str, int]) -> None:
    """Official B has a3, a4, a6; the coordinator filter keeps all six or none."""
    assert summary(session, Filters(official_ids=(data["b"],))) == Summary(3, 1, 3, 1)
    assert summary(session, Filters(coordinator_ids=(data["user"],))).attempts == 6
    assert summary(session, Filters(coordinator_ids=(data["user"] + 1,))).attempts == 0


def test_empty_result_has_fixed_columns(session: Session) -> None:
    """With no attempts, every aggregate is an empty frame with its columns, and rates are None."""
    assert list(attempts_by_week_channel(session, Filters()).columns) == [
        "week",
        "channel",
        "attempts",
    ]
    frame = response_rate_by_week(session, Filters())
    assert frame.empty
    assert "response_rate" in frame.columns
    assert summary(session, Filters()).response_rate is None


def test_wilson_interval_edges() -> None:
    """No attempts gives the whole range; all successes keeps the upper bound at 1."""
    assert wilson(0, 0) == (0.0, 1.0)
    low, high = wilson(10, 10)
    assert high == pytest.approx(1.0)
    assert low == pytest.approx(0.7225, abs=1e-4)
