"""The read side for admins and corrections: the audit log, deleted attempts, editable attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from models.filters import start_of_day
from models.tables import Attempt, AuditEvent, Campaign, Official, User

AUDIT_LIMIT = 500


@dataclass(frozen=True)
class AuditFilter:
    """Narrow the audit log; empty values mean "any"."""

    date_from: date | None = None
    date_to: date | None = None
    actions: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    actor_ids: tuple[int, ...] = ()


def audit_log(session: Session, where: AuditFilter, *, limit: int = AUDIT_LIMIT) -> pd.DataFrame:
    """The newest audit events first: when, who, action, entity, record id, fields changed."""
    stmt = (
        select(
            AuditEvent.id.label("event_id"),
            AuditEvent.occurred_at,
            User.display_name.label("actor"),
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.changes,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
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
    frame = _frame(session, stmt)
    frame["actor"] = frame["actor"].fillna("system")
    frame["changes"] = frame["changes"].map(_describe_changes)
    return frame


def audit_vocabulary(session: Session) -> tuple[list[str], list[str]]:
    """The actions and entities that occur in the log, for the filter pick lists."""
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    entities = session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity))
    return list(actions), list(entities)


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
        .add_columns(Attempt.notes, Attempt.duration_s, Attempt.contact_point_id)
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


def _describe_changes(changes: object) -> str:
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
