"""Altair charts for the Insights figures: a small frame from ``models.insights`` in.

Each chart is an Altair *template* (marks, encodings, tooltips with the counts) plus what
depends on the frame: its data and its text ``description``, which Vega renders as the
chart's accessible name, the page's alt text. :func:`chart` gives the full Altair chart
(the tests validate it against the Vega-Lite schema); :func:`parts` gives the same
chart as a Vega-Lite spec and a data frame for ``st.vega_lite_chart``, from a template
turned into a spec once per process, because building and validating Altair objects
costs tens of milliseconds per chart on every run. ``pages/ui/insights_figures.py`` pairs
each chart with its figure of ``models.insights``.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from models.insights import SMALL_SAMPLE
from pages.ui import chart_style as style

WEEK_AXIS = alt.Axis(format="%d %b %Y", labelAngle=-40, title="Week starting Monday (UTC)")
WEEK_OF = alt.Tooltip("yearmonthdate(week):T", title="Week of")
UNCERTAIN = f"fewer than {SMALL_SAMPLE} attempts: uncertain"
CERTAIN = f"{SMALL_SAMPLE} attempts or more"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FOLLOW_UP_STATES = {
    "done_on_time": "done on time",
    "done_late": "done late",
    "open_overdue": "open, overdue",
    "open_not_due": "open, not yet due",
}
Props = dict[str, Any]  # title-level properties that depend on the frame


@dataclass(frozen=True)
class Parts:
    data: pd.DataFrame
    spec: dict[str, Any]


def _same(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


@dataclass(frozen=True)
class Chart:
    """A chart's template, the properties that depend on the frame, and its data."""

    template: Callable[[], alt.TopLevelMixin]
    props: Callable[[pd.DataFrame], Props]
    data: Callable[[pd.DataFrame], pd.DataFrame] = _same


def chart(spec: Chart, frame: pd.DataFrame) -> alt.TopLevelMixin:
    """The Altair chart ``spec`` of ``frame``, data and description included."""
    built: alt.TopLevelMixin = spec.template().properties(**spec.props(frame))
    return built.properties(data=spec.data(frame))


def parts(spec: Chart, frame: pd.DataFrame) -> Parts:
    """The chart ``spec`` of ``frame`` as a Vega-Lite spec and its data."""
    vega = copy.deepcopy(_template_spec(spec))
    vega.update(spec.props(frame))
    return Parts(spec.data(frame), vega)


@functools.cache
def _template_spec(spec: Chart) -> dict[str, Any]:
    vega: dict[str, Any] = spec.template().to_dict(validate=False)
    # A chart without data gets an empty placeholder dataset, top level and per layer;
    # the page passes the data.
    for part in (vega, *vega.get("layer", [])):
        part.pop("data", None)
    vega.pop("datasets", None)
    view = vega.get("config", {}).get("view", {})
    for key in ("continuousWidth", "continuousHeight"):  # Altair's default theme
        view.pop(key, None)
    return vega


def _weeks(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(week=pd.to_datetime(frame["week"]))


def _span(frame: pd.DataFrame) -> str:
    weeks = pd.to_datetime(frame["week"])
    if weeks.empty:
        return "no weeks"
    first, last = weeks.min(), weeks.max()
    count = weeks.nunique()
    if count == 1:
        return f"the week of {first:%Y-%m-%d}"
    return f"{count} weeks from {first:%Y-%m-%d} to {last:%Y-%m-%d}"


# --- Attempts per week by channel -------------------------------------------------------


def _attempts_template() -> alt.Chart:
    built: alt.Chart = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(week):O", axis=WEEK_AXIS),
            y=alt.Y("sum(attempts):Q", axis=style.count_axis("Attempts"), stack="zero"),
            color=alt.Color(
                "channel:N", title="Channel", scale=style.keyed_scale(style.CHANNEL_COLOURS)
            ),
            tooltip=[
                WEEK_OF,
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("sum(attempts):Q", title="Attempts"),
            ],
        )
        .properties(height=320)
    )
    return style.whole_labels(built)


