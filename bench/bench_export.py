"""The attempts export against the database's own shell, and its peak resident memory.

    make bench BENCH_ARGS="--only export --keep"          # SQLite, 1,000,000 attempts
    make bench BENCH_ARGS="--only export --keep --pg"     # the same on a throwaway PostgreSQL

Both sides run THE SAME line-building query (``models/exports/lines.py``): ours through
the app's writer (hashing the file as the audited export does), the shell as
``sqlite3 -csv DB "SELECT ..."`` or psql's ``COPY (SELECT ...) TO STDOUT \\g FILE`` (what
``\\copy`` does, spelled so the statement may span lines; COPY's text format, as ours).
Each export runs in a child process that reports its rows, seconds and resident memory:
VmRSS just before the export and VmHWM (the peak, reset first through
``/proc/self/clear_refs``) just after, so the growth is the real memory the export took,
not only what Python's allocator saw. The best of ``runs`` runs is kept for each side
(the least disturbed on a shared machine).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the child process of one export
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, Engine, text  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from models.db import make_engine, session_scope  # noqa: E402
from models.exports import HashingSink  # noqa: E402
from models.exports.lines import line_select, write_lines  # noqa: E402
from models.exports.reference import attempts_select  # noqa: E402
from models.filters import Filters  # noqa: E402

MIB = 1024 * 1024
TARGET = {"sqlite": 0.6, "postgresql": 0.9}
RSS_TARGET_MIB = 50
PG_USER = "outreach"


class Reporter(Protocol):
    def add(self, name: str, value: str, against: str = "", ok: bool | None = None) -> None: ...


@dataclass(frozen=True)
class Run:
    rows: int
    seconds: float
    rss_before: int = 0  # bytes
    peak: int = 0  # bytes
    cpu: float | None = None  # CPU seconds of the client and of the server's backend

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def export_only(url: str, report: Reporter, scale: bool, out: Path, runs: int = 3) -> None:
    """Ours and the shell, alternating, ``runs`` times each; the best of each is printed."""
    engine = make_engine(url)
    backend = engine.dialect.name
    path, shell_path = out / "export.csv", out / "export-shell.csv"
    ours: list[Run] = []
    shell: list[Run] = []
    try:
        for _ in range(runs):
            shell_run = _shell(engine, shell_path, formatted=True)
            if shell_run is not None:
                shell.append(shell_run)
            ours.append(child_export(url, path))
        plain = _shell(engine, shell_path, formatted=False)
    finally:
        engine.dispose()
        for written in (path, shell_path):
            written.unlink(missing_ok=True)  # a million rows is 200 MB each
    best = max(ours, key=lambda r: r.rate)
    # The shells' files are not counted: sqlite3 -csv quotes each line (and its LF) again.
    # Both sides ran the same query over the same rows: ours counted them.
    shell = [replace(r, rows=best.rows) for r in shell]
    plain = replace(plain, rows=best.rows) if plain is not None else None
    name = "sqlite3 -csv" if backend == "sqlite" else "psql \\copy"
    if not shell:
        report.add(
            "export all attempts to CSV",
            f"{best.rate:,.0f} rows/s",
            "no database shell found: apt-get install -y sqlite3 (or postgresql-client)",
        )
    else:
        theirs = max(shell, key=lambda r: r.rate)
        ratio = best.rate / theirs.rate
        target = TARGET[backend]
        report.add(
            "export all attempts to CSV",
            f"{best.rate:,.0f} rows/s",
            f"{name}, same query: {theirs.rate:,.0f} rows/s; {ratio:.2f} x (target >= {target})",
            ok=ratio >= target if scale else None,
        )
        report.add(
            "  runs (ours / the shell), seconds",
            f"{best.rows:,} rows",
            " ".join(f"{r.seconds:.2f}" for r in ours)
            + " / "
            + " ".join(f"{r.seconds:.2f}" for r in shell),
        )
        _cpu_line(report, ours, shell, backend)
    if plain is not None:
        report.add(
            f"  {name}, the plain joined query",
            f"{plain.rate:,.0f} rows/s",
            f"ours {best.rate / plain.rate:.2f} x of it (unformatted, for reference)",
        )
    growth = max(r.peak - r.rss_before for r in ours)
    report.add(
        "  export peak RSS growth, all rows",
        f"{growth / MIB:,.1f} MiB",
        f"VmHWM - VmRSS in the child (RSS before {best.rss_before / MIB:,.0f} MiB); "
        f"target < {RSS_TARGET_MIB} MiB",
        ok=growth < RSS_TARGET_MIB * MIB if scale else None,
    )


def _cpu_line(report: Reporter, ours: list[Run], shell: list[Run], backend: str) -> None:
    """The same comparison in CPU seconds (least of the runs), which other work on a
    shared machine does not inflate: the process, plus the PostgreSQL backend's."""
    mine = [r.cpu for r in ours if r.cpu is not None]
    theirs = [r.cpu for r in shell if r.cpu is not None]
    if not mine or not theirs:
        return
    where = "process" if backend == "sqlite" else "client + server backend"
    report.add(
        "  CPU seconds, ours / the shell",
        f"{min(mine):,.2f} / {min(theirs):,.2f}",
        f"{where}: {min(theirs) / min(mine):.2f} x",
    )


