"""Insights in Chromium over a demo history: tiles, charts drawn, a tab, a filter, a typed date.

Each step checks that no exception is shown and that every chart on screen has drawn
its SVG (or canvas): what AppTest cannot see.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pages.ui.follow_through_view import EXPANDER
from tests.browser import (
    COORDINATOR,
    PASSWORD,
    PLAYWRIGHT_IMPORTABLE,
    OpenPage,
    fill_sign_in,
    wait_idle,
)

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Page, expect

CHART = '[data-testid="stVegaLiteChart"]'
# The follow-through block is closed; open, it shows Responses, a table: its funnel and
# curve wait in tabs.
FOLLOW_THROUGH_CHARTS = 0


def charts_drawn(page: Page, count: int) -> None:
    """``count`` charts on screen, each with its SVG or canvas."""
    expect(page.locator(CHART)).to_have_count(count)
    for n in range(count):
        expect(page.locator(CHART).nth(n).locator("svg, canvas").first).to_be_visible()


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def open_insights(open_demo_page: OpenPage) -> Page:
    page = open_demo_page("/insights")
    fill_sign_in(page, COORDINATOR.name, PASSWORD)
    tile = page.get_by_test_id("stMetricLabel").get_by_text("Attempts", exact=True)
    expect(tile).to_be_visible()
    wait_idle(page)
    return page


def test_insights_draws_its_charts_through_a_tab_and_a_filter(
    open_demo_page: OpenPage, artifacts: Path
) -> None:
    """Tiles and two charts (the first one and the open tab's) and no table; another tab
    draws its own; the follow-through block, once opened, shows its Responses table and
    its Funnel tab adds its chart; picking a channel reruns with every chart drawn again;
    no exception anywhere."""
    page = open_insights(open_demo_page)

    charts_drawn(page, 2 + FOLLOW_THROUGH_CHARTS)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    no_exception(page)
    page.get_by_text(EXPANDER, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Responses \("))).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    charts_drawn(page, 2)
    page.get_by_role("tab", name="Funnel", exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Funnel: attempt to kept"))
    ).to_be_visible()
    wait_idle(page)
    charts_drawn(page, 3)
    page.get_by_role("tab", name="Responses", exact=True).click()
    wait_idle(page)
    charts_drawn(page, 2)
    page.get_by_role("tab", name="Outcome mix").click()
    expect(page.get_by_role("heading", name="Outcome mix by channel")).to_be_visible()
    wait_idle(page)
    charts_drawn(page, 2 + FOLLOW_THROUGH_CHARTS)
    expect(page.get_by_role("button", name="Download data").first).to_be_visible()
    page.get_by_role("combobox", name="Channels").click()
    page.get_by_role("option", name="phone", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]channel=phone"))
    wait_idle(page)
    charts_drawn(page, 2 + FOLLOW_THROUGH_CHARTS)
    no_exception(page)
    page.screenshot(path=str(artifacts / "insights-outcome-mix-phone.png"))


def test_a_typed_date_range_applies_on_enter(open_demo_page: OpenPage) -> None:
    """Typing a range into "Date range" and pressing Enter moves the URL and the figures."""
    page = open_insights(open_demo_page)
    today = datetime.now(UTC).date()
    start = today - timedelta(days=13)

    year = page.get_by_role("spinbutton", name="year, Date range start date")
    year.click()
    page.keyboard.type(f"{start:%Y%m%d}")  # the segments advance as they fill
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"[?&]from={start:%Y-%m-%d}"))
    wait_idle(page)
    assert params(page)["to"] == [f"{today:%Y-%m-%d}"]
    charts_drawn(page, 2 + FOLLOW_THROUGH_CHARTS)
    no_exception(page)
