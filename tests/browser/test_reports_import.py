"""An admin imports a list of officials on Reports → Imports, in a real Chromium.

Against a fresh server: a file the test writes with a bad number is uploaded through the
page's file input (``set_input_files``) and shows its problem by line with Import
disabled; a good file replaces it, shows its rows as read, and Import, pressed twice
150 ms apart (an ordinary double click), puts its officials in the database once.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.browser import ADMIN, PASSWORD, PLAYWRIGHT_IMPORTABLE, OpenPage, fill_sign_in, wait_idle
from tests.browser.test_log_form import rerun_done

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Page, expect

BAD = "name,phone\nAnn Lee,+1 212 555 0100\nBob Roe,12345\n"
GOOD = (
    "ФИО;Организация;Телефон\r\n"
    "Иванов Иван Иванович;МИД России;8 (495) 987-65-43\r\n"
    "Ann Lee;Consulate;+1 212 555 0100 | +1 212 555 0101\r\n"
)


def written(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def open_imports(page: Page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Reports", exact=True).click()
    wait_idle(page)
    page.get_by_role("tab", name="Imports", exact=True).click()
    expect(page.get_by_role("radiogroup", name="Import what")).to_be_visible()


def choose_file(page: Page, path: Path, shows: str | re.Pattern[str]) -> None:
    """Upload ``path`` through the uploader's file input; wait until the page shows ``shows``."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    expect(page.get_by_text(shows)).to_be_visible()
    rerun_done(page)


def officials(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT o.full_name, c.value FROM officials o JOIN contact_points c "
            "ON c.official_id = o.id WHERE o.full_name IN ('Ann Lee', 'Иванов Иван Иванович') "
            "ORDER BY o.id, c.id"
        )
        return [(name, value) for name, value in rows]


def import_events(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        (found,) = db.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'import'"
        ).fetchone()
        return int(found)


def test_an_admin_sees_problems_then_imports_a_good_file_once(
    open_fresh_page: OpenPage, tmp_path: Path, artifacts: Path
) -> None:
    """Bad file: its line-3 problem and a disabled Import. Good file (cp1251, semicolons):
    its rows as read, then two quick clicks on Import make the two officials once."""
    page = open_fresh_page("/")
    fill_sign_in(page, ADMIN.name, PASSWORD)
    wait_idle(page)
    open_imports(page)
    import_button = page.get_by_role("button", name="Import", exact=True)

    choose_file(page, written(tmp_path, "bad.csv", BAD), "Problems (1)")
    expect(page.get_by_text('line 3: phone "12345" is not a valid number')).to_be_visible()
    expect(import_button).to_be_disabled()
    page.screenshot(path=str(artifacts / "import-problems.png"))

    read = "2 rows read as windows-1251, separated by semicolons."
    choose_file(page, written(tmp_path, "good.csv", GOOD, "cp1251"), read)
    expect(page.get_by_text("Problems (1)")).to_have_count(0)
    expect(
        page.get_by_text("If imported now: officials: 2 new, 0 updated, 0 unchanged.")
    ).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    expect(import_button).to_be_enabled()
    page.screenshot(path=str(artifacts / "import-preview.png"))
    assert officials(tmp_path / "outreach.db") == []

    import_button.click()
    page.wait_for_timeout(150)  # the second click of a double click, during the first's run
    import_button.click()
    # Notices are escaped Markdown: an invisible word joiner follows each colon. When the
    # second click stops the first run after its commit, the second run's import finds
    # the two officials there and says so; the database checks below are the same.
    outcome = (
        r"^(Imported:\u2060? officials:\u2060? 2 new"
        r"|Imported:\u2060? officials:\u2060? 0 new, 0 updated, 2 unchanged"
        r"|This file was already imported \(officials:\u2060? 2 new)"
    )
    expect(page.get_by_text(re.compile(outcome))).to_be_visible()
    expect(
        page.get_by_text("If imported now: officials: 0 new, 0 updated, 2 unchanged.")
    ).to_be_visible()
    rerun_done(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(artifacts / "import-done.png"))
    assert officials(tmp_path / "outreach.db") == [
        ("Иванов Иван Иванович", "+74959876543"),
        ("Ann Lee", "+12125550100"),
        ("Ann Lee", "+12125550101"),
    ]
    assert import_events(tmp_path / "outreach.db") == 1
