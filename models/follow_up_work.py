"""Working the queue: snooze, reassign and cancel a follow-up; an admin undoes any of it.

Who may: a coordinator works their own follow-ups and unassigned ones; an admin works
anyone's, and alone may reopen a cancelled follow-up (Permission.RESTORE). Each command
checks first, changes one row, keeps the rollups right and writes one audit event.
A snoozed follow-up stays open and due when it was, but leaves the queue until the day
it is snoozed to; snoozing to no date (None) brings it back at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models.audit import record_event
from models.base import utcnow
from models.insights import upkeep as rollups
from models.permissions import Permission, allowed, refuse, require
from models.tables import FollowUp, User
from models.text import InvalidInput, clean_text
from models.vocab import FollowUpStatus

CANCEL_REASON_MAX = 500


def snooze_follow_up(
    session: Session, *, follow_up_id: int, until: date | None, actor_id: int
) -> None:
    """Keep an open follow-up out of the queue until ``until`` (None: back now)."""
    follow_up = _workable(session, follow_up_id, actor_id)
    before = follow_up.snoozed_until
    if before == until:
        return
    follow_up.snoozed_until = until
    session.flush()
    _audit(session, actor_id, "snooze", follow_up_id, snoozed_until=[_iso(before), _iso(until)])


def reassign_follow_up(
    session: Session, *, follow_up_id: int, assignee_id: int | None, actor_id: int
) -> None:
    """Give an open follow-up to ``assignee_id`` (an active user who logs attempts), or to
    nobody (None)."""
    follow_up = _workable(session, follow_up_id, actor_id)
    if assignee_id is not None:
        assignee = session.get(User, assignee_id)
        if assignee is None or not assignee.is_active:
            raise InvalidInput("That user does not exist or is deactivated.")
        if not allowed(assignee.role, Permission.LOG_ATTEMPTS):
            raise InvalidInput(f"{assignee.display_name} cannot log attempts (a viewer).")
    before = follow_up.assignee_id
    if before == assignee_id:
        return
    follow_up.assignee_id = assignee_id
    session.flush()
    _audit(session, actor_id, "reassign", follow_up_id, assignee_id=[before, assignee_id])


def cancel_follow_up(
    session: Session, *, follow_up_id: int, actor_id: int, reason: str = ""
) -> None:
    """Cancel an open follow-up, saying why; one already done or cancelled is refused."""
    follow_up = _workable(session, follow_up_id, actor_id)
    why = clean_text(reason, "Reason", max_len=CANCEL_REASON_MAX)
    follow_up.status = FollowUpStatus.CANCELLED
    follow_up.completed_at = utcnow()
    follow_up.cancel_reason = why
    session.flush()
    rollups.follow_up_cancelled(
        session,
        campaign_id=follow_up.campaign_id,
        official_id=follow_up.official_id,
        due_on=follow_up.due_on,
        created_at=follow_up.created_at,
        cancelled_at=follow_up.completed_at,
    )
    changes: dict[str, Any] = {
        "status": [FollowUpStatus.OPEN.value, FollowUpStatus.CANCELLED.value]
    }
    if why:
        changes["cancel_reason"] = why
    _audit(session, actor_id, "cancel", follow_up_id, **changes)


def uncancel_follow_up(session: Session, *, follow_up_id: int, actor_id: int) -> None:
    """Reopen a cancelled follow-up (admins only), due when it was."""
    require(session, actor_id, Permission.RESTORE)
    follow_up = session.get(FollowUp, follow_up_id, with_for_update=True)
    if follow_up is None or follow_up.status != FollowUpStatus.CANCELLED:
        raise InvalidInput("That follow-up is not cancelled.")
    cancelled_at = follow_up.completed_at
    assert cancelled_at is not None  # cancelling sets it
    follow_up.status = FollowUpStatus.OPEN
    follow_up.completed_at = None
    follow_up.cancel_reason = ""
    session.flush()
    rollups.follow_up_uncancelled(
        session,
        campaign_id=follow_up.campaign_id,
        official_id=follow_up.official_id,
        due_on=follow_up.due_on,
        created_at=follow_up.created_at,
        cancelled_at=cancelled_at,
    )
    status = [FollowUpStatus.CANCELLED.value, FollowUpStatus.OPEN.value]
    _audit(session, actor_id, "reopen", follow_up_id, status=status)


def may_work(role_is_admin: bool, assignee_id: int | None, actor_id: int) -> bool:
    """The rule, for pages deciding what to offer: admins any, others own or unassigned."""
    return role_is_admin or assignee_id in (None, actor_id)


def _workable(session: Session, follow_up_id: int, actor_id: int) -> FollowUp:
    """The open follow-up, locked, if the actor may work it; else refuse or raise."""
    actor = require(session, actor_id, Permission.LOG_ATTEMPTS)
    assert actor is not None  # no system_ok: a missing actor was refused
    follow_up = session.get(FollowUp, follow_up_id, with_for_update=True)
    if follow_up is None or follow_up.status != FollowUpStatus.OPEN:
        raise InvalidInput("That follow-up is no longer open.")
    admin = allowed(actor.role, Permission.EDIT_ANY_ATTEMPTS)
    if not may_work(admin, follow_up.assignee_id, actor_id):
        refuse(session, actor_id, Permission.WORK_ANY_FOLLOW_UP)
    return follow_up


def _audit(session: Session, actor_id: int, action: str, follow_up_id: int, **changes: Any) -> None:
    record_event(
        session,
        actor_id=actor_id,
        action=action,
        entity="follow_up",
        entity_id=follow_up_id,
        changes=changes,
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
