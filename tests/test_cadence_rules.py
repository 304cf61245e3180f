"""A campaign's own cadence, office-open days, call-back times and commitments, checked
against calendars worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.cadence import call_back_due, next_open_day, propose_follow_up, propose_next
from models.cadence_rules import cadence_rules, set_cadence
from models.commands import ResponseInput, log_attempt
from models.localtime import OfficeHours
from models.permissions import PermissionDenied
from models.tables import AuditEvent, FollowUp
from models.text import InvalidInput
from models.vocab import Channel, Outcome, OutcomeClass, Stance
from tests.factories import make_attempt, make_campaign, make_official, make_user

TUE_TO_FRI = OfficeHours.weekdays(time(9), time(18), days=range(1, 5))


def test_thanksgiving_and_an_office_closed_on_mondays() -> None:
    """US, delivered (2 business days) on Wed 25 Nov 2026: Thu 26 is Thanksgiving, Fri 27
    is the first, Mon 30 the second; an office closed on Mondays moves it to Tue 1 Dec."""
    wednesday = date(2026, 11, 25)
    assert propose_follow_up(OutcomeClass.DELIVERED, wednesday, "US") == date(2026, 11, 30)
    assert propose_follow_up(OutcomeClass.DELIVERED, wednesday, "US", hours=TUE_TO_FRI) == date(
        2026, 12, 1
    )


def test_russian_new_year_holidays_and_a_campaigns_own_cadence() -> None:
    """RU, reached on Thu 31 Dec 2026: 1-8 January are holidays and 9-10 a weekend, so
    3 business days is Wed 13 Jan 2027; a campaign's 1 day is Mon 11 Jan."""
    new_years_eve = date(2026, 12, 31)
    assert propose_follow_up(OutcomeClass.REACHED, new_years_eve, "RU") == date(2027, 1, 13)
    own = {OutcomeClass.REACHED: 1}
    assert propose_follow_up(OutcomeClass.REACHED, new_years_eve, "RU", days=own) == date(
        2027, 1, 11
    )


def test_asked_to_call_back_proposes_the_day_of_the_attempt() -> None:
    """The time they gave goes in "Call back at"; the day proposed is today (theirs)."""
    assert propose_next(Outcome.ASKED_TO_CALL_BACK, date(2026, 3, 4), "RU") == date(2026, 3, 4)


def test_an_office_closed_all_week_falls_back_to_business_days() -> None:
    """No open day at all: the weekday rule is ignored rather than searched forever."""
    closed = OfficeHours.of([])
    assert next_open_day(date(2026, 3, 7), "RU", closed) == date(2026, 3, 10)  # Sat -> Tue


def test_call_back_at_is_the_officials_wall_clock_on_the_follow_up_day() -> None:
    """15:00 in Moscow on 5 March is 12:00 UTC; without a date, the attempt's day there."""
    attempt_at = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # 13:00 in Moscow
    assert call_back_due("Europe/Moscow", attempt_at, date(2026, 3, 5), time(15)) == (
        date(2026, 3, 5),
        datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
    )
    assert call_back_due("Europe/Moscow", attempt_at, None, time(15)) == (
        date(2026, 3, 4),
        datetime(2026, 3, 4, 12, 0, tzinfo=UTC),
    )
    with pytest.raises(InvalidInput, match="is before the attempt"):
        call_back_due("Europe/Moscow", attempt_at, None, time(12, 30))


@pytest.fixture
def world(session: Session) -> dict[str, int]:
    campaign = make_campaign(session)
    return {
        "campaign": campaign,
        "official": make_official(session, campaign_id=campaign),
        "user": make_user(session),
    }


def test_a_call_back_time_is_stored_on_the_follow_up(
    session: Session, world: dict[str, int]
) -> None:
    """Asked to call back at 15:00 their time on 5 March: due_on 5 March, due_at 12:00 UTC."""
    result = log_attempt(
        session, campaign_id=world["campaign"], official_id=world["official"],
        channel=Channel.PHONE,
        outcome=Outcome.ASKED_TO_CALL_BACK, actor_id=world["user"], idempotency_key="cb",
        occurred_at=datetime(2026, 3, 4, 10, 0, tzinfo=UTC), follow_up_on=date(2026, 3, 5),
        call_back_at=time(15, 0),
    )  # fmt: skip
    follow_up = session.get(FollowUp, result.follow_up_id)
    assert follow_up is not None
    assert (follow_up.due_on, follow_up.due_at) == (
        date(2026, 3, 5),
        datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
    )


def test_a_commitment_is_followed_up_the_first_business_day_after_it(
    session: Session, world: dict[str, int]
) -> None:
    """Will reply by Fri 6 March 2026 (RU): Sat, Sun, then Mon 9 March (the 8 March
    holiday moved there), so Tue 10 March."""
    make_attempt(
        session,
        campaign_id=world["campaign"],
        official_id=world["official"],
        actor_id=world["user"],
        outcome=Outcome.SPOKE_TO_STAFF,
        occurred_at=datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
        response=ResponseInput(Stance.WILL_FORWARD, commitment_on=date(2026, 3, 6)),
    )
    [due] = session.scalars(select(FollowUp.due_on).where(FollowUp.reason == "commitment"))
    assert due == date(2026, 3, 10)


def test_an_admin_sets_the_cadence_and_limit_and_it_is_audited(
    session: Session, world: dict[str, int]
) -> None:
    """Defaults 1/2/3/5 and 3 until set; then the campaign's own, one audit event naming
    what changed; setting the same again changes nothing."""
    assert cadence_rules(session, world["campaign"]) is not None
    rules = cadence_rules(session, world["campaign"])
    assert rules is not None and (rules.as_dict(), rules.daily_cap) == (
        {
            OutcomeClass.NO_CONTACT: 1,
            OutcomeClass.DELIVERED: 2,
            OutcomeClass.REACHED: 3,
            OutcomeClass.REFUSED: 5,
        },
        3,
    )
    new = {OutcomeClass.REACHED: 4}
    assert set_cadence(session, world["campaign"], days=new, daily_cap=2, actor_id=None)
    after = cadence_rules(session, world["campaign"])
    assert after is not None
    assert (after.as_dict()[OutcomeClass.REACHED], after.daily_cap) == (4, 2)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "campaign", AuditEvent.action == "update")
    ).one()
    assert event.changes == {"cadence reached": [3, 4], "daily_cap": [3, 2]}
    assert not set_cadence(session, world["campaign"], days=new, daily_cap=2, actor_id=None)


def test_cadence_out_of_bounds_or_by_a_coordinator_is_refused(
    session: Session, world: dict[str, int]
) -> None:
    """A negative day count, a limit of 0, or a coordinator: refused."""
    with pytest.raises(InvalidInput, match="must be 0 to 60"):
        set_cadence(
            session, world["campaign"], days={OutcomeClass.REACHED: -1}, daily_cap=3, actor_id=None
        )
    with pytest.raises(InvalidInput, match="daily limit must be 1 to 50"):
        set_cadence(session, world["campaign"], days={}, daily_cap=0, actor_id=None)
    with pytest.raises(PermissionDenied):
        set_cadence(session, world["campaign"], days={}, daily_cap=4, actor_id=world["user"])
