"""A throwaway copy of the benchmark database for the steps that write.

The logging step completes the demo's open follow-ups and adds attempts, and the export
step audits its exports: run on the database itself, a second run (``--keep``) would
measure other data. So they write into a copy made here (SQLite: the online backup API,
never a file copy; PostgreSQL: ``CREATE DATABASE ... TEMPLATE``), dropped afterwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url, text

from models.db import make_engine


@contextmanager
def scratch_copy(url: str) -> Iterator[str]:
    """The URL of a fresh copy of the database at ``url``, removed when the block ends."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = Path(parsed.database or "")
        target = source.with_name(f"{source.stem}-scratch{source.suffix}")
        _drop_sqlite(target)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        try:
            yield parsed.set(database=str(target)).render_as_string(hide_password=False)
        finally:
            _drop_sqlite(target)
        return
    name = f"{parsed.database}_scratch"
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _drop_sqlite(path: Path) -> None:
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
