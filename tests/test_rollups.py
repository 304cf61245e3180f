"""Rollups: every write keeps them exact, so they always equal a rebuild from the raw rows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models import insights
from models.campaigns import add_target
from models.commands import (
    ResponseInput,
    cancel_follow_up,
    create_follow_up,
    log_attempt,
    record_response,
)
from models.corrections import AttemptEdit, delete_attempt, restore_attempt, update_attempt
from models.db import alembic_config, make_engine
from models.directory import OfficialInput, update_official
from models.filters import Filters
from models.insights import reference
from models.insights.upkeep import ROLLUP_TABLES, delay_band, local_slot, rebuild_rollups
from models.response_rules import is_answerable
from models.tables import Attempt, FollowUp, Official, Response
from models.users import ensure_user
from models.vocab import (
    LIVE_CLASSES,
    OUTCOMES_BY_CHANNEL,
    Channel,
    FollowUpStatus,
    Outcome,
    OutcomeClass,
    Role,
    Stance,
)
from tests.factories import make_attempt, make_campaign, make_official

START = datetime(2025, 12, 1, tzinfo=UTC)  # the sequence spans a new year and a DST change
SPAN_MINUTES = 130 * 24 * 60
ZONES = ("America/New_York", "Europe/Moscow", "Australia/Sydney")


def rollup_rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup row, sorted, per table."""
    session.flush()
    return {
        table.name: sorted(tuple(row) for row in session.execute(select(table)))
        for table in ROLLUP_TABLES
    }


class Scenario:
    """A seeded mix of user actions through the real command functions."""

    def __init__(self, session: Session, seed: int) -> None:
        self.session, self.rng = session, random.Random(seed)
        self.campaigns = [make_campaign(session, f"Campaign {n}") for n in (1, 2)]
        self.officials = [
            make_official(session, f"Official {n}", campaign_id=self.campaigns[0], timezone=tz)
            for n, tz in enumerate(ZONES)
        ]
        for official in self.officials:
            add_target(session, self.campaigns[1], official, actor_id=None)
        self.admin = ensure_user(session, "Admin", role=Role.ADMIN).id
        self.keys = 0

    def when(self) -> datetime:
        return START + timedelta(minutes=self.rng.randrange(SPAN_MINUTES))

    def attempt_ids(self, *, deleted: bool) -> list[int]:
        gone = Attempt.deleted_at.is_not(None)
        stmt = select(Attempt.id).where(gone if deleted else ~gone).order_by(Attempt.id)
        return list(self.session.scalars(stmt))

    def log(self) -> None:
        channel = self.rng.choice(list(Channel))
        outcome = self.rng.choice(OUTCOMES_BY_CHANNEL[channel])
        when = self.when()
        live = outcome.outcome_class in LIVE_CLASSES and self.rng.random() < 0.4
        self.keys += 1
        log_attempt(
            self.session, campaign_id=self.rng.choice(self.campaigns),
            official_id=self.rng.choice(self.officials), channel=channel, outcome=outcome,
            actor_id=self.admin, idempotency_key=f"rollup-test-{self.keys}", occurred_at=when,
            follow_up_on=when.date() + timedelta(days=self.rng.randrange(0, 10))
            if self.rng.random() < 0.3 else None,
            response=ResponseInput(
                Stance.NONCOMMITTAL,
                commitment_on=when.date() + timedelta(days=self.rng.randrange(12)),
            ) if live else None,
        )  # fmt: skip

    def reply(self) -> None:
        stmt = select(Attempt.id, Attempt.occurred_at).where(
            Attempt.deleted_at.is_(None),
            Attempt.responded_at.is_(None),
            Attempt.outcome_class != OutcomeClass.NO_CONTACT,  # nothing to answer
        )
        rows = self.session.execute(stmt.order_by(Attempt.id)).all()
        if rows:
            attempt_id, occurred_at = self.rng.choice(rows)
            later = occurred_at + timedelta(seconds=self.rng.choice((30, 3600, 90_000, 10**6)))
            promise = later.date() + timedelta(days=self.rng.randrange(6))
            response = ResponseInput(Stance.SUPPORTIVE, responded_at=later, commitment_on=promise)
            record_response(
                self.session, attempt_id=attempt_id, response=response, actor_id=self.admin
            )

    def edit(self) -> None:
        ids = self.attempt_ids(deleted=False)
        if not ids:
            return
        attempt = self.session.get(Attempt, self.rng.choice(ids))
        assert attempt is not None
        channel = self.rng.choice(list(Channel))
        when = self.when()
        if attempt.responded_at is not None:
            when = min(when, attempt.responded_at)
        outcome = self.rng.choice(OUTCOMES_BY_CHANNEL[channel])
        # An outcome that could not have had the response removes it in the same edit.
        drop = attempt.responded_at is not None and not is_answerable(
            outcome, when, attempt.responded_at
        )
        edit = AttemptEdit(channel, outcome, when, drop_response=drop)
        update_attempt(self.session, attempt.id, edit, actor_id=self.admin)

    def delete(self) -> None:
        ids = self.attempt_ids(deleted=False)
        if ids:
            delete_attempt(self.session, self.rng.choice(ids), actor_id=self.admin)

    def restore(self) -> None:
        ids = self.attempt_ids(deleted=True)
        if ids:
            restore_attempt(self.session, self.rng.choice(ids), actor_id=self.admin)

    def follow_up(self) -> None:
        create_follow_up(
            self.session, campaign_id=self.rng.choice(self.campaigns),
            official_id=self.rng.choice(self.officials), due_on=self.when().date(),
            actor_id=self.admin,
        )  # fmt: skip

    def cancel(self) -> None:
        stmt = select(FollowUp.id).where(FollowUp.status == FollowUpStatus.OPEN)
        ids = list(self.session.scalars(stmt.order_by(FollowUp.id)))
        if ids:
            cancel_follow_up(self.session, follow_up_id=self.rng.choice(ids), actor_id=self.admin)

    def run(self, steps: int) -> None:
        actions: list[tuple[Callable[[], None], int]] = [
            (self.log, 10), (self.reply, 3), (self.edit, 3), (self.delete, 2),
            (self.restore, 1), (self.follow_up, 1), (self.cancel, 1),
        ]  # fmt: skip
        for _ in range(steps):
            action = self.rng.choices([a for a, _ in actions], [w for _, w in actions])[0]
            action()


