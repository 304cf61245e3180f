"""People who use the app. Sign-in and roles arrive with the accounts issue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.audit import record_event
from models.tables import User
from models.text import clean_text
from models.vocab import Role


def user_key(display_name: str) -> str:
    """The unique login-style key for a display name: case-folded, spaces collapsed."""
    return " ".join(display_name.casefold().split())


def ensure_user(session: Session, display_name: str, *, role: Role = Role.COORDINATOR) -> User:
    """The user called ``display_name``, created (and audited) if there is none yet."""
    name = clean_text(display_name, "Coordinator", max_len=80, required=True)
    key = user_key(name)
    user = session.scalars(select(User).where(User.name == key)).one_or_none()
    if user is not None:
        return user
    user = User(name=key, display_name=name, role=role)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Someone else created the same user between our check and our insert.
        return session.scalars(select(User).where(User.name == key)).one()
    record_event(
        session,
        actor_id=user.id,
        action="create",
        entity="user",
        entity_id=user.id,
        changes={"name": key, "role": role.value},
    )
    return user
