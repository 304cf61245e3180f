"""Correcting the record (attempts, responses, follow-ups): who may, what changes, the audit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.commands import ResponseInput, record_response
from models.corrections import (
    AttemptEdit,
    delete_attempt,
    remove_response,
    reopen_follow_up,
    restore_attempt,
    update_attempt,
)
from models.filters import Filters
from models.insights.reference import summary
from models.permissions import PermissionDenied
from models.tables import Attempt, AuditEvent, FollowUp, Response, User
from models.text import InvalidInput
from models.vocab import Channel, FollowUpStatus, Outcome, Role, Stance
from tests.factories import DEFAULT_TIME, make_attempt, make_campaign, make_official, make_user


@pytest.fixture
def world(session: Session) -> dict[str, int]:
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign)
    owner = make_user(session, "Owner")
    other = make_user(session, "Other Coordinator")
    viewer = make_user(session, "Viewer")
    admin = make_user(session, "Admin")
    for user_id, role in ((viewer, Role.VIEWER), (admin, Role.ADMIN)):
        user = session.get(User, user_id)
        assert user is not None
        user.role = role
    attempt = make_attempt(
        session, campaign_id=campaign, official_id=official, actor_id=owner, notes="first notes"
    ).attempt_id
    session.commit()
    return {"attempt": attempt, "owner": owner, "other": other, "viewer": viewer, "admin": admin}


EDIT = AttemptEdit(
    channel=Channel.PHONE,
    outcome=Outcome.SPOKE_TO_STAFF,
    occurred_at=datetime(2026, 3, 4, 11, 0, tzinfo=UTC),
    notes="corrected notes",
    duration_s=95,
)


def _audit_count(session: Session) -> int:
    return session.scalar(select(func.count(AuditEvent.id))) or 0


def test_owner_corrects_own_attempt_and_the_change_is_audited(
    session: Session, world: dict[str, int]
) -> None:
    """Changed fields are audited before/after; notes only as "changed"."""
    changes = update_attempt(session, world["attempt"], EDIT, actor_id=world["owner"])
    session.commit()
    assert changes == {
        "outcome": ["no answer", "spoke to staff"],
        "outcome_class": ["no contact", "reached"],
        "occurred_at": [DEFAULT_TIME.isoformat(), "2026-03-04T11:00:00+00:00"],
        "duration_s": [None, 95],
        "notes": "changed",
    }
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity == "attempt")
    ).one()
    assert event.changes == changes
    assert "corrected" not in str(event.changes)
    attempt = session.get(Attempt, world["attempt"])
    assert attempt is not None
    assert (attempt.outcome, attempt.notes) == (Outcome.SPOKE_TO_STAFF, "corrected notes")


@pytest.mark.parametrize("who", ["other", "viewer"])
def test_others_cannot_edit_or_delete(session: Session, world: dict[str, int], who: str) -> None:
    """Another coordinator or a viewer is refused; nothing changes; the refusal is audited."""
    before = _audit_count(session)
    with pytest.raises(PermissionDenied):
        update_attempt(session, world["attempt"], EDIT, actor_id=world[who])
    session.commit()  # what session_scope does on a refusal: keep only the audit event
    with pytest.raises(PermissionDenied):
        delete_attempt(session, world["attempt"], actor_id=world[who])
    session.commit()
    attempt = session.get(Attempt, world["attempt"])
    assert attempt is not None
    assert (attempt.outcome, attempt.deleted_at, attempt.notes) == (
        Outcome.NO_ANSWER,
        None,
        "first notes",
    )
    assert _audit_count(session) == before + 2
    denied = session.scalars(select(AuditEvent.actor_id).where(AuditEvent.action == "denied"))
    assert list(denied) == [world[who], world[who]]


def test_admin_edits_anyone_and_delete_restore_round_trip(
    session: Session, world: dict[str, int]
) -> None:
    """Soft-deleted attempts leave the figures; an admin's restore brings them back."""
    update_attempt(session, world["attempt"], EDIT, actor_id=world["admin"])
    session.commit()
    assert summary(session, Filters()).attempts == 1
    delete_attempt(session, world["attempt"], actor_id=world["owner"])
    session.commit()
    assert summary(session, Filters()).attempts == 0
    with pytest.raises(InvalidInput, match="no longer exists"):
        update_attempt(session, world["attempt"], EDIT, actor_id=world["owner"])
    with pytest.raises(PermissionDenied):
        restore_attempt(session, world["attempt"], actor_id=world["owner"])
    session.commit()
    restore_attempt(session, world["attempt"], actor_id=world["admin"])
    assert summary(session, Filters()).attempts == 1
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "attempt").order_by(AuditEvent.id)
    )
    assert list(actions) == ["create", "update", "delete", "restore"]


