"""The shared filters every figure honours: date range, campaign, official, channel, coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import QueryableAttribute, Session

from models.tables import Attempt, AttemptRollup, Campaign
from models.vocab import Channel

Stmt = TypeVar("Stmt", bound=Select[*tuple[Any, ...]])
Column = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class FilterColumns:
    """Which column of a source each filter narrows.

    None: the source has no such column, and that filter leaves it alone (its reader
    decides what the filter means there). ``time`` is a UTC timestamp, kept within
    [date_from 00:00, date_to + 1 day 00:00); ``day`` is a date, kept within
    [date_from, date_to]; rows with a ``deleted_at`` are left out. A column may be given
    as ``sqlfuncs.unindexed(...)`` to steer SQLite's choice of index.
    """

    deleted_at: Column | None = None
    time: Column | None = None
    day: Column | None = None
    campaign: Column | None = None
    official: Column | None = None
    channel: Column | None = None
    coordinator: Column | None = None


# The attempts table: what exports, the reference counts and the per-official walks read.
ATTEMPTS = FilterColumns(
    deleted_at=Attempt.deleted_at,
    time=Attempt.occurred_at,
    campaign=Attempt.campaign_id,
    official=Attempt.official_id,
    channel=Attempt.channel,
    coordinator=Attempt.coordinator_id,
)


@dataclass(frozen=True)
class Filters:
    """Which attempts a figure is about. Dates are inclusive UTC days; empty means all.

    Soft-deleted attempts are always excluded. The value is hashable so the UI can
    use it as a cache key.
    """

    date_from: date | None = None
    date_to: date | None = None
    campaign_ids: tuple[int, ...] = ()
    official_ids: tuple[int, ...] = ()
    channels: tuple[Channel, ...] = ()
    coordinator_ids: tuple[int, ...] = ()

    def narrow(self, stmt: Stmt, columns: FilterColumns) -> Stmt:
        """``stmt`` narrowed to the rows these filters select, by ``columns`` of its source."""
        c = columns
        if c.deleted_at is not None:
            stmt = stmt.where(c.deleted_at.is_(None))
        if self.date_from is not None:
            if c.time is not None:
                stmt = stmt.where(c.time >= start_of_day(self.date_from))
            if c.day is not None:
                stmt = stmt.where(c.day >= self.date_from)
        if self.date_to is not None:
            if c.time is not None:
                stmt = stmt.where(c.time < start_of_day(self.date_to + timedelta(days=1)))
            if c.day is not None:
                stmt = stmt.where(c.day <= self.date_to)
        for column, values in (
            (c.campaign, self.campaign_ids),
            (c.official, self.official_ids),
            (c.channel, self.channels),
            (c.coordinator, self.coordinator_ids),
        ):
            if values and column is not None:
                stmt = stmt.where(column.in_(values))
        return stmt


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def real_campaign_ids(session: Session) -> tuple[int, ...]:
    """The campaigns that are not demo ones, if any of them has a live attempt; else ().

    What the shared filters start from when a link names no campaign: once real work is
    logged, the synthetic demo history no longer drowns it; before that, the demo is
    all there is to see. Read from the all-time rows of the attempt rollup (live
    attempts only), a primary-key range: never a walk over the attempts.
    """
    real = tuple(session.scalars(select(Campaign.id).where(Campaign.is_demo.is_(False))))
    if not real:
        return ()
    rollup = AttemptRollup
    logged = (
        select(rollup.campaign_id)
        .where(
            rollup.period_days == 0,  # all time (models.insights.counting.ALL_TIME)
            rollup.campaign_id.in_(real),
            rollup.attempts > 0,
        )
        .limit(1)
    )
    if session.execute(logged).first() is None:
        return ()
    names = select(Campaign.id).where(Campaign.id.in_(real)).order_by(Campaign.name)
    return tuple(session.scalars(names))
