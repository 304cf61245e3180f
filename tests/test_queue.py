"""The follow-up queue query, on SQLite and PostgreSQL, against sections worked out by hand;
and the commands that work it: snooze, reassign, cancel, their audit and permissions; and
deleting / restoring the attempt that completed a follow-up."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.commands import create_follow_up
from models.corrections import delete_attempt, restore_attempt
from models.follow_up_work import (
    cancel_follow_up,
    reassign_follow_up,
    snooze_follow_up,
    uncancel_follow_up,
)
from models.insights import upkeep
from models.permissions import PermissionDenied
from models.queue import follow_up_queue
from models.tables import AuditEvent, FollowUp
from models.text import InvalidInput
from models.users import ensure_user
from models.vocab import FollowUpStatus, Outcome, Role
from tests.factories import make_attempt, make_campaign, make_official, make_user
from tests.test_rollups import rollup_rows

TODAY = date(2026, 3, 10)  # a Tuesday
# 12:00 UTC: 15:00 in Moscow (open), 08:00 in New York (closed until 09:00).
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _world(session: Session) -> dict[str, int]:
    campaign = make_campaign(session)
    ids = {
        "campaign": campaign,
        "me": make_user(session, "Me"),
        "other": make_user(session, "Other"),
        "admin": ensure_user(session, "Admin", role=Role.ADMIN).id,
        "moscow": make_official(session, "Moscow", campaign_id=campaign),
        "ny": make_official(
            session, "New York", campaign_id=campaign, timezone="America/New_York", country="US"
        ),
    }
    return ids


def _owe(session: Session, w: dict[str, int], who: str, due: date, assignee: str = "me") -> int:
    return create_follow_up(
        session, campaign_id=w["campaign"], official_id=w[who], due_on=due,
        actor_id=w["admin"], assignee_id=w[assignee],
    )  # fmt: skip


def _rows(session: Session, **kwargs: object) -> list[tuple[object, ...]]:
    queue = follow_up_queue(session, today=TODAY, now_utc=NOW, **kwargs)  # type: ignore[arg-type]
    return [
        (r.section, r.official, r.due_on, r.callable) for r in queue.rows.itertuples(index=False)
    ]


def test_sections_callable_first_then_most_overdue(session: Session) -> None:
    """Overdue: Moscow (open now) before New York (closed), though New York is the most
    overdue; among the callable, the most overdue first; past the horizon is left out."""
    w = _world(session)
    _owe(session, w, "ny", date(2026, 3, 2))
    _owe(session, w, "moscow", date(2026, 3, 9))
    _owe(session, w, "moscow", date(2026, 3, 5))
    _owe(session, w, "ny", TODAY)
    _owe(session, w, "moscow", date(2026, 3, 16))  # six days ahead
    _owe(session, w, "moscow", date(2026, 3, 31))  # beyond 7 days
    session.commit()
    assert _rows(session) == [
        ("Overdue", "Moscow", date(2026, 3, 5), True),
        ("Overdue", "Moscow", date(2026, 3, 9), True),
        ("Overdue", "New York", date(2026, 3, 2), False),
        ("Due today", "New York", TODAY, False),
        ("Upcoming", "Moscow", date(2026, 3, 16), True),
    ]
    queue = follow_up_queue(session, today=TODAY, now_utc=NOW, horizon_days=30, limit=1)
    assert queue.totals == {"Overdue": 3, "Due today": 1, "Upcoming": 2}
    assert len(queue.rows) == 3  # one per section, the counts say how many more


def test_each_row_has_its_last_attempt_local_time_and_office_state(session: Session) -> None:
    """The last live attempt to the official in the campaign, and the office label."""
    w = _world(session)
    first = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    make_attempt(session, campaign_id=w["campaign"], official_id=w["ny"], actor_id=w["me"],
                 occurred_at=first, outcome=Outcome.BUSY)  # fmt: skip
    _owe(session, w, "ny", TODAY)
    session.commit()
    row = follow_up_queue(session, today=TODAY, now_utc=NOW).rows.iloc[0]
    assert (row.last_attempt_at, row.last_outcome) == (first, Outcome.BUSY.value)
    assert (row.local_time, row.office) == ("Tue 08:00", "closed, opens Tue 09:00")
    assert (row.assignee, row.campaign) == ("Me", "Test campaign")


def test_mine_is_the_assignees_and_snoozed_ones_wait_for_their_day(session: Session) -> None:
    """Mine leaves out a colleague's; snoozed to tomorrow leaves the queue, to today stays."""
    w = _world(session)
    theirs = _owe(session, w, "moscow", TODAY, assignee="other")
    mine = _owe(session, w, "moscow", date(2026, 3, 9))
    later = _owe(session, w, "ny", date(2026, 3, 9))
    snooze_follow_up(session, follow_up_id=later, until=date(2026, 3, 11), actor_id=w["me"])
    snooze_follow_up(session, follow_up_id=mine, until=TODAY, actor_id=w["me"])
    session.commit()
    assert _rows(session, assignee_id=w["me"]) == [("Overdue", "Moscow", date(2026, 3, 9), True)]
    assert len(_rows(session)) == 2
    tomorrow = follow_up_queue(session, today=date(2026, 3, 11), now_utc=NOW)
    assert sorted(tomorrow.rows.follow_up_id) == sorted([theirs, mine, later])


