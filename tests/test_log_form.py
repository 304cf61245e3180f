"""Log outreach: one save per submission, errors that keep the typing, follow-ups, replies."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models import db as models_db
from models.cadence import commitment_follow_up, propose_follow_up
from models.entries import reply_time
from models.tables import Attempt, ContactPoint, FollowUp, Official, Response, User
from models.text import InvalidInput
from models.vocab import Channel, FollowUpStatus, Outcome, OutcomeClass, Role, Stance
from pages.ui import log_form, state
from pages.ui.filters import today_utc
from pages.ui.nav import page
from tests.apptest_helpers import (
    button,
    go,
    markdown_texts,
    open_app,
    texts,
    widget,
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


def field(at: AppTest, kind: str, label: str) -> Any:
    """The one widget of ``kind`` (``selectbox``, ``date_input``, ...) labelled ``label``."""
    return widget(getattr(at, kind), label)


def pick_outcome(at: AppTest, outcome: Outcome) -> AppTest:
    """Click ``outcome`` in the Outcome pills (a rerun, as in the browser)."""
    field(at, "button_group", "Outcome").set_value(outcome).run()
    return at


def fill(
    at: AppTest,
    *,
    outcome: Outcome = Outcome.SPOKE_TO_STAFF,
    notes: str = "",
) -> AppTest:
    pick_outcome(at, outcome)
    field(at, "text_area", "Notes").input(notes)
    return at


def submit(at: AppTest) -> AppTest:
    return button(at, "Log attempt").click().run()


def saved_line(number: int, channel: str, official: str, outcome: str) -> str:
    return f"Saved attempt #{number}: {channel} to {official}, {outcome}."


def success(at: AppTest) -> list[str]:
    return texts(at.success)


def test_saving_writes_one_attempt_with_the_chosen_values(db: Engine) -> None:
    """One press of Log attempt stores one row, as the signed-in coordinator, and says so."""
    at = fill(open_app(role=Role.COORDINATOR), notes="Promised to pass it on")
    field(at, "number_input", "Duration (seconds)").set_value(95)
    submit(at)

    assert not at.exception
    assert success(at)[0].startswith(saved_line(1, "phone", VIKTOROV, "spoke to staff"))
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


def test_an_untouched_form_saves_nothing_and_asks_for_the_outcome(db: Engine) -> None:
    """Outcome starts empty and is required: pressing Log attempt on a fresh form saves nothing."""
    at = open_app()
    assert field(at, "button_group", "Outcome").value is None
    field(at, "text_area", "Notes").input("typed before picking")
    submit(at)

    assert texts(at.error) == ["Pick the outcome of the attempt: nothing was saved."]
    assert attempts(db) == []
    assert field(at, "text_area", "Notes").value == "typed before picking"


def test_the_confirmation_names_the_attempt_its_time_the_follow_up_and_the_response(
    db: Engine,
) -> None:
    """The success message says what was saved: attempt, when, follow-up and its date, response."""
    at = fill(open_app())
    field(at, "checkbox", "They responded on substance").check()
    field(at, "selectbox", "Stance").set_value(Stance.SUPPORTIVE)
    proposed = field(at, "date_input", "Follow up on").value
    submit(at)

    [message] = success(at)
    saved = attempts(db)[0]
    moscow = saved.occurred_at.astimezone(ZoneInfo("Europe/Moscow"))
    assert message.startswith(saved_line(1, "phone", VIKTOROV, "spoke to staff"))
    assert f"{moscow:%a %H:%M} theirs" in message
    assert f"Follow-up #1 due {proposed.isoformat()}." in message
    assert message.endswith("Response recorded: supportive.")


def test_the_follow_up_date_is_proposed_from_the_outcome_in_business_days(db: Engine) -> None:
    """Picking an outcome proposes Follow up on by its class; the saved follow-up has that date."""
    at = open_app()
    assert field(at, "date_input", "Follow up on").value is None
    now = datetime.now(UTC)
    moscow_today = now.astimezone(ZoneInfo("Europe/Moscow")).date()
    for outcome in (Outcome.NO_ANSWER, Outcome.REFUSED, Outcome.SPOKE_TO_STAFF):
        pick_outcome(at, outcome)
        expected = propose_follow_up(outcome.outcome_class, moscow_today, "RU")
        assert field(at, "date_input", "Follow up on").value == expected
    submit(at)

    with Session(db) as session:
        follow_up = session.scalars(select(FollowUp)).one()
    assert follow_up.due_on == propose_follow_up(OutcomeClass.REACHED, moscow_today, "RU")


def test_double_submit_saves_once_and_says_already_saved(db: Engine) -> None:
    """A second press with the same values (a double click, a replay) saves nothing more."""
    at = submit(fill(open_app()))
    first_key = at.session_state[state.LOG_KEY]
    submit(at)

    assert len(attempts(db)) == 1
    assert texts(at.info) == ["Already saved as attempt #1 — not saved twice."]
    assert success(at)[0].startswith(saved_line(1, "phone", VIKTOROV, "spoke to staff"))
    assert at.session_state[state.LOG_KEY] == first_key


def test_editing_a_field_after_saving_logs_a_second_attempt(db: Engine) -> None:
    """Changing a field inside the form after a save makes the next press a new attempt."""
    at = submit(fill(open_app(), notes="first call"))
    field(at, "text_area", "Notes").input("second call")
    submit(at)

    assert [a.notes for a in attempts(db)] == ["first call", "second call"]
    assert success(at)[0].startswith(saved_line(2, "phone", VIKTOROV, "spoke to staff"))


def test_log_another_attempt_empties_the_notes_and_allows_the_same_values_again(db: Engine) -> None:
    """ "Log another attempt" clears the per-attempt fields; the same values then save again."""
    at = submit(fill(open_app(), notes="busy line"))
    button(at, "Log another attempt").click().run()

    assert field(at, "text_area", "Notes").value == ""
    assert field(at, "button_group", "Outcome").value is None
    assert success(at) == []
    fill(at, notes="busy line")
    submit(at)
    assert [a.notes for a in attempts(db)] == ["busy line", "busy line"]


def test_changing_the_official_starts_a_new_entry(db: Engine) -> None:
    """Picking another official after a save means the next save is a new attempt, to them."""
    at = submit(fill(open_app()))
    field(at, "selectbox", "Official").set_value(official_id(db, "Davide Casale")).run()
    assert success(at) == []
    submit(fill(at))

    assert [a.official_id for a in attempts(db)] == [
        official_id(db, VIKTOROV),
        official_id(db, "Davide Casale"),
    ]


def test_changing_channel_and_official_redraws_contact_and_outcome_with_valid_choices(
    db: Engine,
) -> None:
    """Contact used and Outcome follow Official and Channel: options and value always agree."""
    at = open_app()
    pick_outcome(at, Outcome.NO_ANSWER)
    field(at, "button_group", "Channel").set_value(Channel.FAX).run()
    contact = field(at, "selectbox", "Contact used")
    outcome = field(at, "button_group", "Outcome")
    assert contact.options[0] == "fax · +7 499 244-30-45 · Office fax"
    assert contact.index == 0  # the fax, the first choice, is both shown and read
    assert outcome.value is None  # the phone outcome is not carried over to the fax
    pick_outcome(at, Outcome.SENT)
    submit(at)

    [row] = attempts(db)
    assert (row.channel, row.contact_value, row.outcome) == (
        Channel.FAX,
        "+74992443045",
        Outcome.SENT,
    )


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
            "kept notes",
            400,
            False,
            "Follow up on ({}) is more than a year ahead; pick an earlier date.",
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
    ids=[
        "follow-up-in-the-past",
        "follow-up-past-a-year",
        "nul-in-notes",
        "response-without-contact",
    ],
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
    field(at, "date_input", "Follow up on").set_value(follow_up)
    field(at, "checkbox", "They responded on substance").set_value(responded)
    field(at, "selectbox", "Stance").set_value(Stance.SUPPORTIVE)
    field(at, "text_area", "Response summary").input("they said yes")
    submit(at)

    shown = message.format(follow_up.isoformat() if follow_up else "")
    assert texts(at.error) == [shown]
    assert attempts(db) == []
    assert field(at, "text_area", "Notes").value == notes
    assert field(at, "date_input", "Follow up on").value == follow_up
    assert field(at, "button_group", "Outcome").value == outcome
    assert field(at, "checkbox", "They responded on substance").value is responded
    assert field(at, "selectbox", "Stance").value == Stance.SUPPORTIVE
    assert field(at, "text_area", "Response summary").value == "they said yes"


def test_a_back_dated_attempt_is_stored_in_utc_from_the_coordinators_time(db: Engine) -> None:
    """When = yesterday 15:30 (UTC here: AppTest has no browser zone) is stored as that instant."""
    yesterday = today_utc() - timedelta(days=1)
    at = fill(open_app(), outcome=Outcome.NO_ANSWER)
    field(at, "date_input", "When").set_value(yesterday)
    field(at, "time_input", "At (your time)").set_value(time(15, 30))
    submit(at)

    [row] = attempts(db)
    assert row.occurred_at == datetime.combine(yesterday, time(15, 30), tzinfo=UTC)
    assert "Saved attempt #1" in success(at)[0]


@pytest.mark.parametrize(
    ("days_back", "at_time", "message"),
    [
        (1, None, "When: give the time of the attempt on {day}."),
        (-1, time(9, 0), "When: {day} 09:00 is in the future."),
        (400, time(9, 0), "When: an attempt can be dated at most a year back."),
    ],
    ids=["earlier-day-without-time", "future", "over-a-year-back"],
)
def test_a_when_the_form_cannot_save_is_refused_and_kept(
    db: Engine, days_back: int, at_time: time | None, message: str
) -> None:
    """A date without a time, a future time or one past a year back: refused, nothing saved."""
    day = today_utc() - timedelta(days=days_back)
    at = fill(open_app(), notes="kept")
    field(at, "date_input", "When").set_value(day)
    field(at, "time_input", "At (your time)").set_value(at_time)
    submit(at)

    assert texts(at.error) == [message.format(day=day.isoformat())]
    assert attempts(db) == []
    assert field(at, "date_input", "When").value == day
    assert field(at, "text_area", "Notes").value == "kept"


def test_a_ticked_response_needs_a_stance(db: Engine) -> None:
    """ "They responded on substance" without a stance is refused, not saved without one."""
    at = fill(open_app())
    field(at, "checkbox", "They responded on substance").check()
    submit(at)

    assert texts(at.error) == [
        "Pick the stance they took, or untick “They responded on substance”."
    ]
    assert attempts(db) == []


def test_a_live_response_is_saved_with_the_attempt(db: Engine) -> None:
    """A ticked response with a stance and a commitment date is stored and owes a
    follow-up on the first business day after the date."""
    commitment = datetime.now(UTC).date() + timedelta(days=14)
    at = fill(open_app())
    field(at, "date_input", "Follow up on").set_value(None)
    field(at, "checkbox", "They responded on substance").check()
    field(at, "selectbox", "Stance").set_value(Stance.WILL_FORWARD)
    field(at, "text_area", "Response summary").input("Will reply in writing")
    field(at, "date_input", "Commitment date").set_value(commitment)
    submit(at)

    with Session(db) as session:
        response = session.scalars(select(Response)).one()
        follow_up = session.scalars(select(FollowUp)).one()
    assert (response.stance, response.summary, response.commitment_on) == (
        Stance.WILL_FORWARD,
        "Will reply in writing",
        commitment,
    )
    # Checked the first business day after the date (tests/test_cadence_rules.py has the calendar).
    assert (follow_up.due_on, follow_up.reason, follow_up.status) == (
        commitment_follow_up(commitment, "RU", None),
        "commitment",
        FollowUpStatus.OPEN,
    )


def test_follow_up_on_creates_a_follow_up_that_the_next_attempt_completes(db: Engine) -> None:
    """A "Follow up on" date queues a follow-up; the next attempt, from the queue, ends it."""
    due = datetime.now(UTC).date() + timedelta(days=3)
    casale = official_id(db, "Davide Casale")
    at = open_app()
    field(at, "selectbox", "Official").set_value(casale).run()
    fill(at, outcome=Outcome.NO_ANSWER)
    field(at, "date_input", "Follow up on").set_value(due)
    submit(at)
    [message] = success(at)
    assert message.startswith(saved_line(1, "phone", "Davide Casale", "no answer"))
    assert message.endswith(f"Follow-up #1 due {due.isoformat()}.")

    go(at, "follow-ups")
    sections = [s.value for s in at.subheader if s.value != "Queue health"]
    assert sections[:3] == ["Overdue (0)", "Due today (0)", "Upcoming (1)"]
    button(at, "Log").click().run()

    assert [t.value for t in at.title] == ["Log outreach"]
    assert field(at, "selectbox", "Official").value == casale
    # A browser's URL now names the log page; AppTest's next run would go back to the page
    # it was last switched to, so name it the same way.
    at.switch_page(page("log").file)
    fill(at.run(), outcome=Outcome.SPOKE_TO_STAFF)
    field(at, "date_input", "Follow up on").set_value(None)
    submit(at)
    [message] = success(at)
    assert message.startswith(saved_line(2, "phone", "Davide Casale", "spoke to staff"))
    assert message.endswith("Completed follow-up #1. No follow-up.")
    with Session(db) as session:
        follow_up = session.scalars(select(FollowUp)).one()
    assert (follow_up.status, follow_up.completed_by_attempt_id) == (FollowUpStatus.DONE, 2)


def test_a_later_reply_is_recorded_against_the_earlier_attempt(db: Engine) -> None:
    """ "Record reply" stores a response on the attempt picked; no time given today means
    received now, never the attempt's own timestamp."""
    at = submit(fill(open_app(), outcome=Outcome.LEFT_VOICEMAIL))
    saved = attempts(db)[0]
    at.selectbox(key=state.REPLY_ATTEMPT).set_value(saved.id)
    at.selectbox(key=state.REPLY_STANCE).set_value(Stance.NONCOMMITTAL)
    at.text_area(key=state.REPLY_SUMMARY).input("Called back: no position yet")
    before = datetime.now(UTC)
    button(at, "Record reply").click().run()

    assert not at.exception
    assert success(at)[-1] == f"Reply recorded against attempt #{saved.id}."
    with Session(db) as session:
        response = session.scalars(select(Response)).one()
    assert (response.attempt_id, response.stance, response.summary) == (
        saved.id,
        Stance.NONCOMMITTAL,
        "Called back: no position yet",
    )
    assert before <= response.responded_at <= datetime.now(UTC)
    assert "No attempt to this official in this campaign is waiting for a reply." in texts(
        at.caption
    )


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (1, "Received on ({day}) is in the future: nothing was saved."),
        (-1, "Received on ({day}) is before the attempt it answers ({attempt_day})."),
    ],
    ids=["future", "before-the-attempt"],
)
def test_a_reply_dated_in_the_future_or_before_its_attempt_is_refused(
    db: Engine, days: int, message: str
) -> None:
    """A "Received on" the model cannot take is refused with a message, never saved as today."""
    at = submit(fill(open_app(), outcome=Outcome.LEFT_VOICEMAIL))
    saved = attempts(db)[0]
    day = saved.occurred_at.date() + timedelta(days=days)
    at.selectbox(key=state.REPLY_STANCE).set_value(Stance.NONCOMMITTAL)
    at.date_input(key=state.REPLY_DATE).set_value(day)
    button(at, "Record reply").click().run()

    assert texts(at.error) == [
        message.format(day=day.isoformat(), attempt_day=saved.occurred_at.date().isoformat())
    ]
    with Session(db) as session:
        assert session.scalars(select(Response)).all() == []


