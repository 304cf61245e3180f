"""Who sees what: every page × every kind of visitor, through AppTest, on both databases.

The database holds the seed campaign and one coordinator with a distinctive name who
logged an attempt with distinctive notes, a live response, a follow-up with a
distinctive reason, and a second attempt she deleted. A visitor who is not signed in,
or whose account was deactivated, must receive nothing but the sign-in form: none of
those strings anywhere in the element tree (every element's text, labels, options and
data, Arrow tables and chart specs included). A role sent away from a page receives a
one-line refusal and nothing else.

AppTest emulates Streamlit's pages/ mode on every run: switching to a page whose file
name is its URL (insights, reports, officials, campaigns, admin) runs that file without
dashboard.py, as a server's very first request does; follow-ups and log go through
dashboard.py. The browser tests cover the real server's path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models import accounts
from models.accounts import SIGN_IN_FAILED
from models.commands import ResponseInput, create_follow_up
from models.corrections import delete_attempt
from models.db import database_url, make_engine, session_scope
from models.seed import SEED_FILE
from models.tables import Official, UserSession
from models.vocab import Outcome, Role, Stance
from pages.ui import state
from pages.ui.auth import FIRST_ADMIN_COMMAND
from pages.ui.nav import PAGES, PageSpec, page, pages_for
from tests.apptest_helpers import (
    DASHBOARD,
    TEST_PASSWORD,
    TIMEOUT_S,
    button,
    ensure_account,
    go,
    open_app,
    seed_database,
    signed_in,
    texts,
)
from tests.factories import make_attempt

APP_TITLE = "Outreach Tracker"  # the sign-in form's heading
SESSION_ENDED = "Your session ended. Please sign in again."
COORDINATOR_NAME = "Zorislava Okonkwo-Quillfeather"
COORDINATOR_LOGIN = "zorislava"
NOTES = "Marigold-Sevenfold said the deputy will answer by letter"
REASON = "Ask Lysander-Fortytwo whether the letter went out"
SUMMARY = "Promised to forward it to Heliotrope-Nine in the minister's office"
_SEED = json.loads(SEED_FILE.read_text(encoding="utf-8"))["campaign"]
CAMPAIGN: str = _SEED["name"]
OFFICIALS: tuple[str, ...] = tuple(target["full_name"] for target in _SEED["targets"])
# What only a signed-in, permitted user may receive.
PERSONAL = (COORDINATOR_NAME, COORDINATOR_LOGIN, NOTES, REASON, SUMMARY, CAMPAIGN, *OFFICIALS)
SIGN_IN_WIDGETS = {"User name", "Password", "Sign in"}
ROLE_OF = {"viewer": Role.VIEWER, "coordinator": Role.COORDINATOR, "admin": Role.ADMIN}


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@dataclass(frozen=True)
class World:
    engine: Engine
    official_id: int  # the first target, whom the coordinator called


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The seeded campaign, the app pointed at it, and one coordinator's traces (see above)."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv(accounts.IDLE_ENV, raising=False)
    seed_database(db_url)
    engine = make_engine(db_url)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    with session_scope(engine) as session:
        viktorov = session.scalars(select(Official.id).where(Official.full_name == OFFICIALS[0]))
        official_id = viktorov.one()
        coordinator = accounts.create_account(
            session,
            name=COORDINATOR_LOGIN,
            display_name=COORDINATOR_NAME,
            password=TEST_PASSWORD,
            role=Role.COORDINATOR,
            actor_id=None,
        )
        make_attempt(
            session,
            campaign_id=1,
            official_id=official_id,
            actor_id=coordinator,
            occurred_at=yesterday,
            outcome=Outcome.SPOKE_TO_STAFF,
            notes=NOTES,
            response=ResponseInput(stance=Stance.WILL_FORWARD, summary=SUMMARY),
        )
        dropped = make_attempt(
            session,
            campaign_id=1,
            official_id=official_id,
            actor_id=coordinator,
            occurred_at=yesterday,
            notes=NOTES,
        ).attempt_id
        delete_attempt(session, dropped, actor_id=coordinator)
        create_follow_up(
            session,
            campaign_id=1,
            official_id=official_id,
            due_on=datetime.now(UTC).date() + timedelta(days=2),
            actor_id=coordinator,
            assignee_id=coordinator,
            reason=REASON,
        )
    yield World(engine, official_id)
    engine.dispose()


# --- reading what a visitor receives -------------------------------------------------


def _proto_strings(message: Any) -> Iterator[str]:
    """Every string in a protobuf message, bytes (Arrow tables, chart data) decoded too."""
    for _field, value in message.ListFields():
        items = value if _is_repeated(value) else [value]
        for item in items:
            if hasattr(item, "ListFields"):
                yield from _proto_strings(item)
            elif isinstance(item, bytes):
                yield item.decode("utf-8", errors="replace")
            elif isinstance(item, str):
                yield item


def _is_repeated(value: Any) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, str | bytes)


def received(at: AppTest) -> str:
    """All text in the element tree of the last run: what the browser would have been sent."""
    parts: list[str] = []
    for node in at:
        proto = getattr(node, "proto", None)
        if hasattr(proto, "ListFields"):
            parts.extend(_proto_strings(proto))
    return "\n".join(parts).casefold()


def leaked(at: AppTest) -> list[str]:
    """The personal strings of the world that appear anywhere in what ``at`` received."""
    everything = received(at)
    return [s for s in PERSONAL if s.casefold() in everything]


def titles(at: AppTest) -> list[str]:
    return [str(t.value) for t in at.title]


def widget_labels(at: AppTest) -> set[str]:
    return {str(getattr(node, "label", "")) for node in at if getattr(node, "label", None)}


def button_labels(at: AppTest) -> set[str]:
    return {str(b.label) for b in at.button}


def assert_only_the_sign_in_form(at: AppTest) -> None:
    """The sign-in form and nothing else: no page, no data, no sidebar, no personal text."""
    assert [e.value for e in at.exception] == []
    assert titles(at) == [APP_TITLE]
    assert widget_labels(at) == SIGN_IN_WIDGETS
    assert len(at.dataframe) == 0
    assert len(at.get("vega_lite_chart")) == 0
    assert list(at.sidebar) == [at.sidebar]  # the sidebar block holds nothing
    assert leaked(at) == []


# --- opening a page as someone --------------------------------------------------------


def new_app(script: Any = DASHBOARD) -> AppTest:
    return AppTest.from_file(script, default_timeout=TIMEOUT_S)


def deactivate(name: str) -> None:
    """Deactivate ``name`` as the command line would (their open sessions end at once)."""
    engine = make_engine(database_url())
    try:
        with session_scope(engine) as session:
            user_id = accounts.find_user_id(session, name)
            assert user_id is not None
            accounts.set_active(session, user_id, False, actor_id=None)
    finally:
        engine.dispose()


def visit_through_entry(kind: str, spec: PageSpec) -> AppTest:
    """Start at dashboard.py as ``kind``, then switch to ``spec``'s page, as navigation does.

    A deactivated visitor is an admin whose first click worked; the admin who was
    deactivated meanwhile then clicks on ``spec`` in the navigation they still see.
    """
    at = new_app()
    if kind == "deactivated":
        at = signed_in(at, Role.ADMIN, "soon gone").run()
        assert titles(at) == [PAGES[0].label]
        deactivate("soon gone")
    elif kind != "anonymous":
        at = signed_in(at, ROLE_OF[kind]).run()
    else:
        at.run()
    return at.switch_page(spec.file).run()


def visit_by_file(kind: str, spec: PageSpec) -> AppTest:
    """Run ``spec``'s page file alone: a deep link that arrives before dashboard.py ever ran."""
    at = new_app(spec.path)
    if kind == "deactivated":
        signed_in(at, Role.ADMIN, "soon gone")
        deactivate("soon gone")
    elif kind != "anonymous":
        signed_in(at, ROLE_OF[kind])
    return at.run()