def test_edit_is_validated_like_a_new_attempt(session: Session, world: dict[str, int]) -> None:
    """A fax cannot leave a voicemail, in an edit as in a new attempt."""
    bad = AttemptEdit(Channel.FAX, Outcome.LEFT_VOICEMAIL, DEFAULT_TIME)
    with pytest.raises(InvalidInput, match="not an outcome of a fax"):
        update_attempt(session, world["attempt"], bad, actor_id=world["owner"])


def test_unchanged_edit_writes_no_audit_event(session: Session, world: dict[str, int]) -> None:
    """Saving the same values is not a change."""
    before = _audit_count(session)
    same = AttemptEdit(Channel.PHONE, Outcome.NO_ANSWER, DEFAULT_TIME, "first notes")
    assert update_attempt(session, world["attempt"], same, actor_id=world["owner"]) == {}
    assert _audit_count(session) == before


def test_removing_a_response_leaves_the_attempt_unanswered_and_is_audited(
    session: Session, world: dict[str, int]
) -> None:
    """The response row goes, the attempt counts as unanswered, one "delete" event says so."""
    reached = AttemptEdit(Channel.PHONE, Outcome.SPOKE_TO_STAFF, DEFAULT_TIME, "first notes")
    update_attempt(session, world["attempt"], reached, actor_id=world["owner"])
    reply = ResponseInput(Stance.SUPPORTIVE, "a summary", responded_at=DEFAULT_TIME)
    response_id = record_response(
        session, attempt_id=world["attempt"], response=reply, actor_id=world["owner"]
    )
    before = _audit_count(session)
    assert remove_response(session, world["attempt"], actor_id=world["owner"]) == response_id
    session.commit()
    attempt = session.get(Attempt, world["attempt"])
    assert attempt is not None
    assert (attempt.responded_at, session.get(Response, response_id)) == (None, None)
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.entity, event.entity_id) == ("delete", "response", response_id)
    assert event.changes == {"attempt_id": world["attempt"], "stance": "supportive"}
    assert _audit_count(session) == before + 1


def test_only_who_may_edit_the_attempt_removes_its_response(
    session: Session, world: dict[str, int]
) -> None:
    """Another coordinator is refused; an attempt with no response is refused with a reason."""
    with pytest.raises(PermissionDenied):
        remove_response(session, world["attempt"], actor_id=world["other"])
    session.rollback()
    with pytest.raises(InvalidInput, match="no response"):
        remove_response(session, world["attempt"], actor_id=world["admin"])


def test_reopening_a_done_follow_up_makes_it_open_and_is_audited(session: Session) -> None:
    """A follow-up done by a later attempt is open again, with no completion, after reopening."""
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign)
    owner = make_user(session, "Owner")
    first = make_attempt(
        session, campaign_id=campaign, official_id=official, actor_id=owner,
        follow_up_on=DEFAULT_TIME.date(),
    )  # fmt: skip
    second = make_attempt(session, campaign_id=campaign, official_id=official, actor_id=owner)
    assert first.follow_up_id is not None
    assert second.completed_follow_up_ids == (first.follow_up_id,)
    reopen_follow_up(session, follow_up_id=first.follow_up_id, actor_id=owner)
    follow_up = session.get(FollowUp, first.follow_up_id)
    assert follow_up is not None
    session.refresh(follow_up)
    assert (follow_up.status, follow_up.completed_at, follow_up.completed_by_attempt_id) == (
        FollowUpStatus.OPEN, None, None,
    )  # fmt: skip
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.entity, event.entity_id) == (
        "reopen", "follow_up", first.follow_up_id,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="not done"):
        reopen_follow_up(session, follow_up_id=first.follow_up_id, actor_id=owner)
