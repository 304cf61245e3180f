"""The browser benchmark's floor: Streamlit drawing the kinds of element Insights draws,
with no database, no sign-in and no work of ours (``streamlit run bench/bare_page.py``).

Two pages like the app's: "Follow-ups" (a title, a tile and a caption, as the landing
page has) and "Insights": a sidebar with a date range, the script element a typed date
needs and four multiselects ("Channels" offers "phone"), then a title, six tiles with help
and deltas, captions, an expander, a subheader, a stacked bar chart, tabs and a line chart
in the open tab, a header and a closed expander. The data is a few rows; the charts are
plain Vega-Lite. What a new tab spends here is what Streamlit's frontend spends on these
kinds of element before any of our figures: the page's figures are printed against it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

CHANNELS = ["phone", "fax", "email", "letter"]
WEEKS = [date(2026, 9, 7) + timedelta(weeks=n) for n in range(12)]
BARS = pd.DataFrame(
    [(week, channel, 10 + 3 * n + i) for n, week in enumerate(WEEKS) for i, channel in
     enumerate(CHANNELS)],
    columns=["week", "channel", "attempts"],
)  # fmt: skip
LINE = pd.DataFrame({"week": WEEKS, "rate": [0.1 + 0.01 * n for n in range(len(WEEKS))]})
BAR_SPEC = {
    "mark": "bar",
    "encoding": {
        "x": {"field": "week", "type": "temporal", "timeUnit": "yearmonthdate"},
        "y": {"field": "attempts", "type": "quantitative", "stack": True},
        "color": {"field": "channel", "type": "nominal"},
    },
}
LINE_SPEC = {
    "mark": {"type": "line", "point": True},
    "encoding": {
        "x": {"field": "week", "type": "temporal", "timeUnit": "yearmonthdate"},
        "y": {"field": "rate", "type": "quantitative", "axis": {"format": "%"}},
    },
}
TILES = ("Attempts", "Contact rate", "Response rate", "Median time", "Open", "Overdue")


st.set_page_config(page_title="Bare page", layout="wide")


def landing() -> None:
    st.title("Follow-ups")
    st.metric("Callable now", "3 of 4")
    st.caption("A landing page with a tile, as the app's has.")


def insights() -> None:
    with st.sidebar:
        st.header("Filters")
        st.date_input("Date range", (WEEKS[0], WEEKS[-1]), format="YYYY-MM-DD")
        st.html("<script>window.__bare = true;</script>", unsafe_allow_javascript=True)
        for label in ("Campaigns", "Officials", "Channels", "Coordinators"):
            st.multiselect(label, CHANNELS if label == "Channels" else ["one", "two"])
    st.title("Insights")
    for row in (TILES[:4], TILES[4:]):
        for column, label in zip(st.columns(4), row, strict=False):
            with column:
                st.metric(label, "151,906", delta=24, help="What the tile counts.")
                st.caption("previous period: 127,607")
    st.caption("This period and the one it is compared with.")
    with st.expander("How these are counted"):
        for label in TILES:
            st.caption(f"{label}: how it is counted.")
    st.subheader("Attempts per week by channel")
    st.vega_lite_chart(BARS, BAR_SPEC, width="stretch")
    st.caption("What the chart counts.")
    tabs = st.tabs(["Response rate", "Follow-ups", "Per official"], on_change="rerun")
    if tabs[0].open:
        with tabs[0]:
            st.subheader("Response rate per week")
            st.vega_lite_chart(LINE, LINE_SPEC, width="stretch")
            st.caption("What the chart counts.")
    st.header("Follow-through")
    st.expander("Responses and the rest", on_change="rerun")


st.navigation(
    [st.Page(landing, title="Follow-ups", default=True), st.Page(insights, title="Insights")]
).run()
