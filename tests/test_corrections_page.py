"""Log outreach's "Correct or delete an attempt": own attempts for coordinators, all for admins."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from models.tables import Attempt, AuditEvent, Official
from models.vocab import Outcome, Role
from pages.ui import state
from tests.apptest_helpers import (
    DASHBOARD,
    TIMEOUT_S,
    button,
    ensure_account,
    open_app,
    seed_database,
    signed_in,
    texts,
    widget,
)
from tests.factories import make_attempt

VIKTOROV = "Anatoly Dmitrievich Viktorov"


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def one_attempt_app(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, **attempt: Any
) -> Iterator[Engine]:
    """The app pointed at the seed and one attempt to Viktorov by "test coordinator" an
    hour ago (``attempt``: more of make_attempt's fields)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    seed_database(sqlite_url)
    coordinator = ensure_account(Role.COORDINATOR)
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        official = session.scalar(select(Official.id).where(Official.full_name == VIKTOROV))
        assert official is not None
        make_attempt(
            session,
            campaign_id=1,
            official_id=official,
            actor_id=coordinator,
            occurred_at=datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1),
            **attempt,
        )
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The seed, and one attempt to Viktorov by "test coordinator" an hour ago."""
    yield from one_attempt_app(sqlite_url, monkeypatch, notes="first version")


def _attempt(engine: Engine) -> Attempt:
    with Session(engine) as session:
        return session.scalars(select(Attempt)).one()


def test_owner_corrects_the_outcome_and_notes(db: Engine) -> None:
    """The coordinator picks their attempt, changes outcome and notes, and the row changes."""
    at = open_app(role=Role.COORDINATOR)
    assert at.selectbox(key=state.CORRECTION_PICK).value == 1
    widget(at.selectbox, "Corrected outcome").set_value(Outcome.LEFT_VOICEMAIL)
    widget(at.text_area, "Corrected notes").input("second version")
    button(at, "Save correction").click().run()

    attempt = _attempt(db)
    assert (attempt.outcome, attempt.notes) == (Outcome.LEFT_VOICEMAIL, "second version")
    assert texts(at.success)[-1] == "Attempt #1 corrected."
    with Session(db) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.changes["notes"] == "changed"
    assert event.changes["outcome"] == ["no answer", "left voicemail"]


def test_delete_needs_confirmation_then_soft_deletes(db: Engine) -> None:
    """Delete without the tick is refused; with it, the attempt is soft-deleted."""
    at = open_app(role=Role.COORDINATOR)
    button(at, "Delete attempt").click().run()
    assert texts(at.error) == ["Tick “Yes, delete this attempt” to delete it."]
    assert _attempt(db).deleted_at is None

    widget(at.checkbox, "Yes, delete this attempt").check()
    button(at, "Delete attempt").click().run()
    assert _attempt(db).deleted_at is not None


@pytest.mark.usefixtures("db")
def test_other_coordinators_do_not_see_it_but_admins_do() -> None:
    """Another coordinator gets no correction choice; an admin can pick the attempt."""
    ensure_account(Role.COORDINATOR, "second coordinator")
    stranger = signed_in(
        AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S),
        Role.COORDINATOR,
        "second coordinator",
    ).run()
    assert [s.key for s in stranger.selectbox if s.key == state.CORRECTION_PICK] == []
    assert "No attempt to this official in this campaign that you may change." in texts(
        stranger.caption
    )
    admin = open_app(role=Role.ADMIN)
    assert admin.selectbox(key=state.CORRECTION_PICK).value == 1