def _attempts_props(frame: pd.DataFrame) -> Props:
    total = int(frame["attempts"].sum())
    return {
        "description": f"Stacked bar chart of outreach attempts per week by channel: {total} "
        f"attempts in {_span(frame)}."
    }


# --- Response rate per week -------------------------------------------------------------

_RATE_TOOLTIP = [
    WEEK_OF,
    alt.Tooltip("response_rate:Q", title="Response rate", format=".1%"),
    alt.Tooltip("responded:Q", title="Answered"),
    alt.Tooltip("attempts:Q", title="Attempts (n)"),
    alt.Tooltip("ci_low:Q", title="95% low", format=".1%"),
    alt.Tooltip("ci_high:Q", title="95% high", format=".1%"),
]


def _response_template() -> alt.LayerChart:
    """A line over the 95% Wilson band; weeks with few attempts are red triangles."""
    x = alt.X("yearmonthdate(week):T", axis=WEEK_AXIS)
    band = (
        alt.Chart()
        .mark_area(opacity=0.2)
        .encode(
            x=x,
            y=alt.Y(
                "ci_low:Q", title="Response rate", axis=alt.Axis(format="%"),
                scale=style.rate_scale(),
            ),
            y2="ci_high:Q",
        )
    )  # fmt: skip
    line = alt.Chart().mark_line().encode(x=x, y="response_rate:Q")
    n = (
        alt.Chart()
        .mark_text(dy=-12, fontSize=10)
        .encode(x=x, y="response_rate:Q", text=alt.Text("attempts:Q", format=",d"))
    )
    certainty = alt.Scale(domain=[CERTAIN, UNCERTAIN], range=["circle", "triangle-up"])
    colours = alt.Scale(domain=[CERTAIN, UNCERTAIN], range=["#1f77b4", "#d62728"])
    points = (
        alt.Chart()
        .transform_calculate(certainty=f"datum.uncertain ? '{UNCERTAIN}' : '{CERTAIN}'")
        .mark_point(size=80, filled=True)
        .encode(
            x=x,
            y="response_rate:Q",
            shape=alt.Shape("certainty:N", title="Week", scale=certainty),
            color=alt.Color("certainty:N", title="Week", scale=colours),
            tooltip=[*_RATE_TOOLTIP, alt.Tooltip("certainty:N", title="Certainty")],
        )
    )
    layered = alt.LayerChart(layer=[band, line, points, n])
    return style.whole_labels(layered.properties(height=320))


def _response_props(frame: pd.DataFrame) -> Props:
    attempts, responded = int(frame["attempts"].sum()), int(frame["responded"].sum())
    uncertain = int(frame["uncertain"].sum())
    return {
        "description": "Line chart of the weekly response rate (attempts answered on "
        "substance ÷ attempts, by the week the attempt was made), with a shaded 95% Wilson "
        f"interval: {responded} of {attempts} attempts answered in {_span(frame)}. "
        f"{uncertain} of {len(frame)} weeks rest on fewer than {SMALL_SAMPLE} attempts and "
        "are drawn as red triangles.",
        "title": style.n_title(attempts, "the number over each point is that week's n"),
    }


def _response_data(frame: pd.DataFrame) -> pd.DataFrame:
    return _weeks(frame).assign(uncertain=frame["uncertain"].astype(bool))


# --- Follow-ups per week ----------------------------------------------------------------


