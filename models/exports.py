"""CSV exports with a stable, documented schema, streamed so memory stays flat at any size.

The attempts export has exactly the columns of :data:`ATTEMPT_COLUMNS` (README.md,
"CSV schema"); instants are ISO 8601 in UTC with their offset, to the second.

Formula neutralisation (OWASP "CSV injection"): a cell that starts with ``=``, ``+``,
``-``, ``@``, TAB, CR or LF is written with a leading ``'``, which spreadsheets show
as text. Decision: a cell that is exactly an E.164 number (``+74992443025``) is left
as it is. A plain number cannot run as a formula, and the officials export promises
E.164 values that a script can read back unchanged. So that :func:`unneutralise`
undoes :func:`neutralise` exactly, a cell made of leading ``'`` characters followed by
a cell that would be escaped is escaped too (``'=1`` is written ``''=1``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.db import session_scope
from models.filters import ATTEMPTS, Filters
from models.permissions import Permission, require
from models.queries import contact_points_frame
from models.tables import Attempt, Campaign, FollowUp, Official, Response, User

ATTEMPT_COLUMNS: tuple[str, ...] = (
    "attempt_id",
    "occurred_at_utc",
    "campaign",
    "official",
    "organization",
    "channel",
    "contact",
    "outcome",
    "outcome_class",
    "responded",
    "responded_at_utc",
    "coordinator",
    "duration_s",
    "follow_up_on",
    "notes",
    # Added after the documented fifteen, which stay first and in order.
    "stance",
    "response_summary",
)
OFFICIAL_COLUMNS: tuple[str, ...] = (
    "official",
    "title",
    "organization",
    "timezone",
    "kind",
    "value",
    "label",
)
STREAM_ROWS = 2_000  # rows fetched from the database at a time
BOM = "\ufeff"

_FORMULA_START = frozenset("=+-@\t\r\n")
_E164 = re.compile(r"\+[1-9]\d{6,14}")


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet (see the module notes)."""
    if cell[:1] in _FORMULA_START or cell[:1] == "'":
        return "'" + cell if _runs_as_formula(cell) else cell
    return cell


def unneutralise(cell: str) -> str:
    """The exact inverse of :func:`neutralise`, for reading our own exports back."""
    if cell[:1] == "'" and _runs_as_formula(cell[1:]):
        return cell[1:]
    return cell


def _runs_as_formula(cell: str) -> bool:
    """Whether ``cell``, once its leading quotes are taken off, starts like a formula."""
    rest = cell.lstrip("'")
    return rest[:1] in _FORMULA_START and not _E164.fullmatch(rest)


def write_attempts_csv(
    session: Session, out: TextIO, filters: Filters, *, excel: bool = False
) -> int:
    """Write the filtered attempts to ``out`` (opened with ``newline=""``); returns the rows.

    One query with joins, fetched :data:`STREAM_ROWS` at a time and written as it
    comes. ``excel=True`` starts with a UTF-8 byte order mark and ends lines with CRLF.
    """
    result = session.execute(_attempts_select(filters).execution_options(yield_per=STREAM_ROWS))
    return _write(out, ATTEMPT_COLUMNS, (_attempt_cells(row) for row in result), excel=excel)


def attempts_csv_bytes(session: Session, filters: Filters, *, excel: bool = False) -> bytes:
    """The attempts export as UTF-8 bytes, for a download button (held in memory)."""
    return attempts_export(session, filters, excel=excel)[0]


def attempts_export(
    session: Session, filters: Filters, *, excel: bool = False
) -> tuple[bytes, int]:
    """The attempts export as UTF-8 bytes and its number of rows."""
    buffer = io.StringIO(newline="")
    rows = write_attempts_csv(session, buffer, filters, excel=excel)
    return buffer.getvalue().encode("utf-8"), rows


def check_export(session: Session, actor_id: int | None) -> None:
    """Refuse (and audit the refusal) unless the actor may export; None is the CLI operator."""
    require(session, actor_id, Permission.EXPORT, system_ok=True)


def record_export(
    session: Session,
    *,
    actor_id: int | None,
    what: str,
    rows: int,
    filters: Filters | None = None,
    excel: bool = False,
    campaign_id: int | None = None,
) -> None:
    """Audit an export that was made: who, what, how many rows, with which filters.

    Written in its own short transaction after the file is built, so a long export
    never holds the database's write lock.
    """
    changes: dict[str, object] = {"rows": rows, "excel": excel}
    if filters is not None:
        changes["filters"] = describe_filters(filters)
    if campaign_id is not None:
        changes["campaign_id"] = campaign_id
    record_event(
        session, actor_id=actor_id, action="export", entity=what, entity_id=None, changes=changes
    )


