"""Admin → Backup in a real browser: an admin downloads a backup, a coordinator logs a
call afterwards, the admin uploads the downloaded file and restores it; the call is gone
from the database and from the Log page, every session ended, and the restore audited.

The server is this module's own (a restore replaces its whole database).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.backup import check_backup
from models.db import make_engine
from models.tables import Attempt, AuditEvent, User
from tests.backup_world import rows_without_backup_events
from tests.browser import (
    ADMIN,
    COORDINATOR,
    PASSWORD,
    PLAYWRIGHT_IMPORTABLE,
    OpenPage,
    expect_only_the_sign_in_form,
    fill_sign_in,
    wait_idle,
)
from tests.browser.conftest import _opener, module_server
from tests.browser.test_journey import (
    FIRST_NOTES,
    choose,
    log_first_call,
    no_exception,
    sign_in_as_coordinator,
)

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Browser, Page, expect

NO_HISTORY = "No attempts to this official in this campaign yet."
CONFIRM = "Type RESTORE to confirm"
SESSION_ENDED = "Your session ended. Please sign in again."


@pytest.fixture(scope="module")
def backup_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(server URL, database URL): a server of this module's own over a fresh database."""
    yield from module_server(tmp_path_factory, "browser_backup")


@pytest.fixture
def open_backup_page(
    browser: Browser,
    backup_server: tuple[str, str],
    artifacts: Path,
    request: pytest.FixtureRequest,
) -> Iterator[OpenPage]:
    yield from _opener(browser, backup_server[0], artifacts, request)


def open_backup_tab(page: Page) -> None:
    """Sign in as the admin on /admin and open the Backup tab."""
    fill_sign_in(page, ADMIN.name, PASSWORD)
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible()
    wait_idle(page)
    page.get_by_role("tab", name="Backup", exact=True).click()
    expect(page.get_by_role("button", name="Download backup", exact=True)).to_be_visible()


def download_backup(page: Page, saved: Path) -> None:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download backup", exact=True).click()
    download = info.value
    assert re.fullmatch(r"outreach-\d{8}-\d{6}Z\.zip", download.suggested_filename)
    download.save_as(saved)


def upload_and_restore(page: Page, saved: Path) -> None:
    """Choose the file, type the confirmation, press Restore."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(saved)
    # The name is shortened on screen; the button removing it carries it whole.
    expect(page.get_by_role("button", name=f"Remove {saved.name}", exact=True)).to_be_visible()
    wait_idle(page)
    confirm = page.get_by_label(CONFIRM, exact=True)
    confirm.fill("RESTORE")
    confirm.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Restore", exact=True).click()


def database_events(engine: Engine) -> list[tuple[int | None, str, dict[str, Any]]]:
    """(actor, action, changes) of the audit events about the whole database, in order."""
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.changes)
            .where(AuditEvent.entity == "database")
            .order_by(AuditEvent.id)
        )
        return [(actor, action, changes) for actor, action, changes in rows]


def zagaynov_history(page: Page) -> None:
    choose(page, "Official", re.compile(r"^Evgeniy Zagaynov — "))
    wait_idle(page)


def test_a_downloaded_backup_uploaded_on_admin_brings_the_database_back(
    open_backup_page: OpenPage, backup_server: tuple[str, str], artifacts: Path
) -> None:
    """Download → a call logged → upload + RESTORE: the rows are the backup's again (the
    call gone, on the page too), both sessions end, and backup and restore are audited."""
    engine = make_engine(backup_server[1])
    admin = open_backup_page("/admin")
    open_backup_tab(admin)
    saved = artifacts / "downloaded-backup.zip"
    download_backup(admin, saved)
    manifest = check_backup(saved.read_bytes())  # a whole, valid backup came through the page
    assert manifest.rows["officials"] == 4
    assert manifest.rows["attempts"] == 0
    expected = rows_without_backup_events(engine)
    with Session(engine) as session:
        boss = session.scalar(select(User.id).where(User.name == ADMIN.name))
    assert [(actor, action) for actor, action, _ in database_events(engine)] == [(boss, "backup")]

    caller = open_backup_page("/")
    sign_in_as_coordinator(caller)
    log_first_call(caller)  # attempt #1, to Zagaynov, after the backup
    with Session(engine) as session:
        assert session.scalars(select(Attempt.notes)).all() == [FIRST_NOTES]

    upload_and_restore(admin, saved)
    expect(
        admin.get_by_text(re.compile(r"^Restored the backup made \d{4}-\d\d-\d\d"))
    ).to_be_visible()
    wait_idle(admin)
    no_exception(admin)
    admin.screenshot(path=str(artifacts / "admin-restored.png"))
    restored = admin.get_by_role("tabpanel", name="Backup").get_by_test_id("stDataFrame")
    expect(restored).to_be_visible()  # the rows restored, per table

    assert rows_without_backup_events(engine) == expected
    with Session(engine) as session:
        assert session.scalars(select(Attempt.id)).all() == []
    # The backup's own event came after its snapshot, so the restore took it away with
    # every later row; the restore's event names the file (its SHA-256) instead.
    events = database_events(engine)
    assert [(actor, action) for actor, action, _ in events] == [(boss, "restore")]
    changes = events[-1][2]
    assert changes["by"] == ADMIN.name
    assert changes["sha256"] == manifest.payload_sha256
    # The admin's session, the one the backup holds; the coordinator's, begun after the
    # snapshot, went with the later rows.
    assert changes["sessions_ended"] == 1
    assert changes["migrated"] is False

    # The coordinator's next click meets the sign-in form; signed in again, the call is gone.
    caller.get_by_test_id("stSidebarNav").get_by_role("link", name="Insights", exact=True).click()
    expect(caller.get_by_text(SESSION_ENDED, exact=True)).to_be_visible()
    wait_idle(caller)
    expect_only_the_sign_in_form(caller)
    fill_sign_in(caller, COORDINATOR.name, PASSWORD)
    expect(caller.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_idle(caller)
    caller.get_by_test_id("stSidebarNav").get_by_role(
        "link", name="Log outreach", exact=True
    ).click()
    wait_idle(caller)
    zagaynov_history(caller)
    main = caller.get_by_test_id("stMain")
    expect(main).to_contain_text(NO_HISTORY)
    expect(main).not_to_contain_text(FIRST_NOTES)
    no_exception(caller)

    # The admin's next click, too, meets the sign-in form (Streamlit leaves the sidebar's
    # empty frame of the run before on screen, so not expect_only_the_sign_in_form).
    admin.get_by_role("button", name="Restore", exact=True).click()
    expect(admin.get_by_text(SESSION_ENDED, exact=True)).to_be_visible()
    wait_idle(admin)
    expect(admin.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    expect(admin.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(admin.get_by_role("heading", name="Admin", exact=True)).to_have_count(0)
    engine.dispose()
