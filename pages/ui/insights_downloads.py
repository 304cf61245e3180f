"""Each Insights chart's "Download data" (CSV) and "Download PNG", through the audited export.

The file is built only when the button is pressed (the buttons carry a function, not
bytes), on a thread of its own: it gets the engine now and opens its own sessions then
(``models.figure_exports.audited_figure``: permission check, build, audit). The PNG is
drawn on the server by vl-convert from the same spec the page shows, so the page loads
nothing from another host. Streamlit's table toolbar export stays off
(``client.disableDataExport``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from models.figure_exports import audited_figure, figure_csv
from models.filters import Filters
from pages.ui import cache, charts

PNG_SCALE = 2  # pixels per point: sharp on a funder's slide


def chart_png(chart: charts.Chart, frame: pd.DataFrame) -> bytes:
    """The chart of ``frame`` as a PNG on a white background."""
    import vl_convert  # a large native module: loaded on the first download

    spec: dict[str, Any] = charts.chart(chart, frame).to_dict()
    spec["background"] = "#ffffff"
    spec.setdefault("width", 720)
    png: bytes = vl_convert.vegalite_to_png(spec, scale=PNG_SCALE)
    return png


def _audited(
    build: Callable[[], bytes], *, key: str, kind: str, rows: int, filters: Filters, actor_id: int
) -> Callable[[], bytes]:
    bound = cache.engine()

    def run() -> bytes:
        return audited_figure(
            bound, build, figure=key, kind=kind, rows=rows, filters=filters, actor_id=actor_id
        )

    return run


def actions(
    key: str, chart: charts.Chart, frame: pd.DataFrame, filters: Filters, actor_id: int
) -> None:
    """The two download buttons under a chart (not drawn when the frame is empty)."""
    if frame.empty:
        return
    audit = functools.partial(
        _audited, key=key, rows=len(frame), filters=filters, actor_id=actor_id
    )
    data, picture, _ = st.columns([1, 1, 3])
    data.download_button(
        "Download data",
        data=audit(lambda: figure_csv(frame), kind="csv"),
        file_name=f"{key}.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"download_{key}_csv",
        help="The counts behind this chart, as CSV; the export is audited.",
    )
    picture.download_button(
        "Download PNG",
        data=audit(lambda: chart_png(chart, frame), kind="png"),
        file_name=f"{key}.png",
        mime="image/png",
        on_click="ignore",
        key=f"download_{key}_png",
        help="This chart as an image, for a slide; the export is audited.",
    )
