"""The Insights page's figures, in the order it draws them: each figure of
``models.insights`` with its heading, its Altair chart and the section that lays it out.

One entry per figure of ``models.insights.FIGURES``, in the same order (a test holds
them together); the page, the benchmark and the tests iterate :data:`FIGURES`.

Layout (:func:`draw_figures`): the figures marked ``up_front`` are drawn under the
tiles; every other figure gets a tab of its own (its ``tab`` label, else its title), and
only the open tab's figure is counted and drawn, inside a fragment, so a switch of tab
reruns that block alone and the tiles and first chart never wait for the heavy figures.
A new figure needs nothing more than its entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from models import insights
from models.filters import Filters
from pages.ui import cache, charts, state
from pages.ui import insights_downloads as downloads
from pages.ui import insights_view as view

Section = Callable[[view.Shown, pd.DataFrame, Filters], None]


@dataclass(frozen=True)
class PageFigure:
    figure: insights.Figure
    title: str
    chart: charts.Chart
    section: Section = view.section
    up_front: bool = False  # drawn under the tiles, not in a tab
    tab: str = ""  # its tab's label; "" for its title

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def tab_label(self) -> str:
        return self.tab or self.title

    @property
    def definitions(self) -> tuple[str, ...]:
        return self.figure.definitions

    def draw(self, frame: pd.DataFrame, filters: Filters, *, exporter: int | None = None) -> None:
        """Its section; with ``exporter`` (a user id that may export), its downloads."""
        self.section(self, frame, filters)
        if exporter is not None:
            downloads.actions(self.key, self.chart, frame, filters, exporter)


FIGURES: tuple[PageFigure, ...] = (
    PageFigure(
        insights.ATTEMPTS_BY_WEEK_CHANNEL,
        "Attempts per week by channel",
        charts.ATTEMPTS_BY_WEEK_CHANNEL,
        up_front=True,
    ),
    PageFigure(
        insights.RESPONSE_RATE_BY_WEEK,
        "Response rate per week",
        charts.RESPONSE_RATE_BY_WEEK,
        tab="Response rate",
    ),
    PageFigure(
        insights.FOLLOW_UPS_BY_WEEK,
        "Follow-ups per week",
        charts.FOLLOW_UPS_BY_WEEK,
        view.follow_ups,
        tab="Follow-ups",
    ),
    PageFigure(insights.PER_OFFICIAL, "Per official", charts.PER_OFFICIAL, view.officials),
    PageFigure(
        insights.OUTCOME_MIX, "Outcome mix by channel", charts.OUTCOME_MIX, tab="Outcome mix"
    ),
    PageFigure(insights.BEST_TIME_TO_CALL, "Best time to call", charts.BEST_TIME_TO_CALL),
)


def tab_labels() -> list[str]:
    return [shown.tab_label for shown in FIGURES if not shown.up_front]


def draw_figures(filters: Filters, *, today: date, exporter: int | None) -> None:
    """The up-front figures, then the tabs of the others (only the open one drawn)."""
    for shown in FIGURES:
        if shown.up_front:
            shown.draw(cache.figure(shown.figure, filters, today=today), filters, exporter=exporter)
    _tabbed(filters, today, exporter)


@st.fragment
def _tabbed(filters: Filters, today: date, exporter: int | None) -> None:
    tabbed = [shown for shown in FIGURES if not shown.up_front]
    tabs = st.tabs(tab_labels(), key=state.INSIGHTS_TAB, on_change="rerun")
    for tab, shown in zip(tabs, tabbed, strict=True):
        if tab.open:
            with tab:
                frame = cache.figure(shown.figure, filters, today=today)
                shown.draw(frame, filters, exporter=exporter)
