"""The summary exports: per official, per week (response cohorts) and follow-ups per week.

Each is the Insights figure for the same filters (``models.insights``), written as CSV:
the counts as integers, rates as decimals to four places (empty without attempts),
instants ISO 8601 UTC, days ``YYYY-MM-DD``. Per official adds the latest attempt in the
filters and the earliest open follow-up (in the filtered campaigns), which Insights
does not draw.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, BinaryIO

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import insights
from models.exports.cells import BOM, csv_line, neutralise, terminator
from models.filters import ATTEMPTS, Filters
from models.tables import Attempt, FollowUp
from models.vocab import FollowUpStatus


class SummaryKind(StrEnum):
    OFFICIAL = "official"
    WEEK = "week"
    FOLLOWUPS = "followups"


SUMMARY_COLUMNS: dict[SummaryKind, tuple[str, ...]] = {
    SummaryKind.OFFICIAL: (
        "official", "organization", "attempts", "responses", "response_rate",
        "contact_rate", "last_attempt_utc", "next_follow_up",
    ),
    SummaryKind.WEEK: (
        "week", "attempts", "responses", "response_rate", "ci_low", "ci_high",
    ),
    SummaryKind.FOLLOWUPS: (
        "week", "due", "done_on_time", "done_late", "open_overdue", "open_not_due",
    ),
}  # fmt: skip


RATE_COLUMNS = ["response_rate", "ci_low", "ci_high"]


def write_summary(
    session: Session, out: BinaryIO, kind: SummaryKind, filters: Filters, *, today: date,
    excel: bool = False,
) -> int:  # fmt: skip
    """Write one summary export to ``out`` as UTF-8; returns the number of rows.

    ``today`` (UTC) decides which open follow-ups are overdue.
    """
    end = terminator(excel)
    out.write(((BOM if excel else "") + csv_line(SUMMARY_COLUMNS[kind], end)).encode())
    rows = 0
    for cells in summary_rows(session, kind, filters, today=today):
        out.write(csv_line(cells, end).encode())
        rows += 1
    return rows


def summary_rows(
    session: Session, kind: SummaryKind, filters: Filters, *, today: date
) -> Iterator[list[str]]:
    if kind is SummaryKind.OFFICIAL:
        return _per_official(session, filters)
    if kind is SummaryKind.WEEK:
        frame = insights.response_rate_by_week(session, filters)
        return _cells(frame, ["week", "attempts", "responded", *RATE_COLUMNS])
    frame = insights.follow_ups_by_week(session, filters, today=today)
    return _cells(frame, list(SUMMARY_COLUMNS[SummaryKind.FOLLOWUPS]))


def _per_official(session: Session, filters: Filters) -> Iterator[list[str]]:
    frame = insights.per_official(session, filters)
    last = _latest_attempts(session, filters)
    due = _next_follow_ups(session, filters)
    for row in frame.itertuples(index=False):
        official_id = int(row.official_id)  # type: ignore[arg-type]
        yield [
            neutralise(str(row.official)), neutralise(str(row.organization)),
            _text(row.attempts), _text(row.responded), _text(row.response_rate),
            _text(row.contact_rate), _text(last.get(official_id)),
            _text(due.get(official_id)),
        ]  # fmt: skip


def _latest_attempts(session: Session, filters: Filters) -> dict[int, datetime]:
    stmt = select(Attempt.official_id, func.max(Attempt.occurred_at)).group_by(Attempt.official_id)
    rows = session.execute(filters.narrow(stmt, ATTEMPTS)).all()
    # max() over a UTC column comes back as text on SQLite: read it through the column type.
    return {official: _aware(value) for official, value in rows}


def _next_follow_ups(session: Session, filters: Filters) -> dict[int, date]:
    stmt = (
        select(FollowUp.official_id, func.min(FollowUp.due_on))
        .where(FollowUp.status == FollowUpStatus.OPEN)
        .group_by(FollowUp.official_id)
    )
    if filters.campaign_ids:
        stmt = stmt.where(FollowUp.campaign_id.in_(filters.campaign_ids))
    return {official: _day(value) for official, value in session.execute(stmt)}


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _cells(frame: pd.DataFrame, columns: list[str]) -> Iterator[list[str]]:
    for row in frame[columns].itertuples(index=False, name=None):
        yield [_text(value) for value in row]


def _text(value: Any) -> str:
    """A figure as a cell: integers as they are, rates to four places, ISO days and times."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).to_pydatetime().isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.4f}"
    return str(value)
