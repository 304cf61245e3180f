"""An admin's account repairs in the model: unlock a locked account, reset a password.

Both are audited, both are refused (and the refusal audited) for anyone but an admin,
whatever page or script calls them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import accounts
from models.db import session_scope
from models.permissions import PermissionDenied
from models.tables import AuditEvent, User, UserSession
from tests.world import PASSWORD, World, build_world, events_after, last_event_id

NEW_PASSWORD = "a fresh passphrase for the viewer"


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def sign_in(engine: Engine, name: str, password: str, now: datetime | None = None) -> str | None:
    """Sign in at ``now`` (default: the real time now, read when called: the lockout
    window is 15 minutes and a suite runs longer than that)."""
    with session_scope(engine) as session:
        return accounts.sign_in(session, name, password, now=now or datetime.now(UTC)).token


def lock_out(engine: Engine, name: str) -> None:
    now = datetime.now(UTC)
    for minute in range(accounts.LOCK_AFTER):
        sign_in(engine, name, "not the passphrase", now - timedelta(minutes=5 - minute))


def changes_of_last(engine: Engine, action: str) -> dict[str, object]:
    with Session(engine) as session:
        found = session.scalar(
            select(AuditEvent.changes)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    assert found is not None
    return dict(found)


def test_unlock_lets_a_locked_out_user_sign_in_again_and_is_audited(
    engine: Engine, world: World
) -> None:
    """Locked after five failures, the viewer signs in once an admin unlocks; one event."""
    lock_out(engine, "viewer")
    locked = sign_in(engine, "viewer", PASSWORD)
    last = last_event_id(engine)
    with session_scope(engine) as session:
        done = accounts.unlock(session, world.viewer, actor_id=world.admin)
    events = events_after(engine, last)

    assert (locked, done) == (None, True)
    assert events == [(world.admin, "unlock", "user", world.viewer)]
    assert changes_of_last(engine, "unlock") == {"failed_sign_ins": 0, "was_locked": True}
    assert sign_in(engine, "viewer", PASSWORD) is not None


def test_unlock_forgets_failures_short_of_a_lockout(engine: Engine, world: World) -> None:
    """Two failures so far: unlock sets the count back to zero (audited with the count)."""
    for _ in range(2):
        sign_in(engine, "viewer", "not the passphrase")
    with session_scope(engine) as session:
        assert accounts.unlock(session, world.viewer, actor_id=world.admin) is True
    with Session(engine) as session:
        failures = session.scalar(select(User.failed_sign_ins).where(User.id == world.viewer))

    assert failures == 0
    assert changes_of_last(engine, "unlock") == {"failed_sign_ins": 2, "was_locked": False}


def test_unlocking_an_account_that_is_not_locked_changes_nothing(
    engine: Engine, world: World
) -> None:
    """No lock, no failures: False, and no audit event."""
    last = last_event_id(engine)
    with session_scope(engine) as session:
        done = accounts.unlock(session, world.viewer, actor_id=world.admin)

    assert done is False
    assert events_after(engine, last) == []


@pytest.mark.parametrize("who", ["coordinator", "viewer"])
def test_only_an_admin_may_unlock(engine: Engine, world: World, who: str) -> None:
    """Refused in the model for anyone else: still locked, one `denied` event."""
    lock_out(engine, "viewer")
    actor = getattr(world, who)
    last = last_event_id(engine)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        accounts.unlock(session, world.viewer, actor_id=actor)

    assert events_after(engine, last) == [(actor, "denied", "permission", None)]
    assert sign_in(engine, "viewer", PASSWORD) is None


def test_a_reset_password_works_the_old_one_not_and_their_sessions_end(
    engine: Engine, world: World
) -> None:
    """An admin's reset: the new password signs in, the old fails, the open session
    ended ("password reset"); one `set_password` event by the admin on the user."""
    token = sign_in(engine, "viewer", PASSWORD)
    last = last_event_id(engine)
    with session_scope(engine) as session:
        accounts.set_password(session, world.viewer, NEW_PASSWORD, actor_id=world.admin)
    events = events_after(engine, last)
    with session_scope(engine) as session:
        resumed = accounts.resume(session, token)
        reasons = list(
            session.scalars(
                select(UserSession.end_reason).where(UserSession.user_id == world.viewer)
            )
        )

    assert events == [(world.admin, "set_password", "user", world.viewer)]
    assert (resumed, reasons) == (None, ["password reset"])
    assert sign_in(engine, "viewer", PASSWORD) is None
    assert sign_in(engine, "viewer", NEW_PASSWORD) is not None


def test_a_reset_lifts_a_lockout(engine: Engine, world: World) -> None:
    """Locked out, the viewer signs in with the password an admin reset."""
    lock_out(engine, "viewer")
    with session_scope(engine) as session:
        accounts.set_password(session, world.viewer, NEW_PASSWORD, actor_id=world.admin)

    assert sign_in(engine, "viewer", NEW_PASSWORD) is not None


def test_changing_ones_own_password_keeps_ones_session(engine: Engine, world: World) -> None:
    """A user who sets their own password stays signed in."""
    token = sign_in(engine, "viewer", PASSWORD)
    with session_scope(engine) as session:
        accounts.set_password(session, world.viewer, NEW_PASSWORD, actor_id=world.viewer)
    with session_scope(engine) as session:
        resumed = accounts.resume(session, token)

    assert resumed is not None
    assert resumed.id == world.viewer


@pytest.mark.parametrize("who", ["coordinator", "viewer"])
def test_only_an_admin_may_reset_someone_elses_password(
    engine: Engine, world: World, who: str
) -> None:
    """Refused in the model: the admin's password still works, one `denied` event."""
    actor = getattr(world, who)
    last = last_event_id(engine)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        accounts.set_password(session, world.admin, NEW_PASSWORD, actor_id=actor)

    assert events_after(engine, last) == [(actor, "denied", "permission", None)]
    assert sign_in(engine, "admin", PASSWORD) is not None


@pytest.mark.usefixtures("world")
def test_the_account_list_says_who_is_locked(engine: Engine) -> None:
    """list_accounts carries the lock (until when) and the failures counted."""
    lock_out(engine, "viewer")
    sign_in(engine, "coordinator", "not the passphrase")
    with Session(engine) as session:
        by_name = {a.name: a for a in accounts.list_accounts(session)}
    now = datetime.now(UTC)

    assert by_name["viewer"].locked(now) is True
    assert by_name["viewer"].locked(now + accounts.LOCK_FOR + timedelta(minutes=1)) is False
    assert (by_name["coordinator"].locked(now), by_name["coordinator"].failed_sign_ins) == (
        False,
        1,
    )
    assert by_name["admin"].locked(now) is False
