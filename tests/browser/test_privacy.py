"""The browser talks to our server only: no font, icon or image from anywhere else."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser import COORDINATOR, PASSWORD, PLAYWRIGHT_IMPORTABLE, fill_sign_in, wait_idle

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Browser, Request, expect

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def test_sign_in_and_the_log_page_request_nothing_beyond_the_server(
    browser: Browser, app_url: str
) -> None:
    """Every request of the sign-in page and the Log page (favicon included) goes to loopback."""
    context = browser.new_context()
    hosts: list[str] = []

    def watch(request: Request) -> None:
        if request.url.startswith(("http:", "https:", "ws:", "wss:")):
            hosts.append(urlsplit(request.url).hostname or "")

    context.on("request", watch)
    page = context.new_page()
    page.goto(app_url + "/")
    wait_idle(page)
    fill_sign_in(page, COORDINATOR.name, PASSWORD)
    expect(page.get_by_role("heading", name="Log outreach", exact=True)).to_be_visible()
    wait_idle(page)
    page.wait_for_load_state("networkidle")
    context.close()

    assert hosts  # the watcher saw the page load
    assert sorted({h for h in hosts if h not in LOOPBACK}) == []