def child_export(url: str, path: Path) -> Run:
    """One export in a fresh process (so its memory is its own): rows, seconds, memory."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


def _child(url: str, path: Path) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:  # the pool, the dialect and the driver loaded first
        conn.execute(text("SELECT 1"))
    _reset_peak()
    before = _status("VmRSS")
    with session_scope(engine, write=False) as session, path.open("wb") as out:
        server = _backend_cpu(session.connection())
        cpu, started = _own_cpu(), time.perf_counter()
        rows = write_lines(session, HashingSink(out), Filters(), excel=False)  # type: ignore[arg-type]
        seconds, cpu = time.perf_counter() - started, _own_cpu() - cpu
        after = _backend_cpu(session.connection())
    peak = _status("VmHWM")
    engine.dispose()
    total = cpu + (after - server) if server is not None and after is not None else None
    if engine.dialect.name == "sqlite":
        total = cpu
    print(json.dumps({"rows": rows, "seconds": seconds, "rss_before": before, "peak": peak,
                      "cpu": total}))  # fmt: skip


def _own_cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu(conn: Connection) -> float | None:
    """CPU seconds of the PostgreSQL backend serving ``conn``, read by the backend itself
    from /proc (a local server and a superuser, as the --pg cluster's); None elsewhere."""
    if conn.dialect.name != "postgresql":
        return None
    try:
        with conn.begin_nested():
            stat = conn.execute(text("SELECT pg_read_file('/proc/self/stat')")).scalar_one()
    except DBAPIError:
        return None
    return _stat_seconds(str(stat))


def _stat_seconds(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is field 3
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reset_peak() -> None:
    # Linux >= 4.0: "5" resets the peak resident set size to the current one.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def compiled(engine: Engine, *, formatted: bool) -> str:
    """The export's SQL as the shell runs it: the line-building query, or the plain join."""
    postgresql = engine.dialect.name == "postgresql"
    stmt = (
        line_select(Filters(), postgresql=postgresql, excel=False)
        if formatted
        else attempts_select(Filters())
    )
    # Kept as compiled: its literals hold real CR and LF characters (the quoting test).
    return str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def _shell(engine: Engine, path: Path, *, formatted: bool) -> Run | None:
    """The query through ``sqlite3 -csv`` or ``psql \\copy`` into ``path``."""
    sql = compiled(engine, formatted=formatted)
    command: list[str]
    if engine.dialect.name == "sqlite":
        if shutil.which("sqlite3") is None:
            return None
        command = ["sqlite3", "-csv", engine.url.database or "", sql]
    else:
        psql = shutil.which("psql") or _pg_bin("psql")
        if psql is None:
            return None
        dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        command = [psql, dsn, "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", "-"]
    # psql's own form of \copy for a statement of several lines (its manual, \copy):
    # COPY ... TO STDOUT \g FILE, psql writing the rows it receives into the file; the
    # backend's CPU read before and after, as the child does for ours.
    stats = path.with_suffix(".stat")
    read_stat = "SELECT pg_read_file('/proc/self/stat')"
    script = (
        f"\\pset tuples_only on\n\\pset format unaligned\n{read_stat} \\g '{stats}.0'\n"
        f"COPY ({sql}) TO STDOUT \\g '{path}'\n{read_stat} \\g '{stats}.1'\n"
    )
    cpu, started = _own_cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    if engine.dialect.name == "sqlite":
        with path.open("w") as out:
            subprocess.run(command, stdout=out, check=True)
    else:
        subprocess.run(command, input=script, text=True, check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    total: float | None = _own_cpu(resource.RUSAGE_CHILDREN) - cpu
    if engine.dialect.name != "sqlite":
        try:
            server = [_stat_seconds(Path(f"{stats}.{n}").read_text()) for n in (0, 1)]
            total = (total or 0.0) + server[1] - server[0]
        except (OSError, IndexError, ValueError):
            total = None  # not a superuser, or a server elsewhere
        for n in (0, 1):
            Path(f"{stats}.{n}").unlink(missing_ok=True)
    return Run(0, seconds, cpu=total)  # rows: the caller's count


def _pg_bin(name: str) -> str | None:
    folder = os.environ.get("PG_BIN") or _newest_pg_bin()
    candidate = Path(folder) / name if folder else None
    return str(candidate) if candidate is not None and candidate.exists() else None


def _newest_pg_bin() -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return str(found[-1]) if found else None


@contextmanager
def pg_cluster(data: Path, database: str) -> Iterator[str]:
    """A private PostgreSQL cluster kept in ``data/pg`` (so ``--keep`` finds its database),
    listening on 127.0.0.1 on a free port while the block runs; the URL of ``database``.

    Started as scripts/pg-start.sh does (trust, no durability: benchmark data only; as
    root the cluster belongs to ``postgres``); stopped when the block ends.
    """
    folder = _pg_bin("initdb")
    if folder is None:
        sys.exit("--pg needs PostgreSQL's server (apt-get install postgresql, or set PG_BIN)")
    bin_dir = Path(folder).parent
    cluster = data / "pg"
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if not (cluster / "PG_VERSION").exists():
        cluster.mkdir(parents=True, exist_ok=True)
        if as_user:
            shutil.chown(cluster, "postgres", "postgres")
        subprocess.run(
            [*as_user, str(bin_dir / "initdb"), "-D", str(cluster), "-U", PG_USER,
             "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    port = _free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='{cluster}' "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    log = cluster / "server.log"
    subprocess.run(
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(cluster), "-l", str(log), "-w", "-t", "60",
         "start", "-o", options],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}"
    try:
        admin = make_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}
            ).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        yield f"{base}/{database}"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(cluster), "-m", "fast", "-w", "stop"],
            check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(sys.argv[2], Path(sys.argv[3]))
