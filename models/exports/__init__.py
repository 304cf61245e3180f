"""CSV exports with a stable, documented schema, streamed so memory stays flat at any size.

The attempts export has exactly the columns of :data:`ATTEMPT_COLUMNS` (README.md,
"CSV schema"); instants are ISO 8601 in UTC with their offset, to the second. The
modules: ``cells`` (neutralising and quoting one cell, the definition), ``lines`` (the
fast writer, whose SELECT builds each line), ``reference`` (the plain Python writer the
fast one is held to), ``officials``, ``summary`` and ``audited`` (check, write, audit).
Writers write UTF-8 bytes to a binary file; the ``*_csv`` helpers also take a text one.
"""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO, TextIO

from sqlalchemy.orm import Session

from models.exports.audited import (
    HashingSink,
    Written,
    check_export,
    describe_filters,
    export_attempts,
    export_officials,
    export_summary,
    record_export,
)
from models.exports.cells import BOM, csv_line, neutralise, quote, unneutralise
from models.exports.columns import ATTEMPT_COLUMNS, ATTEMPT_HEADER, OFFICIAL_COLUMNS
from models.exports.lines import STREAM_ROWS, write_lines
from models.exports.naming import (
    Labels,
    cli_command,
    describe,
    describe_text,
    file_name,
    labels_for,
    officials_file_name,
    officials_scope,
    slug,
)
from models.exports.officials import write_officials
from models.exports.summary import SUMMARY_COLUMNS, SummaryKind, write_summary
from models.filters import Filters


class _TextSink:
    """Bytes in, text out: lets the byte writers fill a text file (tests, StringIO)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> int:
        return self._out.write(self._decoder.decode(data))


def _binary(out: TextIO | BinaryIO) -> BinaryIO:
    if isinstance(out, io.TextIOBase):
        return _TextSink(out)  # type: ignore[return-value]
    return out  # type: ignore[return-value]


def write_attempts_csv(
    session: Session, out: TextIO | BinaryIO, filters: Filters, *, excel: bool = False
) -> int:
    """Write the filtered attempts to ``out``; returns the number of rows.

    ``excel=True`` starts with a UTF-8 byte order mark and ends lines with CRLF.
    """
    return write_lines(session, _binary(out), filters, excel=excel)


def attempts_export(
    session: Session, filters: Filters, *, excel: bool = False
) -> tuple[bytes, int]:
    """The attempts export as UTF-8 bytes and its number of rows (held in memory: tests)."""
    buffer = io.BytesIO()
    rows = write_lines(session, buffer, filters, excel=excel)
    return buffer.getvalue(), rows


def attempts_csv_bytes(session: Session, filters: Filters, *, excel: bool = False) -> bytes:
    return attempts_export(session, filters, excel=excel)[0]


def write_officials_csv(
    session: Session, out: TextIO | BinaryIO, *, excel: bool = False,
    campaign_id: int | None = None,
) -> int:  # fmt: skip
    return write_officials(session, _binary(out), excel=excel, campaign_id=campaign_id)


def officials_csv_bytes(session: Session, *, excel: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_officials(session, buffer, excel=excel)
    return buffer.getvalue()


__all__ = [
    "ATTEMPT_COLUMNS", "ATTEMPT_HEADER", "BOM", "OFFICIAL_COLUMNS", "STREAM_ROWS",
    "SUMMARY_COLUMNS",
    "HashingSink", "Labels", "SummaryKind", "Written", "attempts_csv_bytes", "attempts_export",
    "check_export", "cli_command", "csv_line", "describe", "describe_filters", "describe_text",
    "export_attempts",
    "export_officials", "export_summary", "file_name", "labels_for", "neutralise",
    "officials_csv_bytes", "officials_file_name", "officials_scope", "quote", "record_export",
    "slug", "unneutralise",
    "write_attempts_csv", "write_officials_csv", "write_summary",
]  # fmt: skip
