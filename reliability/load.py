"""Writers and readers at once: nothing acknowledged lost, no lock error reaching a user.

``writers`` threads each log attempts back to back for ``seconds`` through the real
command path (:func:`reliability.world.log`); every tenth is submitted a second time
with the same key, as a double click or a replayed request would, and must return the
first save. ``readers`` threads read every Insights figure over all history, over and
over. Afterwards every acknowledged key is in the database exactly once, and the rollups
equal a rebuild from the raw rows.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine

from models.db import make_engine, session_scope
from reliability import world as w


@dataclass
class LoadResult:
    backend: str
    writers: int
    readers: int
    seconds: float
    acknowledged: int = 0
    replays: int = 0
    lost: int = 0
    write_errors: list[str] = field(default_factory=list)
    lock_errors: int = 0
    read_errors: list[str] = field(default_factory=list)
    reads: int = 0
    write_latency: w.Latencies = field(default_factory=w.Latencies)
    read_latency: w.Latencies = field(default_factory=w.Latencies)
    rollups: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def commits_per_second(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0

    def figures(self) -> list[str]:
        ms = 1000
        return [
            f"load [{self.backend}]: {self.writers} writers + {self.readers} readers "
            f"for {self.seconds:.1f} s (load average {_load()})",
            f"  acknowledged {self.acknowledged:,} attempts ({self.replays:,} replayed "
            f"submits returned the first save), lost {self.lost}",
            f"  commits/s {self.commits_per_second:,.1f}; per save p50 "
            f"{self.write_latency.p(50) * ms:,.2f} ms, p99 {self.write_latency.p(99) * ms:,.2f} ms,"
            f" max {max(self.write_latency.seconds, default=0) * ms:,.1f} ms",
            f"  errors reaching a user: {len(self.write_errors)} "
            f"({self.lock_errors} lock/serialization); reader errors {len(self.read_errors)}",
            f"  Insights reads {self.reads:,} (p50 {self.read_latency.p(50) * ms:,.1f} ms, "
            f"p99 {self.read_latency.p(99) * ms:,.1f} ms)",
            f"  rollups equal a rebuild: {'yes' if not self.rollups else self.rollups}",
        ]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(url: str, *, writers: int = 16, readers: int = 4, seconds: float = 60.0) -> LoadResult:
    """Run the load on the migrated (or empty) database at ``url`` and check it."""
    world = w.prepare(url, writers, label="Load")
    engine = make_engine(url, pool_size=writers + readers + 2, max_overflow=4)
    try:
        return _run(engine, world, writers, readers, seconds)
    finally:
        engine.dispose()


def _run(engine: Engine, world: w.World, writers: int, readers: int, seconds: float) -> LoadResult:
    result = LoadResult(engine.dialect.name, writers, readers, seconds)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    barrier = threading.Barrier(writers + readers + 1)

    def writer(n: int) -> None:
        barrier.wait()
        i = 0
        while not stop.is_set():
            key = w.key("load", n, i)
            started = time.perf_counter()
            try:
                saved = w.log(engine, w.entry(world, n, i, w.utc_now()), key, w.utc_now())
                elapsed = time.perf_counter() - started
                if i % 10 == 0:
                    again = w.log(engine, w.entry(world, n, i, w.utc_now()), key, w.utc_now())
                    if again.created or again.attempt_id != saved.attempt_id:
                        with lock:
                            result.problems.append(f"replayed {key} saved a second attempt")
                    with lock:
                        result.replays += 1
            except Exception as exc:  # a user would see this: counted, the run goes on
                with lock:
                    result.write_errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
                    result.lock_errors += w.is_lock_message(exc)
            else:
                with lock:
                    acknowledged.append(key)
                    result.write_latency.add(elapsed)
            i += 1

    def reader() -> None:
        barrier.wait()
        while not stop.is_set():
            started = time.perf_counter()
            try:
                with session_scope(engine, write=False) as session:
                    w.read_insights(session, w.utc_now())
            except Exception as exc:
                with lock:
                    result.read_errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            else:
                with lock:
                    result.reads += 1
                    result.read_latency.add(time.perf_counter() - started)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    _check(engine, result, acknowledged)
    return result


def _check(engine: Engine, result: LoadResult, acknowledged: list[str]) -> None:
    saved = w.saved_keys(engine, "load")
    result.acknowledged = len(acknowledged)
    result.lost = len(set(acknowledged) - saved)
    result.rollups = w.rollup_differences(engine)
    if result.lost:
        result.problems.append(f"{result.lost} acknowledged attempts are missing")
    if result.write_errors:
        result.problems.append(
            f"{len(result.write_errors)} saves failed ({result.lock_errors} for a lock): "
            f"{sorted(set(result.write_errors))[:3]}"
        )
    if result.read_errors:
        result.problems.append(f"{len(result.read_errors)} reads failed: {result.read_errors[:3]}")
    if result.rollups:
        result.problems.append(f"rollups differ from a rebuild: {result.rollups}")
    if not result.acknowledged:
        result.problems.append("no attempt was acknowledged")
    if not result.reads:
        result.problems.append("no Insights read completed")
