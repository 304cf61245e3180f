"""``remove_demo``: delete every demo record and nothing else, in the caller's transaction.

What goes: every campaign marked ``is_demo`` with all its attempts (whoever logged them:
an attempt in a campaign labelled "(demo)" is demo work, and the campaign cannot go
without them), their responses and follow-ups and the campaign's targets; then every
demo official and demo user that nothing left behind refers to, with the officials'
contact points and office hours and the users' sign-in sessions.

What stays: everything real, whatever it points at. A demo official that a real campaign
targets or has attempts or follow-ups for, and a demo user who logged, recorded or was
assigned real work or appears in the audit log, are kept and counted as kept: deleting
them would change or orphan real records. The audit log is never pruned.

The rollups are rebuilt from the raw tables afterwards, and one ``demo_remove`` audit
event records the counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.insights import upkeep
from models.permissions import Permission, require
from models.tables import (
    Attempt,
    AuditEvent,
    Campaign,
    CampaignTarget,
    ContactPoint,
    FollowUp,
    OfficeRange,
    Official,
    Response,
    User,
    UserSession,
)


@dataclass(frozen=True)
class RemovalReport:
    """How many rows of each kind were deleted, and the demo records kept (see the module)."""

    campaigns: int
    attempts: int
    attempts_by_real_users: int  # of ``attempts``: logged by a real coordinator
    responses: int
    follow_ups: int
    targets: int
    officials: int
    contact_points: int
    office_hours: int
    users: int
    user_sessions: int
    officials_kept: int
    users_kept: int

    @property
    def removed_anything(self) -> bool:
        return any((self.campaigns, self.attempts, self.follow_ups, self.officials, self.users))


def remove_demo(session: Session, *, actor_id: int | None) -> RemovalReport:
    """Delete the demo campaigns, officials and users as the module says; flushes, never
    commits. ``actor_id=None`` is the operator of ``cli.py``."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    session.flush()
    campaigns = select(Campaign.id).where(Campaign.is_demo).scalar_subquery()
    doomed = Attempt.campaign_id.in_(campaigns)
    by_real = _count(
        session,
        select(func.count(Attempt.id))
        .join(User, User.id == Attempt.coordinator_id)
        .where(doomed, User.is_demo.is_(False)),
    )
    follow_ups = _delete(session, delete(FollowUp).where(FollowUp.campaign_id.in_(campaigns)))
    responses = _delete(
        session, delete(Response).where(Response.attempt_id.in_(select(Attempt.id).where(doomed)))
    )
    attempts = _delete(session, delete(Attempt).where(doomed))
    targets = _delete(
        session, delete(CampaignTarget).where(CampaignTarget.campaign_id.in_(campaigns))
    )
    removed_campaigns = _delete(session, delete(Campaign).where(Campaign.is_demo))
    officials = _removable_officials()
    contact_points = _delete(
        session, delete(ContactPoint).where(ContactPoint.official_id.in_(officials))
    )
    office_hours = _delete(
        session, delete(OfficeRange).where(OfficeRange.official_id.in_(officials))
    )
    removed_officials = _delete(session, delete(Official).where(Official.id.in_(officials)))
    users = _removable_users()
    user_sessions = _delete(session, delete(UserSession).where(UserSession.user_id.in_(users)))
    removed_users = _delete(session, delete(User).where(User.id.in_(users)))
    report = RemovalReport(
        campaigns=removed_campaigns,
        attempts=attempts,
        attempts_by_real_users=by_real,
        responses=responses,
        follow_ups=follow_ups,
        targets=targets,
        officials=removed_officials,
        contact_points=contact_points,
        office_hours=office_hours,
        users=removed_users,
        user_sessions=user_sessions,
        officials_kept=_count(session, select(func.count(Official.id)).where(Official.is_demo)),
        users_kept=_count(session, select(func.count(User.id)).where(User.is_demo)),
    )
    session.expire_all()  # the deletes bypassed the identity map
    upkeep.rebuild(session)
    record_event(
        session,
        actor_id=actor_id,
        action="demo_remove",
        entity="campaign",
        entity_id=None,
        changes=asdict(report),
    )
    session.flush()
    return report


def _removable_officials() -> Any:
    """Demo officials that no remaining target, attempt or follow-up refers to."""
    return (
        select(Official.id)
        .where(
            Official.is_demo,
            ~exists().where(CampaignTarget.official_id == Official.id),
            ~exists().where(Attempt.official_id == Official.id),
            ~exists().where(FollowUp.official_id == Official.id),
        )
        .correlate(None)  # a list of its own, also inside DELETE FROM officials
        .scalar_subquery()
    )


def _removable_users() -> Any:
    """Demo users that no remaining attempt, response, follow-up or audit event refers to."""
    return (
        select(User.id)
        .where(
            User.is_demo,
            ~exists().where(
                or_(Attempt.coordinator_id == User.id, Attempt.deleted_by_id == User.id)
            ),
            ~exists().where(Response.recorded_by_id == User.id),
            ~exists().where(
                or_(FollowUp.assignee_id == User.id, FollowUp.created_by_id == User.id)
            ),
            ~exists().where(AuditEvent.actor_id == User.id),
        )
        .correlate(None)
        .scalar_subquery()
    )


def _delete(session: Session, stmt: Delete) -> int:
    result = session.execute(stmt, execution_options={"synchronize_session": False})
    return cast(CursorResult[Any], result).rowcount


def _count(session: Session, stmt: Any) -> int:
    return int(session.scalar(stmt) or 0)
