"""The synthetic history: marked as demo, inside its window, consistent, repeatable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, aliased

from models.demo import DEMO_CAMPAIGN_NAME, DEMO_OFFICIALS, OUTCOME_WEIGHT, make_demo
from models.filters import start_of_day
from models.insights.upkeep import local_slot
from models.seed import seed
from models.tables import (
    Attempt,
    AuditEvent,
    Campaign,
    CampaignTarget,
    ContactPoint,
    FollowUp,
    Official,
    Response,
    User,
)
from models.text import InvalidInput
from models.vocab import OUTCOME_CLASS, OUTCOMES_BY_CHANNEL, Channel, FollowUpStatus, Outcome
from tests.factories import make_attempt

PAST_DAY = date(2026, 3, 1)  # a fixed, past window end makes a run repeatable


def count(session: Session, table: Any) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def history(session: Session, campaign_id: int, first_id: int) -> list[tuple[Any, ...]]:
    """The demo attempts from ``first_id`` on, without the ids and keys that differ per run."""
    rows = session.execute(
        select(
            Attempt.occurred_at, Attempt.official_id, Attempt.channel, Attempt.outcome,
            Attempt.contact_value, Attempt.duration_s, Attempt.coordinator_id, Attempt.notes,
        )
        .where(Attempt.campaign_id == campaign_id, Attempt.id >= first_id)
        .order_by(Attempt.id)
    )  # fmt: skip
    return [tuple(row) for row in rows]


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    with Session(engine) as session, session.begin():
        seed(session)
    return engine


def test_demo_is_repeatable_for_a_seed(seeded: Engine) -> None:
    """The same seed and window make the same history again, with fresh ids and keys."""
    first = make_demo(seeded, attempts=2_000, seed=7, weeks=8, today=PAST_DAY)
    second = make_demo(seeded, attempts=2_000, seed=7, weeks=8, today=PAST_DAY)
    other = make_demo(seeded, attempts=2_000, seed=8, weeks=8, today=PAST_DAY)
    with Session(seeded) as session:
        one = history(session, first.campaign_id, 1)[:2_000]
        two = history(session, first.campaign_id, 2_001)[:2_000]
        three = history(session, first.campaign_id, 4_001)
        keys = session.scalar(select(func.count(func.distinct(Attempt.idempotency_key))))
    assert (first.responses, first.follow_ups) == (second.responses, second.follow_ups)
    assert one == two
    assert one != three
    assert (first.campaign_id, second.campaign_id) == (other.campaign_id,) * 2
    assert keys == 6_000


def test_everything_made_is_marked_demo(seeded: Engine) -> None:
    """Campaign, its own officials and every coordinator are demo; seeded officials are
    targeted too and stay real."""
    report = make_demo(seeded, attempts=2_000, seed=1, weeks=8)
    with Session(seeded) as session:
        campaign = session.get(Campaign, report.campaign_id)
        targets = session.execute(
            select(Official.full_name, Official.is_demo)
            .join(CampaignTarget, CampaignTarget.official_id == Official.id)
            .where(CampaignTarget.campaign_id == report.campaign_id)
        ).all()
        coordinators = session.execute(
            select(User.display_name, User.is_demo, User.password_hash)
            .where(User.id.in_(select(Attempt.coordinator_id).distinct()))
        ).all()  # fmt: skip
        demo_users = session.scalar(select(func.count()).where(User.is_demo))
    assert campaign is not None
    assert (campaign.name, campaign.is_demo) == (DEMO_CAMPAIGN_NAME, True)
    assert DEMO_CAMPAIGN_NAME == "Demo: synthetic history (not real data)"
    assert {name for name, is_demo in targets if is_demo} == {o[0] for o in DEMO_OFFICIALS}
    assert {name for name, is_demo in targets if not is_demo} == {
        "Anatoly Dmitrievich Viktorov", "Davide Casale", "Evgeniy Zagaynov",
        "Fedor Strzhizhovskiy",
    }  # fmt: skip
    assert all(is_demo and password is None for _, is_demo, password in coordinators)
    assert all(name.startswith("Demo coordinator ") for name, _, _ in coordinators)
    assert demo_users is not None and 20 <= demo_users <= 50


def test_demo_numbers_are_valid_and_fictional(seeded: Engine) -> None:
    """Every demo phone and fax is a valid number in E.164, from a range kept for fiction."""
    make_demo(seeded, attempts=10, seed=1, weeks=1)
    with Session(seeded) as session:
        numbers = session.scalars(
            select(ContactPoint.value)
            .join(Official, Official.id == ContactPoint.official_id)
            .where(Official.is_demo, ContactPoint.kind.in_(["phone", "fax"]))
        ).all()
    assert len(numbers) == 2 * len(DEMO_OFFICIALS)
    fictional = ("+1212555", "+1202555", "+1312555", "+1213555", "+1613555", "+44207946",
                 "+44113496", "+6125550")  # fmt: skip
    for number in numbers:
        assert phonenumbers.is_valid_number(phonenumbers.parse(number, None)), number
        assert number.startswith(fictional), number


def test_attempts_fill_the_window_ending_today(seeded: Engine) -> None:
    """All attempts, replies and completions fall in the weeks ending today, none ahead."""
    today = datetime.now(UTC).date()
    make_demo(seeded, attempts=2_000, seed=3, weeks=4)
    now = datetime.now(UTC)
    with Session(seeded) as session:
        first, last = session.execute(
            select(func.min(Attempt.occurred_at), func.max(Attempt.occurred_at))
        ).one()
        last_reply = session.scalar(select(func.max(Response.responded_at)))
        last_done = session.scalar(select(func.max(FollowUp.completed_at)))
    assert first >= start_of_day(today - timedelta(days=27))
    assert last <= now
    assert last >= start_of_day(today - timedelta(days=7))  # the last week is not empty
    assert last_reply is not None and last_reply <= now
    assert last_done is not None and last_done <= now


def test_a_past_day_ends_the_window(seeded: Engine) -> None:
    """With today set to a past day, nothing is dated after that day."""
    make_demo(seeded, attempts=500, seed=3, weeks=2, today=PAST_DAY)
    with Session(seeded) as session:
        first, last = session.execute(
            select(func.min(Attempt.occurred_at), func.max(Attempt.occurred_at))
        ).one()
    assert first >= start_of_day(PAST_DAY - timedelta(days=13))
    assert last < start_of_day(PAST_DAY + timedelta(days=1))


def test_outcomes_fit_their_channel_and_class(seeded: Engine) -> None:
    """Each outcome is one its channel allows, with the class vocab.py gives it."""
    make_demo(seeded, attempts=2_000, seed=4, weeks=8)
    with Session(seeded) as session:
        combos = session.execute(
            select(Attempt.channel, Attempt.outcome, Attempt.outcome_class).distinct()
        ).all()
        channels = {channel for channel, _, _ in combos}
    for channel, outcome, outcome_class in combos:
        assert outcome in OUTCOMES_BY_CHANNEL[channel]
        assert outcome_class == OUTCOME_CLASS[outcome]
    assert {Channel.PHONE, Channel.FAX} <= channels
    for channel, weights in OUTCOME_WEIGHT.items():
        assert set(weights) <= set(OUTCOMES_BY_CHANNEL[channel])


def test_mostly_phone_and_fax_in_office_hours(seeded: Engine) -> None:
    """Phone and fax are most attempts; most calls land on a weekday in the official's zone."""
    make_demo(seeded, attempts=2_000, seed=5, weeks=8)
    with Session(seeded) as session:
        rows = session.execute(
            select(Attempt.channel, Attempt.occurred_at, Official.timezone).join(
                Official, Official.id == Attempt.official_id
            )
        ).all()
    phone_fax = sum(1 for channel, _, _ in rows if channel in (Channel.PHONE, Channel.FAX))
    in_hours = 0
    for _, when, tz in rows:
        local = when.astimezone(ZoneInfo(tz))
        in_hours += local.weekday() < 5 and 8 <= local.hour < 19
    assert phone_fax / len(rows) > 0.7
    assert in_hours / len(rows) > 0.8