def test_reply_time_is_the_coordinators_wall_clock_or_now_today() -> None:
    """14:30 in New York on 6 March is 19:30 UTC; no time today is now; no time on an
    earlier day is refused."""
    now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # 04:00 in New York
    ny = "America/New_York"
    assert reply_time(date(2026, 3, 6), time(14, 30), ny, now) == datetime(
        2026, 3, 6, 19, 30, tzinfo=UTC
    )
    assert reply_time(date(2026, 3, 9), None, ny, now) == now
    with pytest.raises(InvalidInput, match="give the time the reply came on 2026-03-06"):
        reply_time(date(2026, 3, 6), None, ny, now)


def test_a_reply_with_a_time_is_stored_at_that_time_and_never_before_its_attempt(
    db: Engine,
) -> None:
    """Received at a minute after the attempt: stored then; a minute before it: refused."""
    made = (datetime.now(UTC) - timedelta(minutes=10)).replace(second=0, microsecond=0)
    at = fill(open_app(), outcome=Outcome.LEFT_VOICEMAIL)
    field(at, "date_input", "When").set_value(made.date())
    field(at, "time_input", "At (your time)").set_value(made.time())
    submit(at)
    saved = attempts(db)[0]
    assert saved.occurred_at == made
    at.selectbox(key=state.REPLY_STANCE).set_value(Stance.NONCOMMITTAL)
    at.date_input(key=state.REPLY_DATE).set_value(saved.occurred_at.date())
    early = (saved.occurred_at - timedelta(minutes=1)).replace(second=0, microsecond=0)
    at.time_input(key=state.REPLY_TIME).set_value(early.time())
    button(at, "Record reply").click().run()
    [message] = texts(at.error)
    assert message.startswith(f"Received {early:%Y-%m-%d %H:%M} is before the attempt it answers")

    later = saved.occurred_at + timedelta(minutes=1)
    at.date_input(key=state.REPLY_DATE).set_value(later.date())
    at.time_input(key=state.REPLY_TIME).set_value(later.time())
    button(at, "Record reply").click().run()
    with Session(db) as session:
        response = session.scalars(select(Response)).one()
    assert response.responded_at == later


