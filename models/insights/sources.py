"""Where each Insights figure reads its counts: rollup rows of weeks, days and all time.

A figure is counted from a subquery with the columns of a rollup table. For filters the
rollups can answer, that is:

* *facts* (:func:`attempt_facts`), for figures by week: the weekly rows of the weeks
  wholly inside the date range, plus the daily rows of the days at either edge (at most
  six each side) relabelled with their week;
* *totals* (:func:`attempt_totals`), for figures over the whole range: the same, or, when
  fewer weeks lie outside the range than inside, the all-time rows less the weekly rows
  outside it (negated), plus the edges. A view of two years reads a few hundred rows.

So a date range need not start on a Monday, and the answer is exact either way; the raw
attempts are read only for views filtered by coordinator, or for a range within a week.

The rollups have no coordinator column, so a view filtered by coordinator counts the
raw attempts through the covering index ``ix_attempts_facts_by_coordinator``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    Subquery,
    Table,
    false,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from models.filters import Filters
from models.insights import upkeep as rollups
from models.tables import FollowUp

ONE_WEEK = timedelta(days=7)
LONG = timedelta(weeks=26)  # ranges at least this long may read all time less the rest
_ATTEMPTS, _DELAYS, _HOURS, _FOLLOW_UPS = rollups.ROLLUP_TABLES
Days = tuple[date, date]  # [first, end): the days of one edge, within one week


@dataclass(frozen=True)
class WholeWeeks:
    """The Mondays of the weeks wholly inside a date range (None: unbounded that side)."""

    first: date | None
    last: date | None

    @property
    def empty(self) -> bool:
        return self.first is not None and self.last is not None and self.first > self.last

    def edges(self, filters: Filters) -> list[Days]:
        """The days of the date range outside these weeks, one run per side."""
        runs = []
        if self.first is not None and filters.date_from is not None:
            runs.append((filters.date_from, self.first))
        if self.last is not None and filters.date_to is not None:
            runs.append((self.last + ONE_WEEK, filters.date_to + timedelta(days=1)))
        return [(lo, hi) for lo, hi in runs if lo < hi]


def whole_weeks(filters: Filters) -> WholeWeeks:
    first = last = None
    if filters.date_from is not None:
        first = rollups.monday(filters.date_from + timedelta(days=6))
    if filters.date_to is not None:
        last = rollups.monday(filters.date_to + timedelta(days=1)) - ONE_WEEK
    return WholeWeeks(first, last)


def attempt_facts(filters: Filters) -> Subquery:
    """Columns of ``attempt_rollup``, one row per week (``period_start``): campaign_id,
    official_id, channel, outcome, outcome_class, attempts, responded."""
    return _facts(filters, rollups.attempt_counts, _ATTEMPTS, "attempt_facts")


def delay_facts(filters: Filters) -> Subquery:
    """Columns of ``response_delay_rollup``, one row per week: ..., band, responses."""
    return _facts(filters, rollups.delay_counts, _DELAYS, "delay_facts")


def attempt_totals(session: Session, filters: Filters) -> Subquery:
    """Like :func:`attempt_facts` for figures that do not group by week: rows may be
    all-time rows or negated weekly rows, so group and keep the groups whose sum is > 0."""
    return _totals(session, filters, rollups.attempt_counts, _ATTEMPTS, "attempt_totals")


def delay_totals(session: Session, filters: Filters) -> Subquery:
    """Like :func:`delay_facts`, for figures that do not group by week."""
    return _totals(session, filters, rollups.delay_counts, _DELAYS, "delay_totals")


def hour_totals(session: Session, filters: Filters) -> Subquery:
    """Columns of ``hour_rollup`` (phone calls only; none if the channels leave phone out),
    for figures that do not group by week."""
    if filters.channels and rollups.CALL_CHANNEL not in filters.channels:
        return select(_HOURS).where(false()).subquery("hour_totals")
    return _totals(session, filters, rollups.hour_counts, _HOURS, "hour_totals")


def follow_up_facts(filters: Filters) -> Subquery:
    """Columns of ``follow_up_rollup`` for the follow-ups due in the date range.

    Follow-ups have no channel, so the caller decides what a channel filter means; the
    coordinator filter selects the follow-ups assigned to those coordinators.
    """
    if filters.coordinator_ids:
        raw = rollups.follow_up_counts().where(FollowUp.assignee_id.in_(filters.coordinator_ids))
        stmt = _narrow(raw, filters, FollowUp.due_on, FollowUp.campaign_id, FollowUp.official_id)
    else:
        t = _FOLLOW_UPS.c
        stmt = _narrow(select(_FOLLOW_UPS), filters, t.due_on, t.campaign_id, t.official_id)
    return stmt.subquery("follow_up_facts")


def _narrow(
    stmt: Select[Any], filters: Filters, due_on: Any, campaign_id: Any, official_id: Any
) -> Select[Any]:
    if filters.date_from is not None:
        stmt = stmt.where(due_on >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(due_on <= filters.date_to)
    if filters.campaign_ids:
        stmt = stmt.where(campaign_id.in_(filters.campaign_ids))
    if filters.official_ids:
        stmt = stmt.where(official_id.in_(filters.official_ids))
    return stmt


def _facts(
    filters: Filters, counts: Callable[[], Select[Any]], table: Table, name: str
) -> Subquery:
    weeks = whole_weeks(filters)
    if filters.coordinator_ids or weeks.empty:
        return filters.apply(counts(), by_time=True).subquery(name)
    parts = [_weekly_rows(table, weeks, filters), *_edges(table, weeks, filters)]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery(name)


def _totals(
    session: Session,
    filters: Filters,
    counts: Callable[[], Select[Any]],
    table: Table,
    name: str,
) -> Subquery:
    """All time less the weeks outside the range, when that reads fewer weeks."""
    weeks = whole_weeks(filters)
    if filters.coordinator_ids or weeks.empty or not _outside_is_smaller(session, table, weeks):
        return _facts(filters, counts, table, name)
    parts = [_scoped(select(table), table, filters).where(table.c.period_days == rollups.ALL_TIME)]
    start = table.c.period_start
    if weeks.first is not None:
        parts.append(_negated_weeks(table, filters, start < weeks.first))
    if weeks.last is not None:
        parts.append(_negated_weeks(table, filters, start > weeks.last))
    parts += _edges(table, weeks, filters)
    return union_all(*parts).subquery(name)


def _outside_is_smaller(session: Session, table: Table, weeks: WholeWeeks) -> bool:
    """Whether fewer of the table's weeks lie outside ``weeks`` than inside.

    Only a question for long ranges: it costs a query, and it changes the speed, not
    the answer.
    """
    if weeks.first is not None and weeks.last is not None and weeks.last - weeks.first < LONG:
        return False
    weekly = select(table.c.period_start).where(table.c.period_days == rollups.WEEK)
    first, last = session.execute(
        select(
            weekly.order_by(table.c.period_start).limit(1).scalar_subquery(),
            weekly.order_by(table.c.period_start.desc()).limit(1).scalar_subquery(),
        )
    ).one()
    if first is None:
        return False
    lo = max(first, weeks.first) if weeks.first is not None else first
    hi = min(last, weeks.last) if weeks.last is not None else last
    inside = (hi - lo).days // 7 + 1 if hi >= lo else 0
    outside: int = (last - first).days // 7 + 1 - inside
    return outside < inside


def _negated_weeks(table: Table, filters: Filters, where: ColumnElement[bool]) -> Select[Any]:
    counters = {c.name for c in table.c if not c.primary_key and c.name != "outcome_class"}
    columns = [(-c).label(c.name) if c.name in counters else c for c in table.c]
    stmt = select(*columns).where(table.c.period_days == rollups.WEEK, where)
    return _scoped(stmt, table, filters)


def _edges(table: Table, weeks: WholeWeeks, filters: Filters) -> list[Select[Any]]:
    """The daily rows of the days of the range outside its whole weeks."""
    return [_daily_rows(table, days, filters) for days in weeks.edges(filters)]


def _weekly_rows(table: Table, weeks: WholeWeeks, filters: Filters) -> Select[Any]:
    start = table.c.period_start
    stmt = _scoped(select(table), table, filters).where(table.c.period_days == rollups.WEEK)
    if weeks.first is not None:
        stmt = stmt.where(start >= weeks.first)
    if weeks.last is not None:
        stmt = stmt.where(start <= weeks.last)
    return stmt


def _daily_rows(table: Table, days: Days, filters: Filters) -> Select[Any]:
    """The daily rows of ``days`` (all in one week), relabelled as rows of that week."""
    lo, hi = days
    columns: list[Any] = [
        literal_column(str(rollups.WEEK), Integer).label("period_days"),
        literal(rollups.monday(lo), Date).label("period_start"),
        *(c for c in table.c if c.name not in {"period_days", "period_start"}),
    ]
    return _scoped(select(*columns), table, filters).where(
        table.c.period_days == rollups.DAY_PERIOD,
        table.c.period_start >= lo,
        table.c.period_start < hi,
    )


def _scoped(stmt: Select[Any], table: Table, filters: Filters) -> Select[Any]:
    if filters.campaign_ids:
        stmt = stmt.where(table.c.campaign_id.in_(filters.campaign_ids))
    if filters.official_ids:
        stmt = stmt.where(table.c.official_id.in_(filters.official_ids))
    if filters.channels and "channel" in table.c:
        stmt = stmt.where(table.c.channel.in_(filters.channels))
    return stmt
