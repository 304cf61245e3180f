"""The Insights page's pieces: headline tiles with their changes, figures, the officials table.

Only presentation: the numbers come from ``models.insights`` through ``pages.ui.cache``;
which section draws which figure is in ``pages/ui/insights_figures.py``.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd
import streamlit as st

from models.filters import Filters
from models.insights import DEFINITIONS, Headline, Period
from pages.ui import charts, render

EMPTY = "No attempts match these filters."
NO_CHANNEL = "Follow-ups have no channel: clear the Channels filter to see them."
NO_FOLLOW_UPS = "No follow-ups were due in these weeks."


def definition(key: str) -> None:
    st.caption(DEFINITIONS[key])


def period_text(period: Period) -> str:
    start = "the beginning" if period.start is None else f"{period.start:%Y-%m-%d}"
    return f"{start} – {period.end:%Y-%m-%d}"


def tiles(headline: Headline, filters: Filters | None = None) -> None:
    """Attempt tiles (or the empty message), then follow-up tiles, each with its change."""
    now, before = headline.current, headline.previous
    if now.attempts == 0:
        st.info(EMPTY)
    else:
        _attempt_tiles(now, before)
    if now.open_follow_ups is None:
        st.info(NO_CHANNEL)
    else:
        _follow_up_tiles(now, before)
    compared = "no previous period (the range has no start)"
    if before is not None:
        compared = f"the previous period, {period_text(before)}"
    st.caption(f"This period: {period_text(now)}; changes are against {compared}.")
    if filters is not None and filters.coordinator_ids:
        st.caption(DEFINITIONS["raw_rows"])
    with st.expander("How these are counted", expanded=False):
        for key in (
            "attempts", "contact_rate", "response_rate", "median_time_to_response",
            "open_follow_ups", "overdue_follow_ups", "previous_period", "weeks",
        ):  # fmt: skip
            definition(key)


def _attempt_tiles(now: Period, before: Period | None) -> None:
    attempts, contact, response, median = st.columns(4)
    n = f"n = {now.attempts:,} attempts"
    with attempts:
        change = count_change(now.attempts, None if before is None else before.attempts)
        st.metric("Attempts", f"{now.attempts:,}", delta=change, help=DEFINITIONS["attempts"])
        st.caption(_was(before, f"{before.attempts:,}" if before else ""))
    with contact:
        st.metric(
            "Contact rate",
            render.percent(now.contact_rate),
            delta=_points(now.contact_rate, before.contact_rate if before else None),
            help=f"{DEFINITIONS['contact_rate']} {n}.",
        )
        st.caption(f"{now.contacted:,} of {now.attempts:,} attempts reached a person")
    with response:
        st.metric(
            "Response rate",
            render.percent(now.response_rate),
            delta=_points(now.response_rate, before.response_rate if before else None),
            help=f"{DEFINITIONS['response_rate']} {n}.",
        )
        st.caption(f"{now.responded:,} of {now.attempts:,} attempts got a response")
    with median:
        st.metric(
            "Median time to response",
            short_band(now.median_label) if now.median_label else "–",
            help=DEFINITIONS["median_time_to_response"],
        )
        was = "" if before is None else (before.median_label or "no response")
        band = f"{now.median_label}, " if now.median_label else ""
        responses = "response" if now.responded == 1 else "responses"
        st.caption(f"{band}over {now.responded:,} {responses}; {_was(before, was)}")


def _follow_up_tiles(now: Period, before: Period | None) -> None:
    open_tile, overdue_tile, _ = st.columns([1, 1, 2])
    for column, label, key in (
        (open_tile, "Open follow-ups", "open_follow_ups"),
        (overdue_tile, "Overdue follow-ups", "overdue_follow_ups"),
    ):
        value = getattr(now, key)
        previous = None if before is None else getattr(before, key)
        with column:
            st.metric(
                label,
                f"{value:,}",
                delta=count_change(value, previous),
                delta_color="inverse",
                help=DEFINITIONS[key],
            )
            st.caption(_was(before, "" if previous is None else f"{previous:,}"))


def count_change(now: int, before: int | None) -> str | None:
    """A tile's change in a count, with thousands separators like its value: ``24,299``,
    ``-3``, ``0`` (st.metric reads the direction from the sign)."""
    return None if before is None else f"{now - before:,}"


def _was(before: Period | None, value: str) -> str:
    return "no previous period" if before is None else f"previous period: {value}"


SHORT_UNITS = ((" minutes", " min"), (" minute", " min"), (" hours", " h"), (" days", " d"))


def short_band(label: str) -> str:
    """A band of time short enough for a quarter-width tile ("5–15 minutes" is cut to
    "5–15 minu…" at 1280 px): ``5–15 min``, ``1–2 h``, ``< 1 min``, ``≥ 30 d``. The
    caption under the tile gives the band in full."""
    short = label.removeprefix("under ")
    for unit, abbreviation in SHORT_UNITS:
        short = short.replace(unit, abbreviation)
    if label.startswith("under "):
        return f"< {short}"
    if short.endswith(" or more"):
        return f"≥ {short.removesuffix(' or more')}"
    return short


def _points(now: float | None, before: float | None) -> str | None:
    """A change of rate in percentage points, e.g. ``+3.1 pp``."""
    if now is None or before is None:
        return None
    points = round((now - before) * 100, 1) + 0.0  # + 0.0: never "-0.0"
    return f"{points:+.1f} pp"


class Shown(Protocol):
    """What a section needs of its figure (``pages/ui/insights_figures.py``)."""

    @property
    def title(self) -> str: ...
    @property
    def chart(self) -> charts.Chart: ...
    @property
    def definitions(self) -> tuple[str, ...]: ...


def chart(spec: charts.Chart, frame: pd.DataFrame) -> None:
    """Draw the chart ``spec`` of ``frame``; its ``description`` is the chart's alt text."""
    drawn = charts.parts(spec, frame)
    height = drawn.spec.get("height")
    st.vega_lite_chart(
        drawn.data,
        spec=drawn.spec,
        width="stretch",
        height=height + 90 if isinstance(height, int) else "content",  # + axis and labels
    )


