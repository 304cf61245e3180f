"""cli.py backup and restore, as a cron job and an admin at a terminal run them."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import cli
from models import backup
from models.base import Base
from models.db import session_scope
from models.tables import AuditEvent
from tests.backup_world import HEAD, rows_without_backup_events
from tests.factories import make_official
from tests.test_cli import ROOT
from tests.world import build_world, snapshot


def run(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python cli.py ARGS`` with no terminal on stdin, as from cron."""
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def saved(db_url: str, engine: Engine, tmp_path: Path) -> Path:
    """A backup of the permission tests' world, written by cli.py backup --out."""
    build_world(engine)
    path = tmp_path / "nightly.zip"
    done = run(db_url, "backup", "--out", str(path))
    assert done.returncode == 0, done.stderr
    return path


def test_backup_prints_the_file_its_size_and_the_rows(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    """The first line names the file and its size; then the revision and each table's rows;
    the file is private to its owner, and the backup is audited as the system's."""
    build_world(engine)
    path = tmp_path / "nightly.zip"
    done = run(db_url, "backup", "--out", str(path))
    size, mode = path.stat().st_size, path.stat().st_mode & 0o777
    lines = done.stdout.splitlines()
    with Session(engine) as session:
        audited = session.execute(
            select(AuditEvent.actor_id, AuditEvent.changes["destination"].as_string()).where(
                AuditEvent.action == "backup"
            )
        ).all()
    assert (done.returncode, done.stderr) == (0, "")
    assert lines[0] == f"backup written to {path} ({size:,} bytes)"
    assert re.fullmatch(rf"schema revision {HEAD}, \d[\d,]* rows:", lines[1])
    assert re.sub(r"\s+", " ", lines[3]).strip() == "attempts 3"
    assert re.sub(r"\s+", " ", lines[-1]).strip() == "users 4"
    assert len(lines) == 2 + len(set(Base.metadata.tables) - backup.NOT_DATA)  # a line per table
    assert mode == 0o600
    assert [tuple(row) for row in audited] == [(None, path.name)]


def test_restore_with_yes_puts_the_backup_back(db_url: str, engine: Engine, saved: Path) -> None:
    """What was added after the backup is gone; the output says what came back."""
    expected = rows_without_backup_events(engine)
    with session_scope(engine) as session:
        make_official(session, "Added after the backup")
    done = run(db_url, "restore", str(saved), "--yes")
    lines = done.stdout.splitlines()
    assert (done.returncode, done.stderr) == (0, "")
    assert lines[0].startswith(f"{saved}: a backup of a {engine.dialect.name} database at schema")
    assert lines[1] == f"restored {saved}"
    assert re.sub(r"\s+", " ", lines[4]).strip() == "attempts 3"
    assert rows_without_backup_events(engine) == expected


def test_restore_without_a_terminal_needs_yes(db_url: str, engine: Engine, saved: Path) -> None:
    """From a script without --yes: a one-line refusal, exit code 2, nothing changed."""
    with session_scope(engine) as session:
        make_official(session, "Added after the backup")
    before = snapshot(engine)
    done = run(db_url, "restore", str(saved))
    assert done.returncode == 2
    assert done.stderr == (
        "error: restore replaces every row of the database; pass --yes to confirm "
        "(there is no terminal to ask on)\n"
    )
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: d[: len(d) // 2],
            "error: not an Outreach Tracker backup: the file is not a zip",
        ),
        (lambda _d: b"attempt_id,notes\n", "error: not an Outreach Tracker backup: the file is"),
        (lambda d: d[:-300] + bytes(100) + d[-200:], "error: "),
    ],
    ids=["truncated", "a text file", "zeroed bytes"],
)
def test_restore_refuses_a_damaged_file(
    db_url: str, engine: Engine, saved: Path, damage: object, message: str
) -> None:
    """One line on stderr, exit code 1, the database untouched."""
    assert callable(damage)
    saved.write_bytes(damage(saved.read_bytes()))
    before = snapshot(engine)
    done = run(db_url, "restore", str(saved), "--yes")
    assert done.returncode == 1
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr
    assert snapshot(engine) == before


def test_restore_of_a_missing_file_says_so(db_url: str, tmp_path: Path) -> None:
    done = run(db_url, "restore", str(tmp_path / "nowhere.zip"), "--yes")
    assert (done.returncode, done.stderr) == (
        1, f"error: cannot read {tmp_path / 'nowhere.zip'}: No such file or directory\n",
    )  # fmt: skip


class Terminal(io.StringIO):
    """stdin as a terminal where the admin types the given answer."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code", "restored"), [("no", 1, False), ("yes", 0, True)])
def test_restore_at_a_terminal_asks_first(
    db_url: str,
    engine: Engine,
    saved: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    code: int,
    restored: bool,
) -> None:
    """Only "yes" goes on; anything else cancels and changes nothing."""
    with session_scope(engine) as session:
        make_official(session, "Added after the backup")
    changed = snapshot(engine)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setattr(sys, "stdin", Terminal(answer + "\n"))
    result = cli.main(["restore", str(saved)])
    out = capsys.readouterr()
    assert result == code
    assert "with this backup? Type yes to go on: " in out.out
    assert (snapshot(engine) != changed) is restored
    if not restored:
        assert out.err == "restore cancelled: nothing was changed\n"


def test_backup_without_out_goes_to_data_backups(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default the file is data/backups/outreach-<UTC time>.zip."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr(backup, "BACKUP_DIR", tmp_path / "backups")
    assert cli.main(["backup"]) == 0
    [made] = list((tmp_path / "backups").iterdir())
    assert re.fullmatch(r"outreach-\d{8}-\d{6}Z\.zip", made.name)
