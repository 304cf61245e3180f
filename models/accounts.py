"""Local accounts: argon2id passwords, sign-in with lockout, server-side sessions.

Unknown user, wrong password, inactive and locked accounts all get the same message
and the same work (one argon2 verification), so a sign-in form reveals nothing about
which accounts exist. Failures are counted on the user row, in the database.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from models.audit import record_event
from models.base import utcnow
from models.permissions import Permission, require
from models.tables import User, UserSession
from models.text import InvalidInput, clean_text
from models.users import user_key
from models.vocab import Role

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
LOCK_AFTER = 5
LOCK_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
IDLE_ENV = "OUTREACH_SESSION_IDLE_MINUTES"
TOUCH_EVERY = timedelta(seconds=30)
SIGN_IN_FAILED = "Wrong user name or password, or the account is locked. Try again later."

_hasher = PasswordHasher()  # argon2id with the library's (OWASP-grade) defaults
# Verified against when the user does not exist, so that path costs the same. Made on the
# first sign-in, not at import: a hash costs about 0.35 s, which every CLI command paid.
_dummy_hash: str | None = None


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the hasher (tests use cheap parameters; raising them triggers rehash on sign-in)."""
    global _hasher, _dummy_hash
    _hasher, _dummy_hash = hasher, None


def current_hasher() -> PasswordHasher:
    """The hasher in use (to put back after swapping it with :func:`use_hasher`)."""
    return _hasher


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not a real password, only here to spend the same time")
    return _dummy_hash


def idle_timeout() -> timedelta:
    """How long a session may sit unused (``OUTREACH_SESSION_IDLE_MINUTES``, default 30)."""
    raw = os.environ.get(IDLE_ENV, "").strip()
    minutes = int(raw) if raw.isdigit() and int(raw) > 0 else 30
    return timedelta(minutes=minutes)


@dataclass(frozen=True)
class CurrentUser:
    id: int
    name: str
    display_name: str
    role: Role


@dataclass(frozen=True)
class SignInResult:
    """``token`` is set on success: the browser session keeps it, the database its hash."""

    user: CurrentUser | None
    token: str | None
    message: str


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"A password may have at most {MAX_PASSWORD} characters.")
    if "\x00" in password:
        raise InvalidInput("A password cannot contain a NUL character.")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def has_accounts(session: Session) -> bool:
    """Whether anyone can sign in yet (else the app says how to create the first admin)."""
    stmt = select(User.id).where(User.password_hash.is_not(None), User.is_active.is_(True))
    return session.scalar(stmt.limit(1)) is not None


def sign_in(
    session: Session, name: str, password: str, *, now: datetime | None = None
) -> SignInResult:
    """Check a name and password. The caller commits whatever the outcome.

    Failures are recorded (and audited) rather than raised, because they must be
    committed: five within 15 minutes lock the account for 15 minutes.
    """
    now = now or utcnow()
    key = user_key(name or "")
    user = session.scalars(select(User).where(User.name == key)).one_or_none()
    stored = user.password_hash if user is not None and user.password_hash else _dummy()
    matches = _verify(stored, password or "")
    usable = user is not None and user.is_active and user.password_hash is not None
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    if user is None or not usable or locked or not matches:
        _record_failure(session, user, now, locked=locked)
        return SignInResult(None, None, SIGN_IN_FAILED)
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    user.failed_sign_ins, user.failures_since, user.locked_until = 0, None, None
    user.last_sign_in_at = now
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    record_event(session, actor_id=user.id, action="sign_in", entity="user", entity_id=user.id)
    return SignInResult(_current(user), token, "")


def resume(
    session: Session, token: str | None, *, now: datetime | None = None
) -> CurrentUser | None:
    """The user of a live session, touching its last-seen time; None if ended, idle or revoked.

    Read on every page run, so a deactivated user or a changed role takes effect on
    their next click.
    """
    now = now or utcnow()
    found = _live_session(session, token)
    if found is None:
        return None
    row, user = found
    verdict = _verdict(row, user, now)
    if verdict in ("deactivated", "expired") or user is None:
        _end(session, row, now, verdict)
        return None
    if verdict == "touch":  # not a write on every click
        row.last_seen_at = now
    return _current(user)


