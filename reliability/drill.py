"""The restore drill: back up while writers run, restore into a fresh database.

Four writers log attempts through the real command path. Once they are going, the keys
acknowledged so far are noted and ``cli.py backup``'s function (``models.backup.
save_backup``: a 0600 file written under a temporary name) takes a snapshot while they
keep writing. The snapshot is restored (``models.backup.restore``, as ``cli.py restore
--yes``) into a fresh, empty database: every write acknowledged before the snapshot
began must be there, and the restored rollups must equal a rebuild.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from models.backup import restore, save_backup
from models.db import make_engine
from reliability import world as w

WRITERS = 4


@dataclass
class DrillResult:
    backend: str
    before_snapshot: int = 0
    acknowledged_total: int = 0
    restored: int = 0
    missing: int = 0
    backup_seconds: float = 0.0
    restore_seconds: float = 0.0
    backup_bytes: int = 0
    write_errors: list[str] = field(default_factory=list)
    rollups: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def figures(self) -> list[str]:
        return [
            f"restore drill [{self.backend}]: backup taken while {WRITERS} writers ran "
            f"({self.backup_seconds:.2f} s, {self.backup_bytes / 1024:,.0f} KiB), "
            f"restored in {self.restore_seconds:.2f} s",
            f"  acknowledged before the snapshot {self.before_snapshot:,}, by the end "
            f"{self.acknowledged_total:,}; restored {self.restored:,}; missing {self.missing}",
            f"  rollups equal a rebuild after the restore: "
            f"{'yes' if not self.rollups else self.rollups}; "
            f"writer errors {len(self.write_errors)}",
        ]


def run(
    url: str, fresh_url: str, workdir: Path, *, warm_up: int = 40, after_s: float = 0.5
) -> DrillResult:
    """Drill on ``url`` (written to), restoring into the empty database at ``fresh_url``."""
    world = w.prepare(url, WRITERS, label="Drill")
    engine = make_engine(url, pool_size=WRITERS + 2)
    result = DrillResult(engine.dialect.name)
    acknowledged: list[str] = []
    lock, stop = threading.Lock(), threading.Event()

    def writer(n: int) -> None:
        i = 0
        while not stop.is_set():
            key = w.key("drill", n, i)
            try:
                w.log(engine, w.entry(world, n, i, w.utc_now()), key, w.utc_now())
            except Exception as exc:
                with lock:
                    result.write_errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
                return
            with lock:
                acknowledged.append(key)
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    path = workdir / f"drill-{result.backend}.zip"
    path.unlink(missing_ok=True)
    try:
        _wait_for(acknowledged, lock, warm_up, result)
        with lock:
            before = list(acknowledged)
        started = time.perf_counter()
        save_backup(engine, path, actor_id=None)  # what cli.py backup --out PATH runs
        result.backup_seconds = time.perf_counter() - started
        time.sleep(after_s)  # the writers go on after the snapshot too
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        engine.dispose()
    result.before_snapshot, result.acknowledged_total = len(before), len(acknowledged)
    result.backup_bytes = path.stat().st_size
    _restore_and_check(path, fresh_url, before, result)
    return result


def _wait_for(
    acknowledged: list[str], lock: threading.Lock, count: int, result: DrillResult
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with lock:
            if len(acknowledged) >= count or result.write_errors:
                return
        time.sleep(0.005)


def _restore_and_check(path: Path, fresh_url: str, before: list[str], result: DrillResult) -> None:
    target = make_engine(fresh_url)
    try:
        started = time.perf_counter()
        restore(target, path, actor_id=None)  # what cli.py restore PATH --yes runs
        result.restore_seconds = time.perf_counter() - started
        restored = w.saved_keys(target, "drill")
        result.restored = len(restored)
        result.missing = len(set(before) - restored)
        result.rollups = w.rollup_differences(target)
    finally:
        target.dispose()
    if result.missing:
        result.problems.append(
            f"{result.missing} attempts acknowledged before the snapshot are missing"
        )
    if result.rollups:
        result.problems.append(f"restored rollups differ from a rebuild: {result.rollups}")
    if result.write_errors:
        result.problems.append(f"writers failed: {result.write_errors[:3]}")
    if not before:
        result.problems.append("no attempt was acknowledged before the snapshot")
