"""The statements that log an attempt, as SQLAlchemy Core: few, and each built once.

``models.commands.log_attempt`` is the action; this is how it reaches the database. A
coordinator logs call after call, so this path is kept to seven statements on SQLite
(BEGIN, one joined check, the INSERT, two rollup upserts, the follow-up UPDATE, the
audit INSERT) where the ORM version took thirteen and spent most of its time on
bookkeeping: unit-of-work flushes, a SAVEPOINT, identity-map loads of rows only read.

The idempotency key is settled by the database: ``INSERT ... ON CONFLICT
(idempotency_key) DO NOTHING RETURNING id`` saves the attempt or, when another request
saved the key first, returns nothing. Follow-ups are closed by one ``UPDATE ...
RETURNING``, which names exactly the rows this statement closed.

Core statements bypass the Session's identity map, so rows the caller may hold as ORM
objects and that we change here (follow-ups) are expired, never left stale. Writers in
here are reached only through ``models.commands``, whose functions the rollup tests
follow into this module.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Select, Table, bindparam, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from models import guard
from models.audit import insert_event
from models.cadence_rules import commitment_due
from models.insights import upkeep as rollups
from models.sqlfuncs import dialect_insert
from models.tables import (
    Attempt,
    Campaign,
    CampaignTarget,
    ContactPoint,
    FollowUp,
    Official,
    Response,
    User,
)
from models.vocab import Channel, ContactKind, FollowUpStatus, Outcome, Role, Stance

ATTEMPTS = cast(Table, Attempt.__table__)
FOLLOW_UPS = cast(Table, FollowUp.__table__)
RESPONSES = cast(Table, Response.__table__)
_USERS = cast(Table, User.__table__)
_CAMPAIGNS = cast(Table, Campaign.__table__)
_OFFICIALS = cast(Table, Official.__table__)
_TARGETS = cast(Table, CampaignTarget.__table__)
_POINTS = cast(Table, ContactPoint.__table__)


@dataclass(frozen=True)
class Context:
    """Everything the checks before logging need, read in one statement.

    A field is None when its row does not exist (no such user, campaign, official,
    contact point; ``targeted`` False when the official is not a target).
    """

    actor_role: Role | None
    actor_active: bool
    campaign_name: str | None
    official_name: str | None
    official_zone: str
    official_country: str
    official_archived: bool
    targeted: bool
    point_official_id: int | None
    point_kind: ContactKind | None
    point_value: str
    existing_attempt_id: int | None
    daily_cap: int = 0
    point_failures: int = 0
    point_removed: bool = False


def read_context(
    session: Session,
    *,
    actor_id: int,
    campaign_id: int,
    official_id: int,
    contact_point_id: int | None,
    idempotency_key: str,
) -> Context:
    """The actor, campaign, official, target, contact point and any attempt already
    saved under ``idempotency_key``, by one SELECT of LEFT JOINs on a single row.

    On PostgreSQL the same SELECT takes the lock of this campaign and official until the
    transaction ends (:mod:`models.guard`), so the daily limit holds under concurrent saves.
    """
    session.flush()  # Core statements do not autoflush: let them see the caller's rows
    row = session.execute(
        _context_statement(_dialect(session)),
        {
            "actor_id": actor_id,
            "campaign_id": campaign_id,
            "official_id": official_id,
            "point_id": contact_point_id,
            "key": idempotency_key,
        },
    ).one()
    return _context_of(row)


def _context_of(row: Row[Any]) -> Context:
    return Context(
        actor_role=row.role,
        actor_active=bool(row.is_active),
        campaign_name=row.campaign_name,
        official_name=row.full_name,
        official_zone=row.timezone or "UTC",
        official_country=row.country or "",
        official_archived=row.archived_at is not None,
        targeted=row.targeted is not None,
        point_official_id=row.point_official_id,
        point_kind=row.kind,
        point_value=row.value or "",
        existing_attempt_id=row.existing_id,
        daily_cap=row.daily_cap or 0,
        point_failures=row.failures_in_a_row or 0,
        point_removed=row.removed_at is not None,
    )


@functools.cache
def _context_statement(dialect: str) -> Select[Any]:
    one = select(literal(1).label("one")).subquery("one")
    joined = (
        one.outerjoin(_USERS, _USERS.c.id == bindparam("actor_id"))
        .outerjoin(_CAMPAIGNS, _CAMPAIGNS.c.id == bindparam("campaign_id"))
        .outerjoin(_OFFICIALS, _OFFICIALS.c.id == bindparam("official_id"))
        .outerjoin(
            _TARGETS,
            (_TARGETS.c.campaign_id == bindparam("campaign_id"))
            & (_TARGETS.c.official_id == bindparam("official_id")),
        )
        .outerjoin(_POINTS, _POINTS.c.id == bindparam("point_id"))
        .outerjoin(ATTEMPTS, ATTEMPTS.c.idempotency_key == bindparam("key"))
    )
    columns: list[Any] = [
        _USERS.c.role,
        _USERS.c.is_active,
        _CAMPAIGNS.c.name.label("campaign_name"),
        _CAMPAIGNS.c.daily_cap,
        _OFFICIALS.c.full_name,
        _OFFICIALS.c.timezone,
        _OFFICIALS.c.country,
        _OFFICIALS.c.archived_at,
        _TARGETS.c.official_id.label("targeted"),
        _POINTS.c.official_id.label("point_official_id"),
        _POINTS.c.kind,
        _POINTS.c.value,
        _POINTS.c.failures_in_a_row,
        _POINTS.c.removed_at,
        ATTEMPTS.c.id.label("existing_id"),
    ]
    if dialect == "postgresql":
        columns.append(guard.pg_lock_column())
    return select(*columns).select_from(joined)


def insert_attempt(
    session: Session, values: dict[str, Any], limit: tuple[datetime, datetime, int] | None = None
) -> int | None:
    """Save the attempt; its id, or None if its idempotency key was saved first or, with
    ``limit`` = (day start, day end, cap), if the day already has ``cap`` attempts."""
    dialect = _dialect(session)
    if limit is None:
        new_id = session.execute(_insert_attempt_statement(dialect), values).scalar()
    else:
        start, end, cap = limit
        stmt = guard.capped_insert_statement(dialect, tuple(values))
        new_id = session.execute(
            stmt, values | {"g_start": start, "g_end": end, "g_cap": cap}
        ).scalar()
    return None if new_id is None else int(new_id)


def find_twin(
    session: Session,
    values: dict[str, Any],
    *,
    answered: bool,
    window: timedelta,
    known: frozenset[int],
    now: datetime,
) -> tuple[int, datetime] | None:
    """(id, saved at) of the newest live attempt that repeats the one ``values`` would
    save (``models.commands.TwinCheck`` says what repeats means), else None."""
    when: datetime = values["occurred_at"]
    found = session.execute(
        select(ATTEMPTS.c.id, ATTEMPTS.c.created_at)
        .where(
            ATTEMPTS.c.campaign_id == values["campaign_id"],
            ATTEMPTS.c.official_id == values["official_id"],
            ATTEMPTS.c.occurred_at.between(when - window, when + window),
            ATTEMPTS.c.coordinator_id == values["coordinator_id"],
            ATTEMPTS.c.channel == values["channel"],
            ATTEMPTS.c.outcome == values["outcome"],
            ATTEMPTS.c.contact_point_id.is_not_distinct_from(values["contact_point_id"]),
            ATTEMPTS.c.notes == values["notes"],
            ATTEMPTS.c.responded_at.is_not(None) if answered else ATTEMPTS.c.responded_at.is_(None),
            ATTEMPTS.c.deleted_at.is_(None),
            ATTEMPTS.c.created_at >= now - window,
            ATTEMPTS.c.id.not_in(known),
        )
        .order_by(ATTEMPTS.c.id.desc())
        .limit(1)
    ).first()
    return None if found is None else (int(found.id), found.created_at)


def attempt_id_for_key(session: Session, key: str) -> int | None:
    found = session.scalar(select(ATTEMPTS.c.id).where(ATTEMPTS.c.idempotency_key == key))
    return None if found is None else int(found)


@functools.cache
def _insert_attempt_statement(dialect: str) -> Any:
    insert = dialect_insert(dialect, ATTEMPTS)
    return insert.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(
        ATTEMPTS.c.id
    )


def complete_follow_ups(
    session: Session, facts: rollups.AttemptFacts, attempt_id: int
) -> list[int]:
    """Mark every open follow-up for the attempt's official and campaign done by it; the
    ids closed, in order."""
    closed = session.execute(
        _complete_statement(),
        {
            "b_campaign": facts.campaign_id,
            "b_official": facts.official_id,
            "b_completed_at": facts.occurred_at,
            "b_attempt": attempt_id,
        },
    ).all()
    if not closed:
        return []
    rollups.follow_up_completed(
        session,
        campaign_id=facts.campaign_id,
        official_id=facts.official_id,
        follow_ups=[(row.due_on, row.created_at) for row in closed],
        completed_at=facts.occurred_at,
    )
    ids = sorted(int(row.id) for row in closed)
    _expire(session, FollowUp, ids)
    return ids


@functools.cache
def _complete_statement() -> Any:
    return (
        update(FOLLOW_UPS)
        .where(
            FOLLOW_UPS.c.campaign_id == bindparam("b_campaign"),
            FOLLOW_UPS.c.official_id == bindparam("b_official"),
            FOLLOW_UPS.c.status == FollowUpStatus.OPEN,
        )
        .values(
            status=FollowUpStatus.DONE,
            completed_at=bindparam("b_completed_at", type_=FOLLOW_UPS.c.completed_at.type),
            completed_by_attempt_id=bindparam("b_attempt"),
        )
        .returning(FOLLOW_UPS.c.id, FOLLOW_UPS.c.due_on, FOLLOW_UPS.c.created_at)
    )


def insert_follow_up(
    session: Session,
    facts: rollups.AttemptFacts,
    *,
    attempt_id: int,
    due_on: date,
    actor_id: int,
    reason: str,
    due_at: datetime | None = None,
) -> int:
    """A new open follow-up that the attempt asked for; its id."""
    stmt = FOLLOW_UPS.insert().returning(FOLLOW_UPS.c.id, FOLLOW_UPS.c.created_at)
    values = {
        "campaign_id": facts.campaign_id,
        "official_id": facts.official_id,
        "due_on": due_on,
        "due_at": due_at,
        "assignee_id": actor_id,
        "reason": reason,
        "status": FollowUpStatus.OPEN,
        "source_attempt_id": attempt_id,
        "created_by_id": actor_id,
    }
    follow_up_id, created_at = session.execute(stmt, values).one()
    rollups.follow_up_created(
        session, campaign_id=facts.campaign_id, official_id=facts.official_id, due_on=due_on,
        created_at=created_at,
    )  # fmt: skip
    return int(follow_up_id)


@dataclass(frozen=True)
class ResponseRow:
    """A response already checked, ready to store."""

    stance: Stance
    summary: str
    responded_at: datetime
    commitment_on: date | None


def insert_response(
    session: Session,
    facts: rollups.AttemptFacts,
    *,
    attempt_id: int,
    response: ResponseRow,
    actor_id: int,
) -> tuple[int, int | None]:
    """Store the response and the attempt's ``responded_at``, count it, and turn its
    commitment date into a follow-up due the first business day after it on which the
    office is open: (response id, commitment follow-up id or None)."""
    response_id = session.execute(
        RESPONSES.insert().returning(RESPONSES.c.id),
        {
            "attempt_id": attempt_id,
            "stance": response.stance,
            "summary": response.summary,
            "responded_at": response.responded_at,
            "commitment_on": response.commitment_on,
            "recorded_by_id": actor_id,
        },
    ).scalar_one()
    session.execute(
        update(ATTEMPTS)
        .where(ATTEMPTS.c.id == attempt_id)
        .values(responded_at=response.responded_at)
    )
    _expire(session, Attempt, [attempt_id])
    answered = replace(facts, responded_at=response.responded_at)
    rollups.response_recorded(session, answered, attempt_id=attempt_id)
    commitment_id = None
    if response.commitment_on is not None:
        commitment_id = insert_follow_up(
            session,
            facts,
            attempt_id=attempt_id,
            due_on=commitment_due(session, facts.official_id, response.commitment_on),
            actor_id=actor_id,
            reason="commitment",
        )
    return int(response_id), commitment_id


def audit_created(
    session: Session, *, actor_id: int, attempt_id: int, changes: dict[str, Any]
) -> None:
    insert_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="attempt",
        entity_id=attempt_id,
        changes=changes,
    )


def attempt_values(
    facts: rollups.AttemptFacts,
    *,
    contact_point_id: int | None,
    contact_value: str,
    duration_s: int | None,
    notes: str,
    actor_id: int,
    idempotency_key: str,
) -> dict[str, Any]:
    """The attempts row for ``facts`` and the rest of what was logged."""
    return {
        "campaign_id": facts.campaign_id,
        "official_id": facts.official_id,
        "contact_point_id": contact_point_id,
        "contact_value": contact_value,
        "channel": facts.channel,
        "outcome": facts.outcome,
        "outcome_class": facts.outcome_class,
        "occurred_at": facts.occurred_at,
        "duration_s": duration_s,
        "notes": notes,
        "coordinator_id": actor_id,
        "idempotency_key": idempotency_key,
        "local_weekday": facts.local_weekday,
        "local_hour": facts.local_hour,
    }


def new_attempt_facts(
    *,
    campaign_id: int,
    official_id: int,
    channel: Channel,
    outcome: Outcome,
    occurred_at: datetime,
    zone: str,
) -> rollups.AttemptFacts:
    """What a new, live, unanswered attempt counts as, with its local weekday and hour."""
    weekday, hour = rollups.local_slot(occurred_at, zone)
    return rollups.AttemptFacts(
        live=True,
        occurred_at=occurred_at,
        campaign_id=campaign_id,
        official_id=official_id,
        channel=channel,
        outcome=outcome,
        outcome_class=outcome.outcome_class,
        local_weekday=weekday,
        local_hour=hour,
        responded_at=None,
    )


def _expire(session: Session, entity: type[Any], ids: Sequence[int]) -> None:
    """Make the Session reload these rows if it holds them: we changed them behind it."""
    for row_id in ids:
        held = session.identity_map.get(identity_key(entity, row_id))
        if held is not None:
            session.expire(held)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
