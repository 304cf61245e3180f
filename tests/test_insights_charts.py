"""The Insights charts do not mislead: read from each chart's Vega-Lite spec.

Distinct fixed colours per outcome, rates on scales fitted to their data with zero shown,
whole-number count axes, legible heat-map labels, labels never cut, and the n of every
rate drawn on the chart (not only in the tooltip). The sample frames are small and the
expected n are counted by hand.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from models.vocab import Channel, Outcome
from pages.ui import chart_style, charts
from tests.test_insights_page import SAMPLE_FRAMES

Spec = dict[str, Any]


def spec_of(chart: charts.Chart, frame: pd.DataFrame) -> Spec:
    """The full, schema-validated spec, as Altair writes it."""
    built: Spec = charts.chart(chart, frame).to_dict()
    return built


def layers(spec: Spec) -> list[Spec]:
    return list(spec.get("layer", [spec]))


def mark_type(layer: Spec) -> str:
    mark = layer["mark"]
    return str(mark["type"] if isinstance(mark, dict) else mark)


OUTCOMES = pd.DataFrame(
    [
        ("phone", "asked to call back", "reached", 2, 0.5),
        ("phone", "wrong or dead number", "no contact", 2, 0.5),
        ("fax", "sent", "delivered", 1, 1.0),
    ],
    columns=["channel", "outcome", "outcome_class", "attempts", "share"],
)


def test_every_outcome_has_its_own_fixed_colour() -> None:
    """11 outcomes, 11 different hex colours, keyed by outcome (not by order of appearance)."""
    colour = spec_of(charts.OUTCOME_MIX, OUTCOMES)["encoding"]["color"]["scale"]

    assert colour["domain"] == [str(o) for o in Outcome]
    assert len(set(colour["range"])) == len(Outcome)
    by_outcome = dict(zip(colour["domain"], colour["range"], strict=True))
    assert by_outcome["asked to call back"] != by_outcome["wrong or dead number"]
    assert all(c.startswith("#") and len(c) == 7 for c in colour["range"])


def test_channels_have_fixed_distinct_colours() -> None:
    """The attempts chart colours channels by a fixed palette, one colour per channel."""
    scale = spec_of(charts.ATTEMPTS_BY_WEEK_CHANNEL, SAMPLE_FRAMES["attempts_by_week_channel"])
    colour = scale["encoding"]["color"]["scale"]

    assert colour["domain"] == [str(c) for c in Channel]
    assert len(set(colour["range"])) == len(Channel)


def test_rate_scales_fit_the_data_and_show_zero() -> None:
    """Response rate per week and per official: no fixed 0–100% domain, zero included."""
    weekly = layers(spec_of(charts.RESPONSE_RATE_BY_WEEK, SAMPLE_FRAMES["response_rate_by_week"]))
    official = layers(spec_of(charts.PER_OFFICIAL, SAMPLE_FRAMES["per_official"]))

    assert weekly[0]["encoding"]["y"]["scale"] == {"nice": True, "zero": True}
    assert official[0]["encoding"]["x"]["scale"] == {"nice": True, "zero": True}


def test_count_axes_have_whole_number_ticks() -> None:
    """Attempts and follow-ups per week: tickMinStep 1 and integer labels."""
    attempts = spec_of(charts.ATTEMPTS_BY_WEEK_CHANNEL, SAMPLE_FRAMES["attempts_by_week_channel"])
    follow_ups = spec_of(charts.FOLLOW_UPS_BY_WEEK, SAMPLE_FRAMES["follow_ups_by_week"])

    for spec in (attempts, follow_ups):
        axis = spec["encoding"]["y"]["axis"]
        assert (axis["tickMinStep"], axis["format"]) == (1, "d")


def test_the_n_of_every_rate_is_drawn_on_the_chart() -> None:
    """A text mark of each rate's n, and the total n in the title (3 attempts in each sample)."""
    weekly = spec_of(charts.RESPONSE_RATE_BY_WEEK, SAMPLE_FRAMES["response_rate_by_week"])
    official = spec_of(charts.PER_OFFICIAL, SAMPLE_FRAMES["per_official"])
    hours = spec_of(charts.BEST_TIME_TO_CALL, SAMPLE_FRAMES["best_time_to_call"])

    texts = [
        [layer["encoding"]["text"]["field"] for layer in layers(spec) if mark_type(layer) == "text"]
        for spec in (weekly, official, hours)
    ]
    assert texts == [["attempts"], ["n_text"], ["attempts"]]
    for spec in (weekly, official, hours):
        assert spec["title"]["text"].startswith("n = 3 attempts; ")
    mix = spec_of(charts.OUTCOME_MIX, OUTCOMES)
    assert mix["encoding"]["y"]["field"] == "channel_label"  # "phone (n = 4)"
    assert mix["title"]["text"].startswith("n = 5 attempts; ")


def test_heat_map_labels_are_legible() -> None:
    """Counts at 11 px, white on dark cells and near-black on light ones."""
    hours = layers(spec_of(charts.BEST_TIME_TO_CALL, SAMPLE_FRAMES["best_time_to_call"]))
    text = next(layer for layer in hours if mark_type(layer) == "text")

    assert text["mark"]["fontSize"] == 11
    colour = text["encoding"]["color"]
    assert (colour["condition"]["value"], colour["value"]) == ("#ffffff", "#111111")


def test_labels_and_legends_are_not_cut() -> None:
    """Every chart lifts Vega's 180 px label limit on axes and legends."""
    for key, chart in (
        ("per_official", charts.PER_OFFICIAL),
        ("outcome_mix", charts.OUTCOME_MIX),
        ("best_time_to_call", charts.BEST_TIME_TO_CALL),
    ):
        frame = OUTCOMES if key == "outcome_mix" else SAMPLE_FRAMES[key]
        config = spec_of(chart, frame)["config"]
        assert (config["axis"]["labelLimit"], config["legend"]["labelLimit"]) == (0, 0), key


def test_palettes_do_not_follow_the_theme() -> None:
    """The colours are fixed values in the spec, so light and dark theme draw the same."""
    assert chart_style.keyed_scale(chart_style.OUTCOME_COLOURS).to_dict()["range"] == list(
        chart_style.OUTCOME_COLOURS.values()
    )
