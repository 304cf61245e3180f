"""Reports: the audited CSV exports over the sidebar's filters, and the imports.

The page is a row of tabs: "Exports" is drawn here; "Imports", for those who may change
the directory (admins), is drawn by pages/ui/reports_import.py.
"""

from __future__ import annotations

import streamlit as st

from models.exports import (
    ATTEMPT_HEADER,
    SummaryKind,
    cli_command,
    describe_text,
    file_name,
    officials_scope,
)
from models.permissions import Permission, allowed
from pages.ui import cache, downloads, reports_import
from pages.ui.filters import current_filters, today_utc
from pages.ui.guard import guard

user = guard("reports")
st.title("Reports")
filters = current_filters()
labels = cache.export_labels(filters)
matching = cache.summary(filters).attempts
# Imports change the directory: only for those who may (the models refuse anyone else).
may_import = allowed(user.role, Permission.MANAGE_DIRECTORY)
exports_tab, *import_tabs = st.tabs(["Exports", "Imports"] if may_import else ["Exports"])

with exports_tab:
    st.subheader("Attempts")
    st.text(
        f"{matching:,} attempts match the filters in the sidebar; one row per attempt. "
        "The download holds exactly these:"
    )
    st.text(describe_text(filters, labels))
    plain, excel = st.columns(2)
    plain.download_button(
        "Download attempts CSV",
        data=downloads.attempts_csv(filters, excel=False, actor_id=user.id),
        file_name=file_name("attempts", filters, labels),
        mime="text/csv",
        on_click="ignore",
        disabled=matching == 0,
    )
    excel.download_button(
        "Download attempts CSV for Excel",
        data=downloads.attempts_csv(filters, excel=True, actor_id=user.id),
        file_name=file_name("attempts", filters, labels, excel=True),
        mime="text/csv",
        on_click="ignore",
        disabled=matching == 0,
        help="UTF-8 with a byte-order mark, which Excel needs to show non-Latin text.",
    )
    st.caption(
        "Timestamps are ISO 8601 in UTC. Cells that a spreadsheet would run as a formula "
        "are prefixed with an apostrophe. Columns, in order:"
    )
    st.code(ATTEMPT_HEADER, language=None, wrap_lines=True)
    st.caption("For a very large export, run this from the app's folder on the server:")
    out = file_name("attempts", filters, labels)
    st.code(cli_command("attempts", filters, labels, out=out), language="bash", wrap_lines=True)

    st.subheader("Summaries")
    st.text("The Insights figures for the same filters, one file each.")
    today = today_utc()
    for column, (kind, label) in zip(
        st.columns(3),
        (
            (SummaryKind.OFFICIAL, "Download summary per official"),
            (SummaryKind.WEEK, "Download summary per week"),
            (SummaryKind.FOLLOWUPS, "Download follow-ups per week"),
        ),
        strict=True,
    ):
        column.download_button(
            label,
            data=downloads.summary_csv(kind, filters, actor_id=user.id, today=today),
            file_name=file_name(f"summary-by-{kind.value}", filters, labels),
            mime="text/csv",
            on_click="ignore",
        )

    st.subheader("Officials")
    scope = officials_scope(filters, labels)
    st.text(
        f"One row per contact point of {scope.description} (one row with kind and value "
        "empty for an official who has none), phones and faxes in E.164."
    )
    st.download_button(
        "Download officials CSV",
        data=downloads.officials_csv(excel=False, actor_id=user.id, campaign_id=scope.campaign_id),
        file_name=scope.file_name,
        mime="text/csv",
        on_click="ignore",
    )

if import_tabs:
    with import_tabs[0]:
        reports_import.draw(user.id)
