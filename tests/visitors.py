"""The world of the page × role tests: the seeded campaign and one coordinator's traces,
and how to read everything a visitor of a page receives.

The database holds the seed campaign and one coordinator with a distinctive name who
logged an attempt with distinctive notes, a live response, a follow-up with a
distinctive reason, and a second attempt she deleted. A visitor who is not signed in,
or whose account was deactivated, must receive nothing but the sign-in form: none of
those strings anywhere in the element tree (every element's text, labels, options and
data, Arrow tables and chart specs included). A role sent away from a page receives a
one-line refusal and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from models import accounts
from models.commands import ResponseInput, create_follow_up
from models.corrections import delete_attempt
from models.db import database_url, make_engine, session_scope
from models.seed import SEED_FILE
from models.tables import Official
from models.vocab import Outcome, Role, Stance
from pages.ui.nav import PAGES, PageSpec
from tests.apptest_helpers import DASHBOARD, TEST_PASSWORD, TIMEOUT_S, seed_database, signed_in
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


@dataclass(frozen=True)
class World:
    engine: Engine
    official_id: int  # the first target, whom the coordinator called


def visitors_world(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
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
