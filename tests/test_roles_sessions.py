"""Signing in, signing out, lockout, idle expiry and deactivation, as a visitor of the app
experiences them through AppTest (the world is described in tests/visitors.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models import accounts
from models.accounts import SIGN_IN_FAILED
from models.db import session_scope
from models.tables import UserSession
from models.vocab import Role
from pages.ui import state
from pages.ui.auth import FIRST_ADMIN_COMMAND
from pages.ui.nav import page
from tests.apptest_helpers import (
    TEST_PASSWORD,
    button,
    ensure_account,
    open_app,
    seed_database,
    texts,
)
from tests.visitors import (
    APP_TITLE,
    SESSION_ENDED,
    World,
    assert_only_the_sign_in_form,
    button_labels,
    deactivate,
    leaked,
    new_app,
    titles,
    visitors_world,
    widget_labels,
)

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from visitors_world(db_url, monkeypatch)


# --- signing in, out, expiry and deactivation ----------------------------------------


def fill_sign_in(at: AppTest, name: str, password: str) -> AppTest:
    [user_box] = [w for w in at.text_input if w.label == "User name"]
    [password_box] = [w for w in at.text_input if w.label == "Password"]
    user_box.input(name)
    password_box.input(password)
    return button(at, "Sign in").click().run()


@pytest.mark.usefixtures("world")
def test_wrong_password_and_unknown_user_get_the_same_message() -> None:
    """Nothing tells an unknown name from a wrong password; the form stays, nothing else shows."""
    ensure_account(Role.COORDINATOR)
    at = new_app().run()
    fill_sign_in(at, "test coordinator", "not the right password")
    wrong = texts(at.error)
    fill_sign_in(at, "nobody at all", TEST_PASSWORD)
    unknown = texts(at.error)

    assert wrong == unknown == [SIGN_IN_FAILED]
    assert titles(at) == [APP_TITLE]
    assert state.AUTH not in at.session_state
    assert leaked(at) == []


@pytest.mark.usefixtures("world")
def test_five_failures_lock_the_account_even_for_a_new_tab() -> None:
    """Counted in the database: after five wrong passwords a new session with the right
    one gets the same message, as does a deactivated account with its right password."""
    ensure_account(Role.VIEWER)
    at = new_app().run()
    for _ in range(5):
        fill_sign_in(at, "test viewer", "not the right password")
    new_tab = fill_sign_in(new_app().run(), "test viewer", TEST_PASSWORD)
    ensure_account(Role.ADMIN, "soon gone")
    deactivate("soon gone")
    deactivated = fill_sign_in(new_app().run(), "soon gone", TEST_PASSWORD)

    assert texts(new_tab.error) == texts(deactivated.error) == [SIGN_IN_FAILED]
    for tab in (new_tab, deactivated):
        assert_only_the_sign_in_form(tab)
        assert state.AUTH not in tab.session_state


@pytest.mark.usefixtures("world")
def test_signing_in_lands_on_the_page_that_was_asked_for() -> None:
    """Asked for Insights while signed out, signed in: the Insights page, with its filters."""
    ensure_account(Role.VIEWER)
    at = new_app().run()
    at.switch_page(page("insights").file).run()
    assert_only_the_sign_in_form(at)

    fill_sign_in(at, "test viewer", TEST_PASSWORD)

    assert [e.value for e in at.exception] == []
    assert titles(at) == ["Insights"]
    assert [w.label for w in at.sidebar.date_input] == ["Date range"]
    assert "Sign out" in button_labels(at)


def test_without_any_account_the_app_says_how_to_create_the_first_admin(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No account yet: the cli.py command to make the first admin, and no form."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    seed_database(sqlite_url)
    at = new_app().run()

    assert [c.value for c in at.code] == [FIRST_ADMIN_COMMAND]
    assert FIRST_ADMIN_COMMAND == ".venv/bin/python cli.py user add NAME --role admin"
    assert widget_labels(at) == set()
    assert leaked(at) == []


def session_rows(engine: Engine) -> list[tuple[datetime | None, str]]:
    with Session(engine) as session:
        return [
            (row.ended_at, row.end_reason)
            for row in session.scalars(select(UserSession).order_by(UserSession.id))
        ]


def test_sign_out_ends_the_session(world: World) -> None:
    """After "Sign out" the next run shows the sign-in form and the session row is ended."""
    at = open_app("insights", Role.COORDINATOR)
    assert titles(at) == ["Insights"]
    button(at, "Sign out").click().run()

    assert_only_the_sign_in_form(at)
    [(ended_at, reason)] = session_rows(world.engine)
    assert ended_at is not None
    assert reason == "signed out"
    at.run()
    assert_only_the_sign_in_form(at)


def test_a_user_deactivated_by_an_admin_loses_access_on_the_next_run(world: World) -> None:
    """The admin deactivates a signed-in coordinator; their very next run is the sign-in form."""
    at = open_app("follow-ups", Role.COORDINATOR)
    assert titles(at) == ["Follow-ups"]
    admin = ensure_account(Role.ADMIN)
    coordinator = ensure_account(Role.COORDINATOR)
    with session_scope(world.engine) as session:
        accounts.set_active(session, coordinator, False, actor_id=admin)
    at.run()

    assert_only_the_sign_in_form(at)
    assert texts(at.info) == [SESSION_ENDED]


@pytest.mark.parametrize(
    ("idle_env", "idle_minutes", "still_in"),
    [(None, 29, True), (None, 31, False), ("5", 6, False)],
    ids=["default-29min", "default-31min", "configured-5min-6min"],
)
def test_an_idle_session_expires(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    idle_env: str | None,
    idle_minutes: int,
    still_in: bool,
) -> None:
    """Unused for longer than the idle timeout (default 30 min): sign-in form and a notice."""
    if idle_env is not None:
        monkeypatch.setenv(accounts.IDLE_ENV, idle_env)
    at = open_app("officials", Role.VIEWER)
    with session_scope(world.engine) as session:
        session.execute(
            update(UserSession).values(
                last_seen_at=datetime.now(UTC) - timedelta(minutes=idle_minutes)
            )
        )
    at.run()

    if still_in:
        assert titles(at) == ["Officials"]
        return
    assert_only_the_sign_in_form(at)
    assert texts(at.info) == [SESSION_ENDED]
    [(ended_at, reason)] = session_rows(world.engine)
    assert (ended_at is not None, reason) == (True, "expired")
