"""Logging stays fast and loses nothing under concurrency: few statements per attempt,
writers take turns in arrival order, and a write refused for a lock is tried again."""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from models import db
from models.commands import LogResult, log_attempt
from models.db import is_lock_error, make_engine, run_write, session_scope
from models.directory import add_contact_point
from models.insights import upkeep
from models.tables import Attempt, FollowUp
from models.vocab import Channel, ContactKind, FollowUpStatus, Outcome
from models.writelock import FairLock, WriteLockTimeout, lock_for
from tests.factories import make_campaign, make_official, make_user
from tests.test_rollups import rollup_rows

WHEN = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def ids(engine: Engine) -> dict[str, Any]:
    with session_scope(engine) as session:
        campaign = make_campaign(session)
        officials = [
            make_official(session, f"Official {n}", campaign_id=campaign) for n in range(3)
        ]
        user = make_user(session)
    return {"campaign": campaign, "officials": officials, "user": user}


def _log(session: Session, ids: dict[str, Any], key: str, **extra: Any) -> LogResult:
    """A phone call with no answer to the first official, at WHEN unless ``extra`` says."""
    kwargs: dict[str, Any] = {
        "campaign_id": ids["campaign"],
        "official_id": ids["officials"][0],
        "channel": Channel.PHONE,
        "outcome": Outcome.NO_ANSWER,
        "actor_id": ids["user"],
        "idempotency_key": key,
        "occurred_at": WHEN,
    }
    return log_attempt(session, **(kwargs | extra))


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL sent to the driver while the block runs (BEGIN included when SQLAlchemy
    sends it; psycopg begins its transactions itself)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- Statements per attempt ----------------------------------------------------------


def test_logging_an_attempt_takes_at_most_nine_statements(
    engine: Engine, ids: dict[str, Any]
) -> None:
    """One call as the Log page makes it: check, insert, rollups, follow-ups, audit, and
    the data versions' move (models.data_version)."""
    with session_scope(engine) as session:
        _log(session, ids, "warm-up")  # the first call also compiles the statements
    with _statements(engine) as seen, session_scope(engine) as session:
        result = _log(session, ids, "counted")
    assert result.created
    assert len(seen) <= 9, seen


def test_logging_today_on_a_failing_number_still_takes_at_most_nine_statements(
    engine: Engine, ids: dict[str, Any]
) -> None:
    """The guarded path (an attempt dated today, counted against the daily limit in its
    INSERT) on a contact point whose failure count moves: still nine at most."""
    with session_scope(engine) as session:
        point = add_contact_point(
            session, official_id=ids["officials"][0], kind=ContactKind.PHONE,
            value="+74992443025", actor_id=None,
        )  # fmt: skip
        _log(session, ids, "warm-up", occurred_at=None)
    with _statements(engine) as seen, session_scope(engine) as session:
        result = _log(
            session, ids, "counted", occurred_at=None, contact_point_id=point,
            outcome=Outcome.WRONG_NUMBER,
        )  # fmt: skip
    assert result.created
    assert len(seen) <= 9, seen


def test_a_replayed_submit_reads_once_and_writes_nothing(
    engine: Engine, ids: dict[str, Any]
) -> None:
    """A double click's second save is one SELECT (after BEGIN), and no INSERT."""
    with session_scope(engine) as session:
        first = _log(session, ids, "twice")
    with _statements(engine) as seen, session_scope(engine) as session:
        again = _log(session, ids, "twice", outcome=Outcome.BUSY)
    assert (again.attempt_id, again.created) == (first.attempt_id, False)
    assert [s for s in seen if s != "BEGIN"] == ["SELECT"]


