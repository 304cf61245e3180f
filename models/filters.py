"""The shared filters every figure honours: date range, campaign, official, channel, coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select

from models.sqlfuncs import unindexed
from models.tables import Attempt
from models.vocab import Channel

Stmt = TypeVar("Stmt", bound=Select[*tuple[Any, ...]])


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

    def apply(self, stmt: Stmt, *, by_time: bool = False) -> Stmt:
        """``stmt`` narrowed to the attempts these filters select.

        ``by_time=True`` keeps SQLite from reading an index by campaign, official or
        channel, so that the time range (or the coordinator) picks the index: for the
        few days that models/insights/sources.py reads raw.
        """
        column = unindexed if by_time else _same
        stmt = stmt.where(Attempt.deleted_at.is_(None))
        if self.date_from is not None:
            stmt = stmt.where(Attempt.occurred_at >= start_of_day(self.date_from))
        if self.date_to is not None:
            stmt = stmt.where(Attempt.occurred_at < start_of_day(self.date_to + timedelta(days=1)))
        if self.campaign_ids:
            stmt = stmt.where(column(Attempt.campaign_id).in_(self.campaign_ids))
        if self.official_ids:
            stmt = stmt.where(column(Attempt.official_id).in_(self.official_ids))
        if self.channels:
            stmt = stmt.where(column(Attempt.channel).in_(self.channels))
        if self.coordinator_ids:
            stmt = stmt.where(Attempt.coordinator_id.in_(self.coordinator_ids))
        return stmt


def _same(column: Any) -> Any:
    return column


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)