def test_incremental_rollups_equal_a_rebuild(session: Session) -> None:
    """After 300 seeded logs, replies, edits, deletes, restores and follow-up changes made
    through the command functions, the rollups equal rebuild_rollups() exactly."""
    Scenario(session, seed=20260304).run(300)
    incremental = rollup_rows(session)
    rebuild_rollups(session)
    assert rollup_rows(session) == incremental
    assert all(incremental.values()), "every rollup table has rows"
    deleted = session.scalar(select(Attempt.id).where(Attempt.deleted_at.is_not(None)).limit(1))
    assert deleted is not None, "the sequence deleted something"


def test_derived_attempt_columns_match_their_sources(session: Session) -> None:
    """responded_at copies the response; the local weekday and hour are the official's."""
    Scenario(session, seed=7).run(150)
    session.flush()
    stmt = (
        select(Attempt, Official.timezone, Response.responded_at)
        .join(Official, Official.id == Attempt.official_id)
        .outerjoin(Response, Response.attempt_id == Attempt.id)
    )
    for attempt, zone, responded_at in session.execute(stmt):
        assert attempt.responded_at == responded_at
        assert (attempt.local_weekday, attempt.local_hour) == local_slot(attempt.occurred_at, zone)


def test_figures_from_rollups_equal_the_raw_definitions(session: Session) -> None:
    """For ranges cut anywhere in a week, read as weeks or as all time less the weeks
    outside, the figures equal the raw-table counts of models/insights/reference.py."""
    scenario = Scenario(session, seed=99)
    scenario.run(250)
    session.flush()
    ranges = [(None, None), (date(2025, 12, 3), date(2026, 2, 17)), (date(2026, 1, 1), None),
              (None, date(2026, 3, 10)), (date(2026, 3, 4), date(2026, 3, 6))]  # fmt: skip
    for date_from, date_to in ranges:
        for extra in ({}, {"campaign_ids": (scenario.campaigns[1],)},
                      {"channels": (Channel.PHONE, Channel.FAX)},
                      {"official_ids": (scenario.officials[0],)}):  # fmt: skip
            filters = Filters(date_from=date_from, date_to=date_to, **extra)
            raw = reference.response_rate_by_week(session, filters)
            ours = insights.response_rate_by_week(session, filters)
            assert ours[["week", "attempts", "responded"]].values.tolist() == (
                raw[["week", "attempts", "responded"]].values.tolist()
            ), filters
            assert insights.summary(session, filters) == reference.summary(session, filters)
            by_channel = insights.attempts_by_week_channel(session, filters)
            assert by_channel.values.tolist() == (
                reference.attempts_by_week_channel(session, filters).values.tolist()
            ), filters


def test_a_count_that_falls_to_zero_leaves_no_row(session: Session) -> None:
    """Logging one answered call and deleting it leaves every attempt rollup empty."""
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign)
    admin = ensure_user(session, "Admin", role=Role.ADMIN).id
    result = make_attempt(
        session, campaign_id=campaign, official_id=official, actor_id=admin,
        outcome=Outcome.SPOKE_TO_STAFF, response=ResponseInput(Stance.SUPPORTIVE),
    )  # fmt: skip
    assert any(rollup_rows(session).values())
    delete_attempt(session, result.attempt_id, actor_id=admin)
    assert rollup_rows(session) == {table.name: [] for table in ROLLUP_TABLES}


