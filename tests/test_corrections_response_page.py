"""Log outreach's corrections and responses: an answered attempt cannot become "no answer"
while its response stands; the form's "Remove its response" does both in one step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.commands import ResponseInput
from models.tables import Attempt, AuditEvent, Response
from models.vocab import Outcome, Role, Stance
from pages.ui import state
from tests.apptest_helpers import button, open_app, texts, widget
from tests.test_corrections_page import one_attempt_app

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")
REMOVE = "Remove its response with this correction"


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The seed, and one answered call to Viktorov by "test coordinator" an hour ago."""
    yield from one_attempt_app(
        sqlite_url,
        monkeypatch,
        outcome=Outcome.SPOKE_TO_STAFF,
        response=ResponseInput(Stance.NONCOMMITTAL),
    )


def _state(engine: Engine) -> tuple[Outcome, int]:
    with Session(engine) as session:
        outcome = session.scalars(select(Attempt.outcome)).one()
        return outcome, session.scalar(select(func.count(Response.id))) or 0


def test_no_answer_is_refused_until_the_response_is_removed_with_it(db: Engine) -> None:
    """Saving "no answer" alone shows why and changes nothing; ticking the box saves both
    and the audit log has the response's removal."""
    at = open_app(role=Role.COORDINATOR)
    assert at.selectbox(key=state.CORRECTION_PICK).value == 1
    widget(at.selectbox, "Corrected outcome").set_value(Outcome.NO_ANSWER)
    button(at, "Save correction").click().run()
    assert any("carries a response" in t for t in texts(at.error))
    assert _state(db) == (Outcome.SPOKE_TO_STAFF, 1)

    widget(at.selectbox, "Corrected outcome").set_value(Outcome.NO_ANSWER)
    widget(at.checkbox, REMOVE).check()
    button(at, "Save correction").click().run()
    assert texts(at.success)[-1] == "Attempt #1 corrected, its response removed."
    assert _state(db) == (Outcome.NO_ANSWER, 0)
    with Session(db) as session:
        removed = session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "delete", AuditEvent.entity == "response"
            )
        )
    assert removed == 1
    assert REMOVE not in [c.label for c in at.checkbox]  # nothing left to remove