# --- the matrix ---------------------------------------------------------------------

PAGE_IDS = [spec.url_path for spec in PAGES]


@pytest.mark.parametrize("via", ["entry", "file"])
@pytest.mark.parametrize("kind", ["anonymous", "deactivated"])
@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_signed_out_visitors_receive_only_the_sign_in_form(
    world: World, spec: PageSpec, kind: str, via: str
) -> None:
    """Anonymous or deactivated, by navigation or deep link: the sign-in form, nothing else."""
    visit = visit_through_entry if via == "entry" else visit_by_file
    at = visit(kind, spec)

    assert_only_the_sign_in_form(at)
    assert texts(at.info) == ([SESSION_ENDED] if kind == "deactivated" else [])
    assert texts(at.error) == []


def test_the_tree_walker_sees_personal_data_where_it_is_shown(world: World) -> None:
    """Control for the absence checks: an admin does receive the strings, from tables too."""
    at = open_app("follow-ups", Role.ADMIN)
    assert COORDINATOR_NAME.casefold() in received(at)  # from the queue's Arrow table
    assert REASON.casefold() in received(at)
    seen: set[str] = set()
    for spec in PAGES:
        seen.update(leaked(go(at, spec.url_path)))
    assert seen >= {COORDINATOR_NAME, CAMPAIGN, *OFFICIALS, REASON}


