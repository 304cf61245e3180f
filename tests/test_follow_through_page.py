"""The Insights page's follow-through block (AppTest): each figure in a tab of its own
with its heading and count, its table and its definition; only the open tab is drawn."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from models import insights
from pages.ui import state
from pages.ui.follow_through_view import EXPANDER, TITLES, tab_labels
from tests.apptest_helpers import texts
from tests.test_insights_page import ids, insights_at, last_week

__all__ = ["ids"]  # the fixture, shared with the Insights page tests

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _titles(at: AppTest) -> list[str]:
    """The follow-through headings drawn in this run (the figures' tabs have their own)."""
    return [h.value for h in at.subheader if h.value.startswith(tuple(TITLES.values()))]


def opened(at: AppTest) -> AppTest:
    """``at`` rerun with the follow-through block expanded, as a click on it does."""
    at.session_state[state.FOLLOW_THROUGH_OPEN] = True
    return at.run()


@pytest.mark.usefixtures("ids")
def test_the_follow_through_block_is_closed_and_counts_nothing_until_opened() -> None:
    """Insights opens with the block's heading and its closed expander; none of its
    figures is counted or drawn (no table at all on the page) until it is opened."""
    at = insights_at(last_week())

    assert [e.value for e in at.exception] == []
    assert "Follow-through" in [h.value for h in at.header]
    assert [x.label for x in at.expander][-1] == EXPANDER
    assert _titles(at) == []
    assert len(at.dataframe) == 0
    assert _titles(opened(at)) == ["Responses (1)"]
    assert len(at.dataframe) == 1


@pytest.mark.usefixtures("ids")
def test_the_follow_through_block_shows_every_figure_with_counts_and_definitions() -> None:
    """Last week: one response (Alex's call yesterday), the funnel's four stages, and a
    definition under each figure, each in its tab; the block opens on Responses alone."""
    at = opened(insights_at(last_week()))

    assert [e.value for e in at.exception] == []
    assert _titles(at) == ["Responses (1)"]
    headings, shown = [], set()
    for label in tab_labels():
        at.session_state[state.FOLLOW_THROUGH_TAB] = label
        at.run()
        assert [e.value for e in at.exception] == []
        drawn = _titles(at)
        assert len(drawn) == 1, (label, drawn)  # the open tab's figure, no other
        headings += drawn
        shown |= set(texts(at.caption))
    assert "Funnel: attempt to kept commitment (4)" in headings
    assert [h.split(" (")[0] for h in headings] == list(TITLES.values())
    for figure in insights.FOLLOW_THROUGH:
        assert figure.definition in shown


@pytest.mark.usefixtures("ids")
def test_every_follow_through_table_has_readable_headers() -> None:
    """No column of a follow-through table shows its field name (``responded_at``): each
    has a label of its own, and times read to the minute."""
    at = opened(insights_at(last_week()))
    labels: dict[str, str] = {}
    for label in tab_labels():
        at.session_state[state.FOLLOW_THROUGH_TAB] = label
        at.run()
        (table,) = at.dataframe
        config = json.loads(table.proto.columns)
        config.pop("_index")  # hidden
        assert set(table.value.columns) <= set(config), label
        labels |= {name: column["label"] for name, column in config.items()}
    assert labels["responded_at"] == "Responded (UTC)"
    assert labels["commitment_on"] == "Commitment by"
    assert labels["at_risk"] == "Still waiting"
    assert all("_" not in text for text in labels.values()), labels