def test_replies_come_after_their_attempts(seeded: Engine) -> None:
    """No reply predates its attempt; some are live and some come days later."""
    make_demo(seeded, attempts=2_000, seed=6, weeks=8)
    with Session(seeded) as session:
        pairs = session.execute(
            select(Attempt.occurred_at, Attempt.duration_s, Response.responded_at).join(
                Response, Response.attempt_id == Attempt.id
            )
        ).all()
    delays = [responded - occurred for occurred, _, responded in pairs]
    assert pairs
    assert min(delays) >= timedelta(0)
    assert any(delay <= timedelta(hours=1) for delay in delays)
    assert any(delay >= timedelta(days=2) for delay in delays)


def test_follow_ups_are_on_time_late_open_and_cancelled(seeded: Engine) -> None:
    """The mix a lead expects, each done one completed by a later attempt to that official."""
    today = datetime.now(UTC).date()
    report = make_demo(seeded, attempts=3_000, seed=2, weeks=8)
    source, done_by = aliased(Attempt), aliased(Attempt)
    with Session(seeded) as session:
        rows = session.execute(
            select(
                FollowUp.status, FollowUp.due_on, FollowUp.completed_at, FollowUp.official_id,
                source.occurred_at, done_by.official_id, done_by.occurred_at,
            )
            .join(source, source.id == FollowUp.source_attempt_id)
            .outerjoin(done_by, done_by.id == FollowUp.completed_by_attempt_id)
        ).all()  # fmt: skip
    assert len(rows) == report.follow_ups
    done = [r for r in rows if r[0] == FollowUpStatus.DONE]
    on_time = [r for r in done if r[2] is not None and r[2].date() <= r[1]]
    overdue = [r for r in rows if r[0] == FollowUpStatus.OPEN and r[1] < today]
    cancelled = [r for r in rows if r[0] == FollowUpStatus.CANCELLED]
    assert on_time and len(on_time) < len(done) and overdue and cancelled
    for _, _, completed_at, official_id, made_at, by_official, by_at in done:
        assert (by_official, by_at) == (official_id, completed_at)
        assert completed_at is not None and completed_at > made_at


