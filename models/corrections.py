"""Correcting the record: edit, soft-delete and restore attempts, remove a response
recorded by mistake, reopen a follow-up marked done; each checked and audited.

Coordinators may change their own attempts, admins anyone's. Deletion is soft: the row
stays, with ``deleted_at`` set, and leaves every list, chart and export; an admin can
restore it. Notes are never copied into the audit log, only the fact that they changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import response_rules
from models.audit import record_event
from models.base import utcnow
from models.commands import MAX_DURATION_S, NOTES_MAX, check_channel, check_not_future
from models.insights import upkeep as rollups
from models.permissions import Permission, require
from models.tables import Attempt, FollowUp, Official, Response
from models.text import InvalidInput, clean_text
from models.vocab import Channel, FollowUpStatus, Outcome


@dataclass(frozen=True)
class AttemptEdit:
    """The editable fields of an attempt, all given (the form shows the current values)."""

    channel: Channel
    outcome: Outcome
    occurred_at: datetime
    notes: str = ""
    duration_s: int | None = None
    contact_point_id: int | None = None
    # Remove the attempt's response in the same edit (say, the outcome was really "no
    # answer"): one transaction, audited as the response's removal and in the edit.
    drop_response: bool = False


def update_attempt(
    session: Session, attempt_id: int, edit: AttemptEdit, *, actor_id: int
) -> dict[str, Any]:
    """Apply ``edit``; returns ``{field: [before, after]}`` of what changed (notes: "changed").

    An attempt that carries a response keeps an outcome and time that could have had it
    (:mod:`models.response_rules`), unless ``edit.drop_response`` removes the response too.
    """
    attempt = _editable(session, attempt_id, actor_id)
    check_not_future(edit.occurred_at, "The attempt's time")
    contact_value = check_channel(
        session, attempt.official_id, edit.channel, edit.outcome, edit.contact_point_id,
        kept_point_id=attempt.contact_point_id,
    )  # fmt: skip
    if edit.duration_s is not None and not 0 <= edit.duration_s <= MAX_DURATION_S:
        raise InvalidInput("Duration must be between 0 seconds and 24 hours.")
    notes = clean_text(edit.notes, "Notes", max_len=NOTES_MAX)
    response = session.scalar(select(Response).where(Response.attempt_id == attempt_id))
    if edit.drop_response and response is None:
        raise InvalidInput("That attempt has no response recorded.")
    if response is not None and not edit.drop_response:
        if edit.occurred_at > response.responded_at:
            raise InvalidInput("The attempt cannot be later than the response it got.")
        response_rules.check_answerable(edit.outcome, edit.occurred_at, response.responded_at)
    after: dict[str, Any] = {
        "channel": edit.channel,
        "outcome": edit.outcome,
        "outcome_class": edit.outcome.outcome_class,
        "occurred_at": edit.occurred_at,
        "duration_s": edit.duration_s,
        "contact_point_id": edit.contact_point_id,
        "contact_value": contact_value,
    }
    changes: dict[str, Any] = {
        name: [_plain(getattr(attempt, name)), _plain(value)]
        for name, value in after.items()
        if getattr(attempt, name) != value
    }
    if attempt.notes != notes:
        changes["notes"] = "changed"
    if response is not None and edit.drop_response:
        changes["response_id"] = [_drop(session, attempt, response, actor_id), None]
    if not changes:
        return {}
    before = rollups.facts_of(attempt)
    for name, value in after.items():
        setattr(attempt, name, value)
    attempt.notes = notes
    attempt.updated_at = utcnow()
    if "occurred_at" in changes:
        official = session.get(Official, attempt.official_id)
        assert official is not None  # attempts.official_id is a foreign key
        rollups.set_local_time(attempt, official.timezone)
    session.flush()
    rollups.attempt_edited(session, before, attempt)
    record_event(
        session,
        actor_id=actor_id,
        action="update",
        entity="attempt",
        entity_id=attempt_id,
        changes=changes,
    )
    return changes


def delete_attempt(session: Session, attempt_id: int, *, actor_id: int) -> None:
    """Soft-delete: the attempt leaves lists, charts and exports until an admin restores it."""
    attempt = _editable(session, attempt_id, actor_id)
    attempt.deleted_at = utcnow()
    attempt.deleted_by_id = actor_id
    session.flush()
    rollups.attempt_deleted(session, attempt)
    reopened = _reopen_completed_by(session, attempt_id)
    record_event(
        session,
        actor_id=actor_id,
        action="delete",
        entity="attempt",
        entity_id=attempt_id,
        changes={"reopened_follow_up_ids": reopened} if reopened else {},
    )


def restore_attempt(session: Session, attempt_id: int, *, actor_id: int) -> None:
    """Bring a soft-deleted attempt back (admins only)."""
    require(session, actor_id, Permission.RESTORE)
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.deleted_at is None:
        raise InvalidInput("That attempt is not deleted.")
    attempt.deleted_at = None
    attempt.deleted_by_id = None
    session.flush()
    rollups.attempt_restored(session, attempt)
    completed = _complete_again(session, attempt)
    record_event(
        session,
        actor_id=actor_id,
        action="restore",
        entity="attempt",
        entity_id=attempt_id,
        changes={"completed_follow_up_ids": completed} if completed else {},
    )


# An open follow-up whose completed_by_attempt_id is set was done by that attempt until the
# attempt was deleted: the pointer stays, so restoring the attempt completes it again. A
# later attempt that completes it in between takes the pointer over.


def _reopen_completed_by(session: Session, attempt_id: int) -> list[int]:
    """Open again the follow-ups the (now deleted) attempt had completed; their ids."""
    done = session.execute(
        select(
            FollowUp.id, FollowUp.campaign_id, FollowUp.official_id, FollowUp.due_on,
            FollowUp.completed_at, FollowUp.created_at,
        )
        .where(
            FollowUp.completed_by_attempt_id == attempt_id,
            FollowUp.status == FollowUpStatus.DONE,
        )
        .order_by(FollowUp.id)
        .with_for_update()
    ).all()  # fmt: skip
    if not done:
        return []
    ids = [int(row.id) for row in done]
    session.execute(
        update(FollowUp)
        .where(FollowUp.id.in_(ids))
        .values(status=FollowUpStatus.OPEN, completed_at=None)
        .execution_options(synchronize_session="fetch")
    )
    for row in done:
        rollups.follow_up_reopened(
            session,
            campaign_id=row.campaign_id,
            official_id=row.official_id,
            due_on=row.due_on,
            created_at=row.created_at,
            completed_at=row.completed_at,
        )
    return ids


def _complete_again(session: Session, attempt: Attempt) -> list[int]:
    """Complete again the open follow-ups the restored attempt had completed; their ids."""
    rows = session.execute(
        update(FollowUp)
        .where(
            FollowUp.completed_by_attempt_id == attempt.id,
            FollowUp.status == FollowUpStatus.OPEN,
        )
        .values(status=FollowUpStatus.DONE, completed_at=attempt.occurred_at)
        .returning(FollowUp.id, FollowUp.due_on, FollowUp.created_at)
        .execution_options(synchronize_session="fetch")
    ).all()
    if rows:
        rollups.follow_up_completed(
            session,
            campaign_id=attempt.campaign_id,
            official_id=attempt.official_id,
            follow_ups=[(row.due_on, row.created_at) for row in rows],
            completed_at=attempt.occurred_at,
        )
    return sorted(int(row.id) for row in rows)


def remove_response(session: Session, attempt_id: int, *, actor_id: int) -> int:
    """Remove the response recorded against a live attempt, as whoever may edit it can.

    A follow-up the response committed to stays: it is owed whatever was recorded. The
    summary is not copied into the audit log. Returns the removed response's id.
    """
    attempt = _editable(session, attempt_id, actor_id)
    response = session.scalar(select(Response).where(Response.attempt_id == attempt_id))
    if response is None:
        raise InvalidInput("That attempt has no response recorded.")
    return _drop(session, attempt, response, actor_id)


def _drop(session: Session, attempt: Attempt, response: Response, actor_id: int) -> int:
    """Delete the attempt's response, uncount it, audit it; the response's id."""
    response_id, stance, responded_at = response.id, response.stance, response.responded_at
    commitment_on = response.commitment_on
    session.delete(response)
    attempt.responded_at = None
    session.flush()
    rollups.response_removed(
        session, attempt, responded_at=responded_at, commitment_on=commitment_on
    )
    record_event(
        session,
        actor_id=actor_id,
        action="delete",
        entity="response",
        entity_id=response_id,
        changes={"attempt_id": attempt.id, "stance": stance.value},
    )
    return response_id


def reopen_follow_up(session: Session, *, follow_up_id: int, actor_id: int) -> None:
    """Make a follow-up marked done open again; one that is open or cancelled is refused."""
    require(session, actor_id, Permission.LOG_ATTEMPTS)
    done = session.execute(
        select(FollowUp.completed_at, FollowUp.completed_by_attempt_id).where(
            FollowUp.id == follow_up_id, FollowUp.status == FollowUpStatus.DONE
        )
    ).one_or_none()
    if done is None or done.completed_at is None:
        raise InvalidInput("That follow-up is not done.")
    # Guarded by completed_at: exactly the completion read above is undone, even if
    # another writer reopened and completed it again in between.
    reopened = session.execute(
        update(FollowUp)
        .where(
            FollowUp.id == follow_up_id,
            FollowUp.status == FollowUpStatus.DONE,
            FollowUp.completed_at == done.completed_at,
        )
        .values(status=FollowUpStatus.OPEN, completed_at=None, completed_by_attempt_id=None)
        .returning(FollowUp.campaign_id, FollowUp.official_id, FollowUp.due_on, FollowUp.created_at)
    ).one_or_none()
    if reopened is None:
        raise InvalidInput("That follow-up is not done.")
    rollups.follow_up_reopened(
        session,
        campaign_id=reopened.campaign_id,
        official_id=reopened.official_id,
        due_on=reopened.due_on,
        created_at=reopened.created_at,
        completed_at=done.completed_at,
    )
    record_event(
        session,
        actor_id=actor_id,
        action="reopen",
        entity="follow_up",
        entity_id=follow_up_id,
        changes={
            "status": [FollowUpStatus.DONE.value, FollowUpStatus.OPEN.value],
            "completed_by_attempt_id": [done.completed_by_attempt_id, None],
        },
    )


def _editable(session: Session, attempt_id: int, actor_id: int) -> Attempt:
    """The live attempt, if the actor may change it (own: coordinator; anyone's: admin)."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.deleted_at is not None:
        # Checked after the permission, so a viewer learns nothing about which ids exist.
        require(session, actor_id, Permission.EDIT_OWN_ATTEMPTS)
        raise InvalidInput("That attempt no longer exists.")
    own = attempt.coordinator_id == actor_id
    require(
        session, actor_id, Permission.EDIT_OWN_ATTEMPTS if own else Permission.EDIT_ANY_ATTEMPTS
    )
    return attempt


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
