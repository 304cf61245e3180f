"""The database layer: UTC instants, SQLite's safety settings, and concurrent writes."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.commands import log_attempt
from models.db import alembic_config, make_engine, migrate, migration_connection, session_scope
from models.tables import Attempt, AuditEvent, User
from models.users import ensure_user
from models.vocab import Channel, Outcome
from tests.factories import make_campaign, make_official, make_user


def test_instants_come_back_aware_utc(session: Session) -> None:
    """A Moscow-time instant is stored and read back as the same instant, tagged UTC."""
    moscow = datetime(2026, 3, 4, 13, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    user = User(name="tz", display_name="tz", created_at=moscow)
    session.add(user)
    session.commit()
    session.expire_all()
    loaded = session.get(User, user.id)
    assert loaded is not None
    assert loaded.created_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert loaded.created_at.tzinfo is UTC


def test_naive_datetimes_are_refused(session: Session) -> None:
    """A naive datetime is a bug waiting to happen; binding one fails loudly."""
    session.add(User(name="naive", display_name="naive", created_at=datetime(2026, 3, 4)))
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()


def test_sqlite_connections_are_set_up_for_safe_writes(tmp_path: object) -> None:
    """WAL, foreign keys, FULL sync and a busy timeout on every connection."""
    engine = make_engine(f"sqlite:///{tmp_path}/pragmas.db")
    with engine.connect() as conn:
        got = [
            conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        ]
    engine.dispose()
    assert got == ["wal", 1, 2, 10_000]


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    """An attempt for an official that does not exist is rejected by the database itself."""
    row = {
        "campaign_id": 404,
        "official_id": 404,
        "contact_value": "",
        "channel": Channel.PHONE,
        "outcome": Outcome.BUSY,
        "outcome_class": Outcome.BUSY.outcome_class,
        "occurred_at": datetime(2026, 3, 4, tzinfo=UTC),
        "notes": "",
        "coordinator_id": 404,
        "idempotency_key": "fk-test",
        "created_at": datetime(2026, 3, 4, tzinfo=UTC),
    }
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.execute(insert(Attempt), [row])


def _run_threads(count: int, target: object) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run() -> None:
        barrier.wait()
        try:
            target()  # type: ignore[operator]
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_double_submit_saves_one_attempt(engine: Engine) -> None:
    """Eight simultaneous saves with one idempotency key: one row, one audit event, no errors."""
    with session_scope(engine) as session:
        campaign = make_campaign(session)
        official = make_official(session, campaign_id=campaign)
        user = make_user(session)
    results: list[int] = []

    def save() -> None:
        with session_scope(engine) as session:
            result = log_attempt(
                session,
                campaign_id=campaign,
                official_id=official,
                channel=Channel.PHONE,
                outcome=Outcome.BUSY,
                actor_id=user,
                idempotency_key="double-click",
            )
            results.append(result.attempt_id)

    assert _run_threads(8, save) == []
    with session_scope(engine, write=False) as session:
        attempts = session.scalar(select(func.count(Attempt.id)))
        events = session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.entity == "attempt")
        )
    assert (attempts, events, len(set(results))) == (1, 1, 1)


def test_concurrent_first_use_of_a_name_creates_one_user(engine: Engine) -> None:
    """Read-then-write under contention neither fails nor duplicates (BEGIN IMMEDIATE / UNIQUE)."""

    def save() -> None:
        with session_scope(engine) as session:
            ensure_user(session, "Same Person")

    assert _run_threads(8, save) == []
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count(User.id))) == 1


def test_failed_transaction_leaves_nothing(engine: Engine) -> None:
    """An error inside session_scope rolls back every row written in it."""
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        ensure_user(session, "Rolled Back")
        raise RuntimeError("boom")
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count(User.id))) == 0
        assert session.scalar(select(func.count(AuditEvent.id))) == 0


def test_a_migration_leaving_a_dangling_reference_changes_nothing(sqlite_url: str) -> None:
    """SQLite migrations alter tables with foreign keys off, but a dangling reference left
    at the end rolls the whole migration back, and the keys are enforced again after."""
    engine = make_engine(sqlite_url)
    with pytest.raises(RuntimeError, match="dangling"), migration_connection(engine) as conn:
        conn.execute(
            insert(AuditEvent).values(action="probe", entity="x", actor_id=999_999, changes={})
        )
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(AuditEvent(action="probe", entity="x", actor_id=999_999, changes={}))
    engine.dispose()


def test_a_migration_may_rebuild_a_table_that_rows_point_at(sqlite_url: str) -> None:
    """Inside a SQLite migration a referenced table can be emptied and refilled (as batch
    mode's copy-and-swap does), as long as every reference holds again at the end."""
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        actor = make_user(session)
        session.add(AuditEvent(action="probe", entity="x", actor_id=actor, changes={}))
    with migration_connection(engine) as conn:
        conn.exec_driver_sql("CREATE TABLE users_copy AS SELECT * FROM users")
        conn.exec_driver_sql("DELETE FROM users")
        conn.exec_driver_sql("INSERT INTO users SELECT * FROM users_copy")
        conn.exec_driver_sql("DROP TABLE users_copy")
    with session_scope(engine) as session:
        kept = session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "probe"))
    assert kept == actor
    engine.dispose()


def test_two_processes_starting_together_migrate_once(empty_db_url: str) -> None:
    """Two engines migrating one empty database at the same moment (as two app processes
    starting together do): both succeed and the schema is at head, recorded once."""
    engines = [make_engine(empty_db_url) for _ in range(2)]
    errors: list[BaseException] = []

    def start(engine: Engine) -> None:
        try:
            migrate(engine)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with engines[0].connect() as conn:
        versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    for engine in engines:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert (errors, [v[0] for v in versions]) == ([], [head])


def test_a_new_database_goes_to_wal_when_another_connection_lets_go(tmp_path: Path) -> None:
    """Another connection is writing to a new (rollback-journal) file, so SQLite refuses
    the switch to WAL at once, without its busy handler; the engine's connection waits
    until the writer commits and gets WAL."""
    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")  # a write in progress: a reserved lock, held
    releaser = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    releaser.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    finally:
        releaser.join()
        other.close()
        engine.dispose()
    assert mode == "wal"
