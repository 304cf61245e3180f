"""The call history: what was done and said in the latest attempts to one official."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.tables import Attempt, Campaign, Response, User
from models.vocab import Channel, Outcome, Stance

HISTORY_LIMIT = 10


@dataclass(frozen=True)
class PastAttempt:
    """One earlier attempt, with its note and the response it got (if any)."""

    attempt_id: int
    occurred_at: datetime  # aware UTC
    campaign: str
    channel: Channel
    outcome: Outcome
    contact: str
    coordinator: str
    notes: str
    stance: Stance | None
    summary: str


def attempt_history(
    session: Session,
    *,
    official_id: int,
    campaign_id: int | None = None,
    limit: int = HISTORY_LIMIT,
) -> list[PastAttempt]:
    """The latest attempts to ``official_id`` (in one campaign, or all), newest first.

    Soft-deleted attempts are left out. An empty list when there are none.
    """
    stmt = (
        select(
            Attempt.id,
            Attempt.occurred_at,
            Campaign.name,
            Attempt.channel,
            Attempt.outcome,
            Attempt.contact_value,
            User.display_name,
            Attempt.notes,
            Response.stance,
            Response.summary,
        )
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .join(User, User.id == Attempt.coordinator_id)
        .outerjoin(Response, Response.attempt_id == Attempt.id)
        .where(Attempt.official_id == official_id, Attempt.deleted_at.is_(None))
        .order_by(Attempt.occurred_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    if campaign_id is not None:
        stmt = stmt.where(Attempt.campaign_id == campaign_id)
    return [
        PastAttempt(
            attempt_id=row[0],
            occurred_at=row[1],
            campaign=row[2],
            channel=Channel(row[3]),
            outcome=Outcome(row[4]),
            contact=row[5] or "",
            coordinator=row[6],
            notes=row[7] or "",
            stance=None if row[8] is None else Stance(row[8]),
            summary=row[9] or "",
        )
        for row in session.execute(stmt)
    ]
