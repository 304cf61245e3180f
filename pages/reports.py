"""Reports: CSV exports of the attempts that match the sidebar's filters."""

from __future__ import annotations

import streamlit as st

from models.exports import ATTEMPT_COLUMNS
from pages.ui import cache
from pages.ui.filters import current_filters
from pages.ui.guard import guard

user = guard("reports")
st.title("Reports")
filters = current_filters()
matching = cache.summary(filters).attempts

st.subheader("Attempts")
st.markdown(f"**{matching:,}** attempts match the filters in the sidebar; one row per attempt.")
plain, excel = st.columns(2)
plain.download_button(
    "Download attempts CSV",
    data=cache.attempts_csv(filters, excel=False, actor_id=user.id),
    file_name="attempts.csv",
    mime="text/csv",
    on_click="ignore",
    disabled=matching == 0,
)
excel.download_button(
    "Download attempts CSV for Excel",
    data=cache.attempts_csv(filters, excel=True, actor_id=user.id),
    file_name="attempts-excel.csv",
    mime="text/csv",
    on_click="ignore",
    disabled=matching == 0,
    help="UTF-8 with a byte-order mark, which Excel needs to show non-Latin text.",
)
st.caption(
    "Timestamps are ISO 8601 in UTC. Cells that a spreadsheet would run as a formula are "
    "prefixed with an apostrophe. Columns, in order:"
)
st.code(", ".join(ATTEMPT_COLUMNS), language=None, wrap_lines=True)
st.info(
    "The file is built in the server's memory when you press a button. For very large "
    "exports use the command line, which streams to a file: `python cli.py export attempts`."
)
