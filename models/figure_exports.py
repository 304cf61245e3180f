"""The audited download of one Insights figure: its small frame as CSV, or its chart as PNG.

The same rules as every export (``models/exports.py``): the actor must hold the export
permission (a refusal is audited), every text cell is neutralised against spreadsheet
formulas, and the export is audited with the figure's key, the rows, the filters, and the
file's size and SHA-256, like every other export.
Figure frames are already aggregated (tens to a few thousand rows), so they are built
in memory.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable

import pandas as pd
from sqlalchemy import Engine

from models.db import session_scope
from models.exports import Written, check_export, neutralise, record_export
from models.filters import Filters


def figure_csv(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV: its columns as the header; text neutralised, on one line."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_cell(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    text = " ".join(str(value).splitlines())  # a CR or LF never splits a record
    return neutralise(text)


def audited_figure(
    engine: Engine,
    build: Callable[[], bytes],
    *,
    figure: str,
    kind: str,
    rows: int,
    filters: Filters,
    actor_id: int | None,
) -> bytes:
    """Check the actor may export, ``build`` the file, audit it as ``figure <key> <kind>``.

    Two short transactions, like :func:`models.exports.export_attempts`; raises
    ``PermissionDenied`` (after auditing the refusal) for an actor without the right.
    """
    with session_scope(engine, write=False) as session:
        check_export(session, actor_id)
    body = build()
    written = Written(rows, len(body), hashlib.sha256(body).hexdigest())
    with session_scope(engine, moves=()) as session:  # the audit event alone
        record_export(
            session, actor_id=actor_id, what=f"figure {figure} {kind}", rows=rows,
            filters=filters, written=written,
        )  # fmt: skip
    return body
