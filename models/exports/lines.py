"""The fast attempts writer: the database builds each whole CSV line, Python writes bytes.

Where an export's time went when Python formatted the cells: 40% turning text
timestamps into datetimes and checking enums, 30% formatting, 13% csv.writerow. Here
the SELECT does all of it (ISO timestamps, quoting, neutralising, exactly as
``models/exports/cells.py`` defines them); the small tables' names are neutralised
once in materialised CTEs, and only the contact and the notes are checked per row.

SQLite: one text column per row, fetched through a server-side cursor (``yield_per``).
PostgreSQL: ``COPY (SELECT line ...) TO STDOUT``, its rows read from libpq (psycopg's
``pgconn``) in blocks. COPY's text format (not CSV) is used so that the line arrives as
built: CSV format would quote the whole line again, and could not end lines with CRLF
for Excel. In the
text format a real LF only ends a row (LF, CR, TAB and backslash inside a value are
written as ``\\n``, ``\\r``, ``\\t``, ``\\\\``), so rows are counted and CRLF made by
looking at LF bytes alone, and the rare escapes are undone on the way out.
"""

from __future__ import annotations

import contextlib
import re
import selectors
from typing import Any, BinaryIO

import psycopg
from psycopg import pq
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from models.exports.cells import BOM, FORMULA_START, csv_line, terminator
from models.exports.columns import ATTEMPT_COLUMNS
from models.filters import ATTEMPTS, Filters
from models.tables import Attempt, Campaign, FollowUp, Official, Response, User

STREAM_ROWS = 5_000  # lines fetched from SQLite at a time
Text = ColumnElement[Any]


