"""Directory freshness: logging keeps a contact point's last verification and its
failures in a row; two failures make it suspect; an admin can mark it verified."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.commands import log_attempt
from models.directory import add_contact_point
from models.freshness import mark_verified, suspect_points
from models.permissions import PermissionDenied
from models.tables import AuditEvent, ContactPoint, User
from models.vocab import Channel, ContactKind, Outcome, Role
from tests.factories import make_campaign, make_official, make_user

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> dict[str, int]:
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign)
    phone = add_contact_point(
        session, official_id=official, kind=ContactKind.PHONE, value="+74992443025",
        actor_id=None,
    )  # fmt: skip
    fax = add_contact_point(
        session, official_id=official, kind=ContactKind.FAX, value="+74992443045",
        actor_id=None,
    )  # fmt: skip
    return {
        "campaign": campaign, "official": official, "phone": phone, "fax": fax,
        "user": make_user(session),
    }  # fmt: skip


def _log(
    session: Session, w: dict[str, int], outcome: Outcome, n: int, point: str = "phone"
) -> None:
    log_attempt(
        session,
        campaign_id=w["campaign"],
        official_id=w["official"],
        channel=Channel.PHONE if point == "phone" else Channel.FAX,
        outcome=outcome,
        actor_id=w["user"],
        idempotency_key=f"k{n}-{point}",
        occurred_at=T0 + timedelta(hours=n),
        contact_point_id=w[point],
    )


def _point(session: Session, point_id: int) -> tuple[int, datetime | None]:
    row = session.execute(
        select(ContactPoint.failures_in_a_row, ContactPoint.verified_at).where(
            ContactPoint.id == point_id
        )
    ).one()
    return row[0], row[1]


def test_failures_count_in_a_row_and_any_other_outcome_resets_them(
    session: Session, world: dict[str, int]
) -> None:
    """wrong number, wrong number -> 2 (suspect); no answer -> 0; the fax is untouched."""
    _log(session, world, Outcome.WRONG_NUMBER, 0)
    _log(session, world, Outcome.WRONG_NUMBER, 1)
    assert _point(session, world["phone"]) == (2, None)
    assert [s.contact_point_id for s in suspect_points(session)] == [world["phone"]]
    _log(session, world, Outcome.NO_ANSWER, 2)
    assert _point(session, world["phone"]) == (0, None)
    assert suspect_points(session) == []
    assert _point(session, world["fax"]) == (0, None)


def test_a_reached_outcome_verifies_the_point_and_a_backdated_one_never_moves_it_back(
    session: Session, world: dict[str, int]
) -> None:
    """Spoke to staff at T0+3h: verified then; a call logged later but made at T0+1h
    leaves verified_at at T0+3h."""
    _log(session, world, Outcome.FAILED_TO_SEND, 0, "fax")
    _log(session, world, Outcome.SPOKE_TO_STAFF, 3)
    _log(session, world, Outcome.ASKED_TO_CALL_BACK, 1)
    assert _point(session, world["phone"]) == (0, T0 + timedelta(hours=3))
    assert _point(session, world["fax"]) == (1, None)


def test_an_admin_marks_a_suspect_point_verified_and_it_is_audited(
    session: Session, world: dict[str, int]
) -> None:
    """Mark verified: failures 0, verified now, an audit event with before and after."""
    _log(session, world, Outcome.WRONG_NUMBER, 0)
    _log(session, world, Outcome.WRONG_NUMBER, 1)
    admin = make_user(session, "An Admin")
    user = session.get(User, admin)
    assert user is not None
    user.role = Role.ADMIN
    mark_verified(session, contact_point_id=world["phone"], actor_id=admin)
    failures, verified = _point(session, world["phone"])
    assert failures == 0 and verified is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "verify")).one()
    assert (event.entity, event.entity_id, event.changes["failures_in_a_row"]) == (
        "contact_point",
        world["phone"],
        [2, 0],
    )


def test_a_coordinator_may_not_mark_a_point_verified(
    session: Session, world: dict[str, int]
) -> None:
    """Marking verified is directory management: admins only."""
    with pytest.raises(PermissionDenied):
        mark_verified(session, contact_point_id=world["phone"], actor_id=world["user"])
