"""One coordinator's journey through the running app in a real browser.

Sign in, log a call, survive a double click, see it counted on Insights, export it
from Reports (the signed-in coordinator is who logged it), and deep-link to Insights in
a fresh session. The database starts with the seed campaign and the test accounts
only, so attempt numbers and counts are known in advance.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.browser import (
    COORDINATOR,
    PASSWORD,
    PLAYWRIGHT_IMPORTABLE,
    OpenPage,
    expect_only_the_sign_in_form,
    fill_sign_in,
    wait_idle,
)

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Locator, Page, expect

# The attempts export schema documented in DESIGN.md and the README, in this order.
ATTEMPTS_CSV_COLUMNS = [
    "attempt_id",
    "occurred_at_utc",
    "campaign",
    "official",
    "organization",
    "channel",
    "contact",
    "outcome",
    "outcome_class",
    "responded",
    "responded_at_utc",
    "coordinator",
    "duration_s",
    "follow_up_on",
    "notes",
    "stance",
    "response_summary",
]
FIRST_NOTES = "Asked for the position in writing"
SECOND_NOTES = "Called again; line 1 busy, left the ask with the switchboard"
# A double click as people make it: two separate clicks, the second while the first
# click's rerun is still running (RELIABILITY.md measured 150 ms as an ordinary one).
DOUBLE_CLICK_GAP_MS = 150


def choose(page: Page, label: str, option: str | re.Pattern[str]) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option).click()


def segment(page: Page, group: str, option: str) -> None:
    """Click ``option`` of the one-click choices (pills, segments) labelled ``group``."""
    radio = page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option, exact=True)
    radio.click()
    expect(radio).to_have_attribute("aria-checked", "true")
    wait_idle(page)


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def go_to(page: Page, label: str, path: str) -> None:
    """Follow the sidebar navigation link ``label`` and wait for that page to settle."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=label, exact=True).click()
    expect(page).to_have_url(re.compile(f"{re.escape(path)}(\\?.*)?$"))  # filters ride in the query
    wait_idle(page)


def metric_value(page: Page, label: str) -> Locator:
    label_locator = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    tile = page.get_by_test_id("stMetric").filter(has=label_locator)
    return tile.get_by_test_id("stMetricValue")


def double_click_submit(page: Page) -> None:
    """Press "Log attempt" twice, the second press during the first one's rerun.

    Clicks go to the button's place on screen, like a person's: the second must land
    even if the rerun is redrawing the form at that moment.
    """
    button = page.get_by_role("button", name="Log attempt", exact=True)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(DOUBLE_CLICK_GAP_MS)  # the one deliberate pause: it is the test
    page.mouse.click(x, y)


def sign_in_as_coordinator(page: Page) -> None:
    """Step 0: the app opens on the sign-in form; the coordinator signs in."""
    expect_only_the_sign_in_form(page)
    fill_sign_in(page, COORDINATOR.name, PASSWORD)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_idle(page)
    no_exception(page)


def log_first_call(page: Page) -> None:
    """Step 1-2: pick the official, check the card, log a phone call."""
    choose(page, "Official", re.compile(r"^Evgeniy Zagaynov — "))
    wait_idle(page)
    phone = page.get_by_role("link", name="+1 212-861-4900", exact=True)
    expect(phone).to_have_attribute("href", "tel:+12128614900")
    expect(page.get_by_text(re.compile(r"\b(open|closed) now\b"))).to_be_visible()
    segment(page, "Channel", "phone")
    segment(page, "Outcome", "spoke to staff")
    page.get_by_label("Notes", exact=True).fill(FIRST_NOTES)
    page.get_by_role("button", name="Log attempt", exact=True).click()
    expect(page.get_by_text(re.compile(r"Saved attempt #1\b"))).to_be_visible()
    wait_idle(page)
    no_exception(page)


