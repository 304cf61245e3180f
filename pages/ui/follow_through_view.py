"""The Insights page's follow-through block: responses and the promises in them, coverage,
officials gone quiet, the funnel and time to first response per channel.

Each is a registered figure (``models.insights.FOLLOW_THROUGH``) drawn as a plain table
with its counts and its definition under it; cells typed by people (summaries, names)
stay plain text in the table. The funnel and the time-to-first-response curve get a
chart above their table (pages/ui/follow_through_charts.py).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from models import insights
from models.filters import Filters
from pages.ui import cache, render
from pages.ui.follow_through_charts import CHARTS, has_chart
from pages.ui.insights_view import chart

TITLES = {
    "responses": "Responses",
    "coverage": "Coverage this week",
    "quiet_officials": "Not contacted for 14 days",
    "funnel": "Funnel: attempt to kept commitment",
    "time_to_first_response_curve": "Time to first response per channel",
}


def draw(filters: Filters, *, today: date) -> None:
    st.header("Follow-through")
    for figure in insights.FOLLOW_THROUGH:
        frame = cache.figure(figure, filters, today=today)
        st.subheader(f"{TITLES[figure.key]} ({len(frame)})")
        if frame.empty:
            st.caption("Nothing matches the filters.")
        else:
            if has_chart(figure.key, frame):
                chart(CHARTS[figure.key], frame)
            render.table(frame)
        for key in figure.definitions:
            st.caption(insights.DEFINITIONS[key])
