"""Insights: headline tiles and the charts campaign leads decide from, for the sidebar's filters."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from models.permissions import Permission, allowed
from pages.ui import cache, follow_through_view
from pages.ui import insights_view as view
from pages.ui.filters import current_filters
from pages.ui.guard import guard
from pages.ui.insights_figures import draw_figures

user = guard("insights")
st.title("Insights")
filters = current_filters()
now = datetime.now(UTC)

view.tiles(cache.headline(filters, now=now), filters)
exporter = user.id if allowed(user.role, Permission.EXPORT) else None
draw_figures(filters, today=now.date(), exporter=exporter)

# Follow-through: a block of its own after the figures, with tabs of its own.
follow_through_view.draw(filters, today=now.date(), exporter=exporter)
