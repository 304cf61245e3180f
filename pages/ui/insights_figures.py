"""The Insights page's figures, in the order it draws them: each figure of
``models.insights`` with its heading, its Altair chart and the section that lays it out.

One entry per figure of ``models.insights.FIGURES``, in the same order (a test holds
them together); the page, the benchmark and the tests iterate :data:`FIGURES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from models import insights
from models.filters import Filters
from pages.ui import charts
from pages.ui import insights_view as view

Section = Callable[[view.Shown, pd.DataFrame, Filters], None]


@dataclass(frozen=True)
class PageFigure:
    figure: insights.Figure
    title: str
    chart: charts.Chart
    section: Section = view.section

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def definitions(self) -> tuple[str, ...]:
        return self.figure.definitions

    def draw(self, frame: pd.DataFrame, filters: Filters) -> None:
        self.section(self, frame, filters)


FIGURES: tuple[PageFigure, ...] = (
    PageFigure(
        insights.ATTEMPTS_BY_WEEK_CHANNEL,
        "Attempts per week by channel",
        charts.ATTEMPTS_BY_WEEK_CHANNEL,
    ),
    PageFigure(
        insights.RESPONSE_RATE_BY_WEEK, "Response rate per week", charts.RESPONSE_RATE_BY_WEEK
    ),
    PageFigure(
        insights.FOLLOW_UPS_BY_WEEK,
        "Follow-ups per week",
        charts.FOLLOW_UPS_BY_WEEK,
        view.follow_ups,
    ),
    PageFigure(insights.PER_OFFICIAL, "Per official", charts.PER_OFFICIAL, view.officials),
    PageFigure(insights.OUTCOME_MIX, "Outcome mix by channel", charts.OUTCOME_MIX),
    PageFigure(insights.BEST_TIME_TO_CALL, "Best time to call", charts.BEST_TIME_TO_CALL),
)
