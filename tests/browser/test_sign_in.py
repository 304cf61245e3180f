"""Signing in, in a real browser, on a server that has only just started.

Right after a server start Streamlit runs a deep-linked page file without dashboard.py
(CONVENTIONS.md, 6), so this is where a page that forgot its guard would show data.
Each test gets a server of its own, and its deep link is that server's first request.
"""

from __future__ import annotations

import re
from pathlib import Path

from models.accounts import SIGN_IN_FAILED
from tests.browser import (
    COORDINATOR,
    PASSWORD,
    PLAYWRIGHT_IMPORTABLE,
    OpenPage,
    expect_only_the_sign_in_form,
    fill_sign_in,
)

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import expect

INSIGHTS_URL = re.compile(r"/insights(\?.*)?$")


def test_a_first_request_deep_link_shows_only_sign_in_then_the_page(
    open_fresh_page: OpenPage, artifacts: Path
) -> None:
    """/insights as the server's very first request: sign-in only; signed in: Insights there."""
    page = open_fresh_page("/insights")
    expect_only_the_sign_in_form(page)
    page.screenshot(path=str(artifacts / "first-request-sign-in.png"))

    fill_sign_in(page, COORDINATOR.name, PASSWORD)

    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    expect(page).to_have_url(INSIGHTS_URL)
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_role("link", name="Insights", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(artifacts / "first-request-signed-in.png"))


def test_a_wrong_password_gets_the_generic_message(open_fresh_page: OpenPage) -> None:
    """A wrong password says only the generic sentence, and the form stays, empty of data."""
    page = open_fresh_page("/insights")
    expect_only_the_sign_in_form(page)

    fill_sign_in(page, COORDINATOR.name, "not the right passphrase")

    expect(page.get_by_test_id("stAlertContentError")).to_have_text(SIGN_IN_FAILED)
    expect_only_the_sign_in_form(page)
    expect(page).to_have_url(INSIGHTS_URL)


# Page files are named after their url_path (pages/follow-ups.py serves /follow-ups), so
# Streamlit's pages/ mode, which handles a first request before dashboard.py has run,
# finds the same page the navigation would.
def test_a_first_request_deep_link_to_follow_ups_shows_only_sign_in(
    open_fresh_page: OpenPage,
) -> None:
    """/follow-ups as the server's first request: the sign-in form, and no "Page not found"."""
    page = open_fresh_page("/follow-ups")
    expect(page.get_by_text("Page not found")).to_have_count(0, timeout=5_000)
    expect_only_the_sign_in_form(page)