def test_closing_a_follow_up_expires_the_copy_the_session_holds(
    engine: Engine, ids: dict[str, Any]
) -> None:
    """The Core UPDATE that completes a follow-up leaves no stale ORM object behind."""
    with session_scope(engine) as session:
        first = _log(session, ids, "asks", follow_up_on=WHEN.date() + timedelta(days=2))
        held = session.get(FollowUp, first.follow_up_id)
        assert held is not None and held.status == FollowUpStatus.OPEN
        second = _log(session, ids, "answers", occurred_at=WHEN + timedelta(days=1))
        assert second.completed_follow_up_ids == (held.id,)
        assert (held.status, held.completed_by_attempt_id) == (
            FollowUpStatus.DONE,
            second.attempt_id,
        )


# --- The fair lock -------------------------------------------------------------------


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.001)


def test_fair_lock_serves_waiters_in_arrival_order() -> None:
    """Threads that queue one after another get the lock in that order, every time."""
    lock, order = FairLock(), []
    assert lock.acquire(timeout=1)

    def take(n: int) -> None:
        with lock.held(timeout=5):
            order.append(n)

    threads = []
    for n in range(8):
        thread = threading.Thread(target=take, args=(n,))
        thread.start()
        _wait_until(lambda n=n: lock.waiting == n + 1)  # type: ignore[misc]
        threads.append(thread)
    lock.release()
    for thread in threads:
        thread.join()
    assert order == list(range(8))


def test_fair_lock_gives_up_after_its_timeout_and_leaves_the_queue() -> None:
    """A waiter whose timeout passes gets False and no longer holds a place in line."""
    lock = FairLock()
    holder_has_it, done = threading.Event(), threading.Event()

    def hold() -> None:
        with lock.held(timeout=1):
            holder_has_it.set()
            done.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holder_has_it.wait(5)
    assert lock.acquire(timeout=0.05) is False
    with pytest.raises(WriteLockTimeout), lock.held(timeout=0.01):
        pytest.fail("the lock is held by another thread")
    assert lock.waiting == 0
    done.set()
    holder.join()
    assert lock.acquire(timeout=0) is True
    lock.release()


def test_fair_lock_is_reentrant_for_its_owner() -> None:
    """A write inside a write in one thread does not deadlock on our own lock."""
    lock = FairLock()
    with lock.held(timeout=0), lock.held(timeout=0):
        pass
    assert lock.acquire(timeout=0)
    lock.release()
    with pytest.raises(RuntimeError, match="does not hold"):
        lock.release()


def test_engines_on_one_sqlite_file_share_one_lock(sqlite_url: str) -> None:
    """Two engines on the same file queue together; another file has its own queue."""
    first, second, other = make_engine(sqlite_url), make_engine(sqlite_url), make_engine()
    assert lock_for(first) is lock_for(second)
    assert lock_for(first) is not lock_for(other)
    for engine in (first, second, other):
        engine.dispose()


def test_sqlite_write_transactions_never_overlap(sqlite_url: str) -> None:
    """Eight threads writing at once: at most one is ever inside a write transaction."""
    engine = make_engine(sqlite_url)
    inside, most, guard = [0], [0], threading.Lock()

    def write(_n: int) -> None:
        for _ in range(10):
            with session_scope(engine) as session:
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                session.execute(select(1))
                time.sleep(0.001)
                with guard:
                    inside[0] -= 1

    assert _run_threads(8, write) == []
    engine.dispose()
    assert most[0] == 1


# --- Retrying a write refused for a lock --------------------------------------------


class _FakePgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_locked(), True),
        (OperationalError("UPDATE", {}, _FakePgError("40001")), True),  # serialization
        (OperationalError("UPDATE", {}, _FakePgError("40P01")), True),  # deadlock
        (WriteLockTimeout("busy"), True),
        (OperationalError("x", {}, sqlite3.OperationalError("no such table: x")), False),
        (IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE")), False),
        (ValueError("database is locked"), False),
    ],
)
def test_lock_errors_are_told_from_others(error: Exception, expected: bool) -> None:
    """Only a refusal for another writer counts as worth trying again."""
    assert is_lock_error(error) is expected


