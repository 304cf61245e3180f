"""A writer process killed with SIGKILL at random moments (SQLite): nothing acknowledged lost.

Each iteration starts a writer process (forked from a server that has the model layer
imported, so a start costs milliseconds, not the seconds of an import), lets it log
attempts through the real command path for a random while, and kills it with SIGKILL,
mid-transaction or mid-commit as often as not. The writer acknowledges an attempt only
after its commit has returned, by appending the key to an acknowledgement file and
fsyncing it, exactly where the Log page would show "Saved". After each kill the app's
start runs (``models.db.migrate``, as ``pages/ui/cache.py`` does on a process's first
page view), ``PRAGMA integrity_check`` must say ``ok``, every acknowledged key must be
in the database, and the rollups must equal a rebuild.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from models.db import make_engine, migrate
from reliability import world as w

THREADS = 2  # writer threads in the killed process, so a kill can find one queued
READY_TIMEOUT_S = 60


@dataclass
class CrashResult:
    iterations: int
    acknowledged: int = 0
    saved: int = 0  # attempts in the database at the end (acknowledged or not)
    lost: int = 0
    integrity: list[str] = field(default_factory=list)
    rollups: list[str] = field(default_factory=list)
    child_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> list[str]:
        return [
            f"crash [sqlite]: {self.iterations} writer processes killed with SIGKILL "
            f"in {self.seconds:.1f} s",
            f"  acknowledged {self.acknowledged:,} attempts, {self.saved:,} in the database, "
            f"lost {self.lost}",
            "  integrity_check ok after every kill: "
            f"{'yes' if not self.integrity else self.integrity[:3]}",
            f"  migrate-at-start ran after every kill; rollups equal a rebuild: "
            f"{'yes' if not self.rollups else self.rollups[:3]}",
        ]


def _child(url: str, world: w.World, ack_path: str, iteration: int, ready: Connection) -> None:
    """The writer process: log attempts until killed; acknowledge each after its commit."""
    engine = make_engine(url, pool_size=THREADS + 1)
    fd = os.open(ack_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    lock = threading.Lock()
    errors: list[str] = []

    def write(thread: int) -> None:
        n = 0
        while True:
            k = w.key("crash", iteration * 100 + thread, n)
            try:
                w.log(
                    engine,
                    w.entry(world, thread, iteration * 1000 + n, w.utc_now()),
                    k,
                    w.utc_now(),
                )
            except Exception as exc:  # reported to the parent through the file
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    os.write(fd, f"!error {type(exc).__name__}: {str(exc)[:200]}\n".encode())
                    os.fsync(fd)
                return
            with lock:
                os.write(fd, f"{k}\n".encode())  # one write(2): a line is whole or absent
                os.fsync(fd)
            n += 1

    threads = [threading.Thread(target=write, args=(t,), daemon=True) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    ready.send("ready")
    for thread in threads:
        thread.join()


def acknowledged_keys(ack_path: Path) -> tuple[list[str], list[str]]:
    """The keys acknowledged in the file (whole lines only: a kill may cut the last one
    short, and a key not yet written was never acknowledged), and any errors reported."""
    if not ack_path.exists():
        return [], []
    text = ack_path.read_bytes().decode()
    lines = text.split("\n")[:-1]  # what follows the last newline was never acknowledged
    return [x for x in lines if not x.startswith("!")], [x for x in lines if x.startswith("!")]


def run(
    url: str,
    workdir: Path,
    *,
    iterations: int = 100,
    max_delay_s: float = 0.4,
    seed: int = 13,
    check_rollups_every: int = 1,
) -> CrashResult:
    """Kill ``iterations`` writer processes on the SQLite database at ``url``."""
    if not url.startswith("sqlite"):
        raise ValueError(
            "the crash part runs on SQLite (a killed client cannot hurt PostgreSQL's files)"
        )
    world = w.prepare(url, THREADS, label="Crash")
    rng = random.Random(seed)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["reliability.crash"])
    result = CrashResult(iterations)
    ack_path = workdir / "crash-acks.txt"
    ack_path.unlink(missing_ok=True)
    started = time.perf_counter()
    for iteration in range(iterations):
        _one(ctx, url, world, ack_path, iteration, rng.uniform(0, max_delay_s), result)
        if (iteration + 1) % check_rollups_every == 0 or iteration == iterations - 1:
            engine = make_engine(url)
            try:
                found = w.rollup_differences(engine)
            finally:
                engine.dispose()
            if found:
                result.rollups.append(f"after kill {iteration}: {found}")
    result.seconds = time.perf_counter() - started
    _finish(url, ack_path, result)
    return result


def _one(
    ctx: multiprocessing.context.BaseContext,
    url: str,
    world: w.World,
    ack_path: Path,
    iteration: int,
    delay: float,
    result: CrashResult,
) -> None:
    parent_end, child_end = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(url, world, str(ack_path), iteration, child_end))  # type: ignore[attr-defined]
    process.start()
    child_end.close()
    if not parent_end.poll(READY_TIMEOUT_S):
        process.kill()
        raise RuntimeError("the writer process did not start")
    parent_end.recv()
    time.sleep(delay)
    process.kill()  # SIGKILL: no cleanup, no rollback, no unlock
    process.join()
    parent_end.close()
    engine = make_engine(url)
    try:
        migrate(engine)  # the app's start after a crash
        with engine.connect() as conn:
            verdict = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            result.integrity.append(f"after kill {iteration}: {verdict[:3]}")
        keys, errors = acknowledged_keys(ack_path)
        missing = set(keys) - w.saved_keys(engine, "crash")
        if missing:
            result.problems.append(f"after kill {iteration}: {len(missing)} acknowledged lost")
        result.child_errors = errors
    finally:
        engine.dispose()


def _finish(url: str, ack_path: Path, result: CrashResult) -> None:
    keys, errors = acknowledged_keys(ack_path)
    engine = make_engine(url)
    try:
        saved = w.saved_keys(engine, "crash")
    finally:
        engine.dispose()
    result.acknowledged, result.saved = len(keys), len(saved)
    result.lost = len(set(keys) - saved)
    if result.lost and not result.problems:
        result.problems.append(f"{result.lost} acknowledged attempts lost")
    if errors:
        result.problems.append(f"the writer reported {len(errors)} errors: {errors[:3]}")
    if result.integrity:
        result.problems.append(f"integrity_check failed: {result.integrity[:3]}")
    if result.rollups:
        result.problems.append(f"rollups differ from a rebuild: {result.rollups[:3]}")
    if not result.acknowledged:
        result.problems.append("no attempt was acknowledged")
