"""The Follow-ups page through the entrypoint: tabs Mine and Team, the three sections with
their counts, and a row's Log button opening Log outreach for its official and campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.commands import create_follow_up
from models.tables import Official
from models.vocab import Role
from pages.ui import log_form, state
from pages.ui.filters import today_utc
from tests.apptest_helpers import ensure_account, open_app, signed_in, texts
from tests.factories import make_user

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
    return [s.value for s in at.subheader]  # type: ignore[attr-defined]


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
