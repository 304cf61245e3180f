"""Benchmark: importing N past attempts (default 100,000) into a fresh SQLite database.

    .venv/bin/python bench/bench_import.py                  # 100,000 attempts, target < 30 s
    .venv/bin/python bench/bench_import.py --attempts 20000

Builds a source database (seed + demo history), exports its officials and attempts, then
times, in a fresh database: the officials import, the attempts import (new rows, through
the bulk writer and one rollup rebuild) and the same attempts again (all unchanged).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from models.db import make_engine, migrate, session_scope  # noqa: E402
from models.demo import make_demo  # noqa: E402
from models.exports import export_attempts, export_officials  # noqa: E402
from models.filters import Filters  # noqa: E402
from models.importing.attempts import import_attempts  # noqa: E402
from models.importing.officials import import_officials  # noqa: E402
from models.importing.report import ImportReport  # noqa: E402
from models.seed import seed  # noqa: E402

TARGET_S = 30.0


def fresh(path: Path) -> Engine:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return engine


def build_source(attempts: int) -> tuple[bytes, bytes]:
    engine = fresh(OUT / "import_source.db")
    with session_scope(engine) as session:
        seed(session)
    make_demo(engine, attempts=attempts, seed=1, weeks=104)
    officials, history = OUT / "import_officials.csv", OUT / "import_attempts.csv"
    with officials.open("wb") as out:
        export_officials(engine, out, actor_id=None)
    with history.open("wb") as out:
        export_attempts(engine, out, Filters(), actor_id=None)
    engine.dispose()
    return officials.read_bytes(), history.read_bytes()


def timed(engine: Engine, work: object, data: bytes, **kwargs: object) -> tuple[float, str]:
    """Wall-clock seconds (the target's measure) and the summary line with the CPU seconds,
    which tell a loaded machine from a slow import."""
    start, cpu = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        report: ImportReport = work(session, data, actor_id=None, **kwargs)  # type: ignore[operator]
    cpu = time.process_time() - cpu
    return time.perf_counter() - start, f"{report.summary()}; {cpu:.1f} s CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    officials, history = build_source(args.attempts)
    engine = fresh(OUT / "import_target.db")
    seconds, line = timed(engine, import_officials, officials)
    print(f"officials import: {seconds:6.2f} s  ({line})")
    seconds, line = timed(engine, import_attempts, history, create_campaigns=True)
    verdict = "PASS" if seconds < TARGET_S else "MISS"
    print(f"attempts import:  {seconds:6.2f} s  ({line})  target < {TARGET_S:.0f} s: {verdict}")
    again, line = timed(engine, import_attempts, history)
    print(f"attempts again:   {again:6.2f} s  ({line})")
    with Session(engine) as session:
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return 0 if seconds < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