def _follow_ups_template() -> alt.Chart:
    labels = ", ".join(f"'{k}': '{v}'" for k, v in FOLLOW_UP_STATES.items())
    states = list(FOLLOW_UP_STATES.values())
    colours = alt.Scale(domain=states, range=["#2ca02c", "#ff7f0e", "#d62728", "#9e9e9e"])
    built: alt.Chart = (
        alt.Chart()
        .transform_fold(list(FOLLOW_UP_STATES), as_=["state_key", "count"])
        .transform_calculate(state=f"{{{labels}}}[datum.state_key]")
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(week):O", axis=WEEK_AXIS),
            y=alt.Y("count:Q", axis=style.count_axis("Follow-ups due"), stack="zero"),
            color=alt.Color("state:N", title="State", sort=states, scale=colours),
            tooltip=[
                alt.Tooltip("yearmonthdate(week):T", title="Due in the week of"),
                alt.Tooltip("state:N", title="State"),
                alt.Tooltip("count:Q", title="Follow-ups"),
                alt.Tooltip("due:Q", title="Due that week"),
            ],
        )
        .properties(height=320)
    )
    return style.whole_labels(built)


def _follow_ups_props(frame: pd.DataFrame) -> Props:
    due, late = int(frame["due"].sum()), int(frame["done_late"].sum())
    overdue = int(frame["open_overdue"].sum())
    return {
        "description": f"Stacked bar chart of follow-ups per week they were due: {due} due in "
        f"{_span(frame)}, {late} done late, {overdue} still open and overdue."
    }


# --- Per official -----------------------------------------------------------------------


def _officials_template() -> alt.LayerChart:
    """Each official's response rate with its 95% Wilson interval, most attempts on top."""
    tooltip = [
        alt.Tooltip("official:N", title="Official"),
        alt.Tooltip("attempts:Q", title="Attempts (n)"),
        alt.Tooltip("responded:Q", title="Answered"),
        alt.Tooltip("response_rate:Q", title="Response rate", format=".1%"),
        alt.Tooltip("ci_low:Q", title="95% low", format=".1%"),
        alt.Tooltip("ci_high:Q", title="95% high", format=".1%"),
        alt.Tooltip("contact_rate:Q", title="Contact rate", format=".1%"),
    ]
    y = alt.Y(
        "official:N", title=None, sort=alt.EncodingSortField("rank", op="min", order="ascending")
    )
    rate = alt.X(
        "response_rate:Q", title="Response rate", axis=alt.Axis(format="%"),
        scale=style.rate_scale(),
    )  # fmt: skip
    bars = alt.Chart().mark_bar(opacity=0.7).encode(y=y, x=rate, tooltip=tooltip)
    interval = (
        alt.Chart().mark_rule(strokeWidth=2).encode(y=y, x="ci_low:Q", x2="ci_high:Q",
                                                    tooltip=tooltip)
    )  # fmt: skip
    n = (
        alt.Chart()
        .transform_calculate(n_text="'n = ' + format(datum.attempts, ',d')")
        .mark_text(align="left", dx=6, fontSize=11)
        .encode(y=y, x="ci_high:Q", text="n_text:N")
    )
    return style.whole_labels(alt.LayerChart(layer=[bars, interval, n]))


def _officials_props(frame: pd.DataFrame) -> Props:
    return {
        "description": f"Bar chart of the response rate of {len(frame)} officials, each with "
        f"its 95% Wilson interval: {int(frame['responded'].sum())} of "
        f"{int(frame['attempts'].sum())} attempts answered.",
        "height": max(120, 28 * len(frame)),
        "title": style.n_title(int(frame["attempts"].sum()), "each bar's n is beside it"),
    }


