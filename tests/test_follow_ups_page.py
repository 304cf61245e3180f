"""The Follow-ups page through the entrypoint: tabs Mine and Team, the three sections with
their counts, and a row's Log button opening Log outreach for its official and campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.commands import create_follow_up, log_attempt
from models.follow_up_work import snooze_follow_up
from models.tables import Official
from models.vocab import Channel, Outcome, Role
from pages.ui import log_form, state
from pages.ui.filters import today_utc
from tests.apptest_helpers import ensure_account, open_app, signed_in, texts
from tests.factories import make_user
from tests.visitors import CAMPAIGN

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _official(engine: Engine, name: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(Official.id).where(Official.full_name == name))
    assert found is not None
    return found


def _owed(engine: Engine, official_id: int, assignee_id: int, *days: int) -> list[int]:
    """Follow-ups in the seeded campaign due ``days`` from today (UTC), for ``assignee_id``."""
    with Session(engine) as session:
        actor = make_user(session, "Queue maker")
        made = [
            create_follow_up(
                session,
                campaign_id=1,
                official_id=official_id,
                actor_id=actor,
                due_on=today_utc() + timedelta(days=d),
                assignee_id=assignee_id,
            )
            for d in days
        ]
        session.commit()
    return made


def _headings(at: object) -> list[str]:
    """The queue's section headings (Queue health's own heading left out)."""
    return [s.value for s in at.subheader if s.value != "Queue health"]  # type: ignore[attr-defined]


def test_mine_shows_my_follow_ups_team_shows_everyones(db: Engine) -> None:
    """Mine: the coordinator's own three (one per section); Team: also a colleague's."""
    me = ensure_account(Role.COORDINATOR, "test coordinator")
    viktorov = _official(db, "Anatoly Dmitrievich Viktorov")
    _owed(db, viktorov, me, -1, 0, 3)
    with Session(db) as session:
        colleague = make_user(session, "Colleague")
        session.commit()
    _owed(db, viktorov, colleague, -2)
    at = open_app("follow-ups", role=Role.COORDINATOR)

    assert [t.label for t in at.tabs] == ["Mine", "Team"]
    assert _headings(at) == ["Overdue (1)", "Due today (1)", "Upcoming (1)"]
    assert len([b for b in at.button if b.label == "Log"]) == 3
    at.session_state[state.FOLLOW_UP_TAB] = "Team"
    at.run()
    assert _headings(at) == ["Overdue (2)", "Due today (1)", "Upcoming (1)"]
    assert any("Colleague" in line for line in texts(at.text))


def test_upcoming_reaches_as_far_as_the_horizon(db: Engine) -> None:
    """Due in 10 days: not in the 7-day Upcoming, in the 14-day one."""
    me = ensure_account(Role.COORDINATOR, "test coordinator")
    _owed(db, _official(db, "Anatoly Dmitrievich Viktorov"), me, 10)
    at = open_app("follow-ups", role=Role.COORDINATOR)
    assert _headings(at)[2] == "Upcoming (0)"
    at.segmented_control(key=state.FOLLOW_UP_HORIZON).set_value(14).run()
    assert _headings(at)[2] == "Upcoming (1)"


def test_a_rows_log_button_opens_log_outreach_for_its_official_and_campaign(db: Engine) -> None:
    """Log on a row: Log outreach with the row's campaign and official picked."""
    me = ensure_account(Role.COORDINATOR, "test coordinator")
    viktorov = _official(db, "Anatoly Dmitrievich Viktorov")
    _owed(db, viktorov, me, 0)
    at = open_app("follow-ups", role=Role.COORDINATOR)
    next(b for b in at.button if b.label == "Log").click().run()

    assert [t.value for t in at.title] == ["Log outreach"]
    assert at.selectbox(key=state.LOG_CAMPAIGN).value == 1
    assert at.selectbox(key=log_form.official_key(1)).value == viktorov


def test_a_viewer_sees_the_queue_without_log_buttons(db: Engine) -> None:
    """Viewers read the queue; working it is for coordinators."""
    _owed(db, _official(db, "Anatoly Dmitrievich Viktorov"), 1, 0)
    at = signed_in(open_app("follow-ups", role=Role.VIEWER), Role.VIEWER)
    at.session_state[state.FOLLOW_UP_TAB] = "Team"
    at.run()
    assert _headings(at) == ["Overdue (0)", "Due today (1)", "Upcoming (0)"]
    assert [b.label for b in at.button if b.label == "Log"] == []


def test_queue_health_counts_callable_now_and_why_not(db: Engine) -> None:
    """Two targets, neither callable whatever the clock says: one snoozed, one at the
    daily limit (three calls already today, the seeded campaign's limit); by email the
    seeded officials have no address to write to."""
    me = ensure_account(Role.COORDINATOR, "test coordinator")
    viktorov = _official(db, "Anatoly Dmitrievich Viktorov")
    other = next(i for i in _official_ids(db) if i != viktorov)
    with Session(db) as session:
        for n in range(3):
            log_attempt(
                session, campaign_id=1, official_id=other, channel=Channel.PHONE,
                outcome=Outcome.NO_ANSWER, actor_id=me, idempotency_key=f"health-{n}",
                occurred_at=utcnow() - timedelta(minutes=n + 1),
            )  # fmt: skip
        session.commit()
    snoozed, _capped = _owed(db, viktorov, me, -1) + _owed(db, other, me, -1)
    with Session(db) as session:
        snooze_follow_up(
            session, follow_up_id=snoozed, until=today_utc() + timedelta(days=3), actor_id=me
        )
        session.commit()
    at = open_app("follow-ups", role=Role.COORDINATOR)
    assert at.subheader[0].value == "Queue health"
    assert [m.value for m in at.metric] == ["0 of 2"]
    shown = "\n".join(texts(at.text))
    assert "snoozed: 1" in shown
    assert "daily limit reached: 1" in shown
    assert f"Anatoly Dmitrievich Viktorov · {CAMPAIGN}: snoozed (until " in shown
    at.segmented_control(key="queue-health-channel:Mine").set_value(Channel.EMAIL).run()
    assert [m.value for m in at.metric] == ["0 of 2"]
    shown = "\n".join(texts(at.text))
    assert "snoozed: 1" in shown
    assert "no contact point for this channel: 1" in shown


def _official_ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return list(session.scalars(select(Official.id).order_by(Official.id)))
