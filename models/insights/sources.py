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

from models.filters import FilterColumns, Filters
from models.insights.counting import (
    ALL_TIME,
    CALL_CHANNEL,
    DAY_PERIOD,
    ROLLUP_TABLES,
    WEEK,
    attempt_counts,
    commitment_counts,
    delay_counts,
    follow_up_counts,
    hour_counts,
    monday,
)
from models.sqlfuncs import unindexed
from models.tables import Attempt, FollowUp

ONE_WEEK = timedelta(days=7)
LONG = timedelta(weeks=26)  # ranges at least this long may read all time less the rest
_ATTEMPTS, _DELAYS, _HOURS, _FOLLOW_UPS = ROLLUP_TABLES[:4]
_COMMITMENTS = ROLLUP_TABLES[5]
Days = tuple[date, date]  # [first, end): the days of one edge, within one week

# The raw attempts read for a few days (or by coordinator): unindexed by campaign, official
# and channel, so that SQLite lets the time range (or the coordinator) pick the index.
_RAW_ATTEMPTS = FilterColumns(
    deleted_at=Attempt.deleted_at,
    time=Attempt.occurred_at,
    campaign=unindexed(Attempt.campaign_id),
    official=unindexed(Attempt.official_id),
    channel=unindexed(Attempt.channel),
    coordinator=Attempt.coordinator_id,
)
# Follow-ups have no channel: follow_up_facts' caller decides what a channel filter means.
_RAW_FOLLOW_UPS = FilterColumns(
    day=FollowUp.due_on,
    campaign=FollowUp.campaign_id,
    official=FollowUp.official_id,
    coordinator=FollowUp.assignee_id,
)
# The rollups have no coordinator column; the callers narrow the periods of these three.
_ROLLUPS = {
    table: FilterColumns(
        campaign=table.c.campaign_id,
        official=table.c.official_id,
        channel=table.c.channel if "channel" in table.c else None,  # hour_rollup: phone calls
    )
    for table in (_ATTEMPTS, _DELAYS, _HOURS, _COMMITMENTS)
}
_FOLLOW_UP_ROLLUP = FilterColumns(
    day=_FOLLOW_UPS.c.due_on,
    campaign=_FOLLOW_UPS.c.campaign_id,
    official=_FOLLOW_UPS.c.official_id,
)


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
        first = monday(filters.date_from + timedelta(days=6))
    if filters.date_to is not None:
        last = monday(filters.date_to + timedelta(days=1)) - ONE_WEEK
    return WholeWeeks(first, last)


def attempt_facts(filters: Filters) -> Subquery:
    """Columns of ``attempt_rollup``, one row per week (``period_start``): campaign_id,
    official_id, channel, outcome, outcome_class, attempts, responded."""
    return _facts(filters, attempt_counts, _ATTEMPTS, "attempt_facts")


def delay_facts(filters: Filters) -> Subquery:
    """Columns of ``response_delay_rollup``, one row per week: ..., band, responses."""
    return _facts(filters, delay_counts, _DELAYS, "delay_facts")


def attempt_totals(session: Session, filters: Filters) -> Subquery:
    """Like :func:`attempt_facts` for figures that do not group by week: rows may be
    all-time rows or negated weekly rows, so group and keep the groups whose sum is > 0."""
    return _totals(session, filters, attempt_counts, _ATTEMPTS, "attempt_totals")


def delay_totals(session: Session, filters: Filters) -> Subquery:
    """Like :func:`delay_facts`, for figures that do not group by week."""
    return _totals(session, filters, delay_counts, _DELAYS, "delay_totals")


def commitment_totals(session: Session, filters: Filters) -> Subquery:
    """Columns of ``commitment_rollup`` (..., channel, commitments, kept), for figures that
    do not group by week."""
    return _totals(session, filters, commitment_counts, _COMMITMENTS, "commitment_totals")


def hour_totals(session: Session, filters: Filters) -> Subquery:
    """Columns of ``hour_rollup`` (phone calls only; none if the channels leave phone out),
    for figures that do not group by week."""
    if filters.channels and CALL_CHANNEL not in filters.channels:
        return select(_HOURS).where(false()).subquery("hour_totals")
    return _totals(session, filters, hour_counts, _HOURS, "hour_totals")


def follow_up_facts(filters: Filters) -> Subquery:
    """Columns of ``follow_up_rollup`` for the follow-ups due in the date range.

    Follow-ups have no channel, so the caller decides what a channel filter means; the
    coordinator filter selects the follow-ups assigned to those coordinators.
    """
    if filters.coordinator_ids:
        stmt = filters.narrow(follow_up_counts(), _RAW_FOLLOW_UPS)
    else:
        stmt = filters.narrow(select(_FOLLOW_UPS), _FOLLOW_UP_ROLLUP)
    return stmt.subquery("follow_up_facts")


def _facts(
    filters: Filters, counts: Callable[[], Select[Any]], table: Table, name: str
) -> Subquery:
    weeks = whole_weeks(filters)
    if filters.coordinator_ids or weeks.empty:
        return filters.narrow(counts(), _RAW_ATTEMPTS).subquery(name)
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
    parts = [filters.narrow(select(table), _ROLLUPS[table]).where(table.c.period_days == ALL_TIME)]
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
    weekly = select(table.c.period_start).where(table.c.period_days == WEEK)
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
    stmt = select(*columns).where(table.c.period_days == WEEK, where)
    return filters.narrow(stmt, _ROLLUPS[table])


def _edges(table: Table, weeks: WholeWeeks, filters: Filters) -> list[Select[Any]]:
    """The daily rows of the days of the range outside its whole weeks."""
    return [_daily_rows(table, days, filters) for days in weeks.edges(filters)]


def _weekly_rows(table: Table, weeks: WholeWeeks, filters: Filters) -> Select[Any]:
    start = table.c.period_start
    stmt = filters.narrow(select(table), _ROLLUPS[table]).where(table.c.period_days == WEEK)
    if weeks.first is not None:
        stmt = stmt.where(start >= weeks.first)
    if weeks.last is not None:
        stmt = stmt.where(start <= weeks.last)
    return stmt


def _daily_rows(table: Table, days: Days, filters: Filters) -> Select[Any]:
    """The daily rows of ``days`` (all in one week), relabelled as rows of that week."""
    lo, hi = days
    columns: list[Any] = [
        literal_column(str(WEEK), Integer).label("period_days"),
        literal(monday(lo), Date).label("period_start"),
        *(c for c in table.c if c.name not in {"period_days", "period_start"}),
    ]
    return filters.narrow(select(*columns), _ROLLUPS[table]).where(
        table.c.period_days == DAY_PERIOD,
        table.c.period_start >= lo,
        table.c.period_start < hi,
    )
