"""The funnel and time-to-first-response charts: valid Vega-Lite, n drawn on the chart,
counts on whole-number axes, the rate on a fitted scale with zero, channels in their
fixed colours; and both drawn on the Insights page above their tables."""

from __future__ import annotations

import pandas as pd
import pytest

from pages.ui import chart_style, charts, state
from pages.ui.follow_through_charts import BLOCK, CHARTS
from tests.test_follow_through_page import opened
from tests.test_insights_charts import layers, spec_of
from tests.test_insights_page import ids, insights_at, last_week, specs_of

__all__ = ["ids"]

FUNNEL = pd.DataFrame(
    [("attempts", 40, 1.0), ("reached a person", 10, 0.25), ("responded", 4, 0.1),
     ("commitment kept", 1, 0.025)],
    columns=["stage", "attempts", "share"],
)  # fmt: skip
# Phone: 5 officials, 2 answered on day 1 (KM 2/5), 1 seen to day 3 unanswered, 1
# answered on day 4 (of the 2 left: 1 - 3/5 * 1/2 = 0.7). Fax: 2 officials, none answered.
SURVIVAL = pd.DataFrame(
    [("phone", 1, 5, 2, 0, 0.4), ("phone", 3, 3, 0, 1, 0.4), ("phone", 4, 2, 1, 1, 0.7),
     ("fax", 2, 2, 0, 2, 0.0)],
    columns=["channel", "days", "at_risk", "answered", "censored", "answered_share"],
)  # fmt: skip


def test_the_funnel_shows_each_count_and_share_and_its_n() -> None:
    spec = spec_of(CHARTS["funnel"], FUNNEL)
    assert spec["title"]["text"].startswith("n = 40 attempts")
    bars, text = layers(spec)
    assert bars["encoding"]["x"]["axis"]["format"] == "d"
    assert bars["encoding"]["y"]["sort"] is None  # the stages in funnel order
    assert text["encoding"]["text"]["field"] == "label"
    assert "attempts 40, reached a person 10, responded 4, commitment kept 1" in spec["description"]


def test_the_curve_is_a_step_line_per_channel_with_each_channels_n() -> None:
    spec = spec_of(CHARTS["time_to_first_response_curve"], SURVIVAL)
    assert spec["mark"]["interpolate"] == "step-after"
    assert spec["title"]["text"] == (
        "n = 7 officials per channel first contacted; fax n = 2, phone n = 5"
    )
    y = spec["encoding"]["y"]
    assert y["scale"] == {"zero": True, "nice": True}
    assert spec["encoding"]["x"]["axis"]["format"] == "d"
    colour = spec["encoding"]["color"]["scale"]
    assert colour["range"] == list(chart_style.CHANNEL_COLOURS.values())


def test_parts_match_the_full_chart() -> None:
    """The page draws from the cached template; it carries the frame's n too."""
    for key, frame in (("funnel", FUNNEL), ("time_to_first_response_curve", SURVIVAL)):
        drawn = charts.parts(CHARTS[key], frame)
        assert drawn.spec["title"] == spec_of(CHARTS[key], frame)["title"]


@pytest.mark.usefixtures("ids", "fresh_streamlit_caches")
def test_the_page_draws_both_charts_in_their_tabs_with_downloads() -> None:
    """Last week's funnel (4 stages) and curve are drawn when their tabs open, each with
    its n in the title and the audited "Download data" and "Download PNG" under it; the
    block's first tab (Responses) draws no chart."""
    at = opened(insights_at(last_week()))
    assert [e.value for e in at.exception] == []
    assert specs_of(at, block=BLOCK) == []
    specs = []
    for label in ("Funnel", "Time to first response"):
        at.session_state[state.FOLLOW_THROUGH_TAB] = label
        at.run()
        assert [e.value for e in at.exception] == []
        specs += specs_of(at, block=BLOCK)
        labels = [b.proto.label for b in at.get("download_button")]
        assert labels == ["Download data", "Download PNG"] * 3, label  # 2 figures', this one
    funnel = [s for s in specs if s.get("description", "").startswith("Bar chart of the funnel")]
    curve = [s for s in specs if s.get("description", "").startswith("Step lines")]
    assert len(funnel) == len(curve) == 1
    assert funnel[0]["title"]["text"].startswith("n = ")
    assert curve[0]["title"]["text"].startswith("n = ")
