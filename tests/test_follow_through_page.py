"""The Insights page's follow-through block (AppTest): each figure's heading with its
count, its table and its definition."""

from __future__ import annotations

import pytest

from models import insights
from pages.ui.follow_through_view import TITLES
from tests.apptest_helpers import texts
from tests.test_insights_page import ids, insights_at, last_week

__all__ = ["ids"]  # the fixture, shared with the Insights page tests

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.mark.usefixtures("ids")
def test_the_follow_through_block_shows_every_figure_with_counts_and_definitions() -> None:
    """Last week: one response (Alex's call yesterday), the funnel's four stages, and a
    definition under each figure."""
    at = insights_at(last_week())

    assert [e.value for e in at.exception] == []
    headings = [h.value for h in at.subheader]
    assert "Responses (1)" in headings
    assert "Funnel: attempt to kept commitment (4)" in headings
    assert all(any(h.startswith(title) for h in headings) for title in TITLES.values())
    shown = set(texts(at.caption))
    for figure in insights.FOLLOW_THROUGH:
        assert figure.definition in shown
