"""Directory freshness: when a contact point last worked, and which ones look dead.

``contact_points.verified_at`` is the latest time someone was reached on the point (an
attempt whose outcome class is "reached") or an admin checked it. ``failures_in_a_row``
counts the attempts on it, in the order they were logged, that ended "wrong or dead
number" or "failed to send"; any other outcome on it sets it back to 0. At
:data:`SUSPECT_AFTER` failures in a row the point is *suspect*: shown with a warning,
offered last in Contact used, and listed for admins to fix.

Logging keeps both in the attempt's own transaction with at most one UPDATE, and none
when nothing changes (the common "no answer" on a point with no failures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from models.audit import record_event
from models.base import utcnow
from models.permissions import Permission, require
from models.tables import ContactPoint, Official
from models.text import InvalidInput
from models.vocab import ContactKind, Outcome, OutcomeClass

SUSPECT_AFTER = 2
FAILURES = frozenset({Outcome.WRONG_NUMBER, Outcome.FAILED_TO_SEND})


def is_suspect(failures_in_a_row: int) -> bool:
    return failures_in_a_row >= SUSPECT_AFTER


def after_attempt(
    session: Session, *, point_id: int, outcome: Outcome, occurred_at: datetime, failures: int
) -> bool:
    """Update the point an attempt used (``failures``: its count before); True if a
    statement ran."""
    values: dict[str, Any] = {}
    if outcome in FAILURES:
        values["failures_in_a_row"] = ContactPoint.failures_in_a_row + 1
    elif failures:
        values["failures_in_a_row"] = 0
    if outcome.outcome_class == OutcomeClass.REACHED:
        values["failures_in_a_row"] = 0
        values["verified_at"] = case(
            (
                ContactPoint.verified_at.is_(None) | (ContactPoint.verified_at < occurred_at),
                occurred_at,
            ),
            else_=ContactPoint.verified_at,
        )
    if not values:
        return False
    session.execute(
        update(ContactPoint)
        .where(ContactPoint.id == point_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    held = session.identity_map.get((ContactPoint, (point_id,), None))
    if held is not None:
        session.expire(held)
    return True


@dataclass(frozen=True)
class SuspectPoint:
    contact_point_id: int
    official_id: int
    official: str
    kind: ContactKind
    value: str
    label: str
    failures_in_a_row: int
    verified_at: datetime | None


def suspect_points(session: Session) -> list[SuspectPoint]:
    """Suspect contact points of officials not archived, most failures first."""
    rows = session.execute(
        select(
            ContactPoint.id,
            Official.id,
            Official.full_name,
            ContactPoint.kind,
            ContactPoint.value,
            ContactPoint.label,
            ContactPoint.failures_in_a_row,
            ContactPoint.verified_at,
        )
        .join(Official, Official.id == ContactPoint.official_id)
        .where(
            ContactPoint.failures_in_a_row >= SUSPECT_AFTER,
            ContactPoint.removed_at.is_(None),
            Official.archived_at.is_(None),
        )
        .order_by(ContactPoint.failures_in_a_row.desc(), Official.full_name, ContactPoint.id)
    )
    return [SuspectPoint(*row) for row in rows]


def mark_verified(session: Session, *, contact_point_id: int, actor_id: int) -> None:
    """An admin checked the point: verified now, failures cleared; audited."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY)
    point = session.get(ContactPoint, contact_point_id)
    if point is None or point.removed_at is not None:
        raise InvalidInput("That contact point no longer exists.")
    before = {
        "failures_in_a_row": point.failures_in_a_row,
        "verified_at": None if point.verified_at is None else point.verified_at.isoformat(),
    }
    now = utcnow()
    point.failures_in_a_row = 0
    point.verified_at = now
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="verify",
        entity="contact_point",
        entity_id=contact_point_id,
        changes={
            "failures_in_a_row": [before["failures_in_a_row"], 0],
            "verified_at": [before["verified_at"], now.isoformat()],
        },
    )
