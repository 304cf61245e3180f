"""Sign-in, sign-out, lockout, expiry, deactivation and export each leave their audit
event, in the same transaction as what they record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import accounts
from models.db import session_scope
from models.exports import attempts_export, check_export, record_export
from models.filters import Filters
from models.tables import AuditEvent, UserSession
from tests.world import PASSWORD, Event, World, build_world, events_after, last_event_id

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def sign_in(engine: Engine, name: str, password: str, now: datetime = NOW) -> str | None:
    with session_scope(engine) as session:
        return accounts.sign_in(session, name, password, now=now).token


def session_id(engine: Engine) -> int:
    with Session(engine) as session:
        found = session.scalar(select(UserSession.id).order_by(UserSession.id.desc()))
    assert found is not None
    return found


def test_sign_in_and_sign_out_are_audited(engine: Engine, world: World) -> None:
    """A sign-in is an event by the user on the user; a sign-out, on their session."""
    last = last_event_id(engine)
    token = sign_in(engine, "viewer", PASSWORD)
    signed_in = events_after(engine, last)
    last = last_event_id(engine)
    with session_scope(engine) as session:
        accounts.sign_out(session, token, now=NOW + timedelta(minutes=1))

    assert signed_in == [(world.viewer, "sign_in", "user", world.viewer)]
    assert events_after(engine, last) == [
        (world.viewer, "sign_out", "user_session", session_id(engine))
    ]


def test_failed_sign_ins_and_the_lockout_are_audited(engine: Engine, world: World) -> None:
    """Each failure is one event; the fifth also locks (two events); a locked try is one more."""
    last = last_event_id(engine)
    for minute in range(5):
        sign_in(engine, "viewer", "not the passphrase", NOW + timedelta(minutes=minute))
    sign_in(engine, "nobody", "not the passphrase", NOW + timedelta(minutes=5))
    sign_in(engine, "viewer", PASSWORD, NOW + timedelta(minutes=6))  # right, but locked

    failed: Event = (None, "sign_in_failed", "user", world.viewer)
    assert events_after(engine, last) == [
        failed,
        failed,
        failed,
        failed,
        (None, "lockout", "user", world.viewer),
        failed,
        (None, "sign_in_failed", "user", None),
        failed,
    ]


def test_an_expired_session_is_audited_when_it_is_found_idle(engine: Engine, world: World) -> None:
    """The next click after the idle timeout ends the session, with an event."""
    token = sign_in(engine, "viewer", PASSWORD)
    last = last_event_id(engine)
    with session_scope(engine) as session:
        assert accounts.resume(session, token, now=NOW + timedelta(minutes=31)) is None

    assert events_after(engine, last) == [
        (world.viewer, "session_expired", "user_session", session_id(engine))
    ]


def test_deactivation_ends_sessions_with_one_event(engine: Engine, world: World) -> None:
    """Deactivating a signed-in user ends their sessions; the one event is the deactivation."""
    token = sign_in(engine, "viewer", PASSWORD)
    last = last_event_id(engine)
    with session_scope(engine) as session:
        accounts.set_active(session, world.viewer, False, actor_id=world.admin)
    with session_scope(engine) as session:
        assert accounts.resume(session, token) is None

    assert events_after(engine, last) == [(world.admin, "deactivate", "user", world.viewer)]
    with Session(engine) as session:
        row = session.scalars(select(UserSession)).one()
        assert (row.ended_at is not None, row.end_reason) == (True, "deactivated")


def test_an_export_is_audited_with_its_size(engine: Engine, world: World) -> None:
    """Checked, built and recorded as the Reports page does: one `export` event, rows counted."""
    last = last_event_id(engine)
    filters = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    with session_scope(engine, write=False) as session:
        check_export(session, world.coordinator)
        _data, rows = attempts_export(session, filters)
    with session_scope(engine) as session:
        record_export(
            session, actor_id=world.coordinator, what="attempts", rows=rows, filters=filters
        )

    assert rows == 2  # the two live attempts; the deleted one is left out
    assert events_after(engine, last) == [(world.coordinator, "export", "attempts", None)]
    with Session(engine) as session:
        changes = session.scalars(
            select(AuditEvent.changes).where(AuditEvent.action == "export")
        ).one()
    assert (changes["rows"], changes["excel"], changes["filters"]["from"]) == (
        2,
        False,
        "2026-03-01",
    )
