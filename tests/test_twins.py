"""The same call saved in two tabs is one attempt: ``log_attempt`` with a ``TwinCheck``
holds back an attempt that repeats one the same coordinator saved moments ago under
another idempotency key, and the Log page asks before saving it all the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.commands import TWIN_WINDOW, LikelyTwin, LogResult, TwinCheck, log_attempt
from models.corrections import delete_attempt
from models.db import session_scope
from models.tables import Attempt, AuditEvent
from models.vocab import Channel, Outcome, Stance
from pages.ui import log_form
from tests.apptest_helpers import button, open_app, texts
from tests.factories import make_campaign, make_official, make_user
from tests.test_log_form import fill, submit

NOTES = "Left the ask with the duty officer"


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        campaign = make_campaign(session)
        return {
            "campaign": campaign,
            "official": make_official(session, campaign_id=campaign),
            "user": make_user(session),
            "other_user": make_user(session, "Sam Second"),
        }


def _log(session: Session, ids: dict[str, int], key: str, **extra: Any) -> LogResult:
    """A phone call reaching staff, noted, by ``user``, now; ``extra`` changes any of it."""
    kwargs: dict[str, Any] = {
        "campaign_id": ids["campaign"],
        "official_id": ids["official"],
        "channel": Channel.PHONE,
        "outcome": Outcome.SPOKE_TO_STAFF,
        "actor_id": ids["user"],
        "idempotency_key": key,
        "notes": NOTES,
        "twins": TwinCheck(),
    }
    return log_attempt(session, **(kwargs | extra))


def _count(engine: Engine, model: type[Any]) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_same_call_under_another_key_is_held_back_and_names_the_first(
    engine: Engine, ids: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        first = _log(session, ids, "tab-a")
    audits = _count(engine, AuditEvent)
    with pytest.raises(LikelyTwin) as held, session_scope(engine) as session:
        _log(session, ids, "tab-b")
    assert held.value.attempt_id == first.attempt_id
    assert abs(held.value.saved_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert (_count(engine, Attempt), _count(engine, AuditEvent)) == (1, audits)


def test_the_same_key_again_is_answered_by_the_first_save_not_held_back(
    engine: Engine, ids: dict[str, int]
) -> None:
    """A replay is the idempotency key's business: it says "already saved", no question."""
    with session_scope(engine) as session:
        first = _log(session, ids, "tab-a")
    with session_scope(engine) as session:
        again = _log(session, ids, "tab-a")
    assert (again.attempt_id, again.created) == (first.attempt_id, False)


@pytest.mark.parametrize(
    "change",
    [
        {"notes": "Second call: they asked for the letter again"},
        {"outcome": Outcome.NO_ANSWER, "notes": NOTES},
        {"channel": Channel.EMAIL, "outcome": Outcome.SENT},
        {"actor": "other_user"},
        {"response": "answered"},
        {"twins": None},
    ],
    ids=["other-notes", "other-outcome", "other-channel", "other-coordinator", "answered",
         "no-check"],
)  # fmt: skip
def test_what_differs_from_the_first_call_is_saved(
    engine: Engine, ids: dict[str, int], change: dict[str, Any]
) -> None:
    extra = dict(change)
    if extra.pop("actor", None):
        extra["actor_id"] = ids["other_user"]
    if extra.pop("response", None):
        from models.commands import ResponseInput

        extra["response"] = ResponseInput(stance=Stance.NONCOMMITTAL)
    with session_scope(engine) as session:
        _log(session, ids, "tab-a")
    with session_scope(engine) as session:
        second = _log(session, ids, "tab-b", **extra)
    assert second.created
    assert _count(engine, Attempt) == 2


def test_a_known_or_deleted_first_call_or_one_outside_the_window_is_no_twin(
    engine: Engine, ids: dict[str, int]
) -> None:
    """``known`` (the session's own save, a confirmed twin) and a deleted attempt never hold
    a save back, nor an identical call made more than the window earlier."""
    with session_scope(engine) as session:
        first = _log(session, ids, "first").attempt_id
    with session_scope(engine) as session:
        second = _log(session, ids, "redial", twins=TwinCheck(known=frozenset({first})))
    with session_scope(engine) as session:
        delete_attempt(session, first, actor_id=ids["user"])
        delete_attempt(session, second.attempt_id, actor_id=ids["user"])
    with session_scope(engine) as session:
        assert _log(session, ids, "after-deletes").created
    long_ago = datetime.now(UTC) - TWIN_WINDOW - timedelta(minutes=1)
    with session_scope(engine) as session:
        assert _log(session, ids, "back-dated", occurred_at=long_ago).created
    assert _count(engine, Attempt) == 4


@pytest.mark.usefixtures("fresh_streamlit_caches")
def test_two_tabs_save_the_same_call_once_and_the_second_may_confirm_a_real_redial(
    db: Engine,
) -> None:
    """Two sessions of one coordinator (two tabs) type the same call. Tab A saves it; tab
    B's save is held back with a warning naming tab A's attempt, and keeps what was typed;
    pressing it twice more changes nothing. "Save it as another attempt" saves it."""
    tab_a, tab_b = open_app(), open_app()
    submit(fill(tab_a, notes=NOTES))
    fill(tab_b, notes=NOTES)
    submit(tab_b)
    submit(tab_b)

    with Session(db) as session:
        saved = list(session.scalars(select(Attempt)))
    assert [a.notes for a in saved] == [NOTES]
    warning = texts(tab_b.warning)
    assert any(
        w.startswith(f"Not saved: this is the same call as attempt #{saved[0].id}, which you saved")
        for w in warning
    ), warning
    assert texts(tab_b.success) == []
    assert [t.value for t in tab_b.text_area if t.label == "Notes"] == [NOTES]

    button(tab_b, log_form.SAVE_TWIN).click().run()
    with Session(db) as session:
        notes = list(session.scalars(select(Attempt.notes).order_by(Attempt.id)))
    assert notes == [NOTES, NOTES]
    assert texts(tab_b.success)[0].startswith(f"Saved attempt #{saved[0].id + 1}: ")
    assert not any(w.startswith("Not saved: this is the same call") for w in texts(tab_b.warning))


@pytest.mark.usefixtures("fresh_streamlit_caches")
def test_one_tab_logging_the_same_call_again_after_log_another_is_not_asked(db: Engine) -> None:
    """A redial from the same tab ("Log another attempt", same values) is the coordinator's
    own second call: saved without a question."""
    at: AppTest = submit(fill(open_app(), notes=NOTES))
    button(at, "Log another attempt").click().run()
    submit(fill(at, notes=NOTES))
    with Session(db) as session:
        assert list(session.scalars(select(Attempt.notes))) == [NOTES, NOTES]
    assert not any(w.startswith("Not saved") for w in texts(at.warning))