def test_run_write_tries_again_after_a_lock_error(
    engine: Engine, ids: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused twice for a lock, the third try saves the attempt once."""
    monkeypatch.setattr(db, "RETRY_PAUSE_S", 0.001)
    tries = []

    def work(session: Session) -> LogResult:
        tries.append(1)
        result = _log(session, ids, "retried")
        if len(tries) < 3:
            raise _locked()
        return result

    result = run_write(engine, work, retries=3)
    assert (len(tries), result.created, _attempts(engine)) == (3, True, 1)


def test_run_write_gives_up_after_its_retries_and_never_retries_other_errors(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock error on every try surfaces after retries + 1 tries; any other at once."""
    monkeypatch.setattr(db, "RETRY_PAUSE_S", 0.001)
    tries: list[str] = []

    def locked(_session: Session) -> None:
        tries.append("locked")
        raise _locked()

    def broken(_session: Session) -> None:
        tries.append("broken")
        raise ValueError("not a lock")

    with pytest.raises(OperationalError):
        run_write(engine, locked, retries=2)
    with pytest.raises(ValueError, match="not a lock"):
        run_write(engine, broken, retries=2)
    assert tries == ["locked"] * 3 + ["broken"]


def test_run_write_outlasts_another_process_holding_the_database(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection (as another process would) holds the write lock past the busy
    timeout: the first try fails with "database is locked", a retry saves."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(db, "RETRY_PAUSE_S", 0.1)
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        ids = {
            "campaign": (campaign := make_campaign(session)),
            "officials": [make_official(session, campaign_id=campaign)],
            "user": make_user(session),
        }
    other = sqlite3.connect(
        engine.url.database or "", isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")
    tries = []

    def work(session: Session) -> LogResult:
        tries.append(1)
        return _log(session, ids, "outlasted")

    releaser = threading.Timer(0.3, other.execute, args=("COMMIT",))
    releaser.start()
    result = run_write(engine, work, retries=5)
    releaser.join()
    other.close()
    assert (result.created, len(tries) > 1, _attempts(engine)) == (True, True, 1)
    engine.dispose()


# --- Sixteen writers -----------------------------------------------------------------

WRITERS, PER_WRITER = 16, 15


def test_sixteen_writers_and_readers_lose_nothing(engine: Engine, ids: dict[str, Any]) -> None:
    """16 threads logging at once (some asking for follow-ups that others complete) and
    two readers: no errors, every attempt saved once, rollups equal to a rebuild."""
    stop = threading.Event()

    def writer(w: int) -> None:
        for n in range(PER_WRITER):
            run_write(engine, functools.partial(_writer_logs, ids=ids, w=w, n=n))

    def reader() -> None:
        while not stop.is_set():
            with session_scope(engine, write=False) as session:
                session.scalar(select(func.count(Attempt.id)))
            time.sleep(0.005)  # a page view now and then, not a busy loop

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for thread in readers:
        thread.start()
    errors = _run_threads(WRITERS, writer)
    stop.set()
    for thread in readers:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        keys = set(session.scalars(select(Attempt.idempotency_key)))
        incremental = rollup_rows(session)
        upkeep.rebuild(session)
        rebuilt = rollup_rows(session)
        session.rollback()
    assert keys == {f"w{w}-{n}" for w in range(WRITERS) for n in range(PER_WRITER)}
    assert rebuilt == incremental


def _writer_logs(session: Session, *, ids: dict[str, Any], w: int, n: int) -> LogResult:
    """Writer ``w``'s attempt ``n``: officials in turn, a follow-up asked for every third."""
    return _log(
        session,
        ids,
        f"w{w}-{n}",
        official_id=ids["officials"][(w + n) % 3],
        occurred_at=WHEN + timedelta(hours=w * PER_WRITER + n),
        follow_up_on=date(2026, 3, 20) if n % 3 == 0 else None,
    )


def _attempts(engine: Engine) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(func.count(Attempt.id))) or 0


def _run_threads(count: int, target: Callable[[int], None]) -> list[BaseException]:
    """Run ``target(n)`` for n in range(count), each in a thread, all started together."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        barrier.wait()
        try:
            target(n)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
