"""Fixtures for the browser tests: seeded `streamlit run` servers, Chromium, a page per test.

A server runs ``dashboard.py`` from the repository on a free loopback port against a
fresh SQLite file seeded by ``cli.py seed``, with the accounts of
``tests.browser.ACCOUNTS`` made by ``cli.py user add`` (password on stdin). ``app_url``
is one such server for the whole session; ``fresh_app_url`` starts a new one for a
single test and waits for its port without any HTTP request, so the test's own first
request is the server's first. The browser is the system Chromium (``CHROMIUM``,
default ``/usr/bin/chromium``) launched by Playwright; ``playwright install`` is never
needed. Without a browser the tests are skipped with the reason shown, unless
``REQUIRE_BROWSER=1`` (as in CI), which makes them fail instead. Screenshots go to
``E2E_ARTIFACTS`` when it is set, else to the test's tmp dir.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest

from tests.browser import ACCOUNTS, PASSWORD, PLAYWRIGHT_IMPORTABLE, OpenPage, wait_idle

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 60
# A cold first render (pandas, Altair, the frontend bundle) takes seconds on a busy
# 2-core CI machine; the Playwright default of 5 s is too tight for it.
UI_TIMEOUT_MS = 30_000
_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so `-m "not browser"` leaves them out."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keep the call-phase outcome on the item so the page fixture can screenshot failures.
    report = yield
    if call.when == "call":
        item.stash[_FAILED] = report.failed
    return report


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; REQUIRE_BROWSER=1 forbids skipping the browser tests")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = log_path.read_text(errors="replace")
            raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{log}")
        try:
            health = f"{url}/_stcore/health"  # always http://127.0.0.1:<port>
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling a process, not waiting on the UI
    raise TimeoutError(f"streamlit not healthy after {STARTUP_TIMEOUT_S}s")


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Wait until the server accepts TCP connections, without sending it any request."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = log_path.read_text(errors="replace")
            raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                return
        except OSError:
            time.sleep(0.2)  # polling a process, not waiting on the UI
    raise TimeoutError(f"streamlit not listening after {STARTUP_TIMEOUT_S}s")


def _cli(database_url: str, *args: str, stdin: str = "") -> None:
    """Run ``cli.py`` against the database, as an admin would on the server."""
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"cli.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def _prepare_database(folder: Path, demo_attempts: int = 0, database_url: str = "") -> str:
    """A new SQLite database (or the empty one at ``database_url``) with the seed campaign
    and the test accounts (and, with ``demo_attempts``, that many attempts of demo history
    over 12 weeks); its URL."""
    database_url = database_url or f"sqlite:///{folder / 'outreach.db'}"
    _cli(database_url, "seed")
    if demo_attempts:
        _cli(database_url, "demo", "--attempts", str(demo_attempts), "--weeks", "12", "--seed", "1")
    for account in ACCOUNTS:
        _cli(
            database_url,
            *("user", "add", account.name, "--role", account.role),
            *("--display-name", account.display_name),
            stdin=PASSWORD + "\n",
        )
    return database_url


def _stop(proc: subprocess.Popen[bytes], log_path: Path) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.returncode not in (0, -15):
        print(f"streamlit exited with {proc.returncode}; its log:")
        print(log_path.read_text(errors="replace"))


@contextmanager
def _serve(
    folder: Path,
    *,
    health_check: bool,
    demo_attempts: int = 0,
    prepare: Callable[[str], None] | None = None,
    database_url: str = "",
) -> Iterator[str]:
    """`streamlit run dashboard.py` over a freshly prepared database; yields its URL.

    ``health_check=False`` waits for the port only, so no HTTP request reaches the
    server before the test's own. ``prepare`` stores more in the database (given its
    URL) before the server starts. ``database_url``: a database already prepared (by
    :func:`_prepare_database`), which the server uses as it is.
    """
    database_url = database_url or _prepare_database(folder, demo_attempts)
    if prepare is not None:
        prepare(database_url)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "streamlit.log"
    cmd = [
        *(sys.executable, "-m", "streamlit", "run", "dashboard.py"),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    env = {**os.environ, "DATABASE_URL": database_url}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        if health_check:
            _wait_healthy(url, proc, log_path)
        else:
            _wait_listening(port, proc, log_path)
        yield url
    finally:
        _stop(proc, log_path)


def module_server(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[str, str]]:
    """(server URL, database URL): a server of a module's own over a fresh database, for
    a module whose tests change what others would see (a restore, counted attempts)."""
    folder = tmp_path_factory.mktemp(name)
    database_url = _prepare_database(folder)
    with _serve(folder, health_check=True, database_url=database_url) as url:
        yield url, database_url


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the session's shared server (seed campaign and test accounts)."""
    with _serve(tmp_path_factory.mktemp("browser_app"), health_check=True) as url:
        yield url


@pytest.fixture(scope="module")
def demo_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own whose database also holds a demo history (charts to draw)."""
    folder = tmp_path_factory.mktemp("browser_demo")
    with _serve(folder, health_check=True, demo_attempts=3000) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own whose database also holds hostile text (tests/hostile.py)."""
    from tests.hostile import store_hostile_world

    folder = tmp_path_factory.mktemp("browser_hostile")
    with _serve(folder, health_check=True, prepare=store_hostile_world) as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path: Path) -> Iterator[str]:
    """A server of this test's own, just started: nothing has requested any page yet."""
    with _serve(tmp_path, health_check=False) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium through Playwright; skipped (or failed in CI) when either is missing."""
    if not PLAYWRIGHT_IMPORTABLE:
        _unavailable(
            "the playwright package is not importable (pip install -r requirements-dev.txt)"
        )
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Where screenshots and downloads are kept: ``E2E_ARTIFACTS`` or the test's tmp dir."""
    folder = Path(os.environ.get("E2E_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _opener(
    browser: Browser, base_url: str, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[OpenPage]:
    """Open paths of ``base_url`` in fresh browser contexts; screenshot them if the test failed."""
    contexts: list[BrowserContext] = []

    def open_path(path: str = "/") -> Page:
        # Streamlit scrolls inside its own container, so a tall viewport is what gets
        # the whole page into one screenshot.
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 1400}
        )
        context.set_default_timeout(UI_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(base_url + path)
        wait_idle(page)
        return page

    yield open_path
    for number, context in enumerate(contexts):
        if request.node.stash.get(_FAILED, False):
            for page in context.pages:
                page.screenshot(path=str(artifacts / f"failed-{request.node.name}-{number}.png"))
        context.close()


@pytest.fixture
def open_page(
    browser: Browser, app_url: str, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[OpenPage]:
    """Open a path of the shared server in a fresh browser context (no shared cookies or state)."""
    yield from _opener(browser, app_url, artifacts, request)


@pytest.fixture
def open_fresh_page(
    browser: Browser, fresh_app_url: str, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[OpenPage]:
    """Open a path of this test's own, just-started server."""
    yield from _opener(browser, fresh_app_url, artifacts, request)


@pytest.fixture
def open_demo_page(
    browser: Browser, demo_app_url: str, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[OpenPage]:
    """Open a path of the demo-history server in a fresh browser context."""
    yield from _opener(browser, demo_app_url, artifacts, request)


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """The app's root page in a fresh context, connected and idle."""
    return open_page("/")
