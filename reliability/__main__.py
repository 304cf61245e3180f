"""``make reliability``: the whole suite at full size, on SQLite and on PostgreSQL.

    .venv/bin/python -m reliability                       # everything (about 6 minutes)
    .venv/bin/python -m reliability --only load --seconds 10 --backend sqlite
    .venv/bin/python -m reliability --pg-url postgresql+psycopg://u@host/db   # that server

Without ``--pg-url`` the PostgreSQL parts run on a throwaway cluster started by
``scripts/pg-start.sh`` with PostgreSQL's default durability (fsync on), removed after.
Work files go to ``reliability/out/``. Exit code 0 when every invariant held, 1 if not.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Protocol

from reliability import crash, drill, load, pg, signin, speed

OUT = Path(__file__).resolve().parent / "out"


class Result(Protocol):
    problems: list[str]

    def figures(self) -> list[str]: ...


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m reliability",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only", choices=("all", "speed", "load", "crash", "drill", "signin"), default="all"
    )
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        metavar="S",
        help="sys.setswitchinterval for this run (Python's default: 0.005 s); see README",
    )
    parser.add_argument("--pg-url", default=os.environ.get("RELIABILITY_PG_URL", ""))
    parser.add_argument("--pg-no-fsync", action="store_true", help="throwaway server without fsync")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(exist_ok=True)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    print(f"reliability suite on {platform.node()}, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"GIL switch interval {sys.getswitchinterval() * 1000:g} ms")  # fmt: skip
    failures: list[str] = []
    with tempfile.TemporaryDirectory(dir=OUT) as work, ExitStack() as stack:
        workdir = Path(work)
        backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
        server = None
        if "postgresql" in backends and args.only != "crash":
            server = stack.enter_context(pg.server(args.pg_url, durable=not args.pg_no_fsync))
        for part, run in _parts(args, workdir, backends, server):
            print(f"\n== {part}", flush=True)
            result = run()
            print("\n".join(result.figures()))
            verdict = "PASS" if not result.problems else "FAIL: " + "; ".join(result.problems)
            print(f"  {verdict}", flush=True)
            if result.problems:
                failures.append(part)
    print(f"\n{'all parts passed' if not failures else 'FAILED: ' + ', '.join(failures)}")
    return 1 if failures else 0


def _parts(
    args: argparse.Namespace, workdir: Path, backends: tuple[str, ...], server: str | None
) -> Iterator[tuple[str, Callable[[], Result]]]:
    for backend in backends:
        if args.only in ("all", "speed"):
            for mode in ("FULL", "NORMAL") if backend == "sqlite" else ("server",):
                yield (
                    f"logging speed on {backend} ({mode})",
                    functools.partial(_speed, workdir, backend, server, mode),
                )
        if args.only in ("all", "load"):
            yield f"load on {backend}", functools.partial(_load, args, workdir, backend, server)
        if args.only in ("all", "drill"):
            yield f"restore drill on {backend}", functools.partial(_drill, workdir, backend, server)
        if args.only in ("all", "signin"):
            yield (
                f"sign-in timing on {backend}",
                functools.partial(_signin, workdir, backend, server),
            )
    if args.only in ("all", "crash") and "sqlite" in backends:
        yield (
            "crash on sqlite",
            lambda: crash.run(_sqlite(workdir, "crash"), workdir, iterations=args.kills),
        )


def _load(args: argparse.Namespace, workdir: Path, backend: str, server: str | None) -> Result:
    with _database(workdir, backend, server, "reliability_load") as url:
        return load.run(url, writers=args.writers, readers=args.readers, seconds=args.seconds)


def _speed(workdir: Path, backend: str, server: str | None, mode: str) -> Result:
    with _database(workdir, backend, server, f"reliability_speed_{mode.lower()}") as url:
        return speed.run(url, synchronous="FULL" if mode == "server" else mode)


def _drill(workdir: Path, backend: str, server: str | None) -> Result:
    with (
        _database(workdir, backend, server, "reliability_drill") as url,
        _database(workdir, backend, server, "reliability_fresh") as fresh,
    ):
        return drill.run(url, fresh, workdir)


def _signin(workdir: Path, backend: str, server: str | None) -> Result:
    with _database(workdir, backend, server, "reliability_signin") as url:
        return signin.run(url)


@contextmanager
def _database(workdir: Path, backend: str, server: str | None, name: str) -> Iterator[str]:
    if backend == "sqlite":
        yield _sqlite(workdir, name)
        return
    assert server is not None
    with pg.database(server, name) as url:
        yield url


def _sqlite(workdir: Path, name: str) -> str:
    path = workdir / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


if __name__ == "__main__":
    sys.exit(main())
