"""Log outreach in a real Chromium: what the page shows at the click is what is saved.

AppTest runs the script, not the browser, so it cannot see a widget whose display lags
behind its options (RELIABILITY.md). Here the official, channel and outcome are changed
in the orders that used to leave Contact used and Outcome showing stale choices, by
mouse and by keyboard; at each "Log attempt" the test reads what the page displays, then
exports the saved attempts with ``cli.py export attempts`` and compares row and screen.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import phonenumbers

from tests.browser import COORDINATOR, PASSWORD, PLAYWRIGHT_IMPORTABLE, OpenPage, fill_sign_in
from tests.browser import wait_idle as settle

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parent.parent.parent
VIKTOROV = "Anatoly Dmitrievich Viktorov"
CASALE = "Davide Casale"
ZAGAYNOV = "Evgeniy Zagaynov"  # three phone lines and a fax
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Shown:
    """What the form displayed when Log attempt was pressed."""

    official: str
    channel: str
    contact: str
    outcome: str
    follow_up_on: str


class Counter:
    """Counts a person's interactions on the page: a click, a typed field, a key press."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, times: int = 1) -> None:
        self.count += times


def follow_up_box(page: Page) -> Locator:
    """The Follow up on box on screen (a replaced widget may linger hidden in the DOM)."""
    boxes = page.get_by_test_id("stDateInput").filter(has_text="Follow up on")
    return boxes.filter(visible=True)


def follow_up_on(page: Page) -> str:
    """The text in the Follow up on box (empty when there is no date)."""
    box = follow_up_box(page)
    expect(box).to_have_count(1)  # not while a rerun still shows the previous widget too
    return box.locator("input").input_value()


def shown(page: Page) -> Shown:
    official = page.get_by_role("combobox", name="Official", exact=True).input_value()
    channel = page.get_by_role("radiogroup", name="Channel").get_by_role("radio", checked=True)
    outcome = page.get_by_role("radiogroup", name="Outcome").get_by_role("radio", checked=True)
    return Shown(
        official=official.split(" — ")[0],
        channel=channel.inner_text().strip(),
        contact=page.get_by_role("combobox", name="Contact used", exact=True).input_value(),
        outcome=" ".join(outcome.all_inner_texts()).strip(),
        follow_up_on=follow_up_on(page),
    )


def e164(displayed_contact: str) -> str:
    """The number in "fax · +7 499 244-30-45 · Office fax", in E.164; "" for "not recorded"."""
    if displayed_contact == "— not recorded —":
        return ""
    number = displayed_contact.split(" · ")[1]
    return phonenumbers.format_number(
        phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.E164
    )


