"""Two app processes on one PostgreSQL, as behind a proxy: what a coordinator logs on one
server shows on the other's next rerun, not a cache lifetime later.

PostgreSQL only (several processes share a server database, never a SQLite file): needs
``TEST_DATABASE_URL``; skipped without it, unless ``REQUIRE_POSTGRES=1`` (as in CI).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability.pg import database as pg_database
from tests.browser import PLAYWRIGHT_IMPORTABLE, OpenPage, wait_idle
from tests.browser.conftest import _opener, _prepare_database, _serve
from tests.browser.test_journey import FIRST_NOTES, choose, log_first_call, sign_in_as_coordinator

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Browser, Locator, Page, expect

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
ZAGAYNOV, OTHER = "Evgeniy Zagaynov", "Davide Casale"  # seeded targets
NO_HISTORY = "No attempts to this official in this campaign yet."
# A cache lifetime was 60 s: the second server must need nothing like it.
AT_ONCE_S = 10


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL database of this module's own: the seed campaign and the test accounts."""
    if not PG_URL:
        reason = "two app processes share a PostgreSQL database: set TEST_DATABASE_URL"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + "; REQUIRE_POSTGRES=1 forbids skipping")
        pytest.skip(reason)
    with pg_database(PG_URL, f"outreach_two_processes_{os.getpid()}") as url:
        yield _prepare_database(tmp_path_factory.mktemp("two_processes"), database_url=url)


def _server(shared_database: str, folder: Path) -> Iterator[str]:
    with _serve(folder, health_check=True, database_url=shared_database) as url:
        yield url


@pytest.fixture(scope="module")
def server_a(shared_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _server(shared_database, tmp_path_factory.mktemp("server_a"))


@pytest.fixture(scope="module")
def server_b(shared_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _server(shared_database, tmp_path_factory.mktemp("server_b"))


@pytest.fixture
def open_a(
    browser: Browser, server_a: str, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[OpenPage]:
    yield from _opener(browser, server_a, artifacts, request)


@pytest.fixture
def open_b(
    browser: Browser, server_b: str, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[OpenPage]:
    yield from _opener(browser, server_b, artifacts, request)


def _open_history_of(page: Page, official: str) -> Locator:
    """Pick ``official`` on Log outreach (a run of the page); its call history's box."""
    choose(page, "Official", re.compile(rf"^{official} — "))
    wait_idle(page)
    return page.get_by_test_id("stMain")


def test_an_attempt_logged_on_one_server_shows_on_the_others_next_rerun(
    open_a: OpenPage, open_b: OpenPage
) -> None:
    """Server B's Log outreach has cached Zagaynov's empty call history; a coordinator
    logs a call to him on server A; B's next run of the page lists it, at once."""
    watcher = open_b("/")
    sign_in_as_coordinator(watcher)
    expect(_open_history_of(watcher, ZAGAYNOV)).to_contain_text(NO_HISTORY)
    _open_history_of(watcher, OTHER)
    expect(_open_history_of(watcher, ZAGAYNOV)).to_contain_text(NO_HISTORY)  # B's cache

    caller = open_a("/")
    sign_in_as_coordinator(caller)
    log_first_call(caller)  # a phone call to Zagaynov, with FIRST_NOTES
    logged_at = time.monotonic()

    _open_history_of(watcher, OTHER)
    history = _open_history_of(watcher, ZAGAYNOV)
    notes = history.get_by_test_id("stText").filter(has_text=FIRST_NOTES)  # the history's
    expect(notes).to_have_count(1, timeout=AT_ONCE_S * 1000)
    expect(history).not_to_contain_text(NO_HISTORY)
    assert time.monotonic() - logged_at < AT_ONCE_S
