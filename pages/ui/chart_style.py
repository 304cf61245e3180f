"""The fixed look of the Insights charts: palettes keyed by category, axes for counts and rates.

Colours are fixed hex values keyed by the category they stand for, never a scheme that
Vega or the Streamlit theme assigns in order of appearance: so "asked to call back" has
the same colour in every chart, every filter, in light and in dark theme, and no two
outcomes share one. Outcomes are grouped by class (greys and browns: no contact;
blues: delivered; greens and teal: reached; red: refused).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

import altair as alt

from models.vocab import Channel, Outcome

OUTCOME_COLOURS: dict[Outcome, str] = {
    Outcome.NO_ANSWER: "#9e9e9e",
    Outcome.BUSY: "#bcbd22",
    Outcome.VOICEMAIL_FULL: "#8c564b",
    Outcome.WRONG_NUMBER: "#e377c2",
    Outcome.FAILED_TO_SEND: "#ff7f0e",
    Outcome.LEFT_VOICEMAIL: "#9ecae1",
    Outcome.SENT: "#1f77b4",
    Outcome.SPOKE_TO_STAFF: "#2ca02c",
    Outcome.SPOKE_TO_OFFICIAL: "#98df8a",
    Outcome.ASKED_TO_CALL_BACK: "#17becf",
    Outcome.REFUSED: "#d62728",
}
CHANNEL_COLOURS: dict[Channel, str] = {
    Channel.PHONE: "#1f77b4",
    Channel.FAX: "#ff7f0e",
    Channel.EMAIL: "#2ca02c",
    Channel.LETTER: "#9467bd",
    Channel.IN_PERSON: "#8c564b",
    Channel.SOCIAL_MEDIA: "#e377c2",
}
TopLevel = TypeVar("TopLevel", alt.Chart, alt.LayerChart)
# Long official names and outcome labels are shown whole (Vega cuts them at 180 px).
NO_LIMIT = 0


def keyed_scale(colours: dict[Any, str]) -> alt.Scale:
    """A colour scale whose domain is every key (in order) and whose range is its colour."""
    return alt.Scale(domain=[str(k) for k in colours], range=list(colours.values()))


def count_axis(title: str) -> alt.Axis:
    """An axis for counts: whole numbers only, however few."""
    return alt.Axis(title=title, tickMinStep=1, format="d")


def rate_scale() -> alt.Scale:
    """A rate's scale: fitted to the data, zero always shown, never a bare 0–100%."""
    return alt.Scale(zero=True, nice=True)


def n_label(n: int, unit: str = "attempts") -> str:
    return f"n = {n:,} {unit}"


def n_title(n: int, note: str) -> dict[str, Any]:
    """A chart's title: how many attempts its rates rest on, and where each one's n is."""
    return {"text": f"{n_label(n)}; {note}", "anchor": "start", "fontSize": 12}


def whole_labels(built: TopLevel) -> TopLevel:
    """``built`` (a top-level chart) with axis labels and legends shown whole."""
    configured = built.configure_axis(labelLimit=NO_LIMIT).configure_legend(labelLimit=NO_LIMIT)
    return cast(TopLevel, configured)
