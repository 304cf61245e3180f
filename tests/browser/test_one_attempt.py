"""Exactly one attempt per entry, in a real browser: the Log form's submit message sent
twice on the websocket and replayed once more later saves one attempt; the same call
typed in two tabs of one coordinator and saved in both saves one attempt too.

A copy arriving at once mostly never reaches a save: Streamlit stops the first run for
the second request, before the first's save (with the idempotency key made to change
on every submit, that part still passed; the later replay then saved a second attempt).
The later replay, after the save, is what only the idempotency key answers.

Two tabs are two Streamlit sessions, each with its own idempotency key
(pages/ui/log_form.py), so the key cannot tell that tab B's entry is tab A's call. The
twin check can (``models.commands.TwinCheck``): tab B's save is held back with a warning
naming tab A's attempt, however often pressed; "Save it as another attempt" would save
it (tests/test_twins.py covers that button).

The server is this module's own, so attempt counts start from zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.db import make_engine
from models.tables import Attempt, Official
from tests.browser import PLAYWRIGHT_IMPORTABLE, OpenPage, wait_idle
from tests.browser.conftest import _opener, module_server
from tests.browser.test_journey import (
    choose,
    double_click_submit,
    no_exception,
    segment,
    sign_in_as_coordinator,
)

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Browser, Page, WebSocketRoute, expect

# The Log form's submit button, as its widget id names it in the rerun message.
SUBMITTER = b"FormSubmitter:"
REPLAY_NOTES = "Replayed: asked for the position in writing"
TWO_TABS_NOTES = "Typed in two tabs: left the ask with the switchboard"
REPEAT = re.compile(r"^Already saved as attempt #(\d+) — not saved twice\.$")


@pytest.fixture(scope="module")
def one_attempt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(server URL, database URL): a server of this module's own over a fresh database."""
    yield from module_server(tmp_path_factory, "browser_one_attempt")


@pytest.fixture
def open_own_page(
    browser: Browser,
    one_attempt_server: tuple[str, str],
    artifacts: Path,
    request: pytest.FixtureRequest,
) -> Iterator[OpenPage]:
    yield from _opener(browser, one_attempt_server[0], artifacts, request)


@pytest.fixture
def engine(one_attempt_server: tuple[str, str]) -> Iterator[Engine]:
    bound = make_engine(one_attempt_server[1])
    yield bound
    bound.dispose()


def attempts_to(engine: Engine, official: str) -> list[tuple[int, str, str]]:
    """(id, idempotency key, notes) of the live attempts to ``official``, in id order."""
    with Session(engine) as session:
        rows = session.execute(
            select(Attempt.id, Attempt.idempotency_key, Attempt.notes)
            .join(Official, Official.id == Attempt.official_id)
            .where(Official.full_name == official, Attempt.deleted_at.is_(None))
            .order_by(Attempt.id)
        )
        return [(i, key, notes) for i, key, notes in rows]


class Replayer:
    """Forwards the page's websocket messages to the server; once armed, sends the next
    submit of the Log form twice in a row and keeps it for a later replay."""

    def __init__(self) -> None:
        self.armed = False
        self.submits: list[bytes] = []
        self.answers = 0  # messages from the server so far
        self.server: WebSocketRoute | None = None

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        self.server = server

        def to_server(message: str | bytes) -> None:
            server.send(message)
            if self.armed and isinstance(message, bytes) and SUBMITTER in message:
                self.armed = False
                self.submits.append(message)
                server.send(message)  # the same bytes again, before any answer

        def to_page(message: str | bytes) -> None:
            self.answers += 1
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)

    def replay(self, page: Page) -> None:
        """Send the kept submit again and wait until the server has answered it."""
        assert self.server is not None and len(self.submits) == 1
        before = self.answers
        self.server.send(self.submits[0])
        for _ in range(200):  # Playwright delivers the answers while it waits
            if self.answers > before:
                return
            page.wait_for_timeout(50)
        raise AssertionError("the server never answered the replayed submit")