def export_attempts(
    engine: Engine, out: TextIO, filters: Filters, *, actor_id: int | None, excel: bool = False
) -> int:
    """The audited attempts export, for every front door: check, write to ``out``, audit.

    Two transactions: a read-only one that checks the actor may export and streams the
    rows, then a short write that audits the export, so a long export never holds the
    write lock. Returns the number of rows written.
    """
    with session_scope(engine, write=False) as session:
        check_export(session, actor_id)
        rows = write_attempts_csv(session, out, filters, excel=excel)
    with session_scope(engine) as session:
        record_export(
            session, actor_id=actor_id, what="attempts", rows=rows, filters=filters, excel=excel
        )
    return rows


def export_officials(
    engine: Engine,
    out: TextIO,
    *,
    actor_id: int | None,
    excel: bool = False,
    campaign_id: int | None = None,
) -> int:
    """The audited officials export (one row per contact point); returns the rows written.

    With ``campaign_id``, only that campaign's targets, in calling order (tier, name).
    """
    with session_scope(engine, write=False) as session:
        check_export(session, actor_id)
        rows = write_officials_csv(session, out, excel=excel, campaign_id=campaign_id)
    with session_scope(engine) as session:
        record_export(
            session,
            actor_id=actor_id,
            what="officials",
            rows=rows,
            excel=excel,
            campaign_id=campaign_id,
        )
    return rows


def describe_filters(filters: Filters) -> dict[str, object]:
    """The filters as JSON-friendly values, for the audit log."""
    return {
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
        "campaign_ids": list(filters.campaign_ids),
        "official_ids": list(filters.official_ids),
        "channels": [str(c) for c in filters.channels],
        "coordinator_ids": list(filters.coordinator_ids),
    }


def write_officials_csv(
    session: Session, out: TextIO, *, excel: bool = False, campaign_id: int | None = None
) -> int:
    """One row per contact point of every listed official (or of one campaign's targets);
    phone and fax in E.164."""
    frame = contact_points_frame(session, campaign_id)[list(OFFICIAL_COLUMNS)]
    rows = (
        [neutralise(str(cell)) for cell in row] for row in frame.itertuples(index=False, name=None)
    )
    return _write(out, OFFICIAL_COLUMNS, rows, excel=excel)


def officials_csv_bytes(session: Session, *, excel: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    write_officials_csv(session, buffer, excel=excel)
    return buffer.getvalue().encode("utf-8")


def _write(out: TextIO, header: tuple[str, ...], rows: Iterable[list[str]], *, excel: bool) -> int:
    if excel:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(header)
    count = 0
    for cells in rows:
        writer.writerow(cells)
        count += 1
    return count


def _attempts_select(filters: Filters) -> Select[Any]:
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
    columns: list[Any] = [
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
    ]
    stmt = (
        select(*columns)
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .join(Official, Official.id == Attempt.official_id)
        .join(User, User.id == Attempt.coordinator_id)
        .outerjoin(Response, Response.attempt_id == Attempt.id)
        .outerjoin(follow_up, follow_up.c.attempt_id == Attempt.id)
        .order_by(Attempt.occurred_at, Attempt.id)
    )
    return filters.narrow(stmt, ATTEMPTS)


def _attempt_cells(row: Any) -> list[str]:
    # Only the free-text cells can start like a formula; the rest are numbers, ISO
    # dates and vocabulary words that we write ourselves.
    (
        attempt_id, occurred_at, campaign, official, organization, channel, contact, outcome,
        outcome_class, response_id, responded_at, coordinator, duration_s, due_on, notes,
        stance, summary,
    ) = row  # fmt: skip
    return [
        str(attempt_id),
        _instant(occurred_at),
        neutralise(campaign),
        neutralise(official),
        neutralise(organization),
        str(channel),
        neutralise(contact),
        str(outcome),
        str(outcome_class),
        "false" if response_id is None else "true",
        _instant(responded_at),
        neutralise(coordinator),
        "" if duration_s is None else str(duration_s),
        "" if due_on is None else due_on.isoformat(),
        neutralise(notes),
        "" if stance is None else str(stance),
        neutralise(summary or ""),
    ]


def _instant(value: datetime | None) -> str:
    """``2026-03-04T10:00:00+00:00`` (the column type hands back aware UTC), or empty."""
    return "" if value is None else value.isoformat(timespec="seconds")
