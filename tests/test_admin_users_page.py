"""Admin → Users: adding a user empties the form and shows the newcomer at once; a
refusal keeps what was typed but the password; unlock and password reset work from the
page and are audited; names are shown exactly as typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models import accounts
from models.base import utcnow
from models.db import session_scope
from models.tables import AuditEvent
from models.vocab import Role
from tests.apptest_helpers import (
    TEST_PASSWORD,
    button,
    ensure_account,
    open_app,
    widget,
)

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")

NEW_PASSWORD = "a newcomer's long passphrase"
HOSTILE = "![x](http://evil.example/x.png) :red[red] $x^2$ <b>bold</b> www.evil.example"
ADD_FIELDS = ("User name", "Full name", "Initial password (12+ characters)")
RESET_FIELDS = ("New password (12+ characters)", "New password again")


def add_user(at: AppTest, name: str, full_name: str, password: str) -> AppTest:
    for label, value in zip(ADD_FIELDS, (name, full_name, password), strict=True):
        widget(at.text_input, label).set_value(value)
    button(at, "Add user").click()
    return at.run()


def typed(at: AppTest, labels: tuple[str, ...]) -> list[str]:
    return [str(widget(at.text_input, label).value) for label in labels]


def table_users(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["user"])


def user_options(at: AppTest) -> list[str]:
    return [str(option) for option in widget(at.selectbox, "User").options]


def notices(at: AppTest) -> list[str]:
    """The plain-text notices the admin's writes leave (✔ done, ✖ refused, ℹ nothing to do)."""
    return [str(t.value) for t in at.text if str(t.value)[:1] in "✔✖ℹ"]


def test_adding_a_user_empties_the_form_and_lists_them_at_once(app_db: Engine) -> None:
    """After "Add user": every field empty (the password above all), the newcomer in the
    table and picked in "Change a user", on the same run."""
    at = open_app("admin")
    at = add_user(at, "Ada", "Ada Lovelace", NEW_PASSWORD)

    assert notices(at) == ["✔ Added Ada as coordinator."]
    assert typed(at, ADD_FIELDS) == ["", "", ""]
    assert "ada" in table_users(at)
    assert "ada" in user_options(at)
    with session_scope(app_db) as session:
        ada = accounts.find_user_id(session, "ada")
    assert widget(at.selectbox, "User").value == ada
    assert sign_in(app_db, "ada", NEW_PASSWORD) is True


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("ada", "too short", "✖ A password needs at least 12 characters."),
        ("test admin", NEW_PASSWORD, "✖ There is already a user called “test admin”."),
    ],
    ids=["short password", "taken name"],
)
@pytest.mark.usefixtures("app_db")
def test_a_refused_user_keeps_what_was_typed_but_the_password(
    name: str, password: str, message: str
) -> None:
    """The reason is shown; the names stay for a correction; the password box is empty;
    nobody was added."""
    at = open_app("admin")
    before = table_users(at)
    at = add_user(at, name, "Ada Lovelace", password)

    assert notices(at) == [message]
    assert typed(at, ADD_FIELDS) == [name, "Ada Lovelace", ""]
    assert table_users(at) == before


@pytest.mark.usefixtures("app_db")
def test_a_hostile_name_is_shown_exactly_as_typed() -> None:
    """Markdown, directives, LaTeX, HTML and a bare link in a name: the notice is plain
    text, and no Markdown element on the page carries any of it."""
    at = open_app("admin")
    at = add_user(at, HOSTILE, HOSTILE, NEW_PASSWORD)
    markdown = [str(e.value) for group in (at.markdown, at.success, at.error) for e in group]

    assert notices(at) == [f"✔ Added {HOSTILE} as coordinator."]
    assert HOSTILE.casefold() in table_users(at)
    assert [m for m in markdown if "evil" in m] == []


def pick(at: AppTest, name: str) -> AppTest:
    widget(at.selectbox, "User").set_value(ensure_account(Role.VIEWER, name))
    return at.run()


def lock_out(engine: Engine, name: str) -> None:
    now = utcnow()
    for minute in range(accounts.LOCK_AFTER):
        with session_scope(engine) as session:
            accounts.sign_in(session, name, "wrong", now=now - timedelta(minutes=5 - minute))


def sign_in(engine: Engine, name: str, password: str) -> bool:
    with session_scope(engine) as session:
        return accounts.sign_in(session, name, password).token is not None


def last_event(engine: Engine) -> tuple[int | None, str, str, int | None]:
    with Session(engine) as session:
        row = session.execute(
            select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).one()
    return row[0], row[1], row[2], row[3]


def test_unlock_from_the_page_lets_a_locked_user_in(app_db: Engine) -> None:
    """A locked account picked: its state says so, "Unlock" is enabled and works; the
    event is the admin's."""
    viewer = ensure_account(Role.VIEWER, "vera")
    lock_out(app_db, "vera")
    at = pick(open_app("admin"), "vera")
    locked_line = [str(t.value) for t in at.text if str(t.value).startswith("vera")]
    enabled = not button(at, "Unlock").disabled
    button(at, "Unlock").click()
    at = at.run()

    assert enabled is True
    assert locked_line[0].startswith("vera: locked after failed sign-ins until ")
    assert notices(at) == ["✔ vera is unlocked and can sign in again."]
    assert last_event(app_db) == (ensure_account(Role.ADMIN), "unlock", "user", viewer)
    assert sign_in(app_db, "vera", TEST_PASSWORD) is True
    assert button(at, "Unlock").disabled is True


def test_reset_password_from_the_page(app_db: Engine) -> None:
    """Typed twice: the new password signs in, the old one not; the boxes are empty."""
    viewer = ensure_account(Role.VIEWER, "vera")
    at = pick(open_app("admin"), "vera")
    for label in RESET_FIELDS:
        widget(at.text_input, label).set_value(NEW_PASSWORD)
    button(at, "Reset password").click()
    at = at.run()

    assert notices(at) == ["✔ New password set for vera."]
    assert typed(at, RESET_FIELDS) == ["", ""]
    assert last_event(app_db) == (ensure_account(Role.ADMIN), "set_password", "user", viewer)
    assert (sign_in(app_db, "vera", TEST_PASSWORD), sign_in(app_db, "vera", NEW_PASSWORD)) == (
        False,
        True,
    )


def test_reset_password_needs_the_same_password_twice(app_db: Engine) -> None:
    """Two different passwords: refused, both boxes emptied, the old password still works."""
    ensure_account(Role.VIEWER, "vera")
    at = pick(open_app("admin"), "vera")
    widget(at.text_input, RESET_FIELDS[0]).set_value(NEW_PASSWORD)
    widget(at.text_input, RESET_FIELDS[1]).set_value(NEW_PASSWORD + "!")
    button(at, "Reset password").click()
    at = at.run()

    assert notices(at) == ["✖ The two passwords differ; nothing was changed. Type them again."]
    assert typed(at, RESET_FIELDS) == ["", ""]
    assert sign_in(app_db, "vera", TEST_PASSWORD) is True


@pytest.mark.usefixtures("app_db")
def test_a_role_change_shows_in_the_table_on_the_same_run() -> None:
    """After "Change role", the table already says the new role."""
    ensure_account(Role.VIEWER, "vera")
    at = pick(open_app("admin"), "vera")
    widget(at.selectbox, "New role").set_value(Role.COORDINATOR)
    button(at, "Change role").click()
    at = at.run()
    table = at.dataframe[0].value
    roles = dict(zip(table["user"], table["role"], strict=True))

    assert notices(at) == ["✔ vera is now coordinator."]
    assert roles["vera"] == "coordinator"
