"""The backup file: a zip of one JSON-lines file per table and a manifest that vouches for them.

Layout (format 1)::

    manifest.json          app, format, created_at, source dialect, schema revision,
                           per table: name, columns and their kinds, rows, SHA-256;
                           and payload_sha256 over every table file in manifest order
    tables/<name>.jsonl    one JSON array per row, in the manifest's column order

Values are written in one portable form whatever the database: instants as ISO 8601 in
UTC, dates and times as ISO 8601, JSON columns as JSON. So a backup of SQLite restores
into PostgreSQL and back. Every column kind the schema uses is listed in :data:`KINDS`;
a column of any other type makes the backup fail loudly rather than guess.

Reading checks everything before a caller touches a database: a file that is not a zip,
is truncated, is some other zip, or whose bytes do not match the manifest's hashes and
row counts raises :class:`BackupRejected` with a one-line message.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    String,
    Time,
)

APP = "outreach-tracker"
FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 10_000_000
# What a damaged archive raises from zipfile (a flipped flag bit asks for a password,
# a flipped method byte names an unknown compression, deflate fails on bad data, ...).
READ_ERRORS = (
    zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
    RuntimeError,
)  # fmt: skip
KINDS = ("integer", "float", "boolean", "text", "date", "time", "instant", "json")


class BackupRejected(Exception):
    """The file is not a backup this app can restore. The message is one line, safe to show."""


@dataclass(frozen=True)
class TableEntry:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, kind)
    rows: int
    sha256: str

    @property
    def file(self) -> str:
        return f"tables/{self.name}.jsonl"


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    dialect: str
    revision: str
    tables: tuple[TableEntry, ...]
    payload_sha256: str
    app: str = APP
    format: int = FORMAT

    @property
    def rows(self) -> dict[str, int]:
        return {t.name: t.rows for t in self.tables}

    def to_json(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "format": self.format,
            "created_at": self.created_at.isoformat(),
            "dialect": self.dialect,
            "revision": self.revision,
            "tables": [
                {"name": t.name, "columns": [list(c) for c in t.columns], "rows": t.rows,
                 "sha256": t.sha256}
                for t in self.tables
            ],
            "payload_sha256": self.payload_sha256,
        }  # fmt: skip


def kind_of(column: Column[Any]) -> str:
    """The portable kind of a (reflected) column; an unknown type is an error, not a guess."""
    kinds: tuple[tuple[type[Any], str], ...] = (
        (Boolean, "boolean"), (DateTime, "instant"), (Date, "date"), (Time, "time"),
        (JSON, "json"), (Integer, "integer"), (Float, "float"), (Numeric, "float"),
        (String, "text"),
    )  # fmt: skip
    for type_, kind in kinds:
        if isinstance(column.type, type_):
            return kind
    raise TypeError(f"column {column.table.name}.{column.name} has a type backups do not know")


def encode(kind: str, value: Any) -> Any:
    """A value as JSON. Instants are UTC; a naive one (SQLite) is already UTC."""
    if value is None or kind not in ("instant", "date", "time"):
        return value
    if kind == "instant":
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    return value.isoformat()


def decoder(column: Column[Any]) -> Any:
    """A function turning an encoded value back into what ``column`` takes."""
    kind = kind_of(column)
    if kind == "instant":
        keep_zone = bool(getattr(column.type, "timezone", False))
        return lambda v: None if v is None else _instant(v, keep_zone=keep_zone)
    parse = {"date": date.fromisoformat, "time": time.fromisoformat}.get(kind)
    if parse is None:
        return lambda v: v
    return lambda v: None if v is None else parse(v)


def _instant(text: str, *, keep_zone: bool) -> datetime:
    value = datetime.fromisoformat(text).astimezone(UTC)
    return value if keep_zone else value.replace(tzinfo=None)


class TableWriter:
    """Writes one table's rows into the archive, counting and hashing as it goes."""

    def __init__(self, archive: zipfile.ZipFile, name: str, columns: Iterable[tuple[str, str]]):
        self.name, self.columns = name, tuple(columns)
        self.rows, self._hash = 0, hashlib.sha256()
        self._out = archive.open(f"tables/{name}.jsonl", "w", force_zip64=True)
        self._kinds = [kind for _, kind in self.columns]

    def write(self, row: Iterable[Any]) -> bytes:
        values = [encode(kind, v) for kind, v in zip(self._kinds, row, strict=True)]
        line = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        self._out.write(line)
        self._hash.update(line)
        self.rows += 1
        return line

    def close(self) -> TableEntry:
        self._out.close()
        return TableEntry(self.name, self.columns, self.rows, self._hash.hexdigest())


