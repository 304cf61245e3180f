"""A scratch PostgreSQL database of a test's own, created and dropped around it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url, text

from models.db import make_engine


@contextmanager
def pg_database(server: str, name: str) -> Iterator[str]:
    """Create database ``name`` on the server of URL ``server`` (dropping any left over);
    yield its URL; drop it afterwards, whoever is still connected."""
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
