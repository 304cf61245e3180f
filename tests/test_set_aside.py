"""Snoozed and cancelled follow-ups: the list (SQLite and PostgreSQL) and the page's Wake
now / Reopen buttons, which undo a snooze and a cancellation, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.commands import create_follow_up
from models.follow_up_work import cancel_follow_up, snooze_follow_up
from models.set_aside import CANCELLED, SNOOZED, set_aside
from models.tables import AuditEvent, FollowUp, Official
from models.users import ensure_user
from models.vocab import FollowUpStatus, Role
from pages.ui.filters import today_utc
from tests.apptest_helpers import ensure_account, open_app, texts
from tests.factories import make_campaign, make_official, make_user

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_lists_snoozed_then_recent_cancellations(session: Session) -> None:
    campaign = make_campaign(session)
    admin = ensure_user(session, "Admin", role=Role.ADMIN).id
    me = make_user(session, "Me")
    official = make_official(session, "Petrov", campaign_id=campaign)

    def owe(due: date, who: int = me) -> int:
        return create_follow_up(
            session, campaign_id=campaign, official_id=official, due_on=due,
            actor_id=admin, assignee_id=who,
        )  # fmt: skip

    later, sooner, back_today, theirs = owe(TODAY), owe(TODAY), owe(TODAY), owe(TODAY, admin)
    snooze_follow_up(session, follow_up_id=later, until=date(2026, 3, 20), actor_id=admin)
    snooze_follow_up(session, follow_up_id=sooner, until=date(2026, 3, 12), actor_id=admin)
    snooze_follow_up(session, follow_up_id=back_today, until=TODAY, actor_id=admin)
    snooze_follow_up(session, follow_up_id=theirs, until=date(2026, 3, 11), actor_id=admin)
    dropped = owe(TODAY)
    cancel_follow_up(session, follow_up_id=dropped, actor_id=admin, reason="left office")
    session.commit()
    now = datetime.now(UTC)  # cancelled "now": within the last 30 days of now, not of NOW
    rows = set_aside(session, today=TODAY, now_utc=now)
    assert [(r.kind, r.follow_up_id) for r in rows] == [
        (SNOOZED, theirs), (SNOOZED, sooner), (SNOOZED, later), (CANCELLED, dropped),
    ]  # fmt: skip
    assert rows[-1].cancel_reason == "left office"
    mine = set_aside(session, today=TODAY, now_utc=now, assignee_id=me, cancelled=False)
    assert [r.follow_up_id for r in mine] == [sooner, later]
    a_month_on = now + timedelta(days=31)
    assert [r.kind for r in set_aside(session, today=TODAY, now_utc=a_month_on)] == [SNOOZED] * 3


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _seeded_follow_up(engine: Engine, assignee: int) -> int:
    with Session(engine) as session:
        official = session.scalar(select(func.min(Official.id)))
        made = create_follow_up(
            session, campaign_id=1, official_id=int(official or 0), due_on=today_utc(),
            actor_id=assignee, assignee_id=assignee,
        )  # fmt: skip
        session.commit()
    return made


def _status(engine: Engine, follow_up_id: int) -> tuple[FollowUpStatus, date | None]:
    with Session(engine) as session:
        row = session.get(FollowUp, follow_up_id)
        assert row is not None
        return row.status, row.snoozed_until


def _audited(engine: Engine, action: str, follow_up_id: int) -> int:
    with Session(engine) as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    AuditEvent.action == action,
                    AuditEvent.entity == "follow_up",
                    AuditEvent.entity_id == follow_up_id,
                )
            )
            or 0
        )


def _set_aside_labels(at: AppTest) -> list[str]:
    return [e.label for e in at.expander if e.label.startswith("Snoozed")]


def test_a_coordinator_wakes_their_snoozed_follow_up(db: Engine) -> None:
    me = ensure_account(Role.COORDINATOR, "test coordinator")
    follow_up = _seeded_follow_up(db, me)
    with Session(db) as session:
        until = today_utc() + timedelta(days=5)
        snooze_follow_up(session, follow_up_id=follow_up, until=until, actor_id=me)
        session.commit()
    at = open_app("follow-ups", role=Role.COORDINATOR)
    assert _set_aside_labels(at) == ["Snoozed (1)"]
    assert [b.label for b in at.button if b.label == "Reopen"] == []
    at.button(key=f"set-aside-wake:{follow_up}").click().run()
    assert _status(db, follow_up) == (FollowUpStatus.OPEN, None)
    assert _audited(db, "snooze", follow_up) == 2
    assert _set_aside_labels(at) == ["Snoozed (0)"]
    assert any(f"Follow-up #{follow_up} is back in the queue." in t for t in texts(at.success))


def test_an_admin_reopens_a_cancelled_follow_up(db: Engine) -> None:
    admin = ensure_account(Role.ADMIN)
    follow_up = _seeded_follow_up(db, admin)
    with Session(db) as session:
        cancel_follow_up(session, follow_up_id=follow_up, actor_id=admin, reason="<b>typo</b>")
        session.commit()
    at = open_app("follow-ups", role=Role.ADMIN)
    assert _set_aside_labels(at) == ["Snoozed and cancelled (1)"]
    assert any("cancelled " in t and t.endswith(": <b>typo</b>") for t in texts(at.text))
    at.button(key=f"set-aside-reopen:{follow_up}").click().run()
    assert _status(db, follow_up) == (FollowUpStatus.OPEN, None)
    assert _audited(db, "reopen", follow_up) == 1
    assert _set_aside_labels(at) == ["Snoozed and cancelled (0)"]
