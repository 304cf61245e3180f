"""Fixtures: a fresh, real, migrated database per test, on SQLite and on PostgreSQL.

PostgreSQL tests need ``TEST_DATABASE_URL`` (``make test`` starts a throwaway server
when Debian's ``postgresql`` is installed). Without it they are skipped with the
reason shown, unless ``REQUIRE_POSTGRES=1`` (as in CI), which makes them fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from models import accounts
from models.base import Base
from models.db import make_engine, migrate
from reliability.pg import database as pg_database
from tests.apptest_helpers import clear_streamlit_caches, seed_database

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Real argon2id with small parameters, so sign-ins in tests take milliseconds.

    (The app itself uses argon2-cffi's defaults; tests that check rehashing set their own.)
    """
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    accounts.use_hasher(PasswordHasher())


REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"


def _require_postgres() -> None:
    if PG_URL:
        return
    message = (
        "PostgreSQL tests need TEST_DATABASE_URL (make test starts one if postgresql is installed)"
    )
    if REQUIRE_POSTGRES:
        pytest.fail(message + "; REQUIRE_POSTGRES=1 forbids skipping them")
    pytest.skip(message)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, made once and copied for each test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A database of this test run's own on the PostgreSQL server, dropped at the end.

    Each run (and each xdist worker) gets its own, so runs never disturb each other.
    """
    _require_postgres()
    with pg_database(PG_URL, f"outreach_test_{os.getpid()}") as url:
        yield url


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _truncate_all(engine: Engine) -> None:
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """The URL of an empty, migrated database of each supported kind."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    engine: Engine = request.getfixturevalue("pg_engine")
    _truncate_all(engine)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (no tables at all) of each kind, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    server: str = request.getfixturevalue("pg_url")
    with pg_database(server, f"outreach_empty_{os.getpid()}") as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction the test commits (or not) itself."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE")
    with Session(bind=bind, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite database only, for tests of the app and CLI processes."""
    path = tmp_path / "app.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def fresh_streamlit_caches() -> Iterator[None]:
    """Streamlit's caches live as long as the process: page tests start and end with none."""
    clear_streamlit_caches()
    yield
    clear_streamlit_caches()


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """For page tests: the seeded campaign in a fresh SQLite file the app is pointed at."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    seed_database(sqlite_url)
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """For page tests on both kinds: the seeded campaign in a fresh database of each kind,
    which the app is pointed at."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    seed_database(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
