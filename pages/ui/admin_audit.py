"""Admin → Audit log: who did what to which record, newest first, a page at a time, and
its CSV download (audited, like every export)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import streamlit as st

from models.audit_labels import action_label, entity_word
from models.audit_queries import AUDIT_PAGE, AuditFilter
from models.exports.audit_log import audit_file_name
from pages.ui import admin_io, downloads, render, state


def audit_section(actor_id: int) -> None:
    """The filters, one page of events, and the download of every event they select."""
    today = datetime.now(UTC).date()
    where = audit_filter(today)
    total = admin_io.audit_count(where)
    pages = max(1, -(-total // AUDIT_PAGE))
    page = 1
    if pages > 1:  # keyed by the filter: a new filter starts again at page 1
        key = f"{state.AUDIT_PAGE}:{where!r}"
        page = int(st.number_input("Page", min_value=1, max_value=pages, value=1, key=key))
    log = admin_io.audit_log(where, page=page)
    first = (page - 1) * AUDIT_PAGE
    shown = f"{first + 1:,}–{first + len(log):,}" if len(log) else "none"
    st.caption(f"Events {shown} of {total:,}, newest first; {AUDIT_PAGE} a page.")
    render.table(log)
    st.download_button(
        "Download audit log CSV",
        data=downloads.audit_csv(where, actor_id=actor_id),
        file_name=audit_file_name(where, today),
        mime="text/csv",
        on_click="ignore",
        disabled=total == 0,
        help="Every event the filters select (all pages). The download is audited too.",
    )


def audit_filter(today: date) -> AuditFilter:
    """The tab's filters: how many days back, which actions, which kinds of record."""
    kinds, entities = admin_io.audit_vocabulary()
    left, middle, right = st.columns(3)
    days = left.number_input("Days back", min_value=1, max_value=3650, value=30)
    picked_kinds = middle.multiselect("Actions", kinds, format_func=lambda k: action_label(*k))
    picked_entities = right.multiselect("Records", entities, format_func=entity_word)
    return AuditFilter(
        date_from=today - timedelta(days=int(days)),
        kinds=tuple(picked_kinds),
        entities=tuple(picked_entities),
    )
