"""Admin → Backup: a download that is a valid backup; a restore only after typing RESTORE."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.backup import backup_bytes, check_backup
from models.db import session_scope
from models.tables import AuditEvent
from models.vocab import Role
from pages.ui import admin_backup, cache
from tests.apptest_helpers import button, ensure_account, open_app, texts, widget
from tests.backup_world import rows_without_backup_events
from tests.factories import make_official
from tests.world import Snapshot, snapshot

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")

CONFIRM = "Type RESTORE to confirm"


@pytest.fixture
def saved(app_db: Engine) -> tuple[bytes, Snapshot]:
    """A backup of the seed and the admin's account, and the rows it holds; then an
    official added after it."""
    ensure_account(Role.ADMIN)
    data = backup_bytes(app_db, actor_id=None)
    rows = rows_without_backup_events(app_db)
    with session_scope(app_db) as session:
        make_official(session, "Added after the backup")
    return data, rows


def press_restore(at: AppTest, data: bytes, word: str) -> AppTest:
    """Admin → Backup with ``data`` uploaded and ``word`` typed, after pressing Restore."""
    at.file_uploader[0].set_value(("nightly.zip", data, "application/zip"))
    widget(at.text_input, CONFIRM).set_value(word)
    button(at, "Restore").click()
    return at.run()


def test_the_download_is_a_valid_backup_and_audited(app_db: Engine) -> None:
    """The tab offers "Download backup"; the bytes it builds pass every check and hold
    the seed's rows; the download is audited as the admin's."""
    at = open_app("admin")
    admin = ensure_account(Role.ADMIN)
    data = admin_backup.backup_download(admin)()
    with Session(app_db) as session:
        audited = session.execute(
            select(AuditEvent.actor_id, AuditEvent.entity).where(AuditEvent.action == "backup")
        ).all()
    assert [b.label for b in at.download_button][-1:] == ["Download backup"]
    assert check_backup(data).rows["officials"] == 4
    assert check_backup(data).rows["contact_points"] == 11
    assert [tuple(row) for row in audited] == [(admin, "database")]


@pytest.mark.parametrize("word", ["", "restore", "yes"])
def test_restore_needs_the_confirmation_word(
    app_db: Engine, saved: tuple[bytes, Snapshot], word: str
) -> None:
    """Without RESTORE typed exactly, pressing Restore says so and changes nothing."""
    at = open_app("admin")
    before = snapshot(app_db)
    at = press_restore(at, saved[0], word)
    assert texts(at.error) == ["Type RESTORE in the box to confirm. Nothing was changed."]
    assert snapshot(app_db) == before


def test_restore_with_the_word_brings_the_backup_back(
    app_db: Engine, saved: tuple[bytes, Snapshot]
) -> None:
    """RESTORE typed: the backup's rows are back, the page lists what it restored, the
    cached reads are forgotten, and the next click asks the admin to sign in again."""
    data, expected = saved
    at = open_app("admin")
    cached = {o.label.split(" — ")[0] for o in cache.official_options()}
    at = press_restore(at, data, "RESTORE")
    table = at.dataframe[-1].value
    after = {o.label.split(" — ")[0] for o in cache.official_options()}
    assert at.error == []
    assert texts(at.success)[0].startswith("Restored the backup made ")
    assert dict(zip(table["table"], table["rows restored"], strict=True))["officials"] == 4
    assert rows_without_backup_events(app_db) == expected
    assert "Added after the backup" in cached
    assert "Added after the backup" not in after
    assert "User name" in [w.label for w in at.run().text_input]


def test_a_damaged_upload_is_refused_with_nothing_changed(
    app_db: Engine, saved: tuple[bytes, Snapshot]
) -> None:
    """Half a backup, confirmed: refused with the reason, every row as it was."""
    at = open_app("admin")
    before = snapshot(app_db)
    at = press_restore(at, saved[0][: len(saved[0]) // 2], "RESTORE")
    assert texts(at.error) == [
        "not an Outreach Tracker backup: the file is not a zip archive, or it is truncated. "
        "Nothing was changed."
    ]
    assert snapshot(app_db) == before
