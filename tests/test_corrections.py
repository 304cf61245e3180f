"""Editing, deleting and restoring attempts: who may, what changes, what is audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.corrections import AttemptEdit, delete_attempt, restore_attempt, update_attempt
from models.filters import Filters
from models.insights.reference import summary
from models.permissions import PermissionDenied
from models.tables import Attempt, AuditEvent, User
from models.text import InvalidInput
from models.vocab import Channel, Outcome, Role
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