def log_second_call_with_double_click(page: Page) -> None:
    """Step 3: start a new entry, then press "Log attempt" twice in quick succession.

    Which notice shows depends on where the second press lands in the first one's
    rerun ("Saved", "Already saved as", or both when the second lands after the first's
    confirmation was drawn); the CSV row count is what proves one save.
    """
    another = page.get_by_role("button", name="Log another attempt", exact=True)
    another.click()
    expect(another).to_have_count(0)
    wait_idle(page)
    segment(page, "Outcome", "busy")
    page.get_by_label("Notes", exact=True).fill(SECOND_NOTES)
    double_click_submit(page)
    notice = page.get_by_text(re.compile(r"(Saved|Already saved as) attempt #2\b"))
    expect(notice.first).to_be_visible()
    wait_idle(page)
    no_exception(page)


def check_insights(page: Page, artifacts: Path) -> None:
    """Step 4: the Attempts tile counts both attempts and a chart is drawn."""
    go_to(page, "Insights", "/insights")
    expect(metric_value(page, "Attempts")).to_have_text("2")
    chart = page.get_by_test_id("stVegaLiteChart").locator("svg")
    expect(chart.first).to_be_visible()
    no_exception(page)
    page.screenshot(path=str(artifacts / "journey-insights.png"))


def download_attempts_csv(page: Page, artifacts: Path) -> list[dict[str, str]]:
    """Step 5: download the attempts CSV from Reports and parse it."""
    go_to(page, "Reports", "/reports")
    button = page.get_by_role("button", name="Download attempts CSV", exact=True)
    with page.expect_download() as info:
        button.click()
    download = info.value
    # Named after what it holds: the (only) campaign, the sidebar's default 12 weeks to today.
    today = datetime.now(UTC).date()
    start = today - timedelta(weeks=12, days=-1)
    assert download.suggested_filename == (
        f"attempts_chechnya-stop-the-persecution-of-gay-men_{start}_{today}.csv"
    )
    saved = artifacts / "attempts.csv"
    download.save_as(saved)
    page.screenshot(path=str(artifacts / "journey-reports.png"))
    reader = csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"), newline=""))
    rows = list(reader)
    assert reader.fieldnames == ATTEMPTS_CSV_COLUMNS
    return rows


def test_log_double_click_insights_export(open_page: OpenPage, artifacts: Path) -> None:
    """A call logged in the browser, double-clicked once, is counted and exported exactly once."""
    page = open_page("/")
    sign_in_as_coordinator(page)
    expect(page.get_by_role("combobox", name="Official", exact=True)).to_be_visible()
    log_first_call(page)
    page.screenshot(path=str(artifacts / "journey-log.png"))
    log_second_call_with_double_click(page)
    check_insights(page, artifacts)
    rows = download_attempts_csv(page, artifacts)

    assert len(rows) == 2  # the double click saved one attempt, not two
    assert [r["notes"] for r in rows].count(SECOND_NOTES) == 1
    first = next(r for r in rows if r["notes"] == FIRST_NOTES)
    expected = {
        "official": "Evgeniy Zagaynov",
        "channel": "phone",
        "contact": "+12128614900",  # the primary line, preselected; E.164 is left as it is
        "outcome": "spoke to staff",
        "outcome_class": "reached",
        "coordinator": COORDINATOR.display_name,  # the signed-in user, not typed
    }
    assert expected == {key: first[key] for key in expected}
    assert first["occurred_at_utc"].endswith("+00:00")


def test_deep_link_to_insights(open_page: OpenPage, artifacts: Path) -> None:
    """Opening /insights directly in a new session asks for sign-in, then renders the page."""
    page = open_page("/insights")
    sign_in_as_coordinator(page)
    expect(page).to_have_url(re.compile(r"/insights(\?.*)?$"))
    expect(page.get_by_test_id("stMetricLabel").get_by_text("Attempts", exact=True)).to_be_visible()
    no_exception(page)
    page.screenshot(path=str(artifacts / "deep-link-insights.png"))