def write_manifest(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    text = json.dumps(manifest.to_json(), ensure_ascii=False, indent=1)
    archive.writestr(MANIFEST, text.encode())


def open_archive(source: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except READ_ERRORS:
        raise BackupRejected(
            "not an Outreach Tracker backup: the file is not a zip archive, or it is truncated"
        ) from None


def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    """The archive's manifest, checked for shape, app and format (not yet the payload)."""
    try:
        info = archive.getinfo(MANIFEST)
        if info.file_size > MANIFEST_MAX_BYTES:
            raise BackupRejected("not an Outreach Tracker backup: its manifest is too large")
        raw = json.loads(archive.read(info).decode())
    except KeyError:
        raise BackupRejected("not an Outreach Tracker backup: it has no manifest.json") from None
    except READ_ERRORS as exc:
        raise BackupRejected(
            f"the backup is damaged: its manifest cannot be read ({exc})"
        ) from None
    return _parse_manifest(raw)


def _parse_manifest(raw: Any) -> Manifest:
    if not isinstance(raw, dict) or raw.get("app") != APP:
        raise BackupRejected("not an Outreach Tracker backup: its manifest names another app")
    if raw.get("format") != FORMAT:
        raise BackupRejected(
            f"the backup is in format {raw.get('format')!r}; this app reads format {FORMAT} "
            "(a newer app made it: upgrade this one first)"
        )
    try:
        return Manifest(
            created_at=datetime.fromisoformat(raw["created_at"]),
            dialect=str(raw["dialect"]),
            revision=str(raw["revision"]),
            tables=tuple(_parse_table(t) for t in raw["tables"]),
            payload_sha256=str(raw["payload_sha256"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupRejected(f"the backup is damaged: its manifest is malformed ({exc})") from None


def _parse_table(raw: dict[str, Any]) -> TableEntry:
    columns = tuple((str(name), str(kind)) for name, kind in raw["columns"])
    if any(kind not in KINDS for _, kind in columns) or not isinstance(raw["rows"], int):
        raise ValueError(f"table {raw['name']!r} has an unknown column kind or row count")
    return TableEntry(str(raw["name"]), columns, raw["rows"], str(raw["sha256"]))


def verify_payload(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    """Check every table file against its row count and hash, and the payload's hash."""
    expected = {MANIFEST} | {t.file for t in manifest.tables}
    unexpected = sorted(set(archive.namelist()) - expected)
    if unexpected:
        raise BackupRejected(f"the backup is damaged: it holds an unexpected file {unexpected[0]}")
    payload = hashlib.sha256()
    for table in manifest.tables:
        digest, rows = hashlib.sha256(), 0
        for line in _lines(archive, table):
            digest.update(line)
            payload.update(line)
            rows += 1
        if digest.hexdigest() != table.sha256 or rows != table.rows:
            raise BackupRejected(
                f"the backup is damaged: table {table.name} does not match its hash"
            )
    if payload.hexdigest() != manifest.payload_sha256:
        raise BackupRejected("the backup is damaged: the payload does not match its hash")


def table_rows(archive: zipfile.ZipFile, table: TableEntry) -> Iterator[list[Any]]:
    """The table's rows, decoded from JSON (values still in their portable form)."""
    for line in _lines(archive, table):
        yield json.loads(line)


def _lines(archive: zipfile.ZipFile, table: TableEntry) -> Iterator[bytes]:
    try:
        with archive.open(table.file) as member:
            yield from member
    except KeyError:
        raise BackupRejected(f"the backup is damaged: {table.file} is missing") from None
    except READ_ERRORS as exc:
        raise BackupRejected(
            f"the backup is damaged: {table.file} cannot be read ({exc})"
        ) from None
