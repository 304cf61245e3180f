"""Accounts: argon2id passwords, same-message sign-in failures, lockout, sessions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import accounts
from models.accounts import SIGN_IN_FAILED, create_account, resume, sign_in, sign_out
from models.permissions import PermissionDenied
from models.tables import AuditEvent, User, UserSession
from models.text import InvalidInput
from models.vocab import Role

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


class CountingHasher(PasswordHasher):
    """A real argon2id hasher (cheap parameters) that counts its verifications."""

    def __init__(self, time_cost: int = 1) -> None:
        super().__init__(time_cost=time_cost, memory_cost=1024, parallelism=1)
        self.verifications = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verifications += 1
        return super().verify(hash, password)


@pytest.fixture(autouse=True)
def hasher() -> Iterator[CountingHasher]:
    counting = CountingHasher()
    accounts.use_hasher(counting)
    yield counting
    accounts.use_hasher(CountingHasher())


@pytest.fixture
def admin(session: Session) -> int:
    user_id = create_account(
        session, name="Admin", password=PASSWORD, role=Role.ADMIN, actor_id=None
    )
    session.commit()
    return user_id


def _events(session: Session, action: str) -> int:
    return session.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def test_first_admin_bootstraps_and_password_is_argon2id(session: Session, admin: int) -> None:
    """With no users, the first account needs no actor; its hash is argon2id, not the password."""
    user = session.get(User, admin)
    assert user is not None
    assert user.role == Role.ADMIN
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_only_admins_create_accounts_in_the_app(session: Session, admin: int) -> None:
    """A coordinator cannot create an account; the refusal is audited and nothing is added."""
    coordinator = create_account(
        session, name="Coord", password=PASSWORD, role=Role.COORDINATOR, actor_id=admin
    )
    session.commit()
    with pytest.raises(PermissionDenied):
        create_account(
            session, name="Sneaky", password=PASSWORD, role=Role.ADMIN, actor_id=coordinator
        )
    session.commit()
    assert session.scalar(select(func.count(User.id))) == 2
    assert _events(session, "denied") == 1


@pytest.mark.parametrize("password", ["short", "elevenchars"])
def test_passwords_under_twelve_characters_are_refused(session: Session, password: str) -> None:
    """The minimum length is 12."""
    with pytest.raises(InvalidInput, match="at least 12"):
        create_account(session, name="x", password=password, role=Role.VIEWER, actor_id=None)


def test_long_passphrases_are_accepted(session: Session) -> None:
    """No maximum below 64: a 200-character passphrase signs in."""
    phrase = "a long passphrase " * 11 + "ok"
    create_account(session, name="Long", password=phrase, role=Role.VIEWER, actor_id=None)
    assert sign_in(session, "long", phrase, now=NOW).user is not None


def test_sign_in_session_and_sign_out(session: Session, admin: int) -> None:
    """A good password gives a token; resume finds the user; after sign-out it does not."""
    result = sign_in(session, "ADMIN ", PASSWORD, now=NOW)
    assert result.user is not None
    assert result.user.id == admin
    assert result.token is not None
    assert resume(session, result.token, now=NOW + timedelta(minutes=5)) == result.user
    sign_out(session, result.token, now=NOW + timedelta(minutes=6))
    assert resume(session, result.token, now=NOW + timedelta(minutes=7)) is None
    stored = session.scalars(select(UserSession.token_hash)).one()
    assert stored != result.token


@pytest.mark.usefixtures("admin")
def test_unknown_user_wrong_password_same_message_same_work(
    session: Session, hasher: CountingHasher
) -> None:
    """Unknown name and wrong password: identical message, one argon2 verification each."""
    before = hasher.verifications
    unknown = sign_in(session, "nobody", PASSWORD, now=NOW)
    wrong = sign_in(session, "admin", "wrong password!!", now=NOW)
    assert (unknown.user, wrong.user) == (None, None)
    assert unknown.message == wrong.message == SIGN_IN_FAILED
    assert hasher.verifications - before == 2
    assert _events(session, "sign_in_failed") == 2


@pytest.mark.usefixtures("admin")
def test_five_failures_lock_the_account_for_fifteen_minutes(
    session: Session, hasher: CountingHasher
) -> None:
    """After five failures even the right password fails (same message) until 15 minutes pass."""
    for minute in range(5):
        sign_in(session, "admin", "wrong password!!", now=NOW + timedelta(minutes=minute))
    session.commit()
    assert _events(session, "lockout") == 1
    before = hasher.verifications
    locked = sign_in(session, "admin", PASSWORD, now=NOW + timedelta(minutes=10))
    assert (locked.user, locked.message) == (None, SIGN_IN_FAILED)
    assert hasher.verifications - before == 1
    later = sign_in(session, "admin", PASSWORD, now=NOW + timedelta(minutes=20))
    assert later.user is not None


@pytest.mark.usefixtures("admin")
def test_failures_spread_beyond_the_window_do_not_lock(session: Session) -> None:
    """Four failures, then a fifth 16 minutes after the first: the count restarts, no lock."""
    for minute in range(4):
        sign_in(session, "admin", "wrong password!!", now=NOW + timedelta(minutes=minute))
    sign_in(session, "admin", "wrong password!!", now=NOW + timedelta(minutes=16))
    assert sign_in(session, "admin", PASSWORD, now=NOW + timedelta(minutes=17)).user is not None


@pytest.mark.usefixtures("admin")
def test_idle_session_expires(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session unused for longer than the idle timeout is ended; the default is 30 minutes."""
    monkeypatch.delenv(accounts.IDLE_ENV, raising=False)
    token = sign_in(session, "admin", PASSWORD, now=NOW).token
    assert resume(session, token, now=NOW + timedelta(minutes=29)) is not None
    assert resume(session, token, now=NOW + timedelta(minutes=60)) is None
    assert session.scalars(select(UserSession.end_reason)).one() == "expired"
    monkeypatch.setenv(accounts.IDLE_ENV, "5")
    token = sign_in(session, "admin", PASSWORD, now=NOW).token
    assert resume(session, token, now=NOW + timedelta(minutes=6)) is None


