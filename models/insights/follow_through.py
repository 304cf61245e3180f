"""Follow-through figures: the responses and whether promises were kept, coverage of each
campaign's targets, officials gone quiet, and the funnel from attempt to kept promise.

Each counts in SQL over the raw tables (these are small: responses, targets, the attempts
of one week) and returns a frame with fixed columns, empty when nothing matches. What
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
from sqlalchemy import ColumnElement, and_, case, distinct, exists, func, select
from sqlalchemy.orm import Session, aliased

from models.filters import ATTEMPTS, Filters, start_of_day
from models.insights.counting import LIVE_OUTCOME_CLASSES
from models.sqlfuncs import utc_date
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


def kept_clause() -> ColumnElement[bool]:
    """True when ``Response`` (of ``Attempt``) has a commitment a later response kept."""
    later, later_attempt = aliased(Response), aliased(Attempt)
    return and_(
        Response.commitment_on.is_not(None),
        exists().where(
            later_attempt.id == later.attempt_id,
            later_attempt.official_id == Attempt.official_id,
            later_attempt.campaign_id == Attempt.campaign_id,
            later_attempt.deleted_at.is_(None),
            later.responded_at > Response.responded_at,
            utc_date(later.responded_at) <= Response.commitment_on,
        ),
    )


def responses(session: Session, filters: Filters, today: date) -> pd.DataFrame:
    """The latest responses to the filtered attempts, newest first, with each commitment's
    state as of ``today``: kept, not kept, pending, or empty (no commitment)."""
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
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Official, Official.id == Attempt.official_id)
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .order_by(Response.responded_at.desc(), Response.id.desc())
        .limit(RESPONSES_LIMIT)
    )
    return _frame(session, filters.narrow(stmt, ATTEMPTS), RESPONSE_COLUMNS)


def coverage(session: Session, filters: Filters, today: date) -> pd.DataFrame:
    """Per campaign (the campaign filter applies): targets not archived, and how many of
    them had a live attempt in that campaign this week (Monday 00:00 UTC to ``today``)."""
    monday = today - timedelta(days=today.weekday())
    contacted = (
        select(Attempt.campaign_id, Attempt.official_id)
        .where(Attempt.deleted_at.is_(None), Attempt.occurred_at >= start_of_day(monday))
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
    last = func.max(Attempt.occurred_at)
    targets = select(CampaignTarget.official_id)
    if filters.campaign_ids:
        targets = targets.where(CampaignTarget.campaign_id.in_(filters.campaign_ids))
    stmt = (
        select(Official.id, Official.full_name, Official.organization, last.label("last"))
        .outerjoin(Attempt, (Attempt.official_id == Official.id) & Attempt.deleted_at.is_(None))
        .where(Official.archived_at.is_(None), Official.id.in_(targets))
        .group_by(Official.id, Official.full_name, Official.organization)
        .having(last.is_(None) | (last < start_of_day(today - timedelta(days=QUIET_DAYS - 1))))
        .order_by(last.is_not(None), last, Official.full_name)
    )
    return _frame(session, stmt, QUIET_COLUMNS)


def funnel(session: Session, filters: Filters, today: date) -> pd.DataFrame:  # noqa: ARG001
    """Of the filtered attempts: all, those that reached a person, those with a response,
    those whose response carried a commitment that was kept; each with its share."""
    reached = Attempt.outcome_class.in_(LIVE_OUTCOME_CLASSES)
    stmt = (
        select(
            func.count(Attempt.id),
            func.count(case((reached, 1))),
            func.count(Attempt.responded_at),
            func.count(distinct(case((kept_clause(), Attempt.id)))),
        )
        .select_from(Attempt)
        .outerjoin(Response, Response.attempt_id == Attempt.id)
    )
    counts = session.execute(filters.narrow(stmt, ATTEMPTS)).one()
    total = int(counts[0])
    stages = ("attempts", "reached a person", "responded", "commitment kept")
    rows = [
        (s, int(n), (int(n) / total) if total else None)
        for s, n in zip(stages, counts, strict=False)
    ]
    return pd.DataFrame(rows, columns=FUNNEL_COLUMNS)


def _frame(session: Session, stmt: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)
