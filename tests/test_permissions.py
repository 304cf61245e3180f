"""The role table enforced in the model layer: every write command refuses a viewer.

Each command runs in ``models.db.session_scope``, as the pages and the command line run
it, so the path under test is the real one: the refusal rolls back the unit of work,
records one ``denied`` event, and session_scope commits that event before re-raising.
"Nothing changed" is checked on a photograph of every row of every table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select
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
from models.exports import check_export
from models.permissions import Permission, PermissionDenied
from models.tables import Attempt, AuditEvent, Campaign
from models.vocab import CampaignStatus, Channel, ContactKind, Outcome, Role, Stance
from tests.world import (
    NOTES,
    WHEN,
    World,
    build_world,
    events_after,
    last_event_id,
    snapshot,
    without_audit,
)

Command = Callable[[Session, World, int], object]
EDIT = AttemptEdit(Channel.PHONE, Outcome.SPOKE_TO_STAFF, WHEN, notes="a correction")

# Each write command, called by ``actor`` against the world, and the permission it needs
# when the actor is a viewer (whose refused attempts are never the viewer's own).
COMMANDS: dict[str, tuple[Permission, Command]] = {
    "log_attempt": (
        Permission.LOG_ATTEMPTS,
        lambda s, w, actor: log_attempt(
            s,
            campaign_id=w.campaign,
            official_id=w.official,
            channel=Channel.PHONE,
            outcome=Outcome.NO_ANSWER,
            actor_id=actor,
            idempotency_key="refused-key",
            occurred_at=WHEN,
        ),
    ),
    "record_response": (
        Permission.LOG_ATTEMPTS,
        lambda s, w, actor: record_response(
            s, attempt_id=w.attempt, response=ResponseInput(Stance.OPPOSED), actor_id=actor
        ),
    ),
    "create_follow_up": (
        Permission.LOG_ATTEMPTS,
        lambda s, w, actor: create_follow_up(
            s,
            campaign_id=w.campaign,
            official_id=w.official,
            due_on=date(2026, 3, 9),
            actor_id=actor,
        ),
    ),
    "cancel_follow_up": (
        Permission.LOG_ATTEMPTS,
        lambda s, w, actor: cancel_follow_up(s, follow_up_id=w.follow_up, actor_id=actor),
    ),
    "update_attempt": (
        Permission.EDIT_ANY_ATTEMPTS,
        lambda s, w, actor: update_attempt(s, w.attempt, EDIT, actor_id=actor),
    ),
    "delete_attempt": (
        Permission.EDIT_ANY_ATTEMPTS,
        lambda s, w, actor: delete_attempt(s, w.attempt, actor_id=actor),
    ),
    "restore_attempt": (
        Permission.RESTORE,
        lambda s, w, actor: restore_attempt(s, w.deleted_attempt, actor_id=actor),
    ),
    "create_official": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: create_official(s, OfficialInput("Nina Newcomer"), actor_id=actor),
    ),
    "update_official": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: update_official(
            s, w.official, OfficialInput("Ivan Renamed"), actor_id=actor
        ),
    ),
    "archive_official": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: archive_official(s, w.official, actor_id=actor),
    ),
    "add_contact_point": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: add_contact_point(
            s,
            official_id=w.official,
            kind=ContactKind.EMAIL,
            value="office@example.org",
            actor_id=actor,
        ),
    ),
    "update_contact_point": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: update_contact_point(
            s,
            w.contact_point,
            value="+7 499 244-30-26",
            label="changed",
            is_primary=True,
            actor_id=actor,
        ),
    ),
    "remove_contact_point": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: remove_contact_point(s, w.contact_point, actor_id=actor),
    ),
    "add_target": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: add_target(s, w.campaign, w.outsider, actor_id=actor),
    ),
    "create_campaign": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: create_campaign(s, CampaignInput(name="Sneaky"), actor_id=actor),
    ),
    "update_campaign": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: update_campaign(
            s, w.campaign, CampaignInput(name="Renamed"), actor_id=actor
        ),
    ),
    "set_status": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: set_status(s, w.campaign, CampaignStatus.CLOSED, actor_id=actor),
    ),
    "set_tier": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: set_tier(s, w.campaign, w.official, 2, actor_id=actor),
    ),
    "remove_target": (
        Permission.MANAGE_DIRECTORY,
        lambda s, w, actor: remove_target(s, w.campaign, w.official, actor_id=actor),
    ),
    "create_account": (
        Permission.MANAGE_USERS,
        lambda s, w, actor: accounts.create_account(
            s, name="sneaky", password="a long enough password", role=Role.ADMIN, actor_id=actor
        ),
    ),
    "change_role": (
        Permission.MANAGE_USERS,
        # The viewer tries to make themself an admin.
        lambda s, w, actor: accounts.change_role(s, actor, Role.ADMIN, actor_id=actor),
    ),
    "set_active": (
        Permission.MANAGE_USERS,
        lambda s, w, actor: accounts.set_active(s, w.admin, False, actor_id=actor),
    ),
    "set_password": (
        Permission.MANAGE_USERS,
        lambda s, w, actor: accounts.set_password(
            s, w.admin, "taken over, long enough", actor_id=actor
        ),
    ),
    "unlock": (
        Permission.MANAGE_USERS,
        lambda s, w, actor: accounts.unlock(s, w.admin, actor_id=actor),
    ),
    "check_export": (
        Permission.EXPORT,
        lambda s, w, actor: check_export(s, actor),
    ),
}


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def run_refused(engine: Engine, command: Command, world: World, actor: int) -> PermissionDenied:
    """Run ``command`` in its own unit of work, as the app does; it must be refused."""
    # Exports check the permission in a read session (pages/ui/cache.py); the rest write.
    write = command is not COMMANDS["check_export"][1]
    with pytest.raises(PermissionDenied) as refused, session_scope(engine, write=write) as session:
        command(session, world, actor)
    return refused.value


def denied_events(engine: Engine, after: int) -> list[tuple[int | None, str, str, dict[str, str]]]:
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.entity, AuditEvent.changes)
            .where(AuditEvent.id > after)
            .order_by(AuditEvent.id)
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_viewer_is_refused_every_write_and_the_refusal_is_audited(
    engine: Engine, world: World, name: str
) -> None:
    """Refused, every row of every table unchanged, one `denied` event naming the viewer."""
    permission, command = COMMANDS[name]
    before = snapshot(engine)
    last = last_event_id(engine)

    refused = run_refused(engine, command, world, world.viewer)

    assert str(refused) == f"You are not allowed to {permission.value}."
    assert without_audit(snapshot(engine)) == without_audit(before)
    assert denied_events(engine, last) == [
        (world.viewer, "denied", "permission", {"permission": permission.value})
    ]


def take_over_the_viewer(s: Session, w: World, actor: int) -> None:
    accounts.set_password(s, w.viewer, "taken over, long enough", actor_id=actor)


@pytest.mark.parametrize(
    ("permission", "command"),
    [
        (Permission.LOG_ATTEMPTS, COMMANDS["log_attempt"][1]),
        (Permission.MANAGE_DIRECTORY, COMMANDS["create_official"][1]),
        (Permission.MANAGE_USERS, take_over_the_viewer),
    ],
    ids=["log_attempt", "create_official", "set_password"],
)
def test_a_deactivated_admin_is_refused_what_their_role_allows(
    engine: Engine, world: World, permission: Permission, command: Command
) -> None:
    """Deactivated, an admin can no longer do anything, although the role still says admin."""
    with session_scope(engine) as session:
        accounts.set_active(session, world.admin, False, actor_id=None)
    before = without_audit(snapshot(engine))
    last = last_event_id(engine)

    refused = run_refused(engine, command, world, world.admin)

    assert str(refused) == f"You are not allowed to {permission.value}."
    assert without_audit(snapshot(engine)) == before
    assert denied_events(engine, last) == [
        (world.admin, "denied", "permission", {"permission": permission.value})
    ]


def test_a_refusal_also_undoes_what_the_unit_of_work_did_before_it(
    engine: Engine, world: World
) -> None:
    """A change made earlier in the same unit of work is rolled back; only the refusal stays."""
    before = without_audit(snapshot(engine))
    last = last_event_id(engine)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        session.add(Campaign(name="slipped in before the check"))
        session.flush()
        COMMANDS["archive_official"][1](session, world, world.viewer)

    assert without_audit(snapshot(engine)) == before
    assert [e[:3] for e in denied_events(engine, last)] == [(world.viewer, "denied", "permission")]


def test_a_coordinator_demoted_to_viewer_cannot_touch_their_own_attempts(
    engine: Engine, world: World
) -> None:
    """Editing one's own attempt needs the coordinator's permission, not only ownership."""
    with session_scope(engine) as session:
        accounts.change_role(session, world.coordinator, Role.VIEWER, actor_id=world.admin)
    before = without_audit(snapshot(engine))
    last = last_event_id(engine)

    for name in ("update_attempt", "delete_attempt"):
        run_refused(engine, COMMANDS[name][1], world, world.coordinator)

    assert without_audit(snapshot(engine)) == before
    own = {"permission": Permission.EDIT_OWN_ATTEMPTS.value}
    assert denied_events(engine, last) == [
        (world.coordinator, "denied", "permission", own),
        (world.coordinator, "denied", "permission", own),
    ]


# Corrections: (actor, whose attempt, action) -> allowed?
CORRECTIONS = [
    ("coordinator", "own", "update", True),
    ("coordinator", "own", "delete", True),
    ("coordinator", "own", "restore", False),
    ("coordinator", "other", "update", False),
    ("coordinator", "other", "delete", False),
    ("admin", "other", "update", True),
    ("admin", "other", "delete", True),
    ("admin", "own", "restore", True),
]


def correction(world: World, whose: str, action: str) -> Command:
    attempt_id = world.attempt if whose == "own" else world.other_attempt
    if action == "update":
        return lambda s, w, actor: update_attempt(s, attempt_id, EDIT, actor_id=actor)
    if action == "delete":
        return lambda s, w, actor: delete_attempt(s, attempt_id, actor_id=actor)
    # "own" for a restore: the coordinator's own deleted attempt.
    return lambda s, w, actor: restore_attempt(s, w.deleted_attempt, actor_id=actor)


def attempt_state(engine: Engine, attempt_id: int) -> tuple[Outcome, str, bool]:
    with Session(engine) as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        return attempt.outcome, attempt.notes, attempt.deleted_at is not None


@pytest.mark.parametrize(("who", "whose", "action", "allowed"), CORRECTIONS)
def test_coordinators_correct_their_own_attempts_admins_anyones(
    engine: Engine, world: World, who: str, whose: str, action: str, allowed: bool
) -> None:
    """Own attempts: coordinator and admin; anyone's: admin; restoring: admin only."""
    actor = world.coordinator if who == "coordinator" else world.admin
    target = {
        "update": world.attempt if whose == "own" else world.other_attempt,
        "delete": world.attempt if whose == "own" else world.other_attempt,
        "restore": world.deleted_attempt,
    }[action]
    command = correction(world, whose, action)
    last = last_event_id(engine)

    if not allowed:
        run_refused(engine, command, world, actor)
        assert [e[1] for e in events_after(engine, last)] == ["denied"]
        assert attempt_state(engine, target) == (
            Outcome.NO_ANSWER,
            NOTES,
            action == "restore",
        )
        return
    with session_scope(engine) as session:
        command(session, world, actor)
    assert events_after(engine, last) == [(actor, action, "attempt", target)]
    expected = {
        "update": (Outcome.SPOKE_TO_STAFF, "a correction", False),
        "delete": (Outcome.NO_ANSWER, NOTES, True),
        "restore": (Outcome.NO_ANSWER, NOTES, False),
    }[action]
    assert attempt_state(engine, target) == expected
