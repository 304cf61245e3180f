"""Timing the write path: logging one attempt, alone and with concurrent writers.

The export is timed in bench/bench_export.py.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Engine, make_url, select, text, update

from models.commands import log_attempt
from models.db import BUSY_TIMEOUT_MS, make_engine, session_scope, sqlite_synchronous
from models.demo import DEMO_CAMPAIGN_NAME
from models.tables import Campaign, CampaignTarget, User
from models.vocab import Channel, Outcome

MIB = 1024 * 1024
LOGS = 500
FLOOR_COMMITS = 200
WRITERS = 16
LOGS_PER_WRITER = 25
# The paced run: each writer starts a call every PACE seconds (16 writers: 160 calls/s,
# far more than 16 people typing; about half of what one process commits flat out).
PACE = 0.1
PACED_LOGS = 40


class Reporter(Protocol):
    def add(self, name: str, value: str, against: str = "", ok: bool | None = None) -> None: ...


def _ids(engine: Engine) -> tuple[int, list[int], int]:
    with engine.connect() as conn:
        campaign = conn.execute(
            select(Campaign.id).where(Campaign.name == DEMO_CAMPAIGN_NAME)
        ).scalar_one()
        officials = list(
            conn.execute(
                select(CampaignTarget.official_id)
                .where(CampaignTarget.campaign_id == campaign)
                .order_by(CampaignTarget.official_id)
            ).scalars()
        )
        user = conn.execute(
            select(User.id).where(User.is_demo.is_(True)).order_by(User.id).limit(1)
        ).scalar_one()
    return campaign, officials, user


def _logger(engine: Engine) -> tuple[Callable[[str, int], None], list[int]]:
    """A function logging one attempt in its own transaction, as the Log page does, and
    the officials of the demo campaign it may log against."""
    campaign, officials, user = _ids(engine)
    # A scratch copy: lift the daily limit, so hundreds of calls today to a few officials
    # still run the guarded INSERT (the statement a coordinator waits on) without refusal.
    with session_scope(engine) as session:
        session.execute(update(Campaign).where(Campaign.id == campaign).values(daily_cap=10**9))

    def log(key: str, official: int) -> None:
        with session_scope(engine) as session:
            log_attempt(
                session,
                campaign_id=campaign,
                official_id=official,
                channel=Channel.PHONE,
                outcome=Outcome.NO_ANSWER,
                actor_id=user,
                idempotency_key=key,
            )

    return log, officials


def logging_bench(url: str, report: Reporter, scale: bool) -> None:
    """Log attempts one transaction each through ``models.commands.log_attempt``.

    Each official is logged once untimed first: that call also completes the open
    follow-ups the demo left (thousands at a million attempts), a one-off catch-up.
    """
    engine = make_engine(url)
    log, officials = _logger(engine)
    run = f"{datetime.now(UTC):%Y%m%d%H%M%S}"
    for n, official in enumerate(officials):
        log(f"bench-{run}-warm-{n}", official)
    seconds = []
    for n in range(LOGS):
        started = time.perf_counter()
        log(f"bench-{run}-{n}", officials[n % len(officials)])
        seconds.append(time.perf_counter() - started)
    floor = _commit_floor(engine)
    engine.dispose()
    median, p99 = statistics.median(seconds), _p99(seconds)
    report.add(
        "log one attempt (own transaction), median",
        f"{median * 1000:,.2f} ms",
        f"target <= 2 ms; {LOGS} attempts",
        ok=median <= 0.002 if scale else None,
    )
    report.add(
        "log one attempt, p99",
        f"{p99 * 1000:,.2f} ms",
        "target <= 25 ms",
        ok=p99 <= 0.025 if scale else None,
    )
    report.add(
        "  floor: bare driver INSERT and COMMIT",
        f"{floor * 1000:,.2f} ms",
        f"log_attempt = {median / floor:,.1f} x the floor (bare driver)",
    )
    concurrent_bench(url, report, scale)


def concurrent_bench(url: str, report: Reporter, scale: bool) -> None:
    """WRITERS threads in one process logging through session_scope + log_attempt, twice.

    *Flat out*: each logs LOGS_PER_WRITER attempts as fast as it can. SQLite commits one
    transaction at a time, so a call there waits for the others' (p50 is about WRITERS
    times one call): commits/s is that run's figure. *Paced*: each starts a call every
    PACE seconds, and a call's time counts from when it was due, so a late start is
    counted too: that run's p99 is the one judged against the target.
    """
    flat, flat_errors, wall = _writers(url, "c", LOGS_PER_WRITER, pace=None)
    report.add(
        f"{WRITERS} writers flat out, p50 / p99 per call",
        f"{statistics.median(flat) * 1000:,.1f} / {_p99(flat) * 1000:,.1f} ms",
        f"{WRITERS} x {LOGS_PER_WRITER} attempts; "
        f"{(len(flat) - len(flat_errors)) / wall:,.0f} commits/s; no target",
    )
    paced, paced_errors, _ = _writers(url, "p", PACED_LOGS, pace=PACE)
    report.add(
        f"{WRITERS} writers paced, p50 / p99 per call",
        f"{statistics.median(paced) * 1000:,.1f} / {_p99(paced) * 1000:,.1f} ms",
        f"{WRITERS} x {PACED_LOGS}, one each {PACE * 1000:.0f} ms; p99 target <= 25 ms",
        ok=_p99(paced) <= 0.025 if scale else None,
    )
    errors = flat_errors + paced_errors
    kinds = sorted({str(e).splitlines()[0][:40] for e in errors})
    report.add(
        f"{WRITERS} concurrent writers, errors",
        f"{len(errors)}",
        f"target 0 {kinds}" if errors else "target 0",
        ok=not errors,
    )


def _p99(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=100)[98]


def _writers(
    url: str, tag: str, logs: int, *, pace: float | None
) -> tuple[list[float], list[BaseException], float]:
    """Seconds per call, the errors and the wall time of WRITERS threads logging ``logs``
    attempts each, back to back or (``pace``) one every ``pace`` seconds."""
    engine = make_engine(url, pool_size=WRITERS, max_overflow=0)
    log, officials = _logger(engine)
    run = f"{datetime.now(UTC):%Y%m%d%H%M%S}-{tag}"
    seconds: list[float] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def writer(w: int) -> None:
        barrier.wait()
        first = time.perf_counter() + (pace or 0) * w / WRITERS  # spread the starts
        for n in range(logs):
            due = first + n * pace if pace else time.perf_counter()
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                log(f"bench-{run}-{w}-{n}", officials[(w + n) % len(officials)])
            except Exception as exc:  # counted and reported, the run goes on
                errors.append(exc)
            seconds.append(time.perf_counter() - due)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    engine.dispose()
    return seconds, errors, wall


def _commit_floor(engine: Engine) -> float:
    """Median seconds of one write transaction holding a single small INSERT, through the
    bare driver (``sqlite3`` / ``psycopg``) with the app's durability settings: what any
    write must pay, with no SQLAlchemy at all, so the ratio shows our whole overhead."""
    table = f"bench_floor_{os.getpid()}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {table} (n INTEGER)"))
    try:
        if engine.dialect.name == "sqlite":
            return _sqlite_floor(engine.url.database or "", table)
        return _psycopg_floor(engine.url.render_as_string(hide_password=False), table)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE {table}"))


def _sqlite_floor(path: str, table: str) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    pragmas = (
        "journal_mode=WAL",
        f"synchronous={sqlite_synchronous()}",  # the app's durability, FULL by default
        f"busy_timeout={BUSY_TIMEOUT_MS}",
    )
    for pragma in pragmas:
        conn.execute(f"PRAGMA {pragma}")
    seconds = []
    for n in range(FLOOR_COMMITS):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"INSERT INTO {table} (n) VALUES (?)", (n,))
        conn.execute("COMMIT")
        seconds.append(time.perf_counter() - started)
    conn.close()
    return statistics.median(seconds)


def _psycopg_floor(url: str, table: str) -> float:
    import psycopg  # only benches on PostgreSQL need the driver imported

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    seconds = []
    with psycopg.connect(dsn) as conn:
        for n in range(FLOOR_COMMITS):
            started = time.perf_counter()
            conn.execute(f"INSERT INTO {table} (n) VALUES (%s)", (n,))
            conn.commit()
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)
