"""Back up the whole database as a consistent snapshot, and restore one in a single step.

A backup reads every table in one read-only transaction while the app keeps writing: a
REPEATABLE READ snapshot on PostgreSQL, a WAL read transaction on SQLite (never a copy of
the file, whose ``-wal`` holds committed rows). It is written by the app itself in the
portable format of :mod:`models.backup_format`, so one restore path serves both databases
and needs no ``pg_dump`` of the server's exact version.

A restore checks the whole file first, then, in one transaction, drops every table,
builds the schema at the backup's revision with the migrations, loads the rows, resets
PostgreSQL's id sequences, migrates forward to head if the backup was older, ends every
session the backup brought back (a sign-out after the backup stays a sign-out), gives
the data a new version (``data_version`` is not backed up: a restored database never
brings back a number some process's cache holds) and writes its audit event. Any failure
rolls all of it back: the database is as it was.

Both need :attr:`Permission.BACKUP` (admins), or the system actor (``cli.py``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, Table, insert, select, text, update
from sqlalchemy.orm import Session

from models import data_version, response_rules
from models.audit import record_event
from models.backup_format import (
    BackupRejected,
    Manifest,
    TableEntry,
    TableWriter,
    decoder,
    kind_of,
    open_archive,
    read_manifest,
    table_rows,
    verify_payload,
    write_manifest,
)
from models.base import utcnow
from models.db import ROOT, alembic_config, is_sqlite, migration_connection, session_scope
from models.permissions import Permission, require
from models.tables import User, UserSession

BACKUP_DIR = ROOT / "data" / "backups"
# The revision travels in the manifest; the data versions are made anew by a restore.
NOT_DATA = frozenset({"alembic_version", "data_version"})
BATCH_ROWS = 2_000


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    migrated_to: str | None  # the head revision, when an older backup was migrated forward
    sessions_ended: int
    # Live attempts whose response they could not have had (models.response_rules): an
    # older version allowed a reply to any attempt. Reported, not refused: the backup is
    # restored, and each can be corrected on Log outreach ("Correct or delete an attempt").
    unanswerable_attempt_ids: tuple[int, ...] = ()


# --- Backing up ------------------------------------------------------------------------


def make_backup(
    engine: Engine, out: IO[bytes], *, actor_id: int | None, destination: str = "download"
) -> Manifest:
    """Write a snapshot of every table to ``out`` (a binary file); audited."""
    _authorize(engine, actor_id)
    manifest = _snapshot(engine, out)
    with session_scope(engine, moves=()) as session:  # an audit event alone
        record_event(
            session,
            actor_id=actor_id,
            action="backup",
            entity="database",
            entity_id=None,
            changes={
                "destination": destination,
                "revision": manifest.revision,
                "rows": sum(manifest.rows.values()),
                "sha256": manifest.payload_sha256,
            },
        )
    return manifest


def backup_bytes(engine: Engine, *, actor_id: int | None) -> bytes:
    """A backup held in memory, for a download."""
    buffer = io.BytesIO()
    make_backup(engine, buffer, actor_id=actor_id)
    return buffer.getvalue()


def default_backup_path(now: datetime | None = None) -> Path:
    """``data/backups/outreach-YYYYMMDD-HHMMSSZ.zip`` (UTC), with a suffix if that is taken."""
    stem = f"outreach-{(now or utcnow()):%Y%m%d-%H%M%S}Z"
    path, n = BACKUP_DIR / f"{stem}.zip", 1
    while path.exists():
        n += 1
        path = BACKUP_DIR / f"{stem}-{n}.zip"
    return path


def save_backup(
    engine: Engine, path: Path | None = None, *, actor_id: int | None
) -> tuple[Path, Manifest]:
    """Write a backup file readable by its owner only (0600), never over an existing file.

    It is written under a temporary name and renamed when complete, so a file with the
    final name is always a whole backup.
    """
    target = path or default_backup_path()
    if target.exists():
        raise FileExistsError(17, "a file is already there; choose another --out", str(target))
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = target.with_name(f".{target.name}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            manifest = make_backup(engine, out, actor_id=actor_id, destination=target.name)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target, manifest


def _snapshot(engine: Engine, out: IO[bytes]) -> Manifest:
    with _snapshot_connection(engine) as conn:
        # On SQLite the snapshot is taken by this first read, not by BEGIN.
        revision = str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
        created_at = utcnow()
        payload = hashlib.sha256()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            entries = tuple(
                _dump_table(conn, archive, table, payload) for table in _data_tables(conn)
            )
            manifest = Manifest(
                created_at, engine.dialect.name, revision, entries, payload.hexdigest()
            )
            write_manifest(archive, manifest)
    return manifest


@contextmanager
def _snapshot_connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        if not is_sqlite(engine):
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def _data_tables(conn: Connection) -> list[Table]:
    """The database's own tables as they are (at any revision), parents before children."""
    metadata = MetaData()
    metadata.reflect(conn)
    return [t for t in metadata.sorted_tables if t.name not in NOT_DATA]


def _dump_table(
    conn: Connection, archive: zipfile.ZipFile, table: Table, payload: Any
) -> TableEntry:
    writer = TableWriter(archive, table.name, [(c.name, kind_of(c)) for c in table.columns])
    ordered = select(table).order_by(*table.primary_key.columns)
    for row in conn.execute(ordered, execution_options={"yield_per": BATCH_ROWS}):
        payload.update(writer.write(row))
    return writer.close()


# --- Restoring -------------------------------------------------------------------------


def check_backup(source: Path | bytes) -> Manifest:
    """The manifest of a backup this app can restore; else :class:`BackupRejected`."""
    with _opened(source) as archive:
        return _checked(archive)


