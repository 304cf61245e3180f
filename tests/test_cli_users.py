"""cli.py user ...: the first admin, roles, deactivation, passwords — as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.accounts import sign_in
from models.tables import AuditEvent, User
from models.vocab import Role

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long enough passphrase"


def cli(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_first_admin_from_stdin_can_sign_in(db_url: str, engine: Engine) -> None:
    """`user add NAME --role admin` with the password on stdin makes an admin who can sign in."""
    done = cli(db_url, "user", "add", "Alice Admin", "--role", "admin", stdin=PASSWORD + "\n")
    assert (done.returncode, done.stdout.strip()) == (0, "created admin account “alice admin”")
    with Session(engine) as session:
        result = sign_in(session, "alice admin", PASSWORD)
        assert result.user is not None
        assert result.user.role == Role.ADMIN
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
        assert list(actions) == ["create", "sign_in"]


def test_short_password_and_duplicate_name_are_refused(db_url: str) -> None:
    """Errors are one line on stderr with exit code 2, and nothing is created."""
    short = cli(db_url, "user", "add", "bob", stdin="short\n")
    assert (short.returncode, short.stderr.strip()) == (
        2,
        "error: A password needs at least 12 characters.",
    )
    assert cli(db_url, "user", "add", "bob", stdin=PASSWORD + "\n").returncode == 0
    again = cli(db_url, "user", "add", "BOB", stdin=PASSWORD + "\n")
    assert (again.returncode, again.stderr.strip()) == (
        2,
        "error: There is already a user called “bob”.",
    )


def test_role_deactivate_and_list(db_url: str, engine: Engine) -> None:
    """set-role and deactivate change the account; list shows name, role and state."""
    cli(db_url, "user", "add", "carol", stdin=PASSWORD + "\n")
    assert cli(db_url, "user", "set-role", "carol", "viewer").returncode == 0
    assert cli(db_url, "user", "deactivate", "carol").returncode == 0
    listed = cli(db_url, "user", "list")
    assert listed.stdout.splitlines() == ["carol\tviewer\tdeactivated\tcan sign in"]
    with Session(engine) as session:
        user = session.scalars(select(User)).one()
        assert (user.role, user.is_active) == (Role.VIEWER, False)
        assert sign_in(session, "carol", PASSWORD).user is None
    missing = cli(db_url, "user", "deactivate", "nobody")
    assert missing.returncode == 2
    assert "no account is named “nobody”" in missing.stderr


def test_password_reset_from_stdin(db_url: str, engine: Engine) -> None:
    """`user password NAME` replaces the password; the old one stops working."""
    cli(db_url, "user", "add", "dave", stdin=PASSWORD + "\n")
    assert (
        cli(db_url, "user", "password", "dave", stdin="another long passphrase\n").returncode == 0
    )
    with Session(engine) as session:
        assert sign_in(session, "dave", PASSWORD).user is None
        assert sign_in(session, "dave", "another long passphrase").user is not None
