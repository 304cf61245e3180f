"""Timing the Follow-ups queue: the model's one query (with office states) and the page,
against a naive per-row approach (a query per follow-up), at 50,000 open follow-ups.

The demo history leaves about a tenth of its follow-ups open (23,627 at 1M attempts), so
:func:`ensure_open_follow_ups` tops the demo campaign up with open follow-ups due from
60 days ago to 30 days ahead, deterministically, through the bulk writer (which rebuilds
the rollups), until the database holds the number asked for.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import streamlit as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.bulk import FollowUpRow, bulk_writer
from models.db import session_scope
from models.demo import DEMO_CAMPAIGN_NAME
from models.directory import office_hours_of
from models.office_status import availability
from models.queue import SECTIONS, follow_up_queue
from models.queue_health import queue_health
from models.tables import Attempt, Campaign, CampaignTarget, FollowUp, Official, User
from models.vocab import FollowUpStatus
from pages.ui import state
from pages.ui.nav import page
from pages.ui.queue_reads import QUEUE_ROWS

HORIZON = 7


def ensure_open_follow_ups(engine: Engine, wanted: int) -> int:
    """At least ``wanted`` open follow-ups in the database; how many there are."""
    with session_scope(engine) as session:
        have = _open_count(session)
        if have >= wanted:
            return have
        campaign = session.scalar(select(Campaign.id).where(Campaign.name == DEMO_CAMPAIGN_NAME))
        targets = list(
            session.scalars(
                select(CampaignTarget.official_id).where(CampaignTarget.campaign_id == campaign)
            )
        )
        users = list(session.scalars(select(User.id).where(User.is_demo).order_by(User.id)))
        rng, today, now = random.Random(1), datetime.now(UTC).date(), datetime.now(UTC)
        rows = []
        for _ in range(wanted - have):
            due, by = today + timedelta(days=rng.randrange(-60, 31)), rng.choice(users)
            made = now - timedelta(days=61)
            rows.append(FollowUpRow(int(campaign or 0), rng.choice(targets), due, by, made,
                                    "bench", by))  # fmt: skip
        with bulk_writer(session) as writer:
            writer.write((), (), rows)
        return _open_count(session)


def _open_count(session: Session) -> int:
    stmt = select(func.count()).where(FollowUp.status == FollowUpStatus.OPEN)
    return int(session.scalar(stmt) or 0)


def model_times(engine: Engine, repeats: int, assignee_id: int | None = None) -> list[float]:
    """Seconds for the queue (query, office hours, states), Team view, per repeat."""
    today, now = datetime.now(UTC).date(), datetime.now(UTC)

    def run(session: Session) -> None:
        follow_up_queue(
            session, today=today, now_utc=now, horizon_days=HORIZON,
            assignee_id=assignee_id, limit=QUEUE_ROWS,
        )  # fmt: skip

    return _timed(engine, run, repeats)


def health_times(engine: Engine, repeats: int) -> list[float]:
    """Seconds for queue health (callable now and why not), Team view, by phone."""
    today, now = datetime.now(UTC).date(), datetime.now(UTC)
    return _timed(engine, lambda session: queue_health(session, today=today, now_utc=now), repeats)


def naive_times(engine: Engine, repeats: int) -> list[float]:
    """The same rows the per-row way: every open follow-up, then per row its last attempt
    and its official's hours, states for all, sorted in Python, the first of each section."""
    today, now = datetime.now(UTC).date(), datetime.now(UTC)
    return _timed(engine, lambda session: naive_queue(session, today, now), repeats)


def naive_queue(session: Session, today: date, now: datetime) -> dict[str, list[Any]]:
    owed = session.scalars(
        select(FollowUp).where(
            FollowUp.status == FollowUpStatus.OPEN,
            FollowUp.due_on <= today + timedelta(days=HORIZON),
        )
    ).all()
    sections: dict[str, list[Any]] = {name: [] for name in SECTIONS}
    for follow_up in owed:
        if follow_up.snoozed_until is not None and follow_up.snoozed_until > today:
            continue
        last = session.execute(
            select(Attempt.occurred_at, Attempt.outcome)
            .where(
                Attempt.campaign_id == follow_up.campaign_id,
                Attempt.official_id == follow_up.official_id,
                Attempt.deleted_at.is_(None),
            )
            .order_by(Attempt.occurred_at.desc())
            .limit(1)
        ).first()
        official = session.get(Official, follow_up.official_id)
        assert official is not None
        state_now = availability(
            office_hours_of(official), official.timezone, official.country, now
        )
        name = _section(follow_up.due_on, today)
        sections[name].append((not state_now.callable, follow_up.due_on, follow_up.id, last))
    return {name: sorted(rows)[:QUEUE_ROWS] for name, rows in sections.items()}


def _section(due_on: date, today: date) -> str:
    return SECTIONS[0] if due_on < today else SECTIONS[1] if due_on == today else SECTIONS[2]


def page_times(open_page: Callable[[], AppTest], repeats: int) -> list[float]:
    """Seconds for the Follow-ups page's Team tab through AppTest, every cache cleared."""
    at = open_page()
    at.switch_page(page("follow-ups").file)
    at.session_state[state.FOLLOW_UP_TAB] = "Team"
    at.run()
    if at.exception:
        raise SystemExit(f"the Follow-ups page failed: {[e.value for e in at.exception]}")
    seconds = []
    for _ in range(repeats):
        st.cache_data.clear()
        started = time.perf_counter()
        at.run()
        seconds.append(time.perf_counter() - started)
    return seconds


def _timed(engine: Engine, action: Callable[[Session], object], repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        with session_scope(engine, write=False) as session:
            started = time.perf_counter()
            action(session)
            seconds.append(time.perf_counter() - started)
    return seconds


def median(values: list[float]) -> float:
    return statistics.median(values)