@pytest.mark.usefixtures("db")
def test_official_details_show_numbers_in_international_format_as_tel_links() -> None:
    """The official's phone and fax show as +7 499 244-30-25 and link to tel:+74992443025."""
    at = open_app()
    lines = markdown_texts(at)

    assert "**phone** · [+7 499 244-30-25](tel:+74992443025) · Office · _primary_" in lines
    assert "**fax** · [+7 499 244-30-45](tel:+74992443045) · Office fax" in lines


@pytest.mark.usefixtures("db")
def test_the_call_history_shows_the_latest_attempts_with_who_when_and_the_note() -> None:
    """Beside the form: each earlier attempt to this official here, newest first, with its note."""
    at = submit(fill(open_app(), outcome=Outcome.NO_ANSWER, notes="rang out"))
    button(at, "Log another attempt").click().run()
    submit(fill(at, outcome=Outcome.SPOKE_TO_STAFF, notes="<b>assistant</b> took the message"))

    shown = [str(t.value) for t in at.text]
    first = shown.index("#2 · phone · spoke to staff · by test admin")
    second = shown.index("#1 · phone · no answer · by test admin")
    assert first < second
    assert shown[first + 2] == "<b>assistant</b> took the message"  # plain text, as typed
    assert "rang out" in shown[second:]


