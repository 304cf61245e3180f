"""The browser talks to our server only: no font, icon or image from anywhere else."""

from __future__ import annotations

from tests.browser import (
    COORDINATOR,
    PASSWORD,
    PLAYWRIGHT_IMPORTABLE,
    fill_sign_in,
    foreign_hosts,
    wait_idle,
    watch_hosts,
)

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Browser, expect


def test_sign_in_and_the_log_page_request_nothing_beyond_the_server(
    browser: Browser, app_url: str
) -> None:
    """Every request of the sign-in page and the Log page (favicon included) goes to loopback."""
    context = browser.new_context()
    hosts = watch_hosts(context)
    page = context.new_page()
    page.goto(app_url + "/")
    wait_idle(page)
    fill_sign_in(page, COORDINATOR.name, PASSWORD)
    expect(page.get_by_role("heading", name="Log outreach", exact=True)).to_be_visible()
    wait_idle(page)
    page.wait_for_load_state("networkidle")
    context.close()

    assert hosts  # the watcher saw the page load
    assert foreign_hosts(hosts) == []
