"""An admin pastes an action alert, creates its campaign, and logs a call to a new official.

The whole way in a real Chromium against a fresh server: Campaigns → From an alert →
Read the alert → Create campaign (active) → Log outreach with the new campaign and one
of its new officials. The saved row (read back with ``cli.py export attempts``) is what
the page showed at the click.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser import ADMIN, PASSWORD, PLAYWRIGHT_IMPORTABLE, OpenPage, fill_sign_in, wait_idle
from tests.browser.test_log_form import e164, exported, rerun_done, saved_confirmation, shown

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Page, expect

ALERT = Path(__file__).resolve().parent.parent / "data" / "alerts" / "senators.txt"
CAMPAIGN = "Press Freedom Abroad Act: call your senators"
ELLISON = "Margaret Ellison"


def choose(page: Page, label: str, option: str | re.Pattern[str], typed: str = "") -> None:
    """Pick ``option`` in a selectbox; long lists are narrowed by typing ``typed`` first."""
    box = page.get_by_role("combobox", name=label, exact=True).filter(visible=True)
    box.click()
    if typed:
        box.press_sequentially(typed)
    page.get_by_role("option", name=option).click()
    rerun_done(page)


def read_the_alert(page: Page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Campaigns", exact=True).click()
    wait_idle(page)
    page.get_by_role("tab", name="From an alert", exact=True).click()
    page.get_by_label("Alert text", exact=True).fill(ALERT.read_text(encoding="utf-8"))
    choose(page, "Numbers without a country code are read in", "US — United States", "United St")
    page.get_by_role("button", name="Read the alert", exact=True).click()
    expect(page.get_by_role("heading", name="Check what was read")).to_be_visible()
    wait_idle(page)


def create_the_campaign(page: Page) -> None:
    preview = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Create campaign", exact=True)
    )
    names = preview.get_by_label("Name", exact=True)
    expect(names).to_have_count(2)
    expect(names.first).to_have_value(ELLISON)
    page.get_by_label("Campaign name", exact=True).fill(CAMPAIGN)
    choose(page, "Status", re.compile("^Active"))
    page.get_by_role("button", name="Create campaign", exact=True).click()
    created = page.get_by_text(re.compile(r"^Created campaign "))
    expect(created).to_be_visible()
    expect(created).to_contain_text("2 officials (2 new, 0 matched)")
    wait_idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def log_a_call(page: Page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Log outreach").click()
    wait_idle(page)
    choose(page, "Campaign", CAMPAIGN)
    choose(page, "Official", re.compile(f"^{ELLISON}"))
    for group, option in (("Channel", "phone"), ("Outcome", "spoke to staff")):
        radio = page.get_by_role("radiogroup", name=group).get_by_role(
            "radio", name=option, exact=True
        )
        radio.click()
        expect(radio).to_have_attribute("aria-checked", "true")
        rerun_done(page)


def test_an_alert_becomes_a_campaign_whose_new_official_is_called(
    open_fresh_page: OpenPage, tmp_path: Path
) -> None:
    """Paste, create, log: the export's row names the new campaign, official and number
    that the Log page showed when Log attempt was pressed."""
    page = open_fresh_page("/")
    fill_sign_in(page, ADMIN.name, PASSWORD)
    wait_idle(page)
    read_the_alert(page)
    create_the_campaign(page)
    log_a_call(page)
    screen = shown(page)
    campaign_shown = page.get_by_role("combobox", name="Campaign", exact=True).input_value()
    page.get_by_role("button", name="Log attempt", exact=True).click()
    saved_confirmation(page, 1)

    rows = exported(tmp_path / "outreach.db", tmp_path / "attempts.csv")
    assert [(r["campaign"], r["official"], r["contact"], r["outcome"]) for r in rows] == [
        (campaign_shown, screen.official, e164(screen.contact), screen.outcome)
    ]
    assert (campaign_shown, screen.official) == (CAMPAIGN, ELLISON)
    assert e164(screen.contact) == "+12022244543"  # her Washington office, listed first
