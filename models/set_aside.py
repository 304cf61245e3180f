"""Follow-ups set aside: the snoozed ones (out of the queue until their day) and the ones
cancelled lately, so that a coordinator can wake a snooze early and an admin can undo a
cancellation (models.follow_up_work does both, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.tables import Campaign, FollowUp, Official, User
from models.vocab import FollowUpStatus

SNOOZED = "snoozed"
CANCELLED = "cancelled"
CANCELLED_WITHIN = timedelta(days=30)  # how far back cancelled follow-ups are listed
LIMIT = 50  # rows of each kind


@dataclass(frozen=True)
class SetAside:
    follow_up_id: int
    kind: str  # SNOOZED or CANCELLED
    campaign: str
    official: str
    due_on: date
    assignee_id: int | None
    assignee: str
    snoozed_until: date | None
    cancelled_at: datetime | None
    cancel_reason: str


def set_aside(
    session: Session,
    *,
    today: date,
    now_utc: datetime,
    assignee_id: int | None = None,
    cancelled: bool = True,
    limit: int = LIMIT,
) -> list[SetAside]:
    """Open follow-ups snoozed past ``today`` (soonest back first), then, if ``cancelled``,
    those cancelled in the last 30 days (latest first); ``assignee_id``'s only if given."""
    columns = (
        FollowUp.id, FollowUp.campaign_id, Campaign.name, Official.full_name, FollowUp.due_on,
        FollowUp.assignee_id, User.display_name, FollowUp.snoozed_until, FollowUp.completed_at,
        FollowUp.cancel_reason,
    )  # fmt: skip
    base = (
        select(*columns)
        .join(Campaign, Campaign.id == FollowUp.campaign_id)
        .join(Official, Official.id == FollowUp.official_id)
        .outerjoin(User, User.id == FollowUp.assignee_id)
        .limit(limit)
    )
    if assignee_id is not None:
        base = base.where(FollowUp.assignee_id == assignee_id)
    snoozed = base.where(
        FollowUp.status == FollowUpStatus.OPEN,
        FollowUp.completed_at.is_(None),
        FollowUp.snoozed_until > today,
    ).order_by(FollowUp.snoozed_until, FollowUp.id)
    rows = [(SNOOZED, r) for r in session.execute(snoozed)]
    if cancelled:
        gone = base.where(
            FollowUp.status == FollowUpStatus.CANCELLED,
            FollowUp.completed_at >= now_utc - CANCELLED_WITHIN,
        ).order_by(FollowUp.completed_at.desc(), FollowUp.id.desc())
        rows += [(CANCELLED, r) for r in session.execute(gone)]
    return [
        SetAside(
            follow_up_id=r.id,
            kind=kind,
            campaign=r.name,
            official=r.full_name,
            due_on=r.due_on,
            assignee_id=r.assignee_id,
            assignee=r.display_name or "",
            snoozed_until=r.snoozed_until,
            cancelled_at=r.completed_at if kind == CANCELLED else None,
            cancel_reason=r.cancel_reason or "",
        )
        for kind, r in rows
    ]