def section(shown: Shown, frame: pd.DataFrame, _filters: Filters) -> None:
    """A figure's heading, its chart (or the empty message) and its definitions."""
    st.subheader(shown.title)
    if frame.empty:
        st.info(EMPTY)
    else:
        chart(shown.chart, frame)
    _definitions(shown)


def follow_ups(shown: Shown, frame: pd.DataFrame, filters: Filters) -> None:
    """Like :func:`section`, saying why when a channel filter hides the follow-ups."""
    st.subheader(shown.title)
    if filters.channels:
        st.info(NO_CHANNEL)
    elif frame.empty:
        st.info(NO_FOLLOW_UPS)
    else:
        chart(shown.chart, frame)
    _definitions(shown)


def _definitions(shown: Shown) -> None:
    for key in shown.definitions:
        definition(key)


OFFICIAL_TABLE = {
    "official": st.column_config.TextColumn("Official"),
    "organization": st.column_config.TextColumn("Organisation"),
    "attempts": st.column_config.NumberColumn("Attempts", format="%d"),
    "contact_rate": st.column_config.NumberColumn("Contact rate", format="percent"),
    "response_rate": st.column_config.NumberColumn("Response rate", format="percent"),
    "ci_low": st.column_config.NumberColumn("95% low", format="percent"),
    "ci_high": st.column_config.NumberColumn("95% high", format="percent"),
    "last_contact": st.column_config.DatetimeColumn(
        "Last contact (UTC)", format="YYYY-MM-DD HH:mm"
    ),
    "time_to_first_response_s": st.column_config.NumberColumn(
        "Time to first response", format="duration"
    ),
}


def officials(shown: Shown, frame: pd.DataFrame, _filters: Filters) -> None:
    """The per-official table (sortable by any column) and its chart."""
    st.subheader(shown.title)
    if frame.empty:
        st.info(EMPTY)
    else:
        st.dataframe(
            frame[list(OFFICIAL_TABLE)],
            hide_index=True,
            width="stretch",
            column_config=OFFICIAL_TABLE,
        )
        chart(shown.chart, frame)
    _definitions(shown)