def peek(
    session: Session, token: str | None, *, now: datetime | None = None
) -> tuple[CurrentUser | None, bool]:
    """What :func:`resume` would answer, without writing, and whether it has to write
    (touch the idle clock or end the session): most page runs need no write transaction."""
    found = _live_session(session, token)
    if found is None:
        return None, False
    row, user = found
    verdict = _verdict(row, user, now or utcnow())
    if verdict != "fresh" or user is None:
        return None, True
    return _current(user), False


def _live_session(session: Session, token: str | None) -> tuple[UserSession, User | None] | None:
    if not token:
        return None
    row = session.scalars(
        select(UserSession).where(UserSession.token_hash == _digest(token))
    ).one_or_none()
    if row is None or row.ended_at is not None:
        return None
    return row, session.get(User, row.user_id)


def _verdict(row: UserSession, user: User | None, now: datetime) -> str:
    if user is None or not user.is_active:
        return "deactivated"
    if now - row.last_seen_at > idle_timeout():
        return "expired"
    return "touch" if now - row.last_seen_at > TOUCH_EVERY else "fresh"


def sign_out(session: Session, token: str | None, *, now: datetime | None = None) -> None:
    """End the session behind ``token`` (no error if there is none)."""
    if not token:
        return
    row = session.scalars(
        select(UserSession).where(UserSession.token_hash == _digest(token))
    ).one_or_none()
    if row is not None and row.ended_at is None:
        _end(session, row, now or utcnow(), "signed out")


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _record_failure(session: Session, user: User | None, now: datetime, *, locked: bool) -> None:
    # The typed name is kept only when it is an account's: people sometimes type their
    # password into the name box, and the audit log must not keep it.
    changes: dict[str, object] = {"name": user.name} if user is not None else {}
    if user is not None and not locked:
        # One atomic UPDATE: concurrent failures from several tabs all count.
        window_start = now - LOCK_WINDOW
        fresh = (User.failures_since.is_(None)) | (User.failures_since < window_start)
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(
                failed_sign_ins=case((fresh, 1), else_=User.failed_sign_ins + 1),
                failures_since=case((fresh, now), else_=User.failures_since),
            )
        )
        session.refresh(user)
        if user.failed_sign_ins >= LOCK_AFTER:
            user.locked_until = now + LOCK_FOR
            user.failed_sign_ins, user.failures_since = 0, None
            changes["locked_until"] = user.locked_until.isoformat()
            record_event(session, actor_id=None, action="lockout", entity="user", entity_id=user.id)
    record_event(
        session,
        actor_id=None,
        action="sign_in_failed",
        entity="user",
        entity_id=user.id if user is not None else None,
        changes=changes,
    )


