"""Real-browser tests (system Chromium driven by Playwright) and the helpers they share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

try:
    from playwright.sync_api import BrowserContext, Page, Request, expect

    PLAYWRIGHT_IMPORTABLE = True
except ImportError:  # the `browser` fixture reports it (skip, or fail under REQUIRE_BROWSER)
    PLAYWRIGHT_IMPORTABLE = False


@dataclass(frozen=True)
class Account:
    """An account the test server's database holds, made with ``cli.py user add``."""

    name: str
    display_name: str
    role: str


PASSWORD = "a browser test passphrase"  # every test account's
COORDINATOR = Account("tester", "Browser Tester", "coordinator")
ADMIN = Account("boss", "Browser Admin", "admin")
ACCOUNTS = (COORDINATOR, ADMIN)


_SEED = Path(__file__).resolve().parent.parent.parent / "data" / "seed_chechnya.json"
_CAMPAIGN = json.loads(_SEED.read_text(encoding="utf-8"))["campaign"]
# What the test server's database holds that only a signed-in user may see.
SEEDED_NAMES = (_CAMPAIGN["name"], *(target["full_name"] for target in _CAMPAIGN["targets"]))


class OpenPage(Protocol):
    """The `open_page` fixture: open a path of the app in a fresh browser context."""

    def __call__(self, path: str = "/") -> Page: ...


def wait_idle(page: Page) -> None:
    """Wait until the websocket is connected and no script run is in progress.

    Call it after an interaction only once the page shows something the rerun
    produced: right after a click the old run's "notRunning" may still be showing.
    """
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
    expect(app).to_have_attribute("data-test-script-state", "notRunning")


def fill_sign_in(page: Page, name: str, password: str) -> None:
    """Type into the sign-in form and press "Sign in" (the caller waits for the outcome)."""
    page.get_by_label("User name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def expect_only_the_sign_in_form(page: Page) -> None:
    """The sign-in form, and no navigation, page, campaign, official or coordinator."""
    expect(page.get_by_label("User name", exact=True)).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(["Outreach Tracker"])
    expect(page.get_by_test_id("stException")).to_have_count(0)
    shown = page.locator("body").inner_text()
    people = [account.display_name for account in ACCOUNTS]
    assert [name for name in (*SEEDED_NAMES, *people) if name in shown] == []


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def watch_hosts(context: BrowserContext) -> list[str]:
    """The host of every HTTP(S) and WebSocket request the context makes from now on."""
    hosts: list[str] = []

    def watch(request: Request) -> None:
        if request.url.startswith(("http:", "https:", "ws:", "wss:")):
            hosts.append(urlsplit(request.url).hostname or "")

    context.on("request", watch)
    return hosts


def foreign_hosts(hosts: list[str]) -> list[str]:
    """The hosts beyond the loopback address, sorted, each once."""
    return sorted({host for host in hosts if host not in LOOPBACK})
