"""The read side for admins and corrections: the audit log, deleted attempts, editable attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from models.audit_labels import action_label, actor_label, person, record_label
from models.filters import start_of_day
from models.tables import Attempt, AuditEvent, Campaign, Official, User

AUDIT_PAGE = 100  # events per page of the Admin → Audit log table
AuditKind = tuple[str, str]  # (action, entity) as stored, e.g. ("create", "attempt")


@dataclass(frozen=True)
class AuditFilter:
    """Narrow the audit log; empty values mean "any"."""

    date_from: date | None = None
    date_to: date | None = None
    actions: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    actor_ids: tuple[int, ...] = ()
    kinds: tuple[AuditKind, ...] = ()  # (action, entity) pairs: "logged attempt", ...

    def describe(self) -> dict[str, object]:
        """The filter as JSON-friendly values, for the audit event of an export."""
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "actions": list(self.actions),
            "entities": list(self.entities),
            "actor_ids": list(self.actor_ids),
            "kinds": [list(kind) for kind in self.kinds],
        }


AUDIT_COLUMNS = ["event_id", "occurred_at", "actor", "action", "record", "changes"]


def audit_log(
    session: Session, where: AuditFilter, *, limit: int = AUDIT_PAGE, offset: int = 0
) -> pd.DataFrame:
    """One page of events, newest first: when, who (display and user name), what in
    words, which record (named where a join can), and the fields changed."""
    stmt = audit_events(where).limit(limit).offset(offset)
    rows = [
        {
            "event_id": row.event_id,
            "occurred_at": row.occurred_at,
            "actor": actor_label(row.actor_display, row.actor_name),
            "action": action_label(row.action, row.entity),
            "record": record_label(row.entity, row.entity_id, record_name(row)),
            "changes": describe_changes(row.changes),
        }
        for row in session.execute(stmt)
    ]
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def audit_count(session: Session, where: AuditFilter) -> int:
    """How many events ``where`` selects (the pages of :func:`audit_log`)."""
    stmt = _filtered(select(func.count(AuditEvent.id)), where)
    return int(session.scalar(stmt) or 0)


def audit_events(where: AuditFilter) -> Select[Any]:
    """The events ``where`` selects, newest first, with the actor's and the record's names.

    One statement: the record's name comes from outer joins on the user, official or
    campaign the event is about (other records are named by id).
    """
    actor, subject = aliased(User), aliased(User)
    about = AuditEvent.entity_id
    stmt = (
        select(
            AuditEvent.id.label("event_id"),
            AuditEvent.occurred_at,
            actor.display_name.label("actor_display"),
            actor.name.label("actor_name"),
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.changes,
            subject.display_name.label("subject_display"),
            subject.name.label("subject_name"),
            Official.full_name.label("official_name"),
            Campaign.name.label("campaign_name"),
        )
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, and_(AuditEvent.entity == "user", subject.id == about))
        .outerjoin(Official, and_(AuditEvent.entity == "official", Official.id == about))
        .outerjoin(Campaign, and_(AuditEvent.entity == "campaign", Campaign.id == about))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return _filtered(stmt, where)


def record_name(row: Any) -> str | None:
    """The name of the user, official or campaign an :func:`audit_events` row is about."""
    if row.subject_name is not None:
        return person(row.subject_display, row.subject_name)
    name: str | None = row.official_name or row.campaign_name
    return name


def _filtered(stmt: Select[Any], where: AuditFilter) -> Select[Any]:
    if where.date_from is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= start_of_day(where.date_from))
    if where.date_to is not None:
        stmt = stmt.where(AuditEvent.occurred_at < start_of_day(where.date_to + timedelta(days=1)))
    if where.actions:
        stmt = stmt.where(AuditEvent.action.in_(where.actions))
    if where.entities:
        stmt = stmt.where(AuditEvent.entity.in_(where.entities))
    if where.actor_ids:
        stmt = stmt.where(AuditEvent.actor_id.in_(where.actor_ids))
    if where.kinds:
        stmt = stmt.where(
            or_(*(and_(AuditEvent.action == a, AuditEvent.entity == e) for a, e in where.kinds))
        )
    return stmt


def audit_vocabulary(session: Session) -> tuple[list[AuditKind], list[str]]:
    """The (action, entity) pairs and the entities in the log, for the filter pick lists."""
    pairs = session.execute(select(AuditEvent.action, AuditEvent.entity).distinct())
    kinds = sorted(((action, entity) for action, entity in pairs), key=lambda k: action_label(*k))
    return kinds, sorted({entity for _, entity in kinds})


def deleted_attempts(session: Session, *, limit: int = 200) -> pd.DataFrame:
    """Soft-deleted attempts, newest deletion first, for an admin to restore."""
    deleter = aliased(User)
    stmt = (
        _attempt_columns(select())
        .add_columns(Attempt.deleted_at, deleter.display_name.label("deleted_by"))
        .outerjoin(deleter, deleter.id == Attempt.deleted_by_id)
        .where(Attempt.deleted_at.is_not(None))
        .order_by(Attempt.deleted_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    return _frame(session, stmt)


def correctable_attempts(
    session: Session,
    *,
    campaign_id: int,
    official_id: int,
    coordinator_id: int | None,
    limit: int = 20,
) -> pd.DataFrame:
    """Recent live attempts to one official in one campaign; only one coordinator's if given."""
    stmt = (
        _attempt_columns(select())
        .add_columns(
            Attempt.notes, Attempt.duration_s, Attempt.contact_point_id, Attempt.responded_at
        )
        .where(
            Attempt.campaign_id == campaign_id,
            Attempt.official_id == official_id,
            Attempt.deleted_at.is_(None),
        )
        .order_by(Attempt.occurred_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    if coordinator_id is not None:
        stmt = stmt.where(Attempt.coordinator_id == coordinator_id)
    return _frame(session, stmt)


def _attempt_columns(stmt: Select[()]) -> Select[()]:
    coordinator = aliased(User)
    return (
        stmt.add_columns(
            Attempt.id.label("attempt_id"),
            Attempt.occurred_at,
            Campaign.name.label("campaign"),
            Official.full_name.label("official"),
            Attempt.channel,
            Attempt.outcome,
            coordinator.display_name.label("coordinator"),
        )
        .select_from(Attempt)
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .join(Official, Official.id == Attempt.official_id)
        .join(coordinator, coordinator.id == Attempt.coordinator_id)
    )


def describe_changes(changes: object) -> str:
    """A readable one-line summary of an event's changes (never contains notes' text)."""
    if not isinstance(changes, dict) or not changes:
        return ""
    parts = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{name}: {value[0]} → {value[1]}")
        else:
            parts.append(f"{name}: {value}")
    return "; ".join(parts)


def _frame(session: Session, stmt: Select[()]) -> pd.DataFrame:
    result = session.execute(stmt)
    return pd.DataFrame(result.all(), columns=list(result.keys()))
