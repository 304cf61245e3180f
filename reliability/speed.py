"""Where the time of logging one attempt goes: statements, their SQL, the COMMIT, Python.

One writer logs ``calls`` plain attempts (no answer, no follow-up, no response: the
issue's "one attempt") back to back through the Log page's path
(:func:`reliability.world.log`), twice: once as it is, for the wall and CPU times, and
once more with SQLAlchemy's events counting and timing every statement and the Session's
events timing the COMMIT (the rest of that pass's wall time is Python, ours and
SQLAlchemy's). The listeners cost time of their own (several ms per attempt on a loaded
machine), so the split is of the instrumented pass, the median and p99 of the plain one.
On SQLite it runs once per ``synchronous`` mode (FULL, the app's default, and NORMAL),
each beside the bare driver's floor: ``BEGIN IMMEDIATE``, one small INSERT and
``COMMIT`` through ``sqlite3`` with the same settings.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.orm import Session

from models.db import BUSY_TIMEOUT_MS, SYNCHRONOUS_ENV, make_engine
from models.entries import AttemptEntry
from models.vocab import Outcome
from reliability import world as w

WARM_UP = 30


@dataclass
class SpeedResult:
    backend: str
    synchronous: str
    calls: int
    wall: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    instrumented: list[float] = field(default_factory=list)
    statements: Counter[str] = field(default_factory=Counter)
    sql_s: float = 0.0
    commit_s: float = 0.0
    insert_attempt: list[float] = field(default_factory=list)
    attempt_indexes: int = 0
    floor: float | None = None
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    problems: list[str] = field(default_factory=list)

    def figures(self) -> list[str]:
        n, ms = self.calls, 1000
        total = sum(self.instrumented)
        python = total - self.sql_s - self.commit_s
        kinds = ", ".join(f"{k} {v / n:g}" for k, v in sorted(self.statements.items()))
        lines = [
            f"logging speed [{self.backend}, synchronous={self.synchronous}]: one writer, "
            f"{n} attempts (load average {' '.join(f'{x:.2f}' for x in self.load)})",
            f"  per attempt median {statistics.median(self.wall) * ms:.2f} ms, p99 "
            f"{w.percentile(self.wall, 99) * ms:.2f} ms (target: median <= 2 ms)",
            f"  CPU {self.cpu_s / n * ms:.2f} ms per attempt; instrumented pass: mean "
            f"{total / n * ms:.2f} ms = SQL {self.sql_s / n * ms:.2f} + COMMIT "
            f"{self.commit_s / n * ms:.2f} + Python and listeners {python / n * ms:.2f}",
            f"  statements per attempt {sum(self.statements.values()) / n:g} ({kinds}, "
            "COMMIT not counted)",
            f"  the attempt INSERT: median {statistics.median(self.insert_attempt) * ms:.3f} ms "
            f"with {self.attempt_indexes} indexes on attempts",
        ]
        if self.floor is not None:
            lines.append(
                f"  floor (bare sqlite3 BEGIN IMMEDIATE + INSERT + COMMIT): "
                f"{self.floor * ms:.2f} ms; the attempt = "
                f"{statistics.median(self.wall) / self.floor:.1f} x the floor"
            )
        return lines


@contextmanager
def _synchronous(mode: str) -> Iterator[None]:
    before = os.environ.get(SYNCHRONOUS_ENV)
    os.environ[SYNCHRONOUS_ENV] = mode
    try:
        yield
    finally:
        if before is None:
            del os.environ[SYNCHRONOUS_ENV]
        else:
            os.environ[SYNCHRONOUS_ENV] = before


def run(url: str, *, calls: int = 500, synchronous: str = "FULL") -> SpeedResult:
    """Measure on the database at ``url`` (migrated here; a campaign is added)."""
    world = w.prepare(url, 1, label=f"Speed {synchronous}")
    with _synchronous(synchronous):
        engine = make_engine(url)
    result = SpeedResult(
        engine.dialect.name, synchronous if _is_sqlite(engine) else "server", calls
    )
    try:
        _measure(engine, world, result)
        result.attempt_indexes = len(inspect(engine).get_indexes("attempts")) + 1  # + unique key
        if _is_sqlite(engine):
            result.floor = _floor(engine.url.database or "", synchronous)
    finally:
        engine.dispose()
    result.load = os.getloadavg()
    if sum(result.statements.values()) / calls > 9:  # tests/test_write_path.py's bound
        result.problems.append("more than nine statements per plain attempt")
    return result


def _plain(world: w.World, n: int) -> AttemptEntry:
    """Attempt ``n`` as a plain one: the statements of the common case, no more."""
    return replace(
        w.entry(world, 0, n, w.utc_now()),
        outcome=Outcome.NO_ANSWER, follow_up_on=None, responded=False, stance=None, summary="",
    )  # fmt: skip


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _measure(engine: Engine, world: w.World, result: SpeedResult) -> None:
    counting = [False]

    def before(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info["speed_t"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        elapsed = time.perf_counter() - conn.info.pop("speed_t")
        if counting[0]:
            result.statements[statement.split(None, 1)[0].upper()] += 1
            result.sql_s += elapsed
            if statement.lstrip().upper().startswith("INSERT INTO ATTEMPTS"):
                result.insert_attempt.append(elapsed)

    def before_commit(session: Session) -> None:
        session.info["speed_commit"] = time.perf_counter()

    def after_commit(session: Session) -> None:
        started = session.info.pop("speed_commit", None)
        if counting[0] and started is not None:
            result.commit_s += time.perf_counter() - started

    listeners: list[tuple[Any, str, Callable[..., None]]] = [
        (engine, "before_cursor_execute", before),
        (engine, "after_cursor_execute", after),
        (Session, "before_commit", before_commit),
        (Session, "after_commit", after_commit),
    ]
    for n in range(WARM_UP):
        w.log(engine, _plain(world, n), w.key("speed-warm", 0, n), w.utc_now())
    cpu = time.process_time()
    result.wall = _pass(engine, world, "speed", result.calls)
    result.cpu_s = time.process_time() - cpu
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    counting[0] = True
    try:
        result.instrumented = _pass(engine, world, "speed-counted", result.calls)
    finally:
        counting[0] = False
        for target, name, fn in listeners:
            event.remove(target, name, fn)


def _pass(engine: Engine, world: w.World, prefix: str, calls: int) -> list[float]:
    seconds = []
    for n in range(calls):
        attempt = _plain(world, WARM_UP + n)
        started = time.perf_counter()
        w.log(engine, attempt, w.key(prefix, 0, n), w.utc_now())
        seconds.append(time.perf_counter() - started)
    return seconds


def _floor(path: str, synchronous: str, commits: int = 300) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in (
            "journal_mode=WAL",
            f"synchronous={synchronous}",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
        ):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("CREATE TABLE IF NOT EXISTS speed_floor (n INTEGER)")
        seconds = []
        for n in range(commits):
            started = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO speed_floor (n) VALUES (?)", (n,))
            conn.execute("COMMIT")
            seconds.append(time.perf_counter() - started)
        conn.execute("DROP TABLE speed_floor")
        return statistics.median(seconds)
    finally:
        conn.close()
