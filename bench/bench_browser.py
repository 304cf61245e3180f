"""The Insights page in a real browser: Chromium (Playwright, the system browser) against a
``streamlit run`` server of its own on a free loopback port over the benchmark database.

Each measurement starts when the sidebar link to Insights is clicked in a signed-in
session and ends when the headline tiles are visible, and when every chart the page
shows (the one up front and the open tab's; the follow-through block opens closed:
``charts``, counted by the caller) has drawn its SVG or canvas and the script is idle.
The tiles count once the "Attempts" tile is there: the page before (Follow-ups) has a
tile of its own, still on screen while Insights draws. *Cold* is the first view after the
server started, in a browser profile of its own (empty caches, the first session's
imports). Warm is one browser profile afterwards: *a new tab* (a new session; the
browser's cache is warm, but the tab loads the script of each kind of element on its
first use), *back* (Follow-ups, then Insights again in the same tab) and *filter*
(picking one channel in the sidebar of that page).
"""

from __future__ import annotations

import functools
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, ViewportSize

ROOT = Path(__file__).resolve().parent.parent
BARE_PAGE = Path(__file__).resolve().parent / "bare_page.py"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    *("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"),
    *("--disable-background-networking", "--disable-component-update", "--disable-sync"),
]
ACCOUNT, PASSWORD = "bench browser", "a passphrase for the browser benchmark"
TIMEOUT_MS = 120_000
VIEWPORT: ViewportSize = {"width": 1280, "height": 1400}
IDLE = """() => document.querySelector('[data-testid="stApp"]')
  ?.dataset.testScriptState === 'notRunning'"""
DRAWN = """n => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return app && app.dataset.testScriptState === 'notRunning' && charts.length >= n
    && charts.every(c => c.querySelector('svg, canvas'));
}"""


@dataclass
class BrowserTimes:
    """Seconds from the click to the tiles and to the last chart drawn."""

    tiles: list[float] = field(default_factory=list)
    charts: list[float] = field(default_factory=list)


@dataclass
class BrowserReport:
    cold: BrowserTimes
    new_tab: BrowserTimes
    back: BrowserTimes
    filtered: BrowserTimes


def available() -> str | None:
    """Why the browser benchmark cannot run here, or None."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None if Path(CHROMIUM).exists() else f"no Chromium at {CHROMIUM}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve(url: str) -> Iterator[str]:
    """``streamlit run dashboard.py`` over the database at ``url``; yields the page's URL."""
    env = os.environ | {"DATABASE_URL": url}
    subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "user", "add", ACCOUNT, "--role", "viewer"],
        input=PASSWORD + "\n",
        text=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )  # fmt: skip  (already there on a --keep run: that is fine)
    with _streamlit("dashboard.py", env, "browser-server.log") as base:
        yield base


@contextmanager
def _streamlit(script: str, env: dict[str, str], log_name: str) -> Iterator[str]:
    """``streamlit run script`` on a free loopback port; yields its URL once healthy."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
               "--server.address=127.0.0.1", f"--server.port={port}",
               "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"]  # fmt: skip
    logs = ROOT / "bench" / "out"  # the server's log stays here whatever --data-dir says
    logs.mkdir(parents=True, exist_ok=True)
    log = (logs / log_name).open("wb")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def measure(url: str, *, charts: int, repeats: int) -> BrowserReport:
    """Cold once, then ``repeats`` times: a new tab, a return to the page, a filter change.

    Every click starts from an idle page (its script finished, its network quiet), as a
    person's would: clicking while the page before is still drawing times that page too.
    """
    with serve(url) as base:
        return _measure(base, charts, repeats, _signed_in)


def floor(*, repeats: int) -> BrowserReport:
    """The same steps on bench/bare_page.py: Streamlit's own cost for the page's kinds of
    element (its "Insights" draws two charts), with no database and no sign-in."""
    with _streamlit(str(BARE_PAGE), dict(os.environ), "bare-page-server.log") as base:
        return _measure(base, 2, repeats, _opened)


def _measure(
    base: str, charts: int, repeats: int, opened: Callable[[Page, str], Locator]
) -> BrowserReport:
    from playwright.sync_api import sync_playwright  # optional: only for this step

    report = BrowserReport(BrowserTimes(), BrowserTimes(), BrowserTimes(), BrowserTimes())
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # Cold: a browser profile of its own, on a server nobody has used yet.
        cold = browser.new_context(viewport=VIEWPORT)
        cold.set_default_timeout(TIMEOUT_MS)
        page = cold.new_page()
        _timed(page, opened(page, base).click, charts, report.cold)
        cold.close()
        # Warm: one browser profile, as a coordinator's own browser is.
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        opened(context.new_page(), base)  # the profile's first visit: not timed
        for _ in range(repeats):
            page = context.new_page()  # a new session of its own, the browser's cache warm
            nav = opened(page, base)
            _timed(page, nav.click, charts, report.new_tab)
            _link(page, "Follow-ups").click()
            _attempts_tile(page).wait_for(state="detached")  # Insights has left the screen
            _idle(page)
            _timed(page, nav.click, charts, report.back)
            _timed(page, functools.partial(_pick_phone, page), charts, report.filtered)
            page.close()
        context.close()
        browser.close()
    return report


def _attempts_tile(page: Page) -> Locator:
    return page.get_by_test_id("stMetric").filter(has_text="Attempts").first


def _link(page: Page, name: str) -> Locator:
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=name)


def _signed_in(page: Page, base: str) -> Locator:
    """Sign in on ``page``; the Insights link, once the landing page is idle."""
    page.goto(base + "/")
    page.get_by_label("User name", exact=True).fill(ACCOUNT)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    return _landed(page)


def _opened(page: Page, base: str) -> Locator:
    """The bare page's landing page on ``page``; the Insights link, once it is idle."""
    page.goto(base + "/")
    return _landed(page)


def _landed(page: Page) -> Locator:
    nav = _link(page, "Insights")
    nav.wait_for()
    _idle(page)
    return nav


def _idle(page: Page) -> None:
    page.wait_for_function(IDLE, polling="raf")
    page.wait_for_load_state("networkidle")


def _pick_phone(page: Page) -> None:
    page.get_by_role("combobox", name="Channels").click()
    page.get_by_role("option", name="phone", exact=True).click()


def _timed(page: Page, action: Callable[[], object], charts: int, into: BrowserTimes) -> None:
    started = time.perf_counter()
    action()
    _attempts_tile(page).wait_for()
    into.tiles.append(time.perf_counter() - started)
    page.wait_for_function(DRAWN, arg=charts, polling="raf")
    into.charts.append(time.perf_counter() - started)


def median_s(values: list[float]) -> str:
    return f"{statistics.median(values):,.2f} s" if values else "–"