class _Sql:
    """The few expressions that SQLite and PostgreSQL spell differently."""

    def __init__(self, postgresql: bool) -> None:
        self.pg = postgresql

    def lit(self, value: str) -> Text:
        return literal(value, String)

    def needs_quotes(self, x: Text) -> Text:
        if self.pg:
            return x.op("~")(self.lit('[,"\r\n]'))
        return x.op("GLOB")(self.lit('*[,"\r\n]*'))

    def is_e164(self, x: Text) -> Text:
        if self.pg:
            return x.op("~")(self.lit("^\\+[1-9][0-9]{6,14}$"))
        return and_(
            func.substr(x, 1, 1) == "+",
            func.length(x).between(8, 16),
            func.substr(x, 2, 1).between("1", "9"),
            not_(func.substr(x, 2).op("GLOB")(self.lit("*[^0-9]*"))),
        )

    def instant(self, x: Any) -> Text:
        """An aware UTC timestamp as ``YYYY-MM-DDTHH:MM:SS+00:00`` (truncated to the second)."""
        text: Text
        if self.pg:
            text = func.to_char(func.timezone("UTC", x), 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
        else:  # stored as "YYYY-MM-DD HH:MM:SS.ffffff"
            raw = type_coerce(x, String)
            text = func.substr(raw, 1, 10) + "T" + func.substr(raw, 12, 8) + "+00:00"
        return func.coalesce(text, "")

    def day(self, x: Any) -> Text:
        text = func.to_char(x, "YYYY-MM-DD") if self.pg else type_coerce(x, String)
        return func.coalesce(text, "")

    def cell(self, x: Any) -> Text:
        """A free-text cell neutralised and quoted, as ``quote(neutralise(x))``.

        The common case (not starting like a formula or a quote) costs one substr and
        one pattern match; the full rule is spelled out only for the rare rest.
        """
        x = type_coerce(x, String)
        rest = func.ltrim(x, "'")
        formula = and_(
            func.substr(rest, 1, 1).in_([self.lit(c) for c in FORMULA_START]),
            not_(self.is_e164(rest)),
        )
        risky = func.substr(x, 1, 1).in_([self.lit(c) for c in FORMULA_START + "'"])
        safe = case((formula, "'" + x), else_=x)
        return case(
            (risky, self.quoted(safe)),
            (self.needs_quotes(x), '"' + func.replace(x, '"', '""') + '"'),
            else_=x,
        )

    def quoted(self, x: Text) -> Text:
        return case((self.needs_quotes(x), '"' + func.replace(x, '"', '""') + '"'), else_=x)


def line_select(filters: Filters, *, postgresql: bool, excel: bool) -> Select[*tuple[Any, ...]]:
    """One text column per attempt: its whole CSV line (without the LF on PostgreSQL)."""
    sql = _Sql(postgresql)
    campaigns = _names(select(Campaign.id, sql.cell(Campaign.name).label("name")), "x_campaigns")
    officials = _names(
        select(
            Official.id,
            sql.cell(Official.full_name).label("name"),
            sql.cell(Official.organization).label("organization"),
        ),
        "x_officials",
    )
    users = _names(select(User.id, sql.cell(User.display_name).label("name")), "x_users")
    follow_up = (
        select(FollowUp.source_attempt_id.label("attempt_id"), func.min(FollowUp.due_on).label("d"))
        .where(FollowUp.source_attempt_id.is_not(None))
        .group_by(FollowUp.source_attempt_id)
        .subquery()
    )
    cells: list[Any] = [
        cast(Attempt.id, String), sql.instant(Attempt.occurred_at), campaigns.c.name,
        officials.c.name, officials.c.organization, type_coerce(Attempt.channel, String),
        sql.cell(Attempt.contact_value), type_coerce(Attempt.outcome, String),
        type_coerce(Attempt.outcome_class, String),
        case((Response.id.is_(None), "false"), else_="true"), sql.instant(Response.responded_at),
        users.c.name, func.coalesce(cast(Attempt.duration_s, String), ""),
        sql.day(follow_up.c.d), sql.cell(Attempt.notes),
        func.coalesce(type_coerce(Response.stance, String), ""),
        sql.cell(func.coalesce(Response.summary, "")),
    ]  # fmt: skip
    line: Text
    if postgresql:  # COPY ends each row itself
        line = func.concat_ws(",", *cells)
    else:  # one printf builds the line in one allocation; || would copy it 28 times
        pattern = ",".join(["%s"] * len(cells)) + terminator(excel)
        line = func.printf(pattern, *cells)
    stmt = (
        select(type_coerce(line, String).label("line"))
        .select_from(Attempt)
        .join(campaigns, campaigns.c.id == Attempt.campaign_id)
        .join(officials, officials.c.id == Attempt.official_id)
        .join(users, users.c.id == Attempt.coordinator_id)
        .outerjoin(Response, Response.attempt_id == Attempt.id)
        .outerjoin(follow_up, follow_up.c.attempt_id == Attempt.id)
        .order_by(Attempt.occurred_at, Attempt.id)
    )
    return filters.narrow(stmt, ATTEMPTS)


def _names(stmt: Select[*tuple[Any, ...]], name: str) -> Any:
    return stmt.cte(name).prefix_with("MATERIALIZED")


def write_lines(session: Session, out: BinaryIO, filters: Filters, *, excel: bool) -> int:
    """Write the header and every line to ``out`` as UTF-8; returns the number of rows."""
    out.write(((BOM if excel else "") + csv_line(ATTEMPT_COLUMNS, terminator(excel))).encode())
    if session.get_bind().dialect.name == "postgresql":
        return _copy_out(session, out, filters, excel=excel)
    stmt = line_select(filters, postgresql=False, excel=excel)
    # Core, not the ORM's execute: the rows are plain strings, and the ORM's per-row
    # bookkeeping cost a third of the time.
    connection = session.connection()
    result = connection.execute(stmt.execution_options(yield_per=STREAM_ROWS)).scalars()
    rows = 0
    for part in result.partitions():
        out.write("".join(part).encode())
        rows += len(part)
    return rows


_ESCAPE = re.compile(rb"\\(.)", re.DOTALL)
_UNESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"\\": b"\\", b"b": b"\b", b"f": b"\f"}
_UNESCAPED[b"v"] = b"\v"
FLUSH_BYTES = 1 << 20  # COPY rows gathered into one write of about a megabyte