def test_deactivated_user_loses_the_session(session: Session, admin: int) -> None:
    """Deactivation takes effect on the next resume (the next click)."""
    token = sign_in(session, "admin", PASSWORD, now=NOW).token
    user = session.get(User, admin)
    assert user is not None
    user.is_active = False
    assert resume(session, token, now=NOW + timedelta(minutes=1)) is None
    assert sign_in(session, "admin", PASSWORD, now=NOW).user is None


def test_hash_is_upgraded_when_parameters_change(session: Session, admin: int) -> None:
    """Signing in with a stronger hasher configured rehashes the stored password."""
    accounts.use_hasher(CountingHasher(time_cost=2))
    assert sign_in(session, "admin", PASSWORD, now=NOW).user is not None
    user = session.get(User, admin)
    assert user is not None
    assert user.password_hash is not None
    assert ",t=2," in user.password_hash


@pytest.mark.usefixtures("admin")
def test_peek_answers_like_resume_and_says_when_resume_must_write(session: Session) -> None:
    """Within TOUCH_EVERY of the last click a page run needs no write; after it, resume
    touches the clock; past the idle timeout it ends the session. peek writes nothing."""
    token = sign_in(session, "admin", PASSWORD, now=NOW).token
    session.commit()
    soon, later, idle = (NOW + timedelta(seconds=s) for s in (10, 45, 31 * 60))

    user, must_write = accounts.peek(session, token, now=soon)
    assert user is not None and user.name == "admin" and must_write is False
    assert accounts.peek(session, token, now=later) == (None, True)
    assert accounts.peek(session, token, now=idle) == (None, True)
    assert not session.dirty and not session.new
    assert session.scalars(select(UserSession.last_seen_at)).one() == NOW

    assert resume(session, token, now=later) == user
    assert accounts.peek(session, token, now=later + timedelta(seconds=10)) == (user, False)
    assert accounts.peek(session, "not a token", now=later) == (None, False)
    assert accounts.peek(session, None, now=later) == (None, False)
