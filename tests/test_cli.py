"""cli.py as a real process: seed, demo, exports, and one-line errors with exit code 2."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli_exports import atomic_output
from models.demo import DEMO_CAMPAIGN_NAME, make_demo
from models.exports import ATTEMPT_COLUMNS, OFFICIAL_COLUMNS
from models.filters import start_of_day
from models.seed import seed
from models.tables import Attempt, CampaignTarget, ContactPoint, FollowUp, Official, Response, User

ROOT = Path(__file__).resolve().parent.parent
SEED_CAMPAIGN = "Chechnya: stop the persecution of gay men"


def cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python cli.py ARGS`` against ``db_url``, as an admin or a cron job would."""
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def directory_counts(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return [
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Official, ContactPoint, CampaignTarget)
        ]


@pytest.fixture
def history_db(db_url: str, engine: Engine) -> str:
    """A database with the seed and a 500-attempt demo, made in-process (it is quicker)."""
    with Session(engine) as session, session.begin():
        seed(session)
    make_demo(engine, attempts=500, seed=1, weeks=10)
    return db_url


def test_seed_twice_changes_nothing_the_second_time(db_url: str, engine: Engine) -> None:
    """The first run adds the campaign; the second says so and leaves the counts alone."""
    first = cli(db_url, "seed")
    counts = directory_counts(engine)
    second = cli(db_url, "seed")
    assert (first.returncode, second.returncode) == (0, 0)
    assert first.stdout.strip() == (
        "seeded: 1 campaign(s), 4 official(s), 11 contact point(s) added"
    )
    assert second.stdout.strip() == "already seeded: nothing to add"
    assert counts == [4, 11, 4]
    assert directory_counts(engine) == counts


def test_export_officials(db_url: str, tmp_path: Path) -> None:
    """One row per contact point of the seed, in E.164, into the named file."""
    cli(db_url, "seed")
    out = tmp_path / "officials.csv"
    done = cli(db_url, "export", "officials", "--out", str(out))
    rows = read_csv(out)
    assert done.returncode == 0, done.stderr
    assert rows[0] == list(OFFICIAL_COLUMNS)
    assert len(rows) == 12
    assert ("Anatoly Dmitrievich Viktorov", "phone", "+74992443025") in {
        (r[0], r[4], r[5]) for r in rows
    }
    assert done.stderr.strip() == f"wrote 11 contact point row(s) to {out}"


def test_demo_then_export_every_attempt(db_url: str, tmp_path: Path) -> None:
    """demo reports progress and counts; all 500 of its attempts are then exported."""
    assert cli(db_url, "seed").returncode == 0
    made = cli(db_url, "demo", "--attempts", "500", "--seed", "1", "--weeks", "10")
    out = tmp_path / "attempts.csv"
    done = cli(db_url, "export", "attempts", "--out", str(out))
    rows = read_csv(out)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("demo: 500 attempts, ")
    assert made.stderr == "  500 of 500 attempts (100%)\n"
    assert done.returncode == 0, done.stderr
    assert rows[0] == list(ATTEMPT_COLUMNS)
    assert len(rows) == 501
    assert {r[2] for r in rows[1:]} == {DEMO_CAMPAIGN_NAME}


def test_export_with_campaign_dates_and_excel(
    history_db: str, engine: Engine, tmp_path: Path
) -> None:
    """--campaign, --from and --to select what the same filters count in the database;
    --excel adds the BOM and CRLF."""
    with Session(engine) as session:
        last = session.scalar(select(func.max(Attempt.occurred_at)))
        assert last is not None
        day_to = last.date()
        day_from = date.fromordinal(day_to.toordinal() - 20)
        expected = session.scalar(
            select(func.count(Attempt.id)).where(
                Attempt.occurred_at >= start_of_day(day_from),
                Attempt.occurred_at < start_of_day(date.fromordinal(day_to.toordinal() + 1)),
            )
        )
    out = tmp_path / "window.csv"
    done = cli(
        history_db, "export", "attempts", "--campaign", DEMO_CAMPAIGN_NAME, "--from",
        day_from.isoformat(), "--to", day_to.isoformat(), "--excel", "--out", str(out),
    )  # fmt: skip
    data = out.read_bytes()
    assert done.returncode == 0, done.stderr
    assert expected is not None and 0 < expected < 500
    assert len(read_csv(out)) == expected + 1
    assert data.startswith(b"\xef\xbb\xbfattempt_id,")
    assert data.count(b"\r\n") == data.count(b"\n") == expected + 1
    assert done.stderr.strip() == f"wrote {expected:,} attempt row(s) to {out}"


