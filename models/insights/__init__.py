"""Insights: the weekly rollups, how every write keeps them right, and the figures read from them.

The public surface, for pages, ``cli.py``, the benchmark and the tests:

* the registry of the figures the Insights page draws (:data:`FIGURES`, one
  :class:`Figure` each: key, query, columns, definitions), from
  :mod:`models.insights.registry`;
* the figures over the shared filters (``headline``, ``attempts_by_week_channel``, ...)
  and the columns of their frames, from :mod:`models.insights.figures`;
* what each figure means, from :mod:`models.insights.definitions`;
* ``rebuild`` (and its older name ``rebuild_rollups``), which recomputes every rollup
  from the raw tables.

The write side (:mod:`models.insights.upkeep`, one function per domain event) is for the
model layer's own writers; its counting SQL lives in :mod:`models.insights.counting` and
the rows each figure reads in :mod:`models.insights.sources`. The tests hold the figures
equal to :mod:`models.insights.reference`, a few of them counted straight from the raw
attempts.
"""

from models.insights.counting import rebuild_rollups
from models.insights.definitions import DEFINITIONS, PRIOR_STRENGTH, SMALL_SAMPLE
from models.insights.figures import (
    FOLLOW_UP_WEEK_COLUMNS,
    HOUR_COLUMNS,
    OFFICIAL_COLUMNS,
    OUTCOME_MIX_COLUMNS,
    RESPONSE_WEEK_COLUMNS,
    WEEK_CHANNEL_COLUMNS,
    Headline,
    Period,
    Summary,
    attempts_by_week_channel,
    best_time_to_call,
    follow_ups_by_week,
    headline,
    median_band,
    outcome_mix,
    per_official,
    response_rate_by_week,
    summary,
    wilson,
)
from models.insights.registry import (
    ATTEMPTS_BY_WEEK_CHANNEL,
    BEST_TIME_TO_CALL,
    FIGURES,
    FOLLOW_THROUGH,
    FOLLOW_UPS_BY_WEEK,
    OUTCOME_MIX,
    PER_OFFICIAL,
    RESPONSE_RATE_BY_WEEK,
    Figure,
    FrameQuery,
)
from models.insights.upkeep import rebuild

__all__ = [
    "ATTEMPTS_BY_WEEK_CHANNEL", "BEST_TIME_TO_CALL", "DEFINITIONS", "FIGURES", "FOLLOW_THROUGH",
    "FOLLOW_UPS_BY_WEEK", "FOLLOW_UP_WEEK_COLUMNS", "HOUR_COLUMNS", "OFFICIAL_COLUMNS",
    "OUTCOME_MIX", "OUTCOME_MIX_COLUMNS", "PER_OFFICIAL", "PRIOR_STRENGTH",
    "RESPONSE_RATE_BY_WEEK", "RESPONSE_WEEK_COLUMNS", "SMALL_SAMPLE",
    "WEEK_CHANNEL_COLUMNS", "Figure", "FrameQuery", "Headline", "Period", "Summary",
    "attempts_by_week_channel", "best_time_to_call", "follow_ups_by_week", "headline",
    "median_band", "outcome_mix", "per_official", "rebuild", "rebuild_rollups",
    "response_rate_by_week", "summary", "wilson",
]  # fmt: skip
