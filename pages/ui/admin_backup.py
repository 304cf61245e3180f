"""Admin → Backup: download a backup of the whole database, or restore one from a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from models import backup
from models.backup_format import BackupRejected
from models.permissions import PermissionDenied
from models.response_rules import unanswerable_notice
from pages.ui import cache, render

CONFIRM_WORD = "RESTORE"
UPLOAD_KEY = "backup_upload"
CONFIRM_KEY = "backup_confirm"


def backup_section(actor_id: int) -> None:
    """The download button, then the restore form."""
    st.subheader("Download a backup")
    st.caption(
        "A consistent snapshot of every table, taken while the app keeps running. It holds "
        "every note and account: keep it as safe as the server. Nightly backups come from "
        "the command line (`cli.py backup`, see the README)."
    )
    st.download_button(
        "Download backup",
        data=backup_download(actor_id),
        file_name=f"outreach-{datetime.now(UTC):%Y%m%d-%H%M%S}Z.zip",
        mime="application/zip",
        on_click="ignore",
    )
    st.subheader("Restore from a backup")
    st.warning(
        "Restoring replaces everything in the database with the backup's contents. "
        "Everyone who is signed in, you included, signs in again afterwards."
    )
    uploaded = st.file_uploader("Backup file", type=["zip"], key=UPLOAD_KEY)
    word = st.text_input(f"Type {CONFIRM_WORD} to confirm", key=CONFIRM_KEY)
    if st.button("Restore", type="primary"):
        data = uploaded.getvalue() if uploaded is not None else None
        restore_from(data, word, actor_id)


def restore_from(data: bytes | None, word: str, actor_id: int) -> None:
    if data is None:
        render.error("Choose a backup file first. Nothing was changed.")
        return
    if word.strip() != CONFIRM_WORD:
        render.error(f"Type {CONFIRM_WORD} in the box to confirm. Nothing was changed.")
        return
    try:
        report = restore_backup(data, actor_id=actor_id)
    except (BackupRejected, PermissionDenied) as exc:
        render.error(f"{str(exc).rstrip('.')}. Nothing was changed.")
        return
    made = report.manifest.created_at
    st.success(f"Restored the backup made {made:%Y-%m-%d %H:%M} UTC.")
    if report.migrated_to is not None:
        st.info(f"It was migrated from schema {report.manifest.revision} to {report.migrated_to}.")
    if report.unanswerable_attempt_ids:
        st.warning(unanswerable_notice(report.unanswerable_attempt_ids))
    render.table(restored_rows(report.manifest.rows))


def restored_rows(rows: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"table": name, "rows restored": rows[name]} for name in sorted(rows)],
        columns=["table", "rows restored"],
    )


def backup_download(actor_id: int) -> Callable[[], bytes]:
    """A function that builds a whole-database backup when called (on the download click).

    It runs on a thread of its own, outside the page's run, so it takes the engine now.
    """
    bound = cache.engine()
    return lambda: backup.backup_bytes(bound, actor_id=actor_id)


def restore_backup(data: bytes, *, actor_id: int) -> backup.RestoreReport:
    """Replace the database's contents with the backup in ``data``, then forget every read."""
    report = backup.restore(cache.engine(), data, actor_id=actor_id)
    cache.invalidate(cache.EVERYTHING)
    return report
