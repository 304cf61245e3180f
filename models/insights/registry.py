"""The Insights figures, one entry each: its key, its query, its columns and its definitions.

The key names a figure everywhere: its definition in :data:`DEFINITIONS`, its chart in
``pages/ui/insights_figures.py``, the UI cache, the benchmark and the tests. The page draws
the figures in the order of :data:`FIGURES`. The headline tiles are not a figure here:
they are no frame and have no chart (:func:`models.insights.figures.headline`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import pandas as pd
from sqlalchemy.orm import Session

from models.filters import Filters
from models.insights import figures, follow_through, survival
from models.insights.definitions import DEFINITIONS


class FrameQuery(Protocol):
    """Counts one figure for ``filters``, as of ``today`` (UTC), into a small frame."""

    def __call__(self, session: Session, filters: Filters, today: date, /) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Figure:
    key: str
    query: FrameQuery
    columns: tuple[str, ...]  # of its frame, in order, even when it is empty
    notes: tuple[str, ...] = ()  # keys of the further definitions shown with it

    @property
    def definitions(self) -> tuple[str, ...]:
        """Its own definition's key (its key), then its notes'."""
        return (self.key, *self.notes)

    @property
    def definition(self) -> str:
        return DEFINITIONS[self.key]


def _any_day(query: Callable[[Session, Filters], pd.DataFrame]) -> FrameQuery:
    """``query``, for a figure that is the same whatever day it is."""

    def on(session: Session, filters: Filters, _today: date, /) -> pd.DataFrame:
        return query(session, filters)

    return on


def _follow_ups(session: Session, filters: Filters, today: date, /) -> pd.DataFrame:
    return figures.follow_ups_by_week(session, filters, today=today)


ATTEMPTS_BY_WEEK_CHANNEL = Figure(
    "attempts_by_week_channel",
    _any_day(figures.attempts_by_week_channel),
    tuple(figures.WEEK_CHANNEL_COLUMNS),
    notes=("weeks",),
)
RESPONSE_RATE_BY_WEEK = Figure(
    "response_rate_by_week",
    _any_day(figures.response_rate_by_week),
    tuple(figures.RESPONSE_WEEK_COLUMNS),
)
FOLLOW_UPS_BY_WEEK = Figure(
    "follow_ups_by_week", _follow_ups, tuple(figures.FOLLOW_UP_WEEK_COLUMNS)
)
PER_OFFICIAL = Figure(
    "per_official",
    _any_day(figures.per_official),
    tuple(figures.OFFICIAL_COLUMNS),
    notes=("last_contact", "time_to_first_response"),
)
OUTCOME_MIX = Figure(
    "outcome_mix", _any_day(figures.outcome_mix), tuple(figures.OUTCOME_MIX_COLUMNS)
)
BEST_TIME_TO_CALL = Figure(
    "best_time_to_call", _any_day(figures.best_time_to_call), tuple(figures.HOUR_COLUMNS)
)

FIGURES: tuple[Figure, ...] = (
    ATTEMPTS_BY_WEEK_CHANNEL,
    RESPONSE_RATE_BY_WEEK,
    FOLLOW_UPS_BY_WEEK,
    PER_OFFICIAL,
    OUTCOME_MIX,
    BEST_TIME_TO_CALL,
)

# Follow-through (issue 11): drawn by the Insights page in their own block, as tables
# with counts; they read the raw tables, whatever day it is (``today`` dates "this week",
# "14 days" and "pending").
RESPONSES = Figure("responses", follow_through.responses, tuple(follow_through.RESPONSE_COLUMNS))
COVERAGE = Figure("coverage", follow_through.coverage, tuple(follow_through.COVERAGE_COLUMNS))
QUIET_OFFICIALS = Figure(
    "quiet_officials", follow_through.quiet_officials, tuple(follow_through.QUIET_COLUMNS)
)
FUNNEL = Figure(
    "funnel", follow_through.funnel, tuple(follow_through.FUNNEL_COLUMNS), notes=("kept",)
)
TIME_TO_FIRST_RESPONSE_CURVE = Figure(
    "time_to_first_response_curve",
    survival.time_to_first_response,
    tuple(survival.SURVIVAL_COLUMNS),
)

FOLLOW_THROUGH: tuple[Figure, ...] = (
    RESPONSES,
    COVERAGE,
    QUIET_OFFICIALS,
    FUNNEL,
    TIME_TO_FIRST_RESPONSE_CURVE,
)