def exported(database: Path, out: Path) -> list[dict[str, str]]:
    """The attempts export of the test server's database, as `cli.py export` writes it."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run(
        [sys.executable, "cli.py", "export", "attempts", "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rerun_done(page: Page) -> None:
    """Wait until the rerun a change caused has drawn everything anew (no stale element)."""
    expect(page.locator('[data-stale="true"]')).to_have_count(0)
    settle(page)


def saved_confirmation(page: Page, number: int) -> None:
    expect(page.get_by_text(re.compile(rf"^Saved attempt #{number}:"))).to_be_visible()
    settle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def pick_official_with_the_mouse(page: Page, name: str, act: Counter) -> None:
    page.get_by_role("combobox", name="Official", exact=True).click()
    page.get_by_role("option", name=re.compile(f"^{re.escape(name)} — ")).click()
    act(2)
    expect(page.get_by_role("combobox", name="Official", exact=True)).to_have_value(
        re.compile(f"^{re.escape(name)} — ")
    )
    rerun_done(page)


def pick_official_by_typing(page: Page, part: str, name: str, act: Counter) -> None:
    box = page.get_by_role("combobox", name="Official", exact=True)
    box.click()
    box.press_sequentially(part)
    box.press("Enter")
    act(3)
    expect(box).to_have_value(re.compile(f"^{re.escape(name)} — "))
    rerun_done(page)


def pick(page: Page, group: str, option: str, act: Counter, *, keyboard: bool = False) -> None:
    """Click (or focus and press Space on) ``option`` of the pills/segments ``group``."""
    radio = page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option, exact=True)
    if keyboard:
        radio.focus()
        radio.press("Space")
    else:
        radio.click()
    act()
    expect(radio).to_have_attribute("aria-checked", "true")
    if group == "Outcome":  # its rerun proposes a follow-up date
        expect(follow_up_box(page).locator("input")).to_have_value(DATE)
    else:  # a new channel: no outcome picked, a contact of that channel (or none)
        checked = page.get_by_role("radiogroup", name="Outcome").get_by_role("radio", checked=True)
        expect(checked).to_have_count(0)
        contact = page.get_by_role("combobox", name="Contact used", exact=True)
        expect(contact).to_have_value(re.compile(f"^({re.escape(option)} · |— not recorded —$)"))
    rerun_done(page)


def sign_in(page: Page) -> None:
    fill_sign_in(page, COORDINATOR.name, PASSWORD)
    expect(page.get_by_role("combobox", name="Official", exact=True)).to_be_visible()
    settle(page)


def test_the_saved_attempt_is_what_the_page_showed_after_every_change(
    open_fresh_page: OpenPage, tmp_path: Path
) -> None:
    """Official, then channel, then official again (mouse and keyboard): row == screen."""
    page = open_fresh_page("/")
    sign_in(page)
    act = Counter()
    screens: list[Shown] = []

    # 1. Casale by typing, fax by mouse, Viktorov again by mouse; outcome by mouse.
    pick_official_by_typing(page, "Casale", CASALE, act)
    pick(page, "Channel", "fax", act)
    pick_official_with_the_mouse(page, VIKTOROV, act)
    pick(page, "Outcome", "sent", act)
    screens.append(shown(page))
    page.get_by_role("button", name="Log attempt", exact=True).click()
    saved_confirmation(page, 1)

    # 2. A new entry: phone by mouse, Zagaynov by mouse, outcome by keyboard, then fax again.
    page.get_by_role("button", name="Log another attempt", exact=True).click()
    settle(page)
    pick(page, "Channel", "phone", act)
    pick_official_with_the_mouse(page, ZAGAYNOV, act)
    pick(page, "Outcome", "no answer", act, keyboard=True)
    pick(page, "Channel", "fax", act)
    pick(page, "Outcome", "failed to send", act, keyboard=True)
    screens.append(shown(page))
    page.get_by_label("Notes", exact=True).fill("Fax did not go through")
    page.get_by_label("Notes", exact=True).press("Control+Enter")  # the form's shortcut
    saved_confirmation(page, 2)

    rows = exported(tmp_path / "outreach.db", tmp_path / "attempts.csv")
    assert [
        (r["official"], r["channel"], r["contact"], r["outcome"], r["follow_up_on"]) for r in rows
    ] == [(s.official, s.channel, e164(s.contact), s.outcome, s.follow_up_on) for s in screens]
    assert [s.channel for s in screens] == ["fax", "fax"]  # the sequences ended on a fax


def test_an_attempt_is_logged_from_the_log_page_in_five_interactions(
    open_fresh_page: OpenPage, tmp_path: Path
) -> None:
    """Official, outcome, a note and the proposed follow-up: five interactions, one save."""
    page = open_fresh_page("/")
    sign_in(page)
    act = Counter()
    started = time.perf_counter()

    pick_official_with_the_mouse(page, CASALE, act)  # 2: open the list, pick the name
    pick(page, "Outcome", "spoke to staff", act)  # 3
    proposed = follow_up_on(page)  # proposed by the outcome's rerun, not typed
    page.get_by_label("Notes", exact=True).fill("Staff took the message for Mr Casale")
    act()  # 4: type the note
    page.get_by_role("button", name="Log attempt", exact=True).click()
    act()  # 5
    saved_confirmation(page, 1)
    seconds = time.perf_counter() - started

    [row] = exported(tmp_path / "outreach.db", tmp_path / "attempts.csv")
    assert (row["official"], row["outcome"], row["notes"], row["follow_up_on"]) == (
        CASALE,
        "spoke to staff",
        "Staff took the message for Mr Casale",
        proposed,
    )
    assert act.count <= 5
    print(f"\nLog page: {act.count} interactions, {seconds:.1f} s from sign-in to saved")


# What each focused element belongs to, named by the widget label a person reads (a date
# box's calendar button and its year/month/day parts belong to the date box).
_FOCUSED_WIDGET = """() => {
  const el = document.activeElement;
  if (!el) return "";
  const group = el.closest('[role="radiogroup"]');
  if (group) return group.getAttribute("aria-label") || "";
  const text = el.innerText ? el.innerText.trim() : "";
  if (el.tagName === "BUTTON" && text && !el.closest('[data-testid="stWidgetLabel"]')) {
    return text;
  }
  const box = el.closest('.stElementContainer, [data-testid="stElementContainer"]');
  const label = box && box.querySelector('[data-testid="stWidgetLabel"]');
  return label ? label.innerText.trim() : el.tagName + ":" + (el.getAttribute("aria-label") || "");
}"""


def test_the_tab_order_runs_official_channel_outcome_note_follow_up_log(
    open_fresh_page: OpenPage,
) -> None:
    """From Official, Tab walks Channel, Outcome, Notes, Follow up on, then Log attempt."""
    page = open_fresh_page("/")
    sign_in(page)
    pick(page, "Outcome", "busy", Counter())
    page.get_by_role("combobox", name="Official", exact=True).focus()
    walked: list[str] = []
    for _ in range(40):
        name = str(page.evaluate(_FOCUSED_WIDGET))
        if not walked or walked[-1] != name:
            walked.append(name)
        if name == "Log attempt":
            break
        page.keyboard.press("Tab")

    assert walked == ["Official", "Channel", "Outcome", "Notes", "Follow up on", "Log attempt"]
