"""A small, complete database for the permission and audit tests, and a way to photograph it.

Everything is made through the model layer by the system (``actor_id=None``), as
``cli.py`` would, in one committed unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import accounts
from models.base import Base
from models.commands import create_follow_up
from models.corrections import AttemptEdit, delete_attempt
from models.db import session_scope
from models.directory import add_contact_point
from models.tables import AuditEvent
from models.vocab import Channel, ContactKind, Outcome, Role
from tests.factories import make_attempt, make_campaign, make_official

PASSWORD = "the world's shared passphrase"
NOTES = "Switchboard named Quince-Arbutus; call after lunch"
WHEN = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
LATER = WHEN + timedelta(hours=1)
# A correction of the coordinator's attempt that changes its outcome and notes.
EDIT = AttemptEdit(Channel.PHONE, Outcome.SPOKE_TO_STAFF, WHEN, notes="a correction")

Event = tuple[int | None, str, str, int | None]  # (actor, action, entity, record id)


@dataclass(frozen=True)
class World:
    admin: int
    coordinator: int
    other_coordinator: int
    viewer: int
    campaign: int
    official: int  # a target of the campaign
    outsider: int  # an official the campaign does not target yet
    contact_point: int
    attempt: int  # the coordinator's, live, no response yet
    other_attempt: int  # the other coordinator's, live
    deleted_attempt: int  # the coordinator's, soft-deleted
    follow_up: int  # open


def build_world(engine: Engine) -> World:
    with session_scope(engine) as session:
        people = {
            role_name: accounts.create_account(
                session, name=role_name, password=PASSWORD, role=role, actor_id=None
            )
            for role_name, role in (
                ("admin", Role.ADMIN),
                ("coordinator", Role.COORDINATOR),
                ("other coordinator", Role.COORDINATOR),
                ("viewer", Role.VIEWER),
            )
        }
        campaign = make_campaign(session)
        official = make_official(session, campaign_id=campaign)
        outsider = make_official(session, "Olga Outsider")
        contact_point = add_contact_point(
            session,
            official_id=official,
            kind=ContactKind.PHONE,
            value="+7 499 244-30-25",
            actor_id=None,
        )

        def attempt(actor: int) -> int:
            return make_attempt(
                session, campaign_id=campaign, official_id=official, actor_id=actor, notes=NOTES
            ).attempt_id

        mine, theirs, deleted = (
            attempt(people["coordinator"]),
            attempt(people["other coordinator"]),
            attempt(people["coordinator"]),
        )
        delete_attempt(session, deleted, actor_id=people["coordinator"])
        follow_up = create_follow_up(
            session,
            campaign_id=campaign,
            official_id=official,
            due_on=WHEN.date(),
            actor_id=people["coordinator"],
        )
    return World(
        admin=people["admin"],
        coordinator=people["coordinator"],
        other_coordinator=people["other coordinator"],
        viewer=people["viewer"],
        campaign=campaign,
        official=official,
        outsider=outsider,
        contact_point=contact_point,
        attempt=mine,
        other_attempt=theirs,
        deleted_attempt=deleted,
        follow_up=follow_up,
    )


Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(engine: Engine) -> Snapshot:
    """Every row of every table, in primary-key order."""
    with Session(engine) as session:
        return {
            table.name: [
                tuple(row) for row in session.execute(select(table).order_by(*table.primary_key))
            ]
            for table in Base.metadata.sorted_tables
        }


def without_audit(shot: Snapshot) -> Snapshot:
    return {name: rows for name, rows in shot.items() if name != AuditEvent.__tablename__}


def events_after(engine: Engine, last_id: int) -> list[Event]:
    """(actor, action, entity, entity_id) of the audit events after ``last_id``, in order."""
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def last_event_id(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))) or 0