def test_viewers_read_the_call_history_with_notes_on_officials_and_cannot_write(
    db: Engine,
) -> None:
    """A viewer opens an official on Officials and reads every attempt and its note, read-only."""
    submit(fill(open_app(), outcome=Outcome.SPOKE_TO_STAFF, notes="Asked for a written reply"))
    viewer = open_app("officials", Role.VIEWER)
    viewer.selectbox(key=state.OFFICIAL_PICK).set_value(official_id(db, VIKTOROV)).run()

    shown = [str(t.value) for t in viewer.text]
    assert "#1 · phone · spoke to staff · by test admin" in shown
    assert "Asked for a written reply" in shown
    assert [b.label for b in viewer.button if b.label != "Sign out"] == []
    assert [f.label for f in viewer.text_area] == []


def test_a_save_refused_for_a_busy_database_says_so_keeps_the_typing_and_saves_once_later(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds SQLite's write lock through every retry: the page says the
    database is busy (no traceback), keeps the form, writes nothing; the next press saves
    the attempt once."""
    monkeypatch.setattr(models_db, "BUSY_TIMEOUT_MS", 150)
    monkeypatch.setattr(models_db, "RETRY_PAUSE_S", 0.01)
    at = fill(open_app(role=Role.COORDINATOR), notes="Busy line, try later")
    path = db.url.database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)  # another process's writer
    other.execute("BEGIN IMMEDIATE")
    try:
        submit(at)
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert not at.exception
    assert texts(at.error) == [log_form.BUSY]
    assert attempts(db) == []
    assert field(at, "text_area", "Notes").value == "Busy line, try later"
    assert field(at, "button_group", "Outcome").value == Outcome.SPOKE_TO_STAFF

    submit(at)
    assert texts(at.error) == []
    assert success(at)[0].startswith(saved_line(1, "phone", VIKTOROV, "spoke to staff"))
    assert [row.notes for row in attempts(db)] == ["Busy line, try later"]
