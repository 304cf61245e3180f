"""The Insights page's follow-through block: responses and the promises in them, coverage,
officials gone quiet, the funnel and time to first response per channel.

Each is a registered figure (``models.insights.FOLLOW_THROUGH``) in a tab of its own,
drawn as a plain table with its counts and its definition under it; cells typed by
people (summaries, names) stay plain text in the table. The funnel and the
time-to-first-response curve get a chart above their table
(pages/ui/follow_through_charts.py) with the same audited downloads as the figures'.

The block sits below the fold in a closed expander whose content runs only when it is
open: every tab draws a table, and a browser loads the table's code on its first table,
which cost a new tab about 0.4 s before the charts above could show. Once it is open,
like the figures' tabs (pages/ui/insights_figures.py), only the open tab is counted and
drawn, inside a fragment: opening it or switching its tab reruns the block alone.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from models import insights
from models.filters import Filters
from pages.ui import cache, render, state
from pages.ui import insights_downloads as downloads
from pages.ui.follow_through_charts import CHARTS, has_chart
from pages.ui.insights_view import chart

TITLES = {
    "responses": "Responses",
    "coverage": "Coverage this week",
    "quiet_officials": "Not contacted for 14 days",
    "funnel": "Funnel: attempt to kept commitment",
    "time_to_first_response_curve": "Time to first response per channel",
}
# The closed expander's label: what opening it shows.
EXPANDER = "Responses, coverage, officials gone quiet, the funnel, time to first response"
TABS = {
    "responses": "Responses",
    "coverage": "Coverage",
    "quiet_officials": "Gone quiet",
    "funnel": "Funnel",
    "time_to_first_response_curve": "Time to first response",
}


def tab_labels() -> list[str]:
    return [TABS[figure.key] for figure in insights.FOLLOW_THROUGH]


def draw(filters: Filters, *, today: date, exporter: int | None = None) -> None:
    st.header("Follow-through")
    _tabbed(filters, today, exporter)


@st.fragment
def _tabbed(filters: Filters, today: date, exporter: int | None) -> None:
    block = st.expander(EXPANDER, key=state.FOLLOW_THROUGH_OPEN, on_change="rerun")
    if not block.open:
        return
    with block:
        tabs = st.tabs(tab_labels(), key=state.FOLLOW_THROUGH_TAB, on_change="rerun")
        for tab, figure in zip(tabs, insights.FOLLOW_THROUGH, strict=True):
            if tab.open:
                with tab:
                    _figure(figure, filters, today, exporter)


def _figure(figure: insights.Figure, filters: Filters, today: date, exporter: int | None) -> None:
    frame = cache.figure(figure, filters, today=today)
    st.subheader(f"{TITLES[figure.key]} ({len(frame)})")
    if frame.empty:
        st.caption("Nothing matches the filters.")
    else:
        if has_chart(figure.key, frame):
            chart(CHARTS[figure.key], frame)
            if exporter is not None:
                downloads.actions(figure.key, CHARTS[figure.key], frame, filters, exporter)
        render.table(frame)
    for key in figure.definitions:
        st.caption(insights.DEFINITIONS[key])
