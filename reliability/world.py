"""The database the suite writes to, the attempts its writers log, and the checks.

A writer logs exactly as the Log outreach page does: an :class:`AttemptEntry` through
``save_attempt`` in ``run_write`` (the page's ``cache.write(..., retryable=True)``), so
a refusal for a lock is retried inside the command and only what reaches the user counts
as an error.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from models import data_version
from models.campaigns import CampaignInput, add_target, create_campaign
from models.commands import LogResult
from models.db import DEFAULT_RETRIES, make_engine, migrate, run_write, session_scope
from models.directory import OfficialInput, create_official
from models.entries import AttemptEntry, save_attempt
from models.filters import Filters
from models.insights import FIGURES, FOLLOW_THROUGH, headline, rebuild
from models.insights.upkeep import ROLLUP_TABLES
from models.tables import Attempt, Campaign
from models.users import ensure_user
from models.vocab import Channel, Outcome, Stance

ZONES = ("Europe/Moscow", "America/New_York", "Asia/Yekaterinburg", "UTC")
OFFICIALS_PER_WRITER = 3
# Attempts are dated back over most of a year (the form allows 366 days), so the
# rollups the writers keep span many weeks, hours and due days.
SPREAD_DAYS = 350
OUTCOMES = (
    Outcome.NO_ANSWER,
    Outcome.SPOKE_TO_STAFF,
    Outcome.LEFT_VOICEMAIL,
    Outcome.BUSY,
    Outcome.SPOKE_TO_OFFICIAL,
)
LIVE_OUTCOMES = (Outcome.SPOKE_TO_STAFF, Outcome.SPOKE_TO_OFFICIAL)


@dataclass(frozen=True)
class World:
    """One campaign, a coordinator per writer and the officials each writer calls."""

    campaign_id: int
    writers: tuple[tuple[int, tuple[int, ...]], ...]  # (user id, official ids) per writer


def prepare(url: str, writers: int, *, label: str = "Reliability") -> World:
    """Migrate the database at ``url`` and add a campaign, ``writers`` coordinators and
    their officials (through the model layer, as ``cli.py`` would)."""
    engine = make_engine(url)
    try:
        migrate(engine)
        with session_scope(engine) as session:
            return _make_world(session, writers, label)
    finally:
        engine.dispose()


def _make_world(session: Session, writers: int, label: str) -> World:
    campaign_id = create_campaign(session, CampaignInput(name=f"{label} campaign"), actor_id=None)
    # Thousands of attempts to a few dozen officials: lift the campaign's daily limit (3
    # per official and day), as the benchmark's scratch copy does; the guarded INSERT
    # still runs, the statement a coordinator waits on.
    session.execute(update(Campaign).where(Campaign.id == campaign_id).values(daily_cap=10**9))
    people = []
    for w in range(writers):
        user_id = ensure_user(session, f"{label} coordinator {w}").id
        officials = []
        for k in range(OFFICIALS_PER_WRITER):
            official_id = create_official(
                session,
                OfficialInput(
                    full_name=f"{label} official {w}-{k}",
                    organization="Ministry of Examples",
                    timezone=ZONES[(w + k) % len(ZONES)],
                    country="RU",
                ),
                actor_id=None,
            )
            add_target(session, campaign_id, official_id, actor_id=None)
            officials.append(official_id)
        people.append((user_id, tuple(officials)))
    return World(campaign_id, tuple(people))


def entry(world: World, writer: int, n: int, now: datetime) -> AttemptEntry:
    """Writer ``writer``'s attempt number ``n``: its officials in turn, a mix of outcomes,
    a live response on most reached calls, a follow-up asked for every fourth (which the
    writer's next attempt to that official completes)."""
    user_id, officials = world.writers[writer]
    outcome = OUTCOMES[n % len(OUTCOMES)]
    when = now - timedelta(days=(n * 7 + writer) % SPREAD_DAYS, minutes=n % 600)
    responded = outcome in LIVE_OUTCOMES and n % 3 != 0
    return AttemptEntry(
        campaign_id=world.campaign_id,
        official_id=officials[n % len(officials)],
        channel=Channel.PHONE,
        contact_point_id=None,
        outcome=outcome,
        occurred_at=when,
        duration_s=60 + n % 300,
        notes=f"call {n} by writer {writer}" if n % 2 else "",
        follow_up_on=(when + timedelta(days=7)).date() if n % 4 == 0 else None,
        responded=responded,
        stance=Stance.NONCOMMITTAL if responded else None,
        summary="said they would pass it on" if responded else "",
        commitment_on=None,
        actor_id=user_id,
    )


def key(prefix: str, writer: int, n: int) -> str:
    return f"{prefix}-{writer}-{n}"


def log(engine: Engine, attempt: AttemptEntry, idempotency_key: str, now: datetime) -> LogResult:
    """Save one attempt as the Log page does: retried on a lock error (the key makes a
    second try return the first save), the campaign's activity version moved."""
    return run_write(
        engine,
        lambda session: save_attempt(
            session, attempt, idempotency_key=idempotency_key, now_utc=now
        ),
        retries=DEFAULT_RETRIES,
        moves=data_version.scopes_of((data_version.ACTIVITY,), attempt.campaign_id),
    )


def read_insights(session: Session, now: datetime) -> int:
    """Every figure the Insights page reads, over all history: how many were read."""
    filters = Filters()
    headline(session, filters, now=now)
    for figure in (*FIGURES, *FOLLOW_THROUGH):
        figure.query(session, filters, now.date())
    return len(FIGURES) + len(FOLLOW_THROUGH) + 1


def saved_keys(engine: Engine, prefix: str) -> set[str]:
    with session_scope(engine, write=False) as session:
        return set(
            session.scalars(
                select(Attempt.idempotency_key).where(Attempt.idempotency_key.like(f"{prefix}-%"))
            )
        )


def attempt_count(engine: Engine) -> int:
    with session_scope(engine, write=False) as session:
        return int(session.scalar(select(func.count(Attempt.id))) or 0)


def rollup_rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table.name: sorted(tuple(row) for row in session.execute(select(table)))
        for table in ROLLUP_TABLES
    }


def rollup_differences(engine: Engine) -> list[str]:
    """The rollup tables that differ from what ``models.insights.rebuild`` computes from
    the raw rows (the rebuild is rolled back: the database is left as it was)."""
    with Session(engine.execution_options(sqlite_begin="IMMEDIATE")) as session:
        kept = rollup_rows(session)
        rebuild(session)
        rebuilt = rollup_rows(session)
        session.rollback()
    return [
        f"{name}: {len(kept[name])} rows kept, {len(rebuilt[name])} rebuilt, "
        f"{len(set(kept[name]) ^ set(rebuilt[name]))} differ"
        for name in kept
        if kept[name] != rebuilt[name]
    ]


def is_lock_message(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(
        words in text
        for words in ("database is locked", "serializ", "deadlock", "could not obtain lock")
    )


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.seconds.append(value)

    def p(self, q: int) -> float:
        return percentile(self.seconds, q)


def percentile(values: Sequence[float], q: int) -> float:
    """The ``q``-th percentile (nearest rank above, inclusive method); 0 without values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    if q == 50:
        return statistics.median(values)
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def utc_now() -> datetime:
    return datetime.now(UTC)