def test_demo_writes_one_audit_event_with_the_counts(seeded: Engine) -> None:
    """One "demo" event names the campaign and the counts that are in the tables."""
    report = make_demo(seeded, attempts=1_000, seed=9, weeks=8)
    with Session(seeded) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "demo")).all()
        tables = (count(session, Attempt), count(session, Response), count(session, FollowUp))
    assert len(events) == 1
    event = events[0]
    assert (event.entity, event.entity_id) == ("campaign", report.campaign_id)
    changes = event.changes
    assert (changes["attempts"], changes["responses"], changes["follow_ups"]) == tables
    assert tables == (1_000, report.responses, report.follow_ups)
    assert changes["seed"] == 9


STORED_COLUMNS = [
    Attempt.occurred_at, Attempt.created_at, Response.responded_at, Response.commitment_on,
    FollowUp.due_on, FollowUp.completed_at, FollowUp.created_at,
]  # fmt: skip


def test_stored_values_match_what_the_column_types_store(seeded: Engine) -> None:
    """The demo's fast path stores instants and dates exactly as the ORM would store them."""
    make_demo(seeded, attempts=300, seed=1, weeks=2, today=PAST_DAY)
    dialect = seeded.dialect
    for column in STORED_COLUMNS:
        table = column.class_.__tablename__
        bind: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(
            dialect
        )
        with Session(seeded) as session:
            typed = session.scalars(select(column).order_by(column.class_.id)).all()
        with seeded.connect() as raw:
            sql = f"SELECT {column.key} FROM {table} ORDER BY id"
            stored = [row[0] for row in raw.exec_driver_sql(sql)]
        expected = [value if value is None or bind is None else bind(value) for value in typed]
        assert any(value is not None for value in stored), column
        assert stored == expected, column


def test_the_app_logs_normally_after_a_demo(seeded: Engine) -> None:
    """Ids handed out by the demo do not collide with the next attempt the app logs."""
    report = make_demo(seeded, attempts=200, seed=1, weeks=2)
    with Session(seeded) as session, session.begin():
        official = session.scalar(
            select(CampaignTarget.official_id).where(
                CampaignTarget.campaign_id == report.campaign_id
            )
        )
        user = session.scalar(select(User.id).where(User.is_demo))
        assert official is not None and user is not None
        result = make_attempt(
            session, campaign_id=report.campaign_id, official_id=official, actor_id=user,
            outcome=Outcome.NO_ANSWER,
        )  # fmt: skip
    assert result.attempt_id == 201


def test_demo_needs_at_least_one_attempt(engine: Engine) -> None:
    """Zero or negative attempts are refused with a message, and nothing is written."""
    with pytest.raises(InvalidInput, match="at least 1 attempt"):
        make_demo(engine, attempts=0)
    with Session(engine) as session:
        assert count(session, Campaign) == 0


def test_demo_without_seed_data_uses_its_own_officials(engine: Engine) -> None:
    """An empty database gets a demo too, over the demo officials alone."""
    report = make_demo(engine, attempts=100, seed=1, weeks=1)
    with Session(engine) as session:
        officials = session.scalar(select(func.count(func.distinct(Attempt.official_id))))
    assert report.attempts == 100
    assert officials is not None and officials <= len(DEMO_OFFICIALS)


def test_demo_refuses_when_every_official_is_archived(engine: Engine) -> None:
    """With no official left to call, the demo says so instead of failing oddly."""
    make_demo(engine, attempts=10, seed=1, weeks=1)
    with Session(engine) as session, session.begin():
        session.execute(update(Official).values(archived_at=datetime.now(UTC)))
    with pytest.raises(InvalidInput, match="archived"):
        make_demo(engine, attempts=10, seed=1, weeks=1)


def test_derived_columns_match_the_zone_and_the_reply(seeded: Engine) -> None:
    """Each attempt's local weekday and hour are those of its official's zone, across the
    spring clock changes (New York 8 March, London 29 March, Sydney 5 April 2026), and its
    responded_at is its reply's time."""
    make_demo(seeded, attempts=3_000, seed=11, weeks=6, today=date(2026, 4, 10))
    with Session(seeded) as session:
        rows = session.execute(
            select(
                Attempt.occurred_at, Official.timezone, Attempt.local_weekday, Attempt.local_hour,
                Attempt.responded_at, Response.responded_at,
            )
            .join(Official, Official.id == Attempt.official_id)
            .outerjoin(Response, Response.attempt_id == Attempt.id)
        ).all()  # fmt: skip
    assert len(rows) == 3_000
    for occurred_at, tz, weekday, hour, derived, reply in rows:
        assert (weekday, hour) == local_slot(occurred_at, tz), (occurred_at, tz)
        assert derived == reply
