"""Log outreach: one save per submission, errors that keep the typing, follow-ups, replies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.tables import Attempt, ContactPoint, FollowUp, Official, Response, User
from models.vocab import Channel, FollowUpStatus, Outcome, Role, Stance
from pages.ui import state
from pages.ui.filters import today_utc
from pages.ui.log_form import reply_time
from pages.ui.nav import page
from tests.apptest_helpers import (
    button,
    go,
    markdown_texts,
    open_app,
    texts,
)

VIKTOROV = "Anatoly Dmitrievich Viktorov"  # first target by name: the preselected official


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def attempts(engine: Engine) -> list[Attempt]:
    with Session(engine) as session:
        return list(session.scalars(select(Attempt).order_by(Attempt.id)))


def official_id(engine: Engine, full_name: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(Official.id).where(Official.full_name == full_name))
        assert found is not None
        return found


def fill(
    at: AppTest,
    *,
    outcome: Outcome = Outcome.SPOKE_TO_STAFF,
    notes: str = "",
) -> AppTest:
    at.selectbox(key=state.LOG_OUTCOME).set_value(outcome)
    at.text_area(key=state.LOG_NOTES).input(notes)
    return at


def submit(at: AppTest) -> AppTest:
    return button(at, "Log attempt").click().run()


def test_saving_writes_one_attempt_with_the_chosen_values(db: Engine) -> None:
    """One press of Log attempt stores one row, as the signed-in coordinator, and says so."""
    at = fill(open_app(role=Role.COORDINATOR), notes="Promised to pass it on")
    at.number_input(key=state.LOG_DURATION).set_value(95)
    submit(at)

    assert not at.exception
    assert texts(at.success) == [f"Saved attempt #1: phone to {VIKTOROV}, spoke to staff."]
    rows = attempts(db)
    assert len(rows) == 1
    with Session(db) as session:
        primary_phone = session.scalar(
            select(ContactPoint.id).where(
                ContactPoint.official_id == official_id(db, VIKTOROV),
                ContactPoint.kind == "phone",
            )
        )
        coordinator = session.scalar(
            select(User.display_name).where(User.id == rows[0].coordinator_id)
        )
    row = rows[0]
    assert (row.official_id, row.channel, row.outcome) == (
        official_id(db, VIKTOROV),
        Channel.PHONE,
        Outcome.SPOKE_TO_STAFF,
    )
    assert (row.contact_point_id, row.contact_value) == (primary_phone, "+74992443025")
    assert (row.notes, row.duration_s, coordinator) == (
        "Promised to pass it on",
        95,
        "test coordinator",
    )


def test_double_submit_saves_once_and_says_already_saved(db: Engine) -> None:
    """A second press with the same values (a double click, a replay) saves nothing more."""
    at = submit(fill(open_app()))
    first_key = at.session_state[state.LOG_KEY]
    submit(at)

    assert len(attempts(db)) == 1
    assert texts(at.info) == ["Already saved as attempt #1 — not saved twice."]
    assert texts(at.success) == [f"Saved attempt #1: phone to {VIKTOROV}, spoke to staff."]
    assert at.session_state[state.LOG_KEY] == first_key


def test_editing_a_field_after_saving_logs_a_second_attempt(db: Engine) -> None:
    """Changing a field inside the form after a save makes the next press a new attempt."""
    at = submit(fill(open_app(), notes="first call"))
    at.text_area(key=state.LOG_NOTES).input("second call")
    submit(at)

    assert [a.notes for a in attempts(db)] == ["first call", "second call"]
    assert texts(at.success) == [f"Saved attempt #2: phone to {VIKTOROV}, spoke to staff."]


def test_log_another_attempt_empties_the_notes_and_allows_the_same_values_again(db: Engine) -> None:
    """ "Log another attempt" clears the per-attempt fields; the same values then save again."""
    at = submit(fill(open_app(), notes="busy line"))
    button(at, "Log another attempt").click().run()

    assert at.text_area(key=state.LOG_NOTES).value == ""
    assert texts(at.success) == []
    at.text_area(key=state.LOG_NOTES).input("busy line")
    submit(at)
    assert [a.notes for a in attempts(db)] == ["busy line", "busy line"]


def test_changing_the_official_starts_a_new_entry(db: Engine) -> None:
    """Picking another official after a save means the next save is a new attempt, to them."""
    at = submit(fill(open_app()))
    at.selectbox(key=state.LOG_OFFICIAL).set_value(official_id(db, "Davide Casale")).run()
    assert texts(at.success) == []
    submit(fill(at))

    assert [a.official_id for a in attempts(db)] == [
        official_id(db, VIKTOROV),
        official_id(db, "Davide Casale"),
    ]


@pytest.mark.parametrize(
    ("outcome", "notes", "follow_up_days", "responded", "message"),
    [
        (
            Outcome.SPOKE_TO_STAFF,
            "kept notes",
            -1,
            False,
            "Follow up on must be the day of the attempt or later.",
        ),
        (
            Outcome.SPOKE_TO_STAFF,
            "bad\x00byte",
            None,
            False,
            "Notes contains a NUL character; remove it and try again.",
        ),
        (
            Outcome.NO_ANSWER,
            "nobody there",
            None,
            True,
            "Nobody was reached (“no answer”), so there is no live response to record; "
            "record a later reply against this attempt when it comes.",
        ),
    ],
    ids=["follow-up-in-the-past", "nul-in-notes", "response-without-contact"],
)
def test_invalid_input_shows_the_error_keeps_the_typing_and_saves_nothing(
    db: Engine,
    outcome: Outcome,
    notes: str,
    follow_up_days: int | None,
    responded: bool,
    message: str,
) -> None:
    """Bad input is refused with a message, every field keeps what was typed, no row is written."""
    at = fill(open_app(), outcome=outcome, notes=notes)
    follow_up = None if follow_up_days is None else today_utc() + timedelta(days=follow_up_days)
    at.date_input(key=state.LOG_FOLLOW_UP).set_value(follow_up)
    at.checkbox(key=state.LOG_RESPONDED).set_value(responded)
    at.selectbox(key=state.LOG_STANCE).set_value(Stance.SUPPORTIVE)
    at.text_area(key=state.LOG_SUMMARY).input("they said yes")
    submit(at)

    assert texts(at.error) == [message]
    assert attempts(db) == []
    assert at.text_area(key=state.LOG_NOTES).value == notes
    assert at.date_input(key=state.LOG_FOLLOW_UP).value == follow_up
    assert at.selectbox(key=state.LOG_OUTCOME).value == outcome
    assert at.checkbox(key=state.LOG_RESPONDED).value is responded
    assert at.selectbox(key=state.LOG_STANCE).value == Stance.SUPPORTIVE
    assert at.text_area(key=state.LOG_SUMMARY).value == "they said yes"


def test_a_ticked_response_needs_a_stance(db: Engine) -> None:
    """ "They responded on substance" without a stance is refused, not saved without one."""
    at = fill(open_app())
    at.checkbox(key=state.LOG_RESPONDED).check()
    submit(at)

    assert texts(at.error) == [
        "Pick the stance they took, or untick “They responded on substance”."
    ]
    assert attempts(db) == []


def test_a_live_response_is_saved_with_the_attempt(db: Engine) -> None:
    """A ticked response with a stance and a commitment date is stored and owes a follow-up."""
    commitment = datetime.now(UTC).date() + timedelta(days=14)
    at = fill(open_app())
    at.checkbox(key=state.LOG_RESPONDED).check()
    at.selectbox(key=state.LOG_STANCE).set_value(Stance.WILL_FORWARD)
    at.text_area(key=state.LOG_SUMMARY).input("Will reply in writing")
    at.date_input(key=state.LOG_COMMITMENT).set_value(commitment)
    submit(at)

    with Session(db) as session:
        response = session.scalars(select(Response)).one()
        follow_up = session.scalars(select(FollowUp)).one()
    assert (response.stance, response.summary, response.commitment_on) == (
        Stance.WILL_FORWARD,
        "Will reply in writing",
        commitment,
    )
    assert (follow_up.due_on, follow_up.reason, follow_up.status) == (
        commitment,
        "commitment",
        FollowUpStatus.OPEN,
    )


def test_follow_up_on_creates_a_follow_up_that_the_next_attempt_completes(db: Engine) -> None:
    """A "Follow up on" date queues a follow-up; the next attempt, from the queue, ends it."""
    due = datetime.now(UTC).date() + timedelta(days=3)
    casale = official_id(db, "Davide Casale")
    at = open_app()
    at.selectbox(key=state.LOG_OFFICIAL).set_value(casale).run()
    fill(at, outcome=Outcome.NO_ANSWER)
    at.date_input(key=state.LOG_FOLLOW_UP).set_value(due)
    submit(at)
    assert texts(at.success) == [
        f"Saved attempt #1: phone to Davide Casale, no answer. Follow-up #1 due {due.isoformat()}."
    ]

    go(at, "follow-ups")
    assert [s.value for s in at.subheader][:3] == ["Overdue (0)", "Due today (0)", "Upcoming (1)"]
    button(at, "Log next attempt").click().run()

    assert [t.value for t in at.title] == ["Log outreach"]
    assert at.selectbox(key=state.LOG_OFFICIAL).value == casale
    # A browser's URL now names the log page; AppTest's next run would go back to the page
    # it was last switched to, so name it the same way.
    at.switch_page(page("log").file)
    submit(fill(at, outcome=Outcome.SPOKE_TO_STAFF))
    assert texts(at.success) == [
        "Saved attempt #2: phone to Davide Casale, spoke to staff. Completed follow-up #1."
    ]
    with Session(db) as session:
        follow_up = session.scalars(select(FollowUp)).one()
    assert (follow_up.status, follow_up.completed_by_attempt_id) == (FollowUpStatus.DONE, 2)


def test_a_later_reply_is_recorded_against_the_earlier_attempt(db: Engine) -> None:
    """ "Record reply" stores a response on the attempt picked, stamped with that attempt's day."""
    at = submit(fill(open_app(), outcome=Outcome.LEFT_VOICEMAIL))
    saved = attempts(db)[0]
    at.selectbox(key=state.REPLY_ATTEMPT).set_value(saved.id)
    at.selectbox(key=state.REPLY_STANCE).set_value(Stance.NONCOMMITTAL)
    at.text_area(key=state.REPLY_SUMMARY).input("Called back: no position yet")
    button(at, "Record reply").click().run()

    assert not at.exception
    assert texts(at.success)[-1] == f"Reply recorded against attempt #{saved.id}."
    with Session(db) as session:
        response = session.scalars(select(Response)).one()
    assert (response.attempt_id, response.stance, response.summary) == (
        saved.id,
        Stance.NONCOMMITTAL,
        "Called back: no position yet",
    )
    assert response.responded_at == saved.occurred_at  # received the same day
    assert "No attempt to this official in this campaign is waiting for a reply." in texts(
        at.caption
    )


def test_reply_time_is_noon_utc_or_the_attempts_time_and_never_in_the_future() -> None:
    """A reply counts at noon UTC, at the attempt's time on its day, and never after now."""
    attempt_at = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert reply_time(date(2026, 3, 4), attempt_at, now) == attempt_at
    assert reply_time(date(2026, 3, 6), attempt_at, now) == datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    assert reply_time(date(2026, 3, 9), attempt_at, now) == now


@pytest.mark.usefixtures("db")
def test_official_details_show_numbers_in_international_format_as_tel_links() -> None:
    """The official's phone and fax show as +7 499 244-30-25 and link to tel:+74992443025."""
    at = open_app()
    lines = markdown_texts(at)

    assert "**phone** · [+7 499 244-30-25](tel:+74992443025) · Office · _primary_" in lines
    assert "**fax** · [+7 499 244-30-45](tel:+74992443045) · Office fax" in lines
