"""Insights: headline tiles and the charts campaign leads decide from, for the sidebar's filters."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from pages.ui import cache
from pages.ui import insights_view as view
from pages.ui.filters import current_filters
from pages.ui.guard import guard

user = guard("insights")
st.title("Insights")
filters = current_filters()
now = datetime.now(UTC)

view.tiles(cache.headline(filters, now=now))
view.figure(
    "Attempts per week by channel",
    cache.attempts_by_week_channel(filters),
    "attempts_by_week_channel",
    "attempts_by_week",
    "weeks",
)
view.figure(
    "Response rate per week",
    cache.response_rate_by_week(filters),
    "response_rate_by_week",
    "response_rate_by_week",
)
view.follow_ups(
    cache.follow_ups_by_week(filters, today=now.date()), channel_filtered=bool(filters.channels)
)
view.officials(cache.per_official(filters))
view.figure("Outcome mix by channel", cache.outcome_mix(filters), "outcome_mix", "outcome_mix")
view.figure(
    "Best time to call", cache.best_time_to_call(filters), "best_time_to_call", "best_time_to_call"
)