def test_the_seed_campaign_has_no_attempts(history_db: str) -> None:
    """--campaign by exact name; the seed campaign's export is the header alone (stdout)."""
    done = cli(history_db, "export", "attempts", "--campaign", SEED_CAMPAIGN, "--out", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ",".join(ATTEMPT_COLUMNS) + "\n"


def test_bad_date_is_refused_in_one_line(sqlite_url: str, tmp_path: Path) -> None:
    """03/02/2026 is ambiguous: exit 2, one line saying the form wanted, no file.

    Arguments are checked before the database is touched, so one backend suffices.
    """
    out = tmp_path / "out" / "a.csv"
    out.parent.mkdir()
    done = cli(sqlite_url, "export", "attempts", "--from", "03/02/2026", "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: argument --from: “03/02/2026” is not a date")
    assert "YYYY-MM-DD" in done.stderr
    assert list(out.parent.iterdir()) == []


def test_unknown_campaign_lists_the_known_ones(db_url: str, tmp_path: Path) -> None:
    """Exit 2 with the known names, and no file is made."""
    cli(db_url, "seed")
    out = tmp_path / "out" / "a.csv"
    out.parent.mkdir()
    done = cli(db_url, "export", "attempts", "--campaign", "Chechnya", "--out", str(out))
    assert done.returncode == 2
    assert done.stderr == (
        f"error: no campaign is named “Chechnya”. Known campaigns: “{SEED_CAMPAIGN}”\n"
    )
    assert list(out.parent.iterdir()) == []


def test_demo_needs_a_positive_count(sqlite_url: str) -> None:
    """--attempts 0 is a usage error, not a traceback."""
    done = cli(sqlite_url, "demo", "--attempts", "0")
    assert done.returncode == 2
    assert done.stderr.startswith("error: argument --attempts: must be at least 1")
    assert "Traceback" not in done.stderr


def test_migrate_is_idempotent(db_url: str) -> None:
    """migrate on an up-to-date database succeeds and says so."""
    done = cli(db_url, "migrate")
    assert (done.returncode, done.stdout) == (0, "database is at the newest schema\n")


def test_a_failed_export_leaves_the_old_file_alone(tmp_path: Path) -> None:
    """The export goes to a temporary file that replaces the target only on success."""
    target = tmp_path / "out" / "report.csv"
    target.parent.mkdir()
    target.write_text("the last good report\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(str(target)) as out:
        out.write(b"half a row")
        raise RuntimeError("the database went away")
    assert target.read_text(encoding="utf-8") == "the last good report\n"
    assert list(target.parent.iterdir()) == [target]
    with atomic_output(str(target)) as out:
        out.write(b"a new report\n")
    assert target.stat().st_mode & 0o777 == 0o600  # what was recorded stays private
    assert target.read_text(encoding="utf-8") == "a new report\n"
    assert list(target.parent.iterdir()) == [target]


def test_demo_remove_deletes_the_demo_and_says_what(history_db: str, engine: Engine) -> None:
    """demo --remove prints the counts and leaves the seed alone; a second run finds nothing;
    options of the other form are refused."""
    with Session(engine) as session:
        responses = session.scalar(select(func.count(Response.id))) or 0
        follow_ups = session.scalar(select(func.count(FollowUp.id))) or 0
        users = session.scalar(select(func.count(User.id)).where(User.is_demo)) or 0
    done = cli(history_db, "demo", "--remove")
    again = cli(history_db, "demo", "--remove")
    mixed = cli(history_db, "demo", "--remove", "--weeks", "3")
    both = cli(history_db, "demo", "--remove", "--attempts", "5")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "demo removed: 1 campaign(s), 500 attempt(s) (0 by real coordinators), "
        f"{responses} response(s), {follow_ups} follow-up(s), 12 campaign target(s), "
        f"8 official(s) with 40 contact point(s) and 40 office-hours range(s), {users} user(s)\n"
    )
    assert again.stdout == "no demo data: nothing to remove\n"
    assert (mixed.returncode, mixed.stderr) == (
        2,
        "error: --remove takes neither --seed nor --weeks\n",
    )
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    assert directory_counts(engine) == [4, 11, 4]
