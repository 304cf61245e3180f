"""PostgreSQL for the suite: a throwaway server (``scripts/pg-start.sh``) and databases on it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url, text

from models.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
BASH = shutil.which("bash") or "/bin/bash"


@contextmanager
def server(url: str | None = None, *, durable: bool = True) -> Iterator[str]:
    """The URL of a PostgreSQL server to make databases on: ``url`` if given, else a
    throwaway cluster started now (with PostgreSQL's own durability unless ``durable``
    is False) and removed afterwards, whatever happens."""
    if url:
        yield url
        return
    env = os.environ | {"PG_DURABLE": "1" if durable else "0"}
    started = subprocess.run(
        [BASH, str(ROOT / "scripts" / "pg-start.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        raise RuntimeError(f"no PostgreSQL server could be started: {started.stderr.strip()}")
    exported = _exports(started.stdout)
    try:
        yield exported["TEST_DATABASE_URL"]
    finally:
        subprocess.run(
            [BASH, str(ROOT / "scripts" / "pg-stop.sh"), exported["PG_TEST_DIR"]],
            env=env | {"PG_BIN": exported.get("PG_BIN", "")},
            check=False,
        )


def _exports(lines: str) -> dict[str, str]:
    found = {}
    for line in lines.splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            found[name] = shlex.split(value)[0] if value else ""
    return found


@contextmanager
def database(server_url: str, name: str) -> Iterator[str]:
    """A new, empty database ``name`` on the server (dropped first if it was there), its URL
    yielded; dropped afterwards, whoever is still connected (tests use it too)."""
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
