"""Follow-through figures: the responses and whether promises were kept, coverage of each
campaign's targets, officials gone quiet, and the funnel from attempt to kept promise.

Each counts in SQL and returns a frame with fixed columns, empty when nothing matches;
none reads more rows as the history grows: coverage reads the attempt rollup's days of
this week, the funnel its totals, the quiet officials one index step per target, and
the latest responses walk the index of response times (``ix_attempts_by_response``)
from the range's start, each commitment checked over its own window only, and the kept
commitments come from ``commitment_rollup``. What
each means is in ``models/insights/definitions.py`` under the same keys.

**A commitment is kept** when the office answered again on substance by its date: a later
response (to any live attempt to the same official in the same campaign) received on or
before the commitment date (UTC day). Our own calls do not keep an office's promise.
It is *pending* while the date has not passed (as of ``today``), *not kept* after.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, case, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from models.filters import FilterColumns, Filters, start_of_day
from models.insights import sources
from models.insights.counting import DAY_PERIOD, LIVE_OUTCOME_CLASSES, ROLLUP_TABLES, kept_clause
from models.sqlfuncs import unindexed
from models.tables import Attempt, Campaign, CampaignTarget, Official, Response

RESPONSE_COLUMNS = [
    "responded_at", "official", "campaign", "channel", "stance", "summary",
    "commitment_on", "commitment", "attempt_id",
]  # fmt: skip
COVERAGE_COLUMNS = ["campaign_id", "campaign", "targets", "contacted", "share"]
QUIET_COLUMNS = ["official_id", "official", "organization", "last_contact"]
FUNNEL_COLUMNS = ["stage", "attempts", "share"]
RESPONSES_LIMIT = 500
QUIET_DAYS = 14
KEPT, NOT_KEPT, PENDING = "kept", "not kept", "pending"
# The latest responses walk ix_attempts_by_response from the newest (``responded_at`` is
# the response's time, kept on the attempt): on SQLite the time range is unindexed so
# that it does not pick the occurred_at index and sort the whole range instead.
_BY_RESPONSE = FilterColumns(
    deleted_at=Attempt.deleted_at,
    time=unindexed(Attempt.occurred_at),
    campaign=unindexed(Attempt.campaign_id),
    official=unindexed(Attempt.official_id),
    channel=unindexed(Attempt.channel),
    coordinator=unindexed(Attempt.coordinator_id),
)


def responses(session: Session, filters: Filters, today: date) -> pd.DataFrame:
    """The latest responses to the filtered attempts, newest first, with each commitment's
    state as of ``today``: kept, not kept, pending, or empty (no commitment).

    The latest :data:`RESPONSES_LIMIT` are picked first; only theirs is the state asked.
    """
    latest = filters.narrow(
        select(Attempt.id)
        .where(
            Attempt.responded_at.is_not(None),
            # A response never comes before its attempt: the walk can stop at the range.
            *(
                [Attempt.responded_at >= start_of_day(filters.date_from)]
                if filters.date_from is not None
                else []
            ),
        )
        .order_by(Attempt.responded_at.desc(), Attempt.id.desc())
        .limit(RESPONSES_LIMIT),
        _BY_RESPONSE,
    ).subquery("latest")
    state = case(
        (Response.commitment_on.is_(None), ""),
        (kept_clause(), KEPT),
        (Response.commitment_on < today, NOT_KEPT),
        else_=PENDING,
    )
    stmt = (
        select(
            Response.responded_at,
            Official.full_name.label("official"),
            Campaign.name.label("campaign"),
            Attempt.channel,
            Response.stance,
            Response.summary,
            Response.commitment_on,
            state.label("commitment"),
            Attempt.id.label("attempt_id"),
        )
        .select_from(latest)
        .join(Attempt, Attempt.id == latest.c.id)
        .join(Response, Response.attempt_id == Attempt.id)
        .join(Official, Official.id == Attempt.official_id)
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .order_by(Response.responded_at.desc(), Response.id.desc())
    )
    return _frame(session, stmt, RESPONSE_COLUMNS)


def coverage(session: Session, filters: Filters, today: date) -> pd.DataFrame:
    """Per campaign (the campaign filter applies): targets not archived, and how many of
    them had a live attempt in that campaign this week (Monday 00:00 UTC to ``today``)."""
    monday = today - timedelta(days=today.weekday())
    # The attempt rollup's daily rows since Monday: days × targets × channels × outcomes.
    days = ROLLUP_TABLES[0].c
    contacted = (
        select(days.campaign_id, days.official_id)
        .where(days.period_days == DAY_PERIOD, days.period_start >= monday, days.attempts > 0)
        .distinct()
        .subquery()
    )
    stmt = (
        select(
            Campaign.id.label("campaign_id"),
            Campaign.name.label("campaign"),
            func.count(CampaignTarget.official_id).label("targets"),
            func.count(contacted.c.official_id).label("contacted"),
        )
        .join(CampaignTarget, CampaignTarget.campaign_id == Campaign.id)
        .join(Official, Official.id == CampaignTarget.official_id)
        .outerjoin(
            contacted,
            (contacted.c.campaign_id == Campaign.id)
            & (contacted.c.official_id == CampaignTarget.official_id),
        )
        .where(Official.archived_at.is_(None))
        .group_by(Campaign.id, Campaign.name)
        .order_by(Campaign.name)
    )
    if filters.campaign_ids:
        stmt = stmt.where(Campaign.id.in_(filters.campaign_ids))
    frame = _frame(session, stmt, COVERAGE_COLUMNS[:-1])
    frame["share"] = [
        c / t if t else None for c, t in zip(frame.contacted, frame.targets, strict=False)
    ]
    return frame[COVERAGE_COLUMNS]


def quiet_officials(session: Session, filters: Filters, today: date) -> pd.DataFrame:
    """Targets (of the filtered campaigns, not archived) with no live attempt in any
    campaign for :data:`QUIET_DAYS` days before ``today``, never-contacted first, then
    the longest quiet; ``last_contact`` is empty for the never contacted."""
    last = (
        select(Attempt.occurred_at)
        .where(Attempt.official_id == Official.id, Attempt.deleted_at.is_(None))
        .order_by(Attempt.occurred_at.desc())
        .limit(1)
        .scalar_subquery()
    )  # one step back along ix_attempts_official_time per target, however long the history
    targets = select(CampaignTarget.official_id)
    if filters.campaign_ids:
        targets = targets.where(CampaignTarget.campaign_id.in_(filters.campaign_ids))
    per_target = (
        select(Official.id, Official.full_name, Official.organization, last.label("last"))
        .where(Official.archived_at.is_(None), Official.id.in_(targets))
        .subquery("per_target")
    )
    t = per_target.c
    stmt = (
        select(t.id, t.full_name, t.organization, t.last)
        .where(t.last.is_(None) | (t.last < start_of_day(today - timedelta(days=QUIET_DAYS - 1))))
        .order_by(t.last.is_not(None), t.last, t.full_name)
    )
    return _frame(session, stmt, QUIET_COLUMNS)


def funnel(session: Session, filters: Filters, today: date) -> pd.DataFrame:  # noqa: ARG001
    """Of the filtered attempts: all, those that reached a person, those with a response,
    those whose response carried a commitment that was kept; each with its share.

    The first three come from the attempt rollup, the kept ones from the commitment
    rollup (kept as :func:`kept_clause` defines it), read the same way.
    """
    f = sources.attempt_totals(session, filters)
    reached = f.c.outcome_class.in_(LIVE_OUTCOME_CLASSES)
    counts = session.execute(
        select(_sum(f.c.attempts), _sum(f.c.attempts, reached), _sum(f.c.responded))
    ).one()
    c = sources.commitment_totals(session, filters)
    n_kept = session.execute(select(_sum(c.c.kept))).scalar_one()
    total = int(counts[0])
    stages = ("attempts", "reached a person", "responded", "commitment kept")
    rows = [
        (s, int(n), (int(n) / total) if total else None)
        for s, n in zip(stages, (*counts, n_kept), strict=True)
    ]
    return pd.DataFrame(rows, columns=FUNNEL_COLUMNS)


def _sum(column: Any, where: ColumnElement[bool] | None = None) -> Any:
    """SUM as an integer, 0 over no rows (PostgreSQL would sum bigints as numeric)."""
    summed = func.sum(column if where is None else case((where, column), else_=0))
    return sql_cast(func.coalesce(summed, 0), BigInteger)


def _frame(session: Session, stmt: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)