def test_correcting_an_officials_zone_moves_their_calls(session: Session) -> None:
    """A call at 12:00 UTC is 15:00 in Moscow; with the zone corrected to London, 12:00."""
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign, timezone="Europe/Moscow")
    admin = ensure_user(session, "Admin", role=Role.ADMIN).id
    when = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
    attempt_id = make_attempt(
        session, campaign_id=campaign, official_id=official, actor_id=admin, occurred_at=when
    ).attempt_id
    data = OfficialInput(full_name="Ivan Petrov", organization="Ministry of Examples",
                         timezone="Europe/London", country="GB")  # fmt: skip
    update_official(session, official, data, actor_id=admin)
    session.flush()
    attempt = session.get(Attempt, attempt_id)
    assert attempt is not None
    session.refresh(attempt)
    assert (attempt.local_weekday, attempt.local_hour) == (2, 12)
    incremental = rollup_rows(session)
    rebuild_rollups(session)
    assert rollup_rows(session) == incremental


def test_delay_bands_are_the_same_in_python_and_sql(session: Session) -> None:
    """A delay on a band's edge, with fractions of seconds, falls in the same band in both."""
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign)
    admin = ensure_user(session, "Admin", role=Role.ADMIN).id
    base = datetime(2026, 2, 2, 9, 0, 0, 700_000, tzinfo=UTC)
    for n, seconds in enumerate((59, 60, 3600, 86_400, 30 * 86_400)):
        attempt_id = make_attempt(
            session, campaign_id=campaign, official_id=official, actor_id=admin,
            occurred_at=base + timedelta(hours=n), outcome=Outcome.SPOKE_TO_STAFF,
        ).attempt_id  # fmt: skip
        later = base + timedelta(hours=n, seconds=seconds, microseconds=-400_000)
        response = ResponseInput(Stance.NO_COMMENT, responded_at=later)
        record_response(session, attempt_id=attempt_id, response=response, actor_id=admin)
    assert [delay_band(s) for s in (59, 60, 3600, 86_400, 30 * 86_400)] == [0, 1, 4, 8, 13]
    incremental = rollup_rows(session)
    rebuild_rollups(session)
    assert rollup_rows(session) == incremental


def test_migration_backfills_existing_attempts(tmp_path: Path) -> None:
    """Attempts stored before the rollups existed get local hours, response times, rollups."""
    url = f"sqlite:///{tmp_path}/old.db"
    config = alembic_config(url)
    command.upgrade(config, "0002")
    engine: Engine = make_engine(url)
    with engine.begin() as conn:
        for sql in (
            "INSERT INTO users (id, name, display_name, role, is_active, is_demo, created_at,"
            " failed_sign_ins) VALUES (1, 'a', 'A', 'admin', 1, 0, '2026-01-01 00:00:00', 0)",
            "INSERT INTO campaigns (id, name, description, ask, call_script, status, source,"
            " is_demo, created_at) VALUES (1, 'C', '', '', '', 'active', '', 0,"
            " '2026-01-01 00:00:00')",
            "INSERT INTO officials (id, full_name, given_name, patronymic, family_name, title,"
            " organization, country, timezone, office_days, office_opens, office_closes,"
            " office_hours_assumed, notes, is_demo, created_at) VALUES (1, 'NY', '', '', '', '',"
            " '', 'US', 'America/New_York', 31, '09:00:00', '18:00:00', 1, '', 0,"
            " '2026-01-01 00:00:00')",
            "INSERT INTO attempts (id, campaign_id, official_id, contact_value, channel, outcome,"
            " outcome_class, occurred_at, notes, coordinator_id, idempotency_key, created_at)"
            " VALUES (1, 1, 1, '', 'phone', 'spoke to staff', 'reached',"
            " '2026-03-09 13:30:00.000000', '', 1, 'k1', '2026-03-09 13:30:00.000000')",
            "INSERT INTO responses (id, attempt_id, stance, summary, responded_at,"
            " recorded_by_id, created_at) VALUES (1, 1, 'supportive', '',"
            " '2026-03-09 15:30:00.000000', 1, '2026-03-09 15:30:00.000000')",
        ):
            conn.execute(text(sql))
    engine.dispose()
    command.upgrade(config, "head")
    engine = make_engine(url)
    with Session(engine) as session:
        attempt = session.get(Attempt, 1)
        assert attempt is not None
        assert (attempt.local_weekday, attempt.local_hour) == (0, 9)  # Mon 09:30 EDT
        assert attempt.responded_at == datetime(2026, 3, 9, 15, 30, tzinfo=UTC)
        counts = insights.response_rate_by_week(session, Filters())
        assert counts[["week", "attempts", "responded"]].values.tolist() == [
            [date(2026, 3, 9), 1, 1]
        ]
        assert insights.best_time_to_call(session, Filters()).attempts.tolist() == [1]
    engine.dispose()


@pytest.mark.parametrize("seconds", [0, 59, 60, 299, 300, 86_399, 86_400])
def test_delay_band_edges(seconds: int) -> None:
    """Each band includes its lower edge and excludes its upper one."""
    expected = {0: 0, 59: 0, 60: 1, 299: 1, 300: 2, 86_399: 7, 86_400: 8}[seconds]
    assert delay_band(seconds) == expected
