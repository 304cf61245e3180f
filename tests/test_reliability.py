"""The reliability suite, small: the invariants of ``make reliability`` in seconds, in CI.

The same parts as ``python -m reliability`` (see ``reliability/``), with parameters small
enough for a test run: 4 writers and 2 readers for 3 s, 5 kills, one restore drill, on
SQLite and on PostgreSQL. The full sizes (16 writers and 4 readers for 60 s, 100 kills)
are ``make reliability``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from models.attempt_write import ATTEMPTS
from models.db import SYNCHRONOUS_ENV, make_engine, session_scope
from models.tables import Attempt
from reliability import crash, drill, load, signin, speed
from reliability.crash import acknowledged_keys
from tests.backup_world import fresh_database


@pytest.fixture
def fresh_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database (no tables) of the same kind as ``db_url``."""
    server = None if db_url.startswith("sqlite") else request.getfixturevalue("pg_url")
    with fresh_database(db_url, tmp_path, server) as url:
        yield url


def test_writers_and_readers_lose_nothing_and_see_no_lock_errors(db_url: str) -> None:
    """4 writers (every tenth save submitted twice) and 2 Insights readers for 3 s: every
    acknowledged attempt saved once, no error reaching a user, rollups equal a rebuild."""
    result = load.run(db_url, writers=4, readers=2, seconds=3)
    print("\n".join(result.figures()))
    assert result.problems == []
    assert (result.lost, result.write_errors, result.read_errors) == (0, [], [])
    assert result.acknowledged > 0 and result.reads > 0
    assert result.replays > 0
    engine = make_engine(db_url)
    try:
        with session_scope(engine, write=False) as session:
            keys = list(session.scalars(select(Attempt.idempotency_key)))
    finally:
        engine.dispose()
    assert len(keys) == len(set(keys))  # a replayed submit never made a second attempt
    assert len(keys) >= result.acknowledged


def test_a_killed_writer_process_loses_no_acknowledged_attempt(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Five writer processes killed with SIGKILL: after each, the app migrates at start,
    integrity_check says ok, every acknowledged attempt is there, rollups equal a rebuild."""
    result = crash.run(sqlite_url, tmp_path, iterations=5, max_delay_s=0.3)
    print("\n".join(result.figures()))
    assert result.problems == []
    assert (result.lost, result.integrity, result.rollups) == (0, [], [])
    assert result.acknowledged > 0
    assert result.saved >= result.acknowledged


def test_a_partial_last_line_is_not_an_acknowledgement(tmp_path: Path) -> None:
    """A kill may cut the acknowledgement file mid-line: only whole lines count."""
    path = tmp_path / "acks.txt"
    path.write_bytes(b"crash-0-0\ncrash-0-1\n!error OperationalError: boom\ncrash-0-")
    assert acknowledged_keys(path) == (
        ["crash-0-0", "crash-0-1"],
        ["!error OperationalError: boom"],
    )
    assert acknowledged_keys(tmp_path / "none.txt") == ([], [])


def test_the_crash_part_refuses_postgresql(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="runs on SQLite"):
        crash.run("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path, iterations=1)


def test_restore_drill_brings_back_every_write_acknowledged_before_the_snapshot(
    db_url: str, fresh_url: str, tmp_path: Path
) -> None:
    """A backup taken while 4 writers log, restored into a fresh database: every attempt
    acknowledged before the snapshot began is there and the rollups equal a rebuild."""
    result = drill.run(db_url, fresh_url, tmp_path, warm_up=20, after_s=0.3)
    print("\n".join(result.figures()))
    assert result.problems == []
    assert result.missing == 0 and result.rollups == []
    assert result.before_snapshot >= 20
    assert result.restored >= result.before_snapshot
    assert result.acknowledged_total > result.before_snapshot  # writers ran during the backup


@pytest.mark.parametrize("mode", ["FULL", "NORMAL"])
def test_the_speed_part_splits_one_attempt_into_its_statements(
    sqlite_url: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain attempt is eight statements on SQLite (BEGIN IMMEDIATE, the joined check,
    the INSERT, two rollup upserts, the follow-up UPDATE, the audit INSERT, the version
    upsert) and the COMMIT; the mode is set for the measurement only."""
    monkeypatch.delenv(SYNCHRONOUS_ENV, raising=False)
    result = speed.run(sqlite_url, calls=20, synchronous=mode)
    print("\n".join(result.figures()))
    assert result.problems == []
    assert dict(result.statements) == {"BEGIN": 20, "SELECT": 20, "INSERT": 100, "UPDATE": 20}
    assert len(result.wall) == len(result.instrumented) == len(result.insert_attempt) == 20
    assert result.synchronous == mode and result.floor is not None
    # the migrated schema's indexes on attempts, as the models declare them, + the unique key
    assert result.attempt_indexes == len(ATTEMPTS.indexes) + 1
    assert SYNCHRONOUS_ENV not in os.environ


def test_an_unknown_user_takes_as_long_as_a_wrong_password(sqlite_url: str) -> None:
    """With the app's own argon2id parameters, the medians of 9 interleaved tries of each
    are within 20% (the full suite takes 20): the name's existence does not show."""
    result = signin.run(sqlite_url, tries=9)
    print("\n".join(result.figures()))
    assert result.problems == []
    assert len(result.unknown) == len(result.wrong) == 9
    assert min(result.unknown) > 0.005  # a real argon2 verification on both paths