def test_coordinators_work_their_own_and_unassigned_admins_any(session: Session) -> None:
    """A coordinator may not snooze a colleague's follow-up; an admin may; all audited."""
    w = _world(session)
    theirs = _owe(session, w, "moscow", TODAY, assignee="other")
    session.commit()
    with pytest.raises(PermissionDenied):
        snooze_follow_up(session, follow_up_id=theirs, until=TODAY, actor_id=w["me"])
    session.commit()  # the refusal's audit event
    snooze_follow_up(session, follow_up_id=theirs, until=date(2026, 3, 12), actor_id=w["admin"])
    reassign_follow_up(session, follow_up_id=theirs, assignee_id=w["me"], actor_id=w["admin"])
    snooze_follow_up(session, follow_up_id=theirs, until=None, actor_id=w["me"])  # now mine
    session.commit()
    events = session.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.changes)
        .where(AuditEvent.action.in_(("denied", "snooze", "reassign")))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("denied", w["me"], {"permission": "snooze, reassign or cancel someone else's follow-up"}),
        ("snooze", w["admin"], {"snoozed_until": [None, "2026-03-12"]}),
        ("reassign", w["admin"], {"assignee_id": [w["other"], w["me"]]}),
        ("snooze", w["me"], {"snoozed_until": ["2026-03-12", None]}),
    ]


def test_cancel_with_a_reason_and_only_an_admin_reopens_it(session: Session) -> None:
    """Cancelled with a reason, it leaves the queue; a coordinator cannot reopen it, an
    admin can, and the rollups stay equal to a rebuild."""
    w = _world(session)
    owed = _owe(session, w, "moscow", TODAY)
    cancel_follow_up(session, follow_up_id=owed, actor_id=w["me"], reason="Office moved")
    session.commit()
    follow_up = session.get(FollowUp, owed)
    assert follow_up is not None
    assert (follow_up.status, follow_up.cancel_reason) == (FollowUpStatus.CANCELLED, "Office moved")
    assert _rows(session) == []
    with pytest.raises(InvalidInput):
        cancel_follow_up(session, follow_up_id=owed, actor_id=w["me"])
    with pytest.raises(PermissionDenied):
        uncancel_follow_up(session, follow_up_id=owed, actor_id=w["me"])
    session.commit()
    uncancel_follow_up(session, follow_up_id=owed, actor_id=w["admin"])
    session.commit()
    assert len(_rows(session)) == 1
    incremental = rollup_rows(session)
    upkeep.rebuild(session)
    assert rollup_rows(session) == incremental


def test_deleting_the_completing_attempt_reopens_restoring_completes(session: Session) -> None:
    """The follow-up an attempt completed is open again once it is deleted (back in the
    queue), done again by it once restored; the rollups equal a rebuild at each step."""
    w = _world(session)
    owed = _owe(session, w, "moscow", date(2026, 3, 9))
    done_at = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    attempt = make_attempt(session, campaign_id=w["campaign"], official_id=w["moscow"],
                           actor_id=w["me"], occurred_at=done_at).attempt_id  # fmt: skip
    session.commit()

    def status() -> tuple[object, ...]:
        row = session.execute(
            select(FollowUp.status, FollowUp.completed_at).where(FollowUp.id == owed)
        ).one()
        incremental = rollup_rows(session)
        upkeep.rebuild(session)
        assert rollup_rows(session) == incremental
        return tuple(row)

    assert status() == (FollowUpStatus.DONE, done_at)
    delete_attempt(session, attempt, actor_id=w["me"])
    session.commit()
    assert status() == (FollowUpStatus.OPEN, None)
    assert [r[1] for r in _rows(session)] == ["Moscow"]
    restore_attempt(session, attempt, actor_id=w["admin"])
    session.commit()
    assert status() == (FollowUpStatus.DONE, done_at)
    assert _rows(session) == []
