"""Charts for two follow-through figures, drawn above their tables: the funnel (attempts
→ reached → responded → commitment kept) and time to first response per channel (the
Kaplan–Meier share answered within N days, a step line per channel).

Same shape as ``pages/ui/charts.py``: an Altair template turned into a spec once per
process, plus what depends on the frame (its description, the chart's alt text, and n).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from models.insights.survival import starts_per_channel
from pages.ui import chart_style as style
from pages.ui.charts import Chart, Props

BLOCK = "follow-through"  # in each spec's usermeta: which part of the page drew it


def _funnel_template() -> alt.LayerChart:
    built: alt.Chart = (
        alt.Chart()
        .transform_calculate(
            label="format(datum.attempts, ',d') + (isValid(datum.share) ? "
            "' (' + format(datum.share, '.0%') + ')' : '')"
        )
        .mark_bar()
        .encode(
            y=alt.Y("stage:N", title=None, sort=None),
            x=alt.X("attempts:Q", axis=style.count_axis("Attempts")),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("attempts:Q", title="Attempts", format=",d"),
                alt.Tooltip("share:Q", title="Share of all attempts", format=".1%"),
            ],
        )
    )
    labels = built.mark_text(align="left", dx=4).encode(text="label:N")
    return style.whole_labels(alt.LayerChart(layer=[built, labels]))


def _funnel_props(frame: pd.DataFrame) -> Props:
    total = int(frame["attempts"].iloc[0]) if not frame.empty else 0
    steps = ", ".join(
        f"{s} {int(n):,}" for s, n in zip(frame["stage"], frame["attempts"], strict=True)
    )
    return {
        "usermeta": {"block": BLOCK},
        "description": f"Bar chart of the funnel: {steps}.",
        "height": 36 * len(frame),
        "title": style.n_title(total, "each bar's share is of all attempts"),
    }


def _survival_template() -> alt.Chart:
    built: alt.Chart = (
        alt.Chart()
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("days:Q", axis=style.count_axis("Days after the first attempt")),
            y=alt.Y(
                "answered_share:Q",
                title="Share of officials answered",
                axis=alt.Axis(format="%"),
                scale=style.rate_scale(),
            ),
            color=alt.Color(
                "channel:N", title="Channel", scale=style.keyed_scale(style.CHANNEL_COLOURS)
            ),
            tooltip=[
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("days:Q", title="Within days"),
                alt.Tooltip("answered_share:Q", title="Answered", format=".1%"),
                alt.Tooltip("at_risk:Q", title="Still waiting (at risk)"),
                alt.Tooltip("answered:Q", title="Answered that day"),
                alt.Tooltip("censored:Q", title="Not answered yet, seen to that day"),
            ],
        )
    )
    return style.whole_labels(built)


def _survival_props(frame: pd.DataFrame) -> Props:
    starts = starts_per_channel(frame)
    n = sum(starts.values())
    each = ", ".join(f"{c} n = {k:,}" for c, k in starts.items())
    return {
        "usermeta": {"block": BLOCK},
        "description": f"Step lines of the share of officials answered within N days, "
        f"per channel ({each}); officials not answered yet count until today.",
        "height": 240,
        "title": {
            "text": f"n = {n:,} officials per channel first contacted; {each}",
            "anchor": "start",
            "fontSize": 12,
        },
    }


CHARTS: dict[str, Chart] = {
    "funnel": Chart(_funnel_template, _funnel_props),
    "time_to_first_response_curve": Chart(_survival_template, _survival_props),
}


def has_chart(key: str, frame: pd.DataFrame) -> bool:
    """Whether the figure ``key`` gets a chart: not for a funnel of no attempts."""
    if key not in CHARTS or frame.empty:
        return False
    return key != "funnel" or int(frame["attempts"].iloc[0]) > 0
