"""Where the database is, how to connect to it, transactions, and migrating to head."""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from models import data_version
from models.permissions import CommitThenRaise
from models.writelock import WriteLockTimeout, lock_for

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "data" / "outreach.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
# SQLite's durability: FULL (the default) syncs the WAL at every COMMIT, so an attempt
# acknowledged as saved survives a power loss or an OS crash; NORMAL syncs only at
# checkpoints: a killed app process still loses nothing, but a power loss may roll back
# the last commits. Measured in README ("Durability and logging speed").
SYNCHRONOUS_ENV = "OUTREACH_SQLITE_SYNCHRONOUS"
SYNCHRONOUS_MODES = ("FULL", "NORMAL")
DEFAULT_RETRIES = 3
# The PostgreSQL advisory lock migrations hold: a fixed 64-bit key no other lock uses.
MIGRATION_LOCK_KEY = 0x6F75_7472_6561_6368  # "outreach"
RETRY_PAUSE_S = 0.05  # the first pause; each retry doubles it
# serialization_failure, deadlock_detected, lock_not_available
PG_RETRYABLE = frozenset({"40001", "40P01", "55P03"})
T = TypeVar("T")


def database_url() -> str:
    """``DATABASE_URL`` if set, else the embedded SQLite file in ``data/``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def sqlite_synchronous() -> str:
    """``PRAGMA synchronous`` for SQLite connections: ``OUTREACH_SQLITE_SYNCHRONOUS`` if
    set (FULL or NORMAL, any case), else FULL. Any other value is refused, never ignored."""
    value = os.environ.get(SYNCHRONOUS_ENV, "").strip().upper() or "FULL"
    if value not in SYNCHRONOUS_MODES:
        raise ValueError(f"{SYNCHRONOUS_ENV} must be FULL or NORMAL, not {value!r}")
    return value


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default: :func:`database_url`), set up for safe writes.

    On SQLite every connection gets WAL, foreign keys, a busy timeout and
    ``synchronous=FULL`` (or NORMAL: :func:`sqlite_synchronous`), and transactions are
    started by us: ``BEGIN IMMEDIATE`` for writes (see :func:`session_scope`), so a
    read-then-write never loses an update or fails on a lock upgrade.
    """
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    event.listen(engine, "begin", data_version.note_begin)
    event.listen(engine, "before_cursor_execute", _note_statement)
    return engine


def _note_statement(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    data_version.note_statement(conn, statement)


def _configure_sqlite(engine: Engine) -> None:
    synchronous = sqlite_synchronous()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves instead of pysqlite's implicit, deferred one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")
        data_version.note_begin(conn)


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database in WAL mode (it stays so; later connections find it set).

    Switching a new database to WAL needs a moment with no other connection in it, and
    SQLite answers "database is locked" at once, without its busy handler, when another
    connection is there (two processes starting on a new file): wait for that moment.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


@contextmanager
def session_scope(
    engine: Engine, *, write: bool = True, moves: Iterable[str] = (data_version.EVERY,)
) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception.

    ``write=True`` takes SQLite's write lock at BEGIN (``BEGIN IMMEDIATE``); use
    ``write=False`` for read-only work so readers never queue behind writers. On SQLite
    a write first waits its turn in this process's queue for the database
    (:mod:`models.writelock`), held until COMMIT or ROLLBACK, so concurrent writers
    take turns instead of timing out in SQLite's busy handler.

    A write that changed any row moves the data versions of ``moves`` just before COMMIT,
    in its transaction (:mod:`models.data_version`), so every app process's caches see
    it: by default ``every``, which outdates every cached read; ``()`` for bookkeeping
    that no cached read shows (a session's last-seen time, an audit event alone).
    """
    scopes = frozenset(moves) if write else frozenset()
    if write and is_sqlite(engine):
        with lock_for(engine).held(BUSY_TIMEOUT_MS / 1000), _unit_of_work(engine, scopes) as s:
            yield s
        return
    with _unit_of_work(engine, scopes, write=write) as session:
        yield session


@contextmanager
def _unit_of_work(
    engine: Engine, moves: frozenset[str], *, write: bool = True
) -> Iterator[Session]:
    session = Session(bind=_bind(engine, write), expire_on_commit=False)
    try:
        yield session
        _move_versions(session, moves)
        session.commit()
    except CommitThenRaise:
        session.commit()  # the refusal's audit event, and nothing else
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _bind(engine: Engine, write: bool) -> Engine:
    """``engine`` with the BEGIN of a write (IMMEDIATE) or a read (DEFERRED), made once
    per engine and kept on it: a new option engine per unit of work cost a copy of its
    options and events on every write."""
    binds = engine.__dict__.setdefault("_outreach_binds", {})
    bind = binds.get(write)
    if bind is None:
        bind = binds[write] = engine.execution_options(
            sqlite_begin="IMMEDIATE" if write else "DEFERRED"
        )
    return cast(Engine, bind)


def _move_versions(session: Session, moves: frozenset[str]) -> None:
    if not moves:
        return
    session.flush()
    if not session.in_transaction():
        return  # the work never touched the database
    data_version.move_if_changed(session.connection(), moves)


def run_write(
    engine: Engine,
    work: Callable[[Session], T],
    *,
    retries: int = DEFAULT_RETRIES,
    moves: Iterable[str] = (data_version.EVERY,),
) -> T:
    """``work`` in its own write transaction, run again (up to ``retries`` more times,
    with growing, jittered pauses) if the database refused it for a lock. ``moves``: the
    data versions it moves if it changes rows, as for :func:`session_scope`.

    Only for work that is safe to repeat: the failed try was rolled back, but a retry
    runs ``work`` again from the start, so it must not have effects outside the
    transaction, and must be idempotent if a commit could have landed (``log_attempt``
    is: a repeat of its idempotency key returns the saved attempt).
    """
    for attempt in range(retries + 1):
        try:
            with session_scope(engine, moves=moves) as session:
                return work(session)
        except Exception as exc:
            if attempt == retries or not is_lock_error(exc):
                raise
        time.sleep(RETRY_PAUSE_S * 2**attempt * random.uniform(0.5, 1.5))  # noqa: S311
    raise AssertionError("unreachable: the last try returns or raises")


def is_lock_error(exc: BaseException) -> bool:
    """Did the database refuse for another writer, so that the same work may succeed
    later? SQLite's "database is locked"/busy, PostgreSQL's serialization failure,
    deadlock or lock timeout, or no turn in our own write queue."""
    if isinstance(exc, WriteLockTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        return "database is locked" in str(orig)
    return getattr(orig, "sqlstate", None) in PG_RETRYABLE


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the database behind ``engine`` to the newest schema (idempotent)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with migration_connection(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for migrations to run on.

    On SQLite, altering a table means copying it to a new one and dropping the old, which
    foreign keys forbid while other rows point at it; SQLite's documented procedure is to
    switch them off (outside any transaction), alter, and check every reference before
    committing. A dangling reference rolls the whole migration back.
    """
    with engine.connect() as connection:
        if not is_sqlite(engine):
            with connection.begin():
                # Two processes starting together: the second waits here, then finds
                # the schema at head and has nothing to do.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                yield connection
            return
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        # BEGIN IMMEDIATE: a second process starting together waits (busy timeout) for
        # the first one's migration, then finds the schema at head.
        connection.execution_options(sqlite_begin="IMMEDIATE")
        try:
            with connection.begin():
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migration left references dangling: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