ALLOWED = {kind: {spec.url_path for spec in pages_for(role)} for kind, role in ROLE_OF.items()}


def test_the_role_table_decides_which_pages_each_role_uses() -> None:
    """Viewers: Follow-ups, Insights, Officials, Campaigns; coordinators all but Admin."""
    expected = {
        "viewer": {"follow-ups", "insights", "officials", "campaigns"},
        "coordinator": {"log", "follow-ups", "insights", "reports", "officials", "campaigns"},
        "admin": {spec.url_path for spec in PAGES},
    }
    assert expected == ALLOWED


ROLE_CASES = [
    pytest.param(kind, spec, id=f"{kind}-{spec.url_path}") for kind in ROLE_OF for spec in PAGES
]


@pytest.mark.parametrize(("kind", "spec"), ROLE_CASES)
def test_each_role_uses_its_pages_and_finds_the_others_unlisted(
    world: World, kind: str, spec: PageSpec
) -> None:
    """A permitted page opens from the navigation; any other is not registered in it."""
    at = signed_in(new_app(), ROLE_OF[kind]).run()
    if spec.url_path not in ALLOWED[kind]:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(spec.file)
        return
    at.switch_page(spec.file).run()

    assert [e.value for e in at.exception] == []
    assert titles(at) == [spec.label]
    assert texts(at.error) == []
    assert "Sign out" in button_labels(at)
    assert [t.value for t in at.sidebar.text] == [f"test {kind} ({ROLE_OF[kind]})"]


REFUSED_CASES = [
    pytest.param(kind, spec, id=f"{kind}-{spec.url_path}")
    for kind in ("viewer", "coordinator")
    for spec in PAGES
    if spec.url_path not in ALLOWED[kind]
]


@pytest.mark.parametrize(("kind", "spec"), REFUSED_CASES)
def test_a_page_reached_by_file_refuses_a_role_without_its_permission(
    world: World, kind: str, spec: PageSpec
) -> None:
    """Deep-linked past the navigation: one refusal naming the role, and no data at all."""
    at = visit_by_file(kind, spec)

    assert texts(at.error) == [
        f"Your role ({ROLE_OF[kind]}) does not allow this page: {spec.permission.value}."
    ]
    assert titles(at) == []
    assert [type(node).__name__ for node in at.main.children.values()] == ["Error"]
    assert list(at.sidebar) == [at.sidebar]
    assert len(at.dataframe) == 0
    assert leaked(at) == []