def restore(engine: Engine, source: Path | bytes, *, actor_id: int | None) -> RestoreReport:
    """Replace the database's contents with the backup, in one transaction; audited."""
    actor_name = _authorize(engine, actor_id)
    with _opened(source) as archive:
        manifest = _checked(archive)
        report = _replace_contents(engine, archive, manifest, actor_name)
    engine.dispose()  # no pooled connection keeps state from before the restore
    return report


@contextmanager
def _opened(source: Path | bytes) -> Iterator[zipfile.ZipFile]:
    if isinstance(source, bytes):
        stream: IO[bytes] = io.BytesIO(source)
    else:
        try:
            stream = source.open("rb")
        except OSError as exc:
            raise BackupRejected(f"cannot read {source}: {exc.strerror}") from None
    with stream, open_archive(stream) as archive:
        yield archive


def _checked(archive: zipfile.ZipFile) -> Manifest:
    manifest = read_manifest(archive)
    known, head = _revisions()
    if manifest.revision not in known:
        raise BackupRejected(
            f"the backup is at schema revision {manifest.revision}, which this app does not "
            f"know (its newest is {head}): a newer version made it; upgrade the app first"
        )
    verify_payload(archive, manifest)
    return manifest


@functools.cache
def _revisions() -> tuple[frozenset[str], str]:
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None
    return frozenset(r.revision for r in script.walk_revisions()), head


def _replace_contents(
    engine: Engine, archive: zipfile.ZipFile, manifest: Manifest, actor_name: str | None
) -> RestoreReport:
    _, head = _revisions()
    with migration_connection(engine.execution_options(sqlite_begin="IMMEDIATE")) as conn:
        _drop_every_table(conn)
        _upgrade(conn, manifest.revision)
        tables = {t.name: t for t in _data_tables(conn)}
        _check_schema(tables, manifest)
        for entry in manifest.tables:
            _load(conn, archive, tables[entry.name], entry)
        _reset_sequences(conn, list(tables.values()))
        migrated = manifest.revision != head
        if migrated:
            _upgrade(conn, "head")
        ended = _end_sessions(conn)
        unanswerable = tuple(response_rules.unanswerable_attempt_ids(conn))
        data_version.move(conn, [data_version.EVERY])
        _audit_restore(
            conn, manifest, actor_name, migrated=migrated, sessions_ended=ended,
            unanswerable=unanswerable,
        )  # fmt: skip
    if is_sqlite(engine):
        with engine.connect() as conn:  # the transaction left a WAL as large as the data
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return RestoreReport(manifest, head if migrated else None, ended, unanswerable)


def _drop_every_table(conn: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(conn)
    metadata.drop_all(conn)


def _upgrade(conn: Connection, revision: str) -> None:
    config = alembic_config(conn.engine.url.render_as_string(hide_password=False))
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


def _check_schema(tables: dict[str, Table], manifest: Manifest) -> None:
    """The backup's tables and columns are exactly those of its revision's schema."""
    for entry in manifest.tables:
        table = tables.get(entry.name)
        have = {(c.name, kind_of(c)) for c in table.columns} if table is not None else set()
        if have != set(entry.columns):
            raise BackupRejected(
                f"the backup's table {entry.name} does not match schema revision "
                f"{manifest.revision}: nothing was changed"
            )
    missing = sorted(set(tables) - set(manifest.rows))
    if missing:
        raise BackupRejected(f"the backup lacks table {missing[0]}")


def _load(conn: Connection, archive: zipfile.ZipFile, table: Table, entry: TableEntry) -> None:
    names = [name for name, _ in entry.columns]
    decoders = [decoder(table.c[name]) for name in names]
    statement, batch = insert(table), []
    for values in table_rows(archive, entry):
        batch.append({n: d(v) for n, d, v in zip(names, decoders, values, strict=True)})
        if len(batch) == BATCH_ROWS:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL: each id sequence continues after the largest id loaded."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's rowid ids continue from the largest one by themselves
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.primary_key.columns:
            found = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if found is not None:
                largest = f"SELECT COALESCE(MAX({quote(column.name)}), 0) FROM {quote(table.name)}"
                conn.execute(text(f"SELECT setval(:s, ({largest}) + 1, false)"), {"s": found})


def _end_sessions(conn: Connection) -> int:
    ended = conn.execute(
        update(UserSession)
        .where(UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason="restored")
    )
    return ended.rowcount


def _audit_restore(
    conn: Connection,
    manifest: Manifest,
    actor_name: str | None,
    *,
    migrated: bool,
    sessions_ended: int,
    unanswerable: tuple[int, ...],
) -> None:
    """The restore's event, in the restored data: by the same account if the backup has it."""
    with Session(bind=conn) as session:
        actor_id = None
        if actor_name is not None:
            actor_id = session.scalar(select(User.id).where(User.name == actor_name))
        record_event(
            session,
            actor_id=actor_id,
            action="restore",
            entity="database",
            entity_id=None,
            changes={
                "by": actor_name or "cli",
                "backup_created_at": manifest.created_at.isoformat(),
                "backup_dialect": manifest.dialect,
                "backup_revision": manifest.revision,
                "migrated": migrated,
                "rows": sum(manifest.rows.values()),
                "sessions_ended": sessions_ended,
                "sha256": manifest.payload_sha256,
            }
            | ({"unanswerable_attempt_ids": list(unanswerable)} if unanswerable else {}),
        )
        session.flush()


def _authorize(engine: Engine, actor_id: int | None) -> str | None:
    """The actor's account name (None for the system), or a refusal, audited."""
    with session_scope(engine, moves=()) as session:
        actor = require(session, actor_id, Permission.BACKUP, system_ok=True)
        return actor.name if actor is not None else None