def _officials_data(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["official", "attempts", "responded", "response_rate", "ci_low", "ci_high"]
    return frame[[*columns, "contact_rate"]].assign(rank=range(len(frame)))


# --- Outcome mix by channel -------------------------------------------------------------


def _outcomes_template() -> alt.Chart:
    built: alt.Chart = (
        alt.Chart()
        .transform_joinaggregate(channel_n="sum(attempts)", groupby=["channel"])
        .transform_calculate(
            channel_label="datum.channel + ' (n = ' + format(datum.channel_n, ',d') + ')'"
        )
        .mark_bar()
        .encode(
            y=alt.Y("channel_label:N", title="Channel (attempts)"),
            x=alt.X(
                "share:Q",
                title="Share of the channel's attempts",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "outcome:N", title="Outcome", scale=style.keyed_scale(style.OUTCOME_COLOURS)
            ),
            order=alt.Order("outcome_class:N"),
            tooltip=[
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("outcome:N", title="Outcome"),
                alt.Tooltip("outcome_class:N", title="Class"),
                alt.Tooltip("attempts:Q", title="Attempts"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
    )
    return style.whole_labels(built)


def _outcomes_props(frame: pd.DataFrame) -> Props:
    return {
        "description": f"Stacked bar chart of the outcome mix of {int(frame['attempts'].sum())} "
        f"attempts across {frame['channel'].nunique()} channels, each bar adding up to 100%.",
        "height": max(160, 36 * frame["channel"].nunique()),
        "title": style.n_title(int(frame["attempts"].sum()), "each channel's n is in its label"),
    }


# --- Best time to call ------------------------------------------------------------------


def _hours_template() -> alt.LayerChart:
    """A weekday × local hour heatmap of the smoothed live-contact rate, with call counts."""
    base = (
        alt.Chart()
        .transform_calculate(day=f"{list(DAYS)}[datum.weekday]")
        .encode(
            x=alt.X("hour:O", title="Local hour at the office"),
            y=alt.Y("day:N", title=None, sort=list(DAYS)),
        )
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "smoothed_rate:Q",
            title="Reached (smoothed)",
            legend=alt.Legend(format="%"),
            scale=alt.Scale(scheme="blues", zero=True),
        ),
        tooltip=[
            alt.Tooltip("day:N", title="Weekday"),
            alt.Tooltip("hour:O", title="Local hour"),
            alt.Tooltip("attempts:Q", title="Calls (n)"),
            alt.Tooltip("live_contacts:Q", title="Reached a person"),
            alt.Tooltip("rate:Q", title="Raw rate", format=".1%"),
            alt.Tooltip("smoothed_rate:Q", title="Smoothed rate", format=".1%"),
        ],
    )
    # Dark text on light cells and white on dark ones: legible at both ends of the scale.
    dark = alt.datum.smoothed_rate > 0.6 * alt.datum.top_rate
    counts = (
        base.transform_joinaggregate(top_rate="max(smoothed_rate)")
        .mark_text(fontSize=11)
        .encode(
            text=alt.Text("attempts:Q", format=",d"),
            color=alt.condition(dark, alt.value("#ffffff"), alt.value("#111111")),
        )
    )
    layered = alt.LayerChart(layer=[cells, counts])
    return style.whole_labels(layered.properties(height=260))


def _hours_props(frame: pd.DataFrame) -> Props:
    top = ""
    if len(frame):
        best = frame.iloc[int(frame["smoothed_rate"].to_numpy().argmax())]
        top = (
            f" The best cell is {DAYS[int(best['weekday'])]} {int(best['hour']):02d}:00, "
            f"{best['smoothed_rate']:.0%} over {int(best['attempts'])} calls."
        )
    return {
        "description": "Heatmap of phone calls that reached a person, by weekday and hour in "
        f"the official's own time zone: {int(frame['attempts'].sum())} calls in "
        f"{len(frame)} cells.{top}",
        "title": style.n_title(
            int(frame["attempts"].sum()) if len(frame) else 0, "each cell shows its number of calls"
        ),
    }


ATTEMPTS_BY_WEEK_CHANNEL = Chart(_attempts_template, _attempts_props, _weeks)
RESPONSE_RATE_BY_WEEK = Chart(_response_template, _response_props, _response_data)
FOLLOW_UPS_BY_WEEK = Chart(_follow_ups_template, _follow_ups_props, _weeks)
PER_OFFICIAL = Chart(_officials_template, _officials_props, _officials_data)
OUTCOME_MIX = Chart(_outcomes_template, _outcomes_props)
BEST_TIME_TO_CALL = Chart(_hours_template, _hours_props)