@pytest.mark.parametrize("kind", ["viewer", "coordinator", "admin"])
def test_allowed_pages_also_open_by_file(world: World, kind: str) -> None:
    """Every permitted page, deep-linked before dashboard.py ran, shows its title and no error."""
    for url_path in sorted(ALLOWED[kind]):
        at = visit_by_file(kind, page(url_path))
        assert ([e.value for e in at.exception], titles(at), texts(at.error)) == (
            [],
            [page(url_path).label],
            [],
        ), url_path


# --- which controls each role gets ----------------------------------------------------

OFFICIAL_EDIT_BUTTONS = {
    "Add official",
    "Save official",
    "Save contact point",
    "Remove contact point",
    "Add contact point",
    "Archive official",
}


@pytest.mark.parametrize("kind", ["viewer", "coordinator", "admin"])
def test_only_admins_get_the_officials_edit_forms(world: World, kind: str) -> None:
    """Everyone may read an official's details; the add, edit and archive forms are admins'."""
    at = open_app("officials", ROLE_OF[kind])
    at.selectbox(key=state.OFFICIAL_PICK).set_value(world.official_id).run()

    assert f"**{OFFICIALS[0]}**" in texts(at.markdown)
    expected = OFFICIAL_EDIT_BUTTONS if kind == "admin" else set()
    assert button_labels(at) - {"Sign out"} == expected


@pytest.mark.parametrize("kind", ["viewer", "coordinator", "admin"])
def test_working_follow_ups_is_for_coordinators_and_admins(world: World, kind: str) -> None:
    """All roles see the queue; "Log next attempt" and "Cancel follow-up" are not for viewers."""
    at = open_app("follow-ups", ROLE_OF[kind])

    assert [s.value for s in at.subheader][:3] == ["Overdue (0)", "Due today (0)", "Upcoming (1)"]
    working = {"Log next attempt", "Cancel follow-up"}
    assert button_labels(at) - {"Sign out"} == (set() if kind == "viewer" else working)


@pytest.mark.parametrize(
    ("kind", "url_path", "expected"),
    [
        ("coordinator", "campaigns", set()),
        ("viewer", "campaigns", set()),
        ("viewer", "insights", set()),
        ("viewer", "officials", set()),
        ("admin", "admin", {"Add user", "Change role", "Deactivate", "Restore attempt"}),
    ],
)
def test_the_buttons_each_role_gets(
    world: World, kind: str, url_path: str, expected: set[str]
) -> None:
    """Writing controls appear only where the role may write (Sign out aside)."""
    at = open_app(url_path, ROLE_OF[kind])

    assert button_labels(at) - {"Sign out"} == expected


@pytest.mark.parametrize("kind", ["coordinator", "admin"])
def test_log_outreach_offers_the_log_form(world: World, kind: str) -> None:
    """Coordinators and admins get the form and its "Log attempt" button."""
    at = open_app("log", ROLE_OF[kind])

    assert "Log attempt" in button_labels(at)
    assert titles(at) == ["Log outreach"]


@pytest.mark.parametrize("kind", ["coordinator", "admin"])
def test_reports_offers_the_downloads_to_those_who_may_export(world: World, kind: str) -> None:
    """Coordinators and admins get both CSV downloads."""
    at = open_app("reports", ROLE_OF[kind])

    assert [b.label for b in at.download_button] == [
        "Download attempts CSV",
        "Download attempts CSV for Excel",
    ]


# --- signing in, out, expiry and deactivation ----------------------------------------


def fill_sign_in(at: AppTest, name: str, password: str) -> AppTest:
    [user_box] = [w for w in at.text_input if w.label == "User name"]
    [password_box] = [w for w in at.text_input if w.label == "Password"]
    user_box.input(name)
    password_box.input(password)
    return button(at, "Sign in").click().run()


def test_wrong_password_and_unknown_user_get_the_same_message(world: World) -> None:
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


def test_five_failures_lock_the_account_even_for_a_new_tab(world: World) -> None:
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


def test_signing_in_lands_on_the_page_that_was_asked_for(world: World) -> None:
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
