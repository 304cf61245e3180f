"""The straightforward attempts writer: ORM rows, each cell formatted in Python.

It is the definition the fast writer (``models/exports/lines.py``) is held to, byte for
byte, by the tests; nothing else should need it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.exports.cells import BOM, csv_line, neutralise, terminator
from models.exports.columns import ATTEMPT_COLUMNS
from models.filters import ATTEMPTS, Filters
from models.tables import Attempt, Campaign, FollowUp, Official, Response, User

STREAM_ROWS = 2_000  # rows fetched from the database at a time


def write_reference(session: Session, out: BinaryIO, filters: Filters, *, excel: bool) -> int:
    """Write the filtered attempts to ``out`` as UTF-8; returns the number of rows."""
    end = terminator(excel)
    out.write(((BOM if excel else "") + csv_line(ATTEMPT_COLUMNS, end)).encode())
    rows = 0
    result = session.execute(attempts_select(filters).execution_options(yield_per=STREAM_ROWS))
    for row in result:
        out.write(csv_line(attempt_cells(row), end).encode())
        rows += 1
    return rows


def attempts_select(filters: Filters) -> Select[*tuple[Any, ...]]:
    """The attempts export's joined query, one row per attempt in time order."""
    # The earliest follow-up each attempt created, grouped once rather than looked up
    # per row: follow_ups has no index on source_attempt_id.
    follow_up = (
        select(
            FollowUp.source_attempt_id.label("attempt_id"),
            func.min(FollowUp.due_on).label("due_on"),
        )
        .where(FollowUp.source_attempt_id.is_not(None))
        .group_by(FollowUp.source_attempt_id)
        .subquery()
    )
    stmt = (
        select(
            Attempt.id.label("attempt_id"),
            Attempt.occurred_at,
            Campaign.name.label("campaign"),
            Official.full_name.label("official"),
            Official.organization,
            Attempt.channel,
            Attempt.contact_value.label("contact"),
            Attempt.outcome,
            Attempt.outcome_class,
            Response.id.label("response_id"),
            Response.responded_at,
            User.display_name.label("coordinator"),
            Attempt.duration_s,
            follow_up.c.due_on,
            Attempt.notes,
            Response.stance,
            Response.summary,
        )
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .join(Official, Official.id == Attempt.official_id)
        .join(User, User.id == Attempt.coordinator_id)
        .outerjoin(Response, Response.attempt_id == Attempt.id)
        .outerjoin(follow_up, follow_up.c.attempt_id == Attempt.id)
        .order_by(Attempt.occurred_at, Attempt.id)
    )
    return filters.narrow(stmt, ATTEMPTS)


def attempt_cells(row: Any) -> list[str]:
    # Only the free-text cells can start like a formula; the rest are numbers, ISO
    # dates and vocabulary words that we write ourselves.
    (
        attempt_id, occurred_at, campaign, official, organization, channel, contact, outcome,
        outcome_class, response_id, responded_at, coordinator, duration_s, due_on, notes,
        stance, summary,
    ) = row  # fmt: skip
    return [
        str(attempt_id),
        instant(occurred_at),
        neutralise(campaign),
        neutralise(official),
        neutralise(organization),
        str(channel),
        neutralise(contact),
        str(outcome),
        str(outcome_class),
        "false" if response_id is None else "true",
        instant(responded_at),
        neutralise(coordinator),
        "" if duration_s is None else str(duration_s),
        "" if due_on is None else due_on.isoformat(),
        neutralise(notes),
        "" if stance is None else str(stance),
        neutralise(summary or ""),
    ]


def instant(value: datetime | None) -> str:
    """``2026-03-04T10:00:00+00:00`` (the column type hands back aware UTC), or empty."""
    return "" if value is None else value.isoformat(timespec="seconds")
