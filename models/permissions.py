"""Who may do what: the role table of the accounts issue, enforced in the model layer.

Every command calls :func:`require` first. A refusal rolls back whatever the unit of
work had done, records one ``denied`` audit event, and raises :class:`PermissionDenied`;
``session_scope`` commits that event (and only it) before passing the error on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NoReturn

from sqlalchemy.orm import Session

from models.audit import record_event
from models.tables import User
from models.vocab import Role


class Permission(StrEnum):
    VIEW_INSIGHTS = "view insights"
    VIEW_RECORDS = "view officials, attempts and notes"
    LOG_ATTEMPTS = "log attempts and work follow-ups"
    EDIT_OWN_ATTEMPTS = "edit or delete own attempts"
    EDIT_ANY_ATTEMPTS = "edit or delete anyone's attempts"
    MANAGE_DIRECTORY = "manage officials and campaigns"
    EXPORT = "export CSV"
    MANAGE_USERS = "manage users"
    VIEW_AUDIT = "see the audit log"
    RESTORE = "restore deleted records"
    BACKUP = "back up and restore the whole database"
    WORK_ANY_FOLLOW_UP = "snooze, reassign or cancel someone else's follow-up"


_VIEWER = frozenset({Permission.VIEW_INSIGHTS, Permission.VIEW_RECORDS})
_COORDINATOR = _VIEWER | {
    Permission.LOG_ATTEMPTS,
    Permission.EDIT_OWN_ATTEMPTS,
    Permission.EXPORT,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _VIEWER,
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.ADMIN: frozenset(Permission),
}


class CommitThenRaise(Exception):
    """An error whose unit of work must still be committed (it holds only an audit event)."""


class PermissionDenied(CommitThenRaise):
    """The actor may not do this. The message is safe to show."""


def allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def require(
    session: Session, actor_id: int | None, permission: Permission, *, system_ok: bool = False
) -> User | None:
    """The active actor holding ``permission``; otherwise audit the refusal and raise.

    ``actor_id=None`` is the system: the operator running ``cli.py`` (seed, demo,
    imports) with direct access to the database. Only commands that pass
    ``system_ok=True`` accept it; pages always act as the signed-in user.
    """
    if actor_id is None and system_ok:
        return None
    actor = session.get(User, actor_id) if actor_id is not None else None
    if actor is not None and actor.is_active and allowed(actor.role, permission):
        return actor
    refuse(session, actor.id if actor is not None else None, permission)


def refuse(session: Session, actor_id: int | None, permission: Permission) -> NoReturn:
    """Undo the unit of work, audit the refusal of ``actor_id`` (None when there is no
    such user), and raise :class:`PermissionDenied`."""
    session.rollback()  # a refused action changes nothing, whatever ran before the check
    record_event(
        session,
        actor_id=actor_id,
        action="denied",
        entity="permission",
        entity_id=None,
        changes={"permission": permission.value},
    )
    raise PermissionDenied(f"You are not allowed to {permission.value}.")
