"""Reading a CSV someone was sent: its encoding, delimiter, records and their line numbers.

Decided by rule, never by a statistical guess: a byte order mark names the encoding
(UTF-8, UTF-16 LE or BE, as Excel's "Unicode text" writes); otherwise the bytes are
strict UTF-8 or they are Windows-1251 (Russian Excel). The delimiter is the one of
comma, semicolon and tab that splits the header into the most cells (``csv.Sniffer`` once
picked ``\\r`` for a Russian Excel file). Each record carries the line on which it
starts (the header is line 1), and every record must have as many cells as the header.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from models.text import InvalidInput

DELIMITERS = (",", ";", "\t")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_ZIP = b"PK\x03\x04"  # .xlsx, .docx, .ods are zip files
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls
csv.field_size_limit(10_000_000)  # the default 131,072 would cut a long note short


class NotACsv(InvalidInput):
    """The file cannot be read as a table of text; nothing was changed."""


@dataclass(frozen=True)
class Record:
    line: int  # the line of the file on which this record starts
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    records: tuple[Record, ...]
    problems: tuple[str, ...]  # "line N: ..." for records that could not be read


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a file's bytes, by the module's rule."""
    if data.startswith((_ZIP, _OLE)):
        raise NotACsv(
            "This is a spreadsheet file (Excel or similar), not a CSV: "
            "save it as CSV (UTF-8) and import that."
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding.removesuffix("-sig")), encoding
    try:
        return _strict(data, "utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _strict(data, "cp1251"), "windows-1251"


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding == "utf-8":
            raise
        raise NotACsv(f"The file is not text in {encoding}: it looks binary.") from None
    if "\x00" in text:
        raise NotACsv("The file holds NUL bytes: it is binary, not a CSV.")
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first record into the most cells (comma on a tie)."""
    counts = {d: _first_width(text, d) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], d == ","))


def _first_width(text: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), []))
    except csv.Error:
        return 0


def read_table(data: bytes) -> Table:
    """The file's header and records; unreadable records are reported, not dropped."""
    text, encoding = decode(data)
    if not text.strip():
        raise NotACsv("The file is empty.")
    delimiter = sniff_delimiter(text)
    header, records, problems = _records(text, delimiter)
    if not records and not problems:
        raise NotACsv("The file has a header but no rows.")
    return Table(encoding, delimiter, header, tuple(records), tuple(problems))


def _records(text: str, delimiter: str) -> tuple[tuple[str, ...], list[Record], list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: tuple[str, ...] | None = None
    records: list[Record] = []
    problems: list[str] = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {start}: cannot be read as CSV ({exc}); check its quotes")
            break  # the reader cannot find the next record after a broken one
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (and rows of empty cells) say nothing
        if header is None:
            header = tuple(cells)
        elif (problem := _width(cells, len(header))) is not None:
            problems.append(f"line {line}: {problem}")
        else:
            records.append(Record(line, tuple(cells[: len(header)])))
    return header or (), records, problems


def _width(cells: list[str], width: int) -> str | None:
    if len(cells) < width:
        return f"has {len(cells)} cells, the header has {width}"
    if any(cell.strip() for cell in cells[width:]):
        return f"has {len(cells)} cells, the header has {width}"
    return None
