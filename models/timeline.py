"""One official's timeline: every attempt, response and follow-up, across channels and
campaigns, newest first, as one UNION ALL in SQL.

Attempts are placed at the time they were made, responses at the time they were
received, follow-ups at the time they were created (with their due day and state).
Soft-deleted attempts, and the responses to them, are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, String, cast, literal, null, select, union_all
from sqlalchemy.orm import Session, aliased

from models.tables import Attempt, Campaign, FollowUp, Response, User

TIMELINE_LIMIT = 200
ATTEMPT, RESPONSE, FOLLOW_UP = "attempt", "response", "follow-up"


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime  # aware UTC
    kind: str  # ATTEMPT, RESPONSE or FOLLOW_UP
    ref_id: int  # the attempt's, response's or follow-up's id
    campaign: str
    channel: str  # empty for follow-ups
    what: str  # outcome, stance, or the follow-up's state
    who: str  # coordinator, recorder, or assignee
    text: str  # notes, summary, or reason
    due_on: date | None  # a follow-up's due day; a response's commitment date


def _text(value: Any) -> Any:
    return cast(value, String)


def _attempts(official_id: int) -> Any:
    return (
        select(
            Attempt.occurred_at.label("at"),
            literal(ATTEMPT).label("kind"),
            Attempt.id.label("ref_id"),
            Campaign.name.label("campaign"),
            _text(Attempt.channel).label("channel"),
            _text(Attempt.outcome).label("what"),
            User.display_name.label("who"),
            Attempt.notes.label("text"),
            cast(null(), Date).label("due_on"),
        )
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .join(User, User.id == Attempt.coordinator_id)
        .where(Attempt.official_id == official_id, Attempt.deleted_at.is_(None))
    )


def _responses(official_id: int) -> Any:
    return (
        select(
            Response.responded_at,
            literal(RESPONSE),
            Response.id,
            Campaign.name,
            _text(Attempt.channel),
            _text(Response.stance),
            User.display_name,
            Response.summary,
            Response.commitment_on,
        )
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .join(User, User.id == Response.recorded_by_id)
        .where(Attempt.official_id == official_id, Attempt.deleted_at.is_(None))
    )


def _follow_ups(official_id: int) -> Any:
    assignee = aliased(User)
    return (
        select(
            FollowUp.created_at,
            literal(FOLLOW_UP),
            FollowUp.id,
            Campaign.name,
            literal(""),
            _text(FollowUp.status),
            assignee.display_name,
            FollowUp.reason,
            FollowUp.due_on,
        )
        .join(Campaign, Campaign.id == FollowUp.campaign_id)
        .outerjoin(assignee, assignee.id == FollowUp.assignee_id)
        .where(FollowUp.official_id == official_id)
    )


def official_timeline(
    session: Session, official_id: int, *, limit: int = TIMELINE_LIMIT
) -> list[TimelineEvent]:
    """The latest ``limit`` events for the official, newest first; empty if none."""
    events = union_all(
        _attempts(official_id), _responses(official_id), _follow_ups(official_id)
    ).subquery()
    stmt = (
        select(events)
        .order_by(events.c.at.desc(), events.c.kind, events.c.ref_id.desc())
        .limit(limit)
    )
    return [
        TimelineEvent(
            at=row.at,
            kind=row.kind,
            ref_id=int(row.ref_id),
            campaign=row.campaign,
            channel=row.channel or "",
            what=row.what or "",
            who=row.who or "",
            text=row.text or "",
            due_on=row.due_on,
        )
        for row in session.execute(stmt)
    ]