def _end(session: Session, row: UserSession, now: datetime, reason: str) -> None:
    row.ended_at, row.end_reason = now, reason
    record_event(
        session,
        actor_id=row.user_id,
        action="sign_out" if reason == "signed out" else f"session_{reason}",
        entity="user_session",
        entity_id=row.id,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _current(user: User) -> CurrentUser:
    return CurrentUser(user.id, user.name, user.display_name, user.role)


def create_account(
    session: Session,
    *,
    name: str,
    password: str,
    role: Role,
    actor_id: int | None,
    display_name: str = "",
) -> int:
    """A new local account, made by an admin or by the operator of ``cli.py`` (``actor_id=None``).

    ``cli.py user add NAME --role admin`` is how the first admin comes to exist.
    """
    require(session, actor_id, Permission.MANAGE_USERS, system_ok=True)
    shown = clean_text(display_name or name, "Display name", max_len=200, required=True)
    key = user_key(clean_text(name, "User name", max_len=80, required=True))
    if session.scalar(select(User.id).where(User.name == key)) is not None:
        raise InvalidInput(f"There is already a user called “{key}”.")
    user = User(name=key, display_name=shown, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="user",
        entity_id=user.id,
        changes={"name": key, "role": role.value},
    )
    return user.id


def change_role(session: Session, user_id: int, role: Role, *, actor_id: int | None) -> None:
    """Give a user another role; takes effect on their next click."""
    require(session, actor_id, Permission.MANAGE_USERS, system_ok=True)
    user = _user(session, user_id)
    if user.role == role:
        return
    if user.id == actor_id and role != Role.ADMIN:
        raise InvalidInput("You cannot take away your own admin role; ask another admin.")
    before, user.role = user.role, role
    record_event(
        session,
        actor_id=actor_id,
        action="update",
        entity="user",
        entity_id=user_id,
        changes={"role": [before.value, role.value]},
    )


def set_active(session: Session, user_id: int, active: bool, *, actor_id: int | None) -> None:
    """Deactivate (or reactivate) a user; a deactivated user's sessions end at once."""
    require(session, actor_id, Permission.MANAGE_USERS, system_ok=True)
    user = _user(session, user_id)
    if user.id == actor_id and not active:
        raise InvalidInput("You cannot deactivate yourself.")
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        _end_sessions(session, user_id, "deactivated")
    record_event(
        session,
        actor_id=actor_id,
        action="activate" if active else "deactivate",
        entity="user",
        entity_id=user_id,
    )


def set_password(session: Session, user_id: int, password: str, *, actor_id: int | None) -> None:
    """Set a new password (an admin for anyone; a user for themself). Never audited in clear.

    It also lifts a lockout. When someone else resets it (an admin, or ``cli.py``), the
    user's open sessions end: a reset is often because the old password got out.
    """
    if actor_id != user_id:
        require(session, actor_id, Permission.MANAGE_USERS, system_ok=True)
    else:
        require(session, actor_id, Permission.VIEW_INSIGHTS)  # any active account, own password
    user = _user(session, user_id)
    user.password_hash = hash_password(password)
    user.failed_sign_ins, user.failures_since, user.locked_until = 0, None, None
    if actor_id != user_id:
        _end_sessions(session, user_id, "password reset")
    record_event(
        session,
        actor_id=actor_id,
        action="set_password",
        entity="user",
        entity_id=user_id,
    )


def unlock(
    session: Session, user_id: int, *, actor_id: int | None, now: datetime | None = None
) -> bool:
    """Lift a sign-in lockout and forget the failures counted so far (an admin, or ``cli.py``).

    False (and nothing audited) when the account was neither locked nor had failures.
    """
    require(session, actor_id, Permission.MANAGE_USERS, system_ok=True)
    user = _user(session, user_id)
    now = now or utcnow()
    locked = user.locked_until is not None and user.locked_until > now
    if not locked and not user.failed_sign_ins:
        return False
    changes = {"failed_sign_ins": user.failed_sign_ins, "was_locked": locked}
    user.failed_sign_ins, user.failures_since, user.locked_until = 0, None, None
    record_event(
        session, actor_id=actor_id, action="unlock", entity="user", entity_id=user_id,
        changes=changes,
    )  # fmt: skip
    return True


def _end_sessions(session: Session, user_id: int, reason: str) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    display_name: str
    role: Role
    is_active: bool
    can_sign_in: bool
    last_sign_in_at: datetime | None
    locked_until: datetime | None = None  # may lie in the past: then it no longer holds
    failed_sign_ins: int = 0

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def list_accounts(session: Session, *, include_demo: bool = False) -> list[Account]:
    """Every account by name (demo coordinators left out unless asked for)."""
    stmt = select(User).order_by(User.name)
    if not include_demo:
        stmt = stmt.where(User.is_demo.is_(False))
    return [
        Account(
            u.id,
            u.name,
            u.display_name,
            u.role,
            u.is_active,
            u.password_hash is not None,
            u.last_sign_in_at,
            u.locked_until,
            u.failed_sign_ins,
        )
        for u in session.scalars(stmt)
    ]


def find_user_id(session: Session, name: str) -> int | None:
    return session.scalar(select(User.id).where(User.name == user_key(name)))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput("That user no longer exists.")
    return user
