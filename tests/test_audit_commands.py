"""Audit invariants of the write commands: one event per change, in the change's own
transaction; no event when nothing changed or the input was refused.

Every command runs in ``models.db.session_scope`` as the app runs it. The expected
events are spelled out per command: (actor, action, entity, record id).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from models import accounts
from models.campaigns import (
    CampaignInput,
    add_target,
    create_campaign,
    remove_target,
    set_status,
    set_tier,
    update_campaign,
)
from models.commands import (
    ResponseInput,
    cancel_follow_up,
    create_follow_up,
    log_attempt,
    record_response,
)
from models.corrections import AttemptEdit, delete_attempt, restore_attempt, update_attempt
from models.db import session_scope
from models.directory import (
    OfficialInput,
    add_contact_point,
    archive_official,
    create_official,
    remove_contact_point,
    update_contact_point,
    update_official,
)
from models.tables import Attempt, FollowUp
from models.text import InvalidInput
from models.vocab import CampaignStatus, Channel, ContactKind, FollowUpStatus, Outcome, Role, Stance
from tests.world import (
    EDIT,
    LATER,
    NOTES,
    PASSWORD,
    WHEN,
    Event,
    World,
    build_world,
    events_after,
    last_event_id,
    snapshot,
)


@dataclass(frozen=True)
class Case:
    """A successful command: who runs it, the call, and the events it must leave."""

    actor: str  # a World attribute
    call: Callable[[Session, World, int], Any]
    expected: Callable[[World, int, Any], list[Event]]


def one(action: str, entity: str, record: Callable[[World, Any], int | None]) -> Any:
    """The expected-events function for a single event on ``record``."""
    return lambda w, actor, result: [(actor, action, entity, record(w, result))]


def logged(s: Session, w: World, actor: int) -> int:
    """An attempt that also answers the open follow-up, records a live response with a
    commitment, and asks for a follow-up: five kinds of row, one event."""
    return log_attempt(
        s,
        campaign_id=w.campaign,
        official_id=w.official,
        channel=Channel.PHONE,
        outcome=Outcome.SPOKE_TO_STAFF,
        actor_id=actor,
        idempotency_key="audit-case",
        occurred_at=LATER,
        notes="the notes of a logged attempt",
        follow_up_on=date(2026, 3, 10),
        response=ResponseInput(Stance.WILL_FORWARD, "a summary", commitment_on=date(2026, 3, 12)),
    ).attempt_id


def reached(session: Session, attempt_id: int) -> int:
    """Make the world's "no answer" attempt one that reached someone, without an event:
    only such an attempt can be answered (models.response_rules)."""
    session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id)
        .values(outcome=Outcome.SPOKE_TO_STAFF, outcome_class=Outcome.SPOKE_TO_STAFF.outcome_class)
    )
    return attempt_id


CASES: dict[str, Case] = {
    "log_attempt": Case("coordinator", logged, one("create", "attempt", lambda w, r: r)),
    "record_response": Case(
        "coordinator",
        lambda s, w, a: record_response(
            s,
            attempt_id=reached(s, w.attempt),
            response=ResponseInput(Stance.OPPOSED),
            actor_id=a,
        ),
        one("create", "response", lambda w, r: r),
    ),
    "create_follow_up": Case(
        "coordinator",
        lambda s, w, a: create_follow_up(
            s, campaign_id=w.campaign, official_id=w.official, due_on=date(2026, 3, 9), actor_id=a
        ),
        one("create", "follow_up", lambda w, r: r),
    ),
    "cancel_follow_up": Case(
        "coordinator",
        lambda s, w, a: cancel_follow_up(s, follow_up_id=w.follow_up, actor_id=a),
        one("cancel", "follow_up", lambda w, r: w.follow_up),
    ),
    "update_attempt": Case(
        "coordinator",
        lambda s, w, a: update_attempt(s, w.attempt, EDIT, actor_id=a),
        one("update", "attempt", lambda w, r: w.attempt),
    ),
    "delete_attempt": Case(
        "coordinator",
        lambda s, w, a: delete_attempt(s, w.attempt, actor_id=a),
        one("delete", "attempt", lambda w, r: w.attempt),
    ),
    "restore_attempt": Case(
        "admin",
        lambda s, w, a: restore_attempt(s, w.deleted_attempt, actor_id=a),
        one("restore", "attempt", lambda w, r: w.deleted_attempt),
    ),
    "create_official": Case(
        "admin",
        lambda s, w, a: create_official(s, OfficialInput("Nina Newcomer"), actor_id=a),
        one("create", "official", lambda w, r: r),
    ),
    "update_official": Case(
        "admin",
        lambda s, w, a: update_official(
            s, w.official, OfficialInput("Ivan Renamed", notes="new notes"), actor_id=a
        ),
        one("update", "official", lambda w, r: w.official),
    ),
    "archive_official": Case(
        "admin",
        lambda s, w, a: archive_official(s, w.official, actor_id=a),
        one("archive", "official", lambda w, r: w.official),
    ),
    "add_contact_point": Case(
        "admin",
        lambda s, w, a: add_contact_point(
            s, official_id=w.official, kind=ContactKind.EMAIL, value="o@example.org", actor_id=a
        ),
        one("create", "contact_point", lambda w, r: r),
    ),
    "update_contact_point": Case(
        "admin",
        lambda s, w, a: update_contact_point(
            s, w.contact_point, value="+7 499 244-30-25", label="Desk", is_primary=True, actor_id=a
        ),
        one("update", "contact_point", lambda w, r: w.contact_point),
    ),
    "remove_contact_point": Case(
        "admin",
        lambda s, w, a: remove_contact_point(s, w.contact_point, actor_id=a),
        one("delete", "contact_point", lambda w, r: w.contact_point),
    ),
    "add_target": Case(
        "admin",
        lambda s, w, a: add_target(s, w.campaign, w.outsider, actor_id=a),
        one("add_target", "campaign", lambda w, r: w.campaign),
    ),
    "create_campaign": Case(
        "admin",
        lambda s, w, a: create_campaign(s, CampaignInput(name="Another"), actor_id=a),
        one("create", "campaign", lambda w, r: r),
    ),
    "update_campaign": Case(
        "admin",
        lambda s, w, a: update_campaign(
            s, w.campaign, CampaignInput(name="Renamed", ask="New ask"), actor_id=a
        ),
        one("update", "campaign", lambda w, r: w.campaign),
    ),
    "set_status": Case(
        "admin",
        lambda s, w, a: set_status(s, w.campaign, CampaignStatus.CLOSED, actor_id=a),
        one("set_status", "campaign", lambda w, r: w.campaign),
    ),
    "set_tier": Case(
        "admin",
        lambda s, w, a: set_tier(s, w.campaign, w.official, 2, actor_id=a),
        one("set_tier", "campaign", lambda w, r: w.campaign),
    ),
    "remove_target": Case(
        "admin",
        lambda s, w, a: remove_target(s, w.campaign, w.official, actor_id=a),
        lambda w, a, r: [
            (a, "cancel", "follow_up", w.follow_up),
            (a, "remove_target", "campaign", w.campaign),
        ],
    ),
    "create_account": Case(
        "admin",
        lambda s, w, a: accounts.create_account(
            s, name="newcomer", password=PASSWORD, role=Role.VIEWER, actor_id=a
        ),
        one("create", "user", lambda w, r: r),
    ),
    "change_role": Case(
        "admin",
        lambda s, w, a: accounts.change_role(s, w.coordinator, Role.VIEWER, actor_id=a),
        one("update", "user", lambda w, r: w.coordinator),
    ),
    "set_active": Case(
        "admin",
        lambda s, w, a: accounts.set_active(s, w.coordinator, False, actor_id=a),
        one("deactivate", "user", lambda w, r: w.coordinator),
    ),
    "set_password": Case(
        "admin",
        lambda s, w, a: accounts.set_password(
            s, w.coordinator, "a brand new passphrase", actor_id=a
        ),
        one("set_password", "user", lambda w, r: w.coordinator),
    ),
    "set_own_password": Case(
        "viewer",
        lambda s, w, a: accounts.set_password(s, a, "my own new passphrase", actor_id=a),
        one("set_password", "user", lambda w, r: w.viewer),
    ),
}


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


@pytest.mark.parametrize("name", list(CASES))
def test_every_successful_command_writes_exactly_its_one_event(
    engine: Engine, world: World, name: str
) -> None:
    """One audit event per command, naming the actor, the action and the record."""
    case = CASES[name]
    actor = getattr(world, case.actor)
    last = last_event_id(engine)
    with session_scope(engine) as session:
        result = case.call(session, world, actor)

    assert events_after(engine, last) == case.expected(world, actor, result)


class Abandon(Exception):
    """Raised inside a unit of work after the command, to roll it back."""


@pytest.mark.parametrize("name", list(CASES))
def test_the_event_is_written_in_the_changes_transaction(
    engine: Engine, world: World, name: str
) -> None:
    """A unit of work rolled back after the command leaves neither the change nor the event."""
    case = CASES[name]
    before = snapshot(engine)
    with pytest.raises(Abandon), session_scope(engine) as session:
        case.call(session, world, getattr(world, case.actor))
        session.flush()
        raise Abandon

    assert snapshot(engine) == before


UNCHANGED: dict[str, Case] = {
    "update_attempt": Case(
        "coordinator",
        lambda s, w, a: update_attempt(
            s, w.attempt, AttemptEdit(Channel.PHONE, Outcome.NO_ANSWER, WHEN, NOTES), actor_id=a
        ),
        lambda w, a, r: [],
    ),
    "update_official": Case(
        "admin",
        lambda s, w, a: update_official(
            s,
            w.official,
            OfficialInput(
                "Ivan Petrov",
                organization="Ministry of Examples",
                timezone="Europe/Moscow",
                country="RU",
            ),
            actor_id=a,
        ),
        lambda w, a, r: [],
    ),
    "update_contact_point": Case(
        "admin",
        lambda s, w, a: update_contact_point(
            s, w.contact_point, value="+74992443025", label="", is_primary=False, actor_id=a
        ),
        lambda w, a, r: [],
    ),
    "add_target": Case(
        "admin", lambda s, w, a: add_target(s, w.campaign, w.official, actor_id=a), lambda *_: []
    ),
    "update_campaign": Case(
        "admin",
        lambda s, w, a: update_campaign(s, w.campaign, CampaignInput("Test campaign"), actor_id=a),
        lambda *_: [],
    ),
    "set_status": Case(
        "admin",
        lambda s, w, a: set_status(s, w.campaign, CampaignStatus.ACTIVE, actor_id=a),
        lambda *_: [],
    ),
    "set_tier": Case(
        "admin", lambda s, w, a: set_tier(s, w.campaign, w.official, 1, actor_id=a), lambda *_: []
    ),
    "remove_target": Case(
        "admin",
        lambda s, w, a: remove_target(s, w.campaign, w.outsider, actor_id=a),
        lambda *_: [],
    ),
    "change_role": Case(
        "admin",
        lambda s, w, a: accounts.change_role(s, w.coordinator, Role.COORDINATOR, actor_id=a),
        lambda *_: [],
    ),
    "set_active": Case(
        "admin",
        lambda s, w, a: accounts.set_active(s, w.coordinator, True, actor_id=a),
        lambda *_: [],
    ),
}


@pytest.mark.parametrize("name", list(UNCHANGED))
def test_a_command_that_changes_nothing_writes_no_event(
    engine: Engine, world: World, name: str
) -> None:
    """Saving the values a record already has is not a change: no rows touched, no event."""
    case = UNCHANGED[name]
    before = snapshot(engine)
    with session_scope(engine) as session:
        case.call(session, world, getattr(world, case.actor))

    assert snapshot(engine) == before


def test_a_late_validation_failure_leaves_neither_change_nor_event(
    engine: Engine, world: World
) -> None:
    """The commitment date is checked after the attempt, its follow-ups and rollups were
    written: InvalidInput inside session_scope rolls all of it back, with no event."""
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="commitment date"), session_scope(engine) as session:
        log_attempt(
            session,
            campaign_id=world.campaign,
            official_id=world.official,
            channel=Channel.PHONE,
            outcome=Outcome.SPOKE_TO_STAFF,
            actor_id=world.coordinator,
            idempotency_key="late-failure",
            occurred_at=LATER,
            follow_up_on=date(2026, 3, 10),
            response=ResponseInput(Stance.SUPPORTIVE, commitment_on=date(2026, 3, 1)),
        )

    assert snapshot(engine) == before
    with Session(engine) as session:
        follow_up = session.get(FollowUp, world.follow_up)
        assert follow_up is not None
        assert follow_up.status == FollowUpStatus.OPEN


@pytest.mark.parametrize(
    ("actor", "call", "message"),
    [
        (
            "admin",
            lambda s, w, a: accounts.create_account(
                s, name="Coordinator", password=PASSWORD, role=Role.VIEWER, actor_id=a
            ),
            "already a user",
        ),
        (
            "coordinator",
            lambda s, w, a: cancel_follow_up(s, follow_up_id=w.follow_up + 99, actor_id=a),
            "no longer open",
        ),
        (
            "admin",
            lambda s, w, a: add_contact_point(
                s, official_id=w.official, kind=ContactKind.FAX, value="+7 499 244", actor_id=a
            ),
            "not a valid number",
        ),
    ],
    ids=["duplicate-account", "closed-follow-up", "bad-fax"],
)
def test_invalid_input_leaves_neither_change_nor_event(
    engine: Engine,
    world: World,
    actor: str,
    call: Callable[[Session, World, int], Any],
    message: str,
) -> None:
    """A refused input changes nothing and writes nothing to the audit log."""
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match=message), session_scope(engine) as session:
        call(session, world, getattr(world, actor))

    assert snapshot(engine) == before


def test_changing_only_a_phone_extension_is_audited(engine: Engine, world: World) -> None:
    """Same number, new extension: a change of how to reach the office, so one event."""
    last = last_event_id(engine)
    with session_scope(engine) as session:
        changes = update_contact_point(
            session,
            world.contact_point,
            value="+7 499 244-30-25 ext. 12",
            label="",
            is_primary=False,
            actor_id=world.admin,
        )

    assert changes == {"extension": ["", "12"]}
    assert events_after(engine, last) == [
        (world.admin, "update", "contact_point", world.contact_point)
    ]
