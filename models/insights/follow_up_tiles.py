"""The open and overdue follow-up tiles: counted from the rollup, not from the follow-ups.

*Now*, the follow-ups still open are the counts of ``open_follow_up_total`` (one row per
campaign and official), and the overdue ones those less the open ones due today or later:
the ``open`` counts of ``follow_up_rollup`` from today on, read through its partial index
``ix_follow_up_rollup_open`` (rows with ``open > 0``). Neither grows with the history:
the first with the targets, the second with the follow-ups planned ahead.

*At an earlier instant* t (the end of the previous period, or of a range that ended
before today: 00:00 UTC of a day D), the tile goes back from now: open at t = open now
− those opened since t + those closed since t, both the sums of ``follow_up_flow`` over
the days from D on (a follow-up closes at the later of its making and its completion), so
the cost grows with the days looked back, not with the history. Overdue is the same
count restricted to due days before D. An instant that is not a midnight (no figure asks
for one) is counted from the raw follow-ups' index ranges over (t, now].

The rollup has no assignee: a coordinator filter counts that coordinator's open follow-ups
from the raw table (``ix_follow_ups_assignee``), which grows with their history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, case, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from models.filters import FilterColumns, Filters, start_of_day
from models.insights.counting import ROLLUP_TABLES
from models.sqlfuncs import unindexed
from models.tables import FollowUp

_ROLLUP, _TOTALS, _FLOW = ROLLUP_TABLES[3], ROLLUP_TABLES[4], ROLLUP_TABLES[6]
_BY_FLOW = FilterColumns(campaign=_FLOW.c.campaign_id, official=_FLOW.c.official_id)
_BY_ROLLUP = FilterColumns(campaign=_ROLLUP.c.campaign_id, official=_ROLLUP.c.official_id)
_BY_TOTALS = FilterColumns(campaign=_TOTALS.c.campaign_id, official=_TOTALS.c.official_id)
# Unindexed campaign and official: the time range (or the assignee) is what narrows.
_RAW = FilterColumns(
    campaign=unindexed(FollowUp.campaign_id),
    official=unindexed(FollowUp.official_id),
    coordinator=FollowUp.assignee_id,
)


def open_follow_ups(
    session: Session, filters: Filters, at: datetime, *, now: datetime
) -> tuple[int | None, int | None]:
    """(open, overdue) follow-ups at the instant ``at`` (≤ ``now``); (None, None) with a
    channel filter, because follow-ups have no channel. Overdue: due before ``at``'s day."""
    if filters.channels:
        return None, None
    day = at.date()
    n, late = _open_now(session, filters, day)
    if at >= now:
        return n, late
    if not filters.coordinator_ids and at == start_of_day(day):
        opened_n, opened_late, closed_n, closed_late = _flow_since(session, filters, day)
        return n - opened_n + closed_n, late - opened_late + closed_late
    # Made at t or later and still open; made before t and closed at t or later.
    since = (FollowUp.created_at >= at, FollowUp.completed_at.is_(None))
    closed = (
        FollowUp.completed_at >= at,
        FollowUp.completed_at <= now,
        unindexed(FollowUp.created_at) < at,
    )
    created_n, created_late = _raw(session, filters, day, *since)
    closed_n, closed_late = _raw(session, filters, day, *closed)
    return n - created_n + closed_n, late - created_late + closed_late


def _flow_since(session: Session, filters: Filters, day: date) -> tuple[int, int, int, int]:
    """(opened, opened due before ``day``, closed, closed due before ``day``) from ``day`` on."""
    f = _FLOW.c
    late = f.due_on < day
    stmt = select(_sum(f.opened), _sum(f.opened, late), _sum(f.closed), _sum(f.closed, late))
    row = session.execute(filters.narrow(stmt.where(f.day >= day), _BY_FLOW)).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def _open_now(session: Session, filters: Filters, day: date) -> tuple[int, int]:
    """(open, open and due before ``day``) now."""
    if filters.coordinator_ids:
        return _raw(session, filters, day, FollowUp.completed_at.is_(None))
    t, r = _TOTALS.c, _ROLLUP.c
    total = filters.narrow(select(_sum(t.open)), _BY_TOTALS).scalar_subquery()
    not_due = select(_sum(r.open)).where(r.open > 0, r.due_on >= day)
    not_due_yet = filters.narrow(not_due, _BY_ROLLUP).scalar_subquery()
    row = session.execute(select(total, not_due_yet)).one()
    return int(row[0]), int(row[0]) - int(row[1])


def _raw(
    session: Session, filters: Filters, day: date, *where: ColumnElement[bool]
) -> tuple[int, int]:
    late = func.count(case((FollowUp.due_on < day, 1)))
    stmt = select(func.count(), late).where(*where)
    row = session.execute(filters.narrow(stmt, _RAW)).one()
    return int(row[0]), int(row[1])


def _sum(column: Any, where: ColumnElement[bool] | None = None) -> Any:
    summed = func.sum(column if where is None else case((where, column), else_=0))
    return sql_cast(func.coalesce(summed, 0), BigInteger)
