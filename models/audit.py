"""The audit trail: one event per change, written in the change's own transaction."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from models.tables import AuditEvent


def record_event(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session's transaction (never commits).

    ``changes`` holds field names and values; callers leave notes' contents out.
    """
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        changes=changes or {},
    )
    session.add(event)
    return event


_EVENTS = cast(Table, AuditEvent.__table__)
_INSERT_EVENT = _EVENTS.insert()  # one statement object: its cache key is computed once


def insert_event(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    changes: dict[str, Any],
) -> None:
    """:func:`record_event` as one Core INSERT, for hot paths that hold no ORM objects."""
    values = {
        "actor_id": actor_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "changes": changes,
    }
    session.execute(_INSERT_EVENT, values)
