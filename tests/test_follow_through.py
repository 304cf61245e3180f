"""Follow-through figures against small tables worked out by hand: responses and kept
commitments, coverage this week, officials gone quiet, the funnel, and the
Kaplan–Meier time to first response per channel."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from models import insights
from models.campaigns import add_target
from models.commands import ResponseInput, record_response
from models.filters import Filters
from models.insights.follow_through import coverage, funnel, quiet_officials, responses
from models.insights.survival import time_to_first_response
from models.vocab import Channel, Outcome, Stance
from tests.factories import make_attempt, make_campaign, make_official, make_user

TODAY = date(2026, 3, 11)  # a Wednesday: this week began Monday 9 March


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> dict[str, int]:
    """Campaign A targets Petrov, Smith, Tanaka (never called) and Ulyanov (last called
    20 Feb); campaign B targets Petrov. Seven attempts, four responses."""
    a, b = make_campaign(session, "A"), make_campaign(session, "B")
    p = make_official(session, "Petrov", campaign_id=a)
    s = make_official(session, "Smith", campaign_id=a, timezone="America/New_York", country="US")
    make_official(session, "Tanaka", campaign_id=a)
    u = make_official(session, "Ulyanov", campaign_id=a)
    add_target(session, b, p, actor_id=None)
    user = make_user(session)

    def log(c: int, o: int, ch: Channel, out: Outcome, when: datetime, **kw: object) -> int:
        return make_attempt(
            session, campaign_id=c, official_id=o, actor_id=user, channel=ch, outcome=out,
            occurred_at=when, **kw,  # type: ignore[arg-type]
        ).attempt_id  # fmt: skip

    log(a, p, Channel.PHONE, Outcome.NO_ANSWER, at(2, 9))
    kept = ResponseInput(
        Stance.WILL_FORWARD, "Will reply by Friday", commitment_on=date(2026, 3, 6)
    )
    log(a, p, Channel.PHONE, Outcome.SPOKE_TO_STAFF, at(3, 10), response=kept)
    letter = log(a, p, Channel.LETTER, Outcome.SENT, at(4, 10))
    record_response(
        session, attempt_id=letter, actor_id=user,
        response=ResponseInput(Stance.NONCOMMITTAL, "Letter came", responded_at=at(5, 12)),
    )  # fmt: skip
    log(a, s, Channel.FAX, Outcome.SENT, at(9, 8))
    pending = ResponseInput(Stance.OPPOSED, commitment_on=date(2026, 3, 20))
    log(a, s, Channel.PHONE, Outcome.SPOKE_TO_STAFF, at(10, 15), response=pending)
    broken = ResponseInput(Stance.NO_COMMENT, commitment_on=date(2026, 3, 10))
    log(b, p, Channel.PHONE, Outcome.REFUSED, at(10, 9), response=broken)
    log(a, u, Channel.PHONE, Outcome.NO_ANSWER, at(20, 10, month=2))
    return {"a": a, "b": b}


def test_responses_newest_first_with_each_commitments_state(
    session: Session, world: dict[str, int]
) -> None:
    """Smith's promise for the 20th is pending; Petrov's in B (the 10th) was not kept; his
    in A (the 6th) was kept by the letter's reply on the 5th."""
    frame = responses(session, Filters(), TODAY)
    got = list(zip(frame.official, frame.campaign, frame.stance, frame.commitment, strict=True))
    assert got == [
        ("Smith", "A", Stance.OPPOSED, "pending"),
        ("Petrov", "B", Stance.NO_COMMENT, "not kept"),
        ("Petrov", "A", Stance.NONCOMMITTAL, ""),
        ("Petrov", "A", Stance.WILL_FORWARD, "kept"),
    ]
    only_b = responses(session, Filters(campaign_ids=(world["b"],)), TODAY)
    assert list(only_b.commitment) == ["not kept"]


@pytest.mark.usefixtures("world")
def test_coverage_counts_targets_contacted_this_week_per_campaign(session: Session) -> None:
    """A: 4 targets, only Smith called since Monday in A (Petrov's call was in B): 1/4.
    B: Petrov called on Tuesday: 1/1."""
    frame = coverage(session, Filters(), TODAY)
    assert list(zip(frame.campaign, frame.targets, frame.contacted, frame.share, strict=True)) == [
        ("A", 4, 1, 0.25),
        ("B", 1, 1, 1.0),
    ]


@pytest.mark.usefixtures("world")
def test_quiet_officials_are_never_contacted_first_then_the_longest_quiet(session: Session) -> None:
    """Tanaka was never called; Ulyanov last on 20 Feb (19 days before the 11th)."""
    frame = quiet_officials(session, Filters(), TODAY)
    assert list(frame.official) == ["Tanaka", "Ulyanov"]
    assert pd.isna(frame.last_contact[0])
    assert frame.last_contact[1] == at(20, 10, month=2)


@pytest.mark.usefixtures("world")
def test_the_funnel_from_attempt_to_kept_commitment(session: Session) -> None:
    """7 attempts; 3 reached a person (two spoke to staff, one refusal); 4 with a response
    (the letter's reply too); 1 with a kept commitment."""
    frame = funnel(session, Filters(), TODAY)
    assert list(zip(frame.stage, frame.attempts, strict=True)) == [
        ("attempts", 7),
        ("reached a person", 3),
        ("responded", 4),
        ("commitment kept", 1),
    ]
    assert list(frame.share) == [1.0, 3 / 7, 4 / 7, 1 / 7]


@pytest.mark.usefixtures("world")
def test_time_to_first_response_counts_those_still_waiting(session: Session) -> None:
    """Phone: Smith answered the same day (0), Petrov after 25 h (1), Ulyanov waiting
    19 days 14 h (20 Feb 10:00 to the end of 11 March): 1/3 by day 0, 1 − (2/3 · 1/2) = 2/3
    by day 1, still 2/3 at day 19. Letter:
    Petrov after 26 h. Fax: Smith waiting 2 days, never answered."""
    frame = time_to_first_response(session, Filters(), TODAY)
    rows = list(frame.itertuples(index=False, name=None))
    assert rows == [
        ("fax", 2, 1, 0, 1, 0.0),
        ("letter", 1, 1, 1, 0, 1.0),
        ("phone", 0, 3, 1, 0, pytest.approx(1 / 3)),
        ("phone", 1, 2, 1, 0, pytest.approx(2 / 3)),
        ("phone", 19, 1, 0, 1, pytest.approx(2 / 3)),
    ]


@pytest.mark.parametrize("figure", insights.FOLLOW_THROUGH, ids=lambda f: f.key)
def test_each_follow_through_figure_is_registered_with_its_columns_and_definitions(
    session: Session, figure: insights.Figure
) -> None:
    """Every figure has its fixed columns even with no data, and a definition per key."""
    frame = figure.query(session, Filters(), TODAY)
    assert tuple(frame.columns) == figure.columns
    assert all(key in insights.DEFINITIONS for key in figure.definitions)