def fill_entry(page: Page, official: str, notes: str) -> None:
    """Pick ``official``, a phone call where staff answered, and type ``notes``."""
    choose(page, "Official", re.compile(rf"^{official} — "))
    wait_idle(page)
    segment(page, "Channel", "phone")
    segment(page, "Outcome", "spoke to staff")
    page.get_by_label("Notes", exact=True).fill(notes)


def test_a_submit_sent_twice_and_replayed_later_saves_one_attempt(
    open_own_page: OpenPage, engine: Engine, artifacts: Path
) -> None:
    """The submit's websocket message arrives twice at once, then a third time after the
    page settled: one attempt, and the replay is answered "Already saved"."""
    official = "Evgeniy Zagaynov"
    page = open_own_page("/")
    replayer = Replayer()
    page.route_web_socket(re.compile(r"/_stcore/stream$"), replayer.route)
    page.reload()  # the app's websocket now runs through the route
    wait_idle(page)
    sign_in_as_coordinator(page)
    fill_entry(page, official, REPLAY_NOTES)

    replayer.armed = True
    page.get_by_role("button", name="Log attempt", exact=True).click()
    # Which notice shows depends on where the copy lands in the first run ("Saved", or
    # "Already saved as" when it stopped that run after its commit); the rows decide.
    notice = page.get_by_text(re.compile(r"^(Saved|Already saved as) attempt #\d+\b"))
    expect(notice.first).to_be_visible()
    wait_idle(page)
    assert len(replayer.submits) == 1, "the submit never went through the websocket route"
    saved = attempts_to(engine, official)
    assert [notes for _, _, notes in saved] == [REPLAY_NOTES]

    replayer.replay(page)
    repeat = page.get_by_text(REPEAT)
    expect(repeat).to_have_text(f"Already saved as attempt #{saved[0][0]} — not saved twice.")
    wait_idle(page)
    no_exception(page)
    page.screenshot(path=str(artifacts / "replayed-submit.png"))
    assert attempts_to(engine, official) == saved


def test_the_same_call_saved_in_two_tabs_is_one_attempt_and_the_second_is_told_why(
    open_own_page: OpenPage, one_attempt_server: tuple[str, str], engine: Engine
) -> None:
    """One coordinator, two tabs of one browser, the same call typed in both. Tab A saves
    it; tab B, double-clicked, saves nothing: its page names tab A's attempt, offers to
    save it as another attempt, and still holds the notes. One attempt, not two or three."""
    official = "Davide Casale"
    tab_a = open_own_page("/")
    tab_b = tab_a.context.new_page()
    tab_b.goto(one_attempt_server[0] + "/")
    wait_idle(tab_b)
    for tab in (tab_a, tab_b):
        sign_in_as_coordinator(tab)  # each tab is a session of its own
        fill_entry(tab, official, TWO_TABS_NOTES)

    tab_a.get_by_role("button", name="Log attempt", exact=True).click()
    expect(tab_a.get_by_text(re.compile(r"^Saved attempt #\d+\b"))).to_be_visible()
    wait_idle(tab_a)
    first = attempts_to(engine, official)
    assert [notes for _, _, notes in first] == [TWO_TABS_NOTES]

    tab_b.bring_to_front()
    double_click_submit(tab_b)
    # (plain text shown through md_escape: a word joiner follows each colon)
    held = tab_b.get_by_text(
        re.compile(rf"^Not saved\W+this is the same call as attempt #{first[0][0]},")
    )
    expect(held).to_be_visible()
    wait_idle(tab_b)
    no_exception(tab_b)
    expect(tab_b.get_by_role("button", name="Save it as another attempt")).to_be_visible()
    expect(tab_b.get_by_label("Notes", exact=True)).to_have_value(TWO_TABS_NOTES)
    expect(tab_b.get_by_text(re.compile(r"^Saved attempt #"))).to_have_count(0)
    assert attempts_to(engine, official) == first