def _copy_out(session: Session, out: BinaryIO, filters: Filters, *, excel: bool) -> int:
    """``COPY (line_select) TO STDOUT``, its rows read straight from libpq and written
    to ``out`` about :data:`FLUSH_BYTES` at a time.

    psycopg's ``Copy`` object hands over one row per call through its wait machinery
    (about 3 us a row, as much as the server spends building it). Here a row costs one
    ``PQgetCopyData`` call and a copy into a bytearray (keeping the rows as a list to
    join cost three times as much); the counting, escapes, CRLF and hashing are done
    once per block. COPY is one statement, so it reads one snapshot, inside the
    session's transaction when one is open. If writing fails the COPY is cancelled and
    drained, so the connection goes back to the pool usable.
    """
    connection = session.connection()
    stmt = line_select(filters, postgresql=True, excel=excel)
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    pgconn = driver.pgconn
    pgconn.send_query(f"COPY ({sql}) TO STDOUT".encode())
    started = pgconn.get_result()
    if started is None or started.status != pq.ExecStatus.COPY_OUT:
        message = started.error_message.decode(errors="replace") if started else "no result"
        _drain_results(pgconn)
        raise psycopg.DatabaseError(message.strip())
    try:
        return _copy_rows(pgconn, out, excel)
    except BaseException:
        _cancel(driver)
        raise


def _copy_rows(pgconn: pq.abc.PGconn, out: BinaryIO, excel: bool) -> int:
    rows = 0
    block = bytearray()
    get = pgconn.get_copy_data
    ready = selectors.DefaultSelector()  # not select(): a busy server's sockets pass fd 1024
    ready.register(pgconn.socket, selectors.EVENT_READ)
    try:
        while True:
            size, data = get(1)  # 1: never block inside libpq (it would hold the GIL)
            if size > 0:
                block += data
                if len(block) >= FLUSH_BYTES:
                    rows += _write_block(out, block, excel)
                    block.clear()
            elif size == 0:  # no whole row buffered yet: wait for the socket
                ready.select()
                pgconn.consume_input()
            else:
                break
    finally:
        ready.close()
    rows += _write_block(out, block, excel)
    ended = pgconn.get_result()
    _drain_results(pgconn)
    if size == -2 or ended is None or ended.status != pq.ExecStatus.COMMAND_OK:
        detail = ended.error_message if ended is not None else pgconn.error_message
        raise psycopg.DatabaseError(detail.decode(errors="replace").strip())
    return rows


def _write_block(out: BinaryIO, block: bytearray, excel: bool) -> int:
    """COPY's text format undone; returns the rows. Each row ends with a real LF (an
    escaped one is two bytes), so rows are counted and CRLF made by looking at LFs
    alone; the rare escapes are undone only where there are."""
    if not block:
        return 0
    rows = block.count(b"\n")
    data = bytes(block)
    if excel:
        data = data.replace(b"\n", b"\r\n")
    if b"\\" in data:
        data = _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), data)
    out.write(data)
    return rows


def _drain_results(pgconn: pq.abc.PGconn) -> None:
    while pgconn.get_result() is not None:
        pass


def _cancel(driver: psycopg.Connection[Any]) -> None:
    """Stop a COPY half read: ask the server to cancel it, then read what it still sends."""
    pgconn = driver.pgconn
    with contextlib.suppress(psycopg.Error):
        driver.cancel_safe(timeout=10)
    with contextlib.suppress(psycopg.Error):
        while pgconn.get_copy_data(0)[0] >= 0:  # blocking: the cancel ends it soon
            pass
        _drain_results(pgconn)
