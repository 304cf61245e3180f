"""Log outreach's over-contact guard in AppTest: the notice, and the refusal at the limit."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from models.tables import Attempt, Campaign
from models.vocab import Outcome
from tests.apptest_helpers import button, open_app, texts
from tests.test_log_form import VIKTOROV, field, fill, submit

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _set_cap(db: Engine, cap: int) -> None:
    with Session(db) as session:
        session.execute(update(Campaign).values(daily_cap=cap))
        session.commit()


def _attempts(db: Engine) -> int:
    with Session(db) as session:
        return len(session.scalars(select(Attempt.id)).all())


@pytest.mark.usefixtures("db")
def test_a_second_call_today_shows_who_called_when_and_what_happened() -> None:
    """After one saved call, the form says the official was already contacted today,
    by whom, with the outcome and the campaign."""
    at = open_app()
    assert not [w for w in texts(at.warning) if "already contacted today" in w]
    submit(fill(at, outcome=Outcome.NO_ANSWER))
    button(at, "Log another attempt").click().run()

    [notice] = [w for w in texts(at.warning) if "already contacted today" in w]
    assert notice.startswith(f"{VIKTOROV} was already contacted today (once, their day, ")
    assert "by test admin: phone, no answer, in “" in notice
    assert "daily limit" not in notice


def test_past_the_daily_limit_the_save_is_refused_and_the_typing_kept(db: Engine) -> None:
    """Limit 1: the notice warns ahead, the second save says "daily limit", keeps the
    notes and saves nothing."""
    _set_cap(db, 1)
    at = submit(fill(open_app(), outcome=Outcome.NO_ANSWER))
    button(at, "Log another attempt").click().run()
    [notice] = [w for w in texts(at.warning) if "already contacted today" in w]
    assert "daily limit of 1 per official is reached" in notice
    submit(fill(at, outcome=Outcome.BUSY, notes="second try"))

    [message] = texts(at.error)
    assert "daily limit" in message
    assert message.startswith(f"Not saved: {VIKTOROV} already has 1 attempt today (")
    assert field(at, "text_area", "Notes").value == "second try"
    assert _attempts(db) == 1
