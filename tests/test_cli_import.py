"""cli.py import: exit codes, the summary line, rejections on stderr, and the round trip."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.db import make_engine, migrate
from models.tables import Attempt, Official
from tests.test_cli import cli, history_db, read_csv

__all__ = ["history_db"]  # the fixture, shared with test_cli


def write(tmp_path: Path, text: str, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def officials_in(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Official)) or 0


def test_import_officials_prints_the_summary_and_exits_0(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path, "name,phone\nAnn Lee,+1 212 555 0100\n")
    first = cli(db_url, "import", "officials", path)
    again = cli(db_url, "import", "officials", path)
    assert (first.returncode, again.returncode) == (0, 0)
    assert first.stdout.splitlines()[-1] == "officials: 1 new, 0 updated, 0 unchanged"
    assert again.stdout.splitlines()[-1] == "officials: 0 new, 0 updated, 1 unchanged"


def test_dry_run_prints_the_line_prefixed_and_changes_nothing(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "name,Shoe size\nAnn Lee,38\n")
    done = cli(db_url, "import", "officials", path, "--dry-run")
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "dry run: officials: 1 new, 0 updated, 0 unchanged"
    assert done.stderr.splitlines() == ['warning: ignored unknown column(s): "Shoe size"']
    assert officials_in(engine) == 0


def test_a_rejected_file_exits_1_with_one_line_per_problem(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "name,phone\nAnn Lee,+1 212 555 0100\nBob Roe,12345\n,+1 212 555 0102\n")
    done = cli(db_url, "import", "officials", path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        'line 3: phone "12345" is not a valid number',
        "line 4: the name is empty",
        "nothing was imported",
    ]
    assert done.stdout == ""
    assert officials_in(engine) == 0


def test_not_a_csv_exits_1_and_a_missing_path_exits_2(db_url: str, tmp_path: Path) -> None:
    xlsx = tmp_path / "list.xlsx"
    xlsx.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    spreadsheet = cli(db_url, "import", "officials", str(xlsx))
    missing = cli(db_url, "import", "attempts", str(tmp_path / "nope.csv"))
    assert (spreadsheet.returncode, missing.returncode) == (1, 2)
    assert spreadsheet.stderr.startswith("error: This is a spreadsheet file")
    assert missing.stderr.strip() == f"error: {tmp_path / 'nope.csv'}: no such file"


def test_an_unknown_campaign_exits_1(db_url: str, tmp_path: Path) -> None:
    cli(db_url, "seed")
    path = write(
        tmp_path, "official,occurred_at_utc,channel,outcome\nDavide Casale,2026-03-04,phone,busy\n"
    )
    done = cli(db_url, "import", "attempts", path, "--campaign", "Nope")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        'campaign "Nope" does not exist (give --create-campaigns to create it)'
    )


def test_export_import_export_round_trips(
    history_db: str, empty_db_url: str, tmp_path: Path
) -> None:
    """Officials then attempts into a fresh database: exported again, equal but for ids."""
    target = make_engine(empty_db_url)
    migrate(target)
    target.dispose()
    files = {name: str(tmp_path / f"{name}.csv") for name in ("o1", "a1", "o2", "a2")}
    cli(history_db, "export", "officials", "--out", files["o1"])
    cli(history_db, "export", "attempts", "--out", files["a1"])
    officials = cli(empty_db_url, "import", "officials", files["o1"])
    attempts = cli(empty_db_url, "import", "attempts", files["a1"], "--create-campaigns")
    again = cli(empty_db_url, "import", "attempts", files["a1"])
    cli(empty_db_url, "export", "officials", "--out", files["o2"])
    cli(empty_db_url, "export", "attempts", "--out", files["a2"])
    assert (officials.returncode, attempts.returncode, again.returncode) == (0, 0, 0), (
        officials.stderr + attempts.stderr
    )
    assert attempts.stdout.splitlines()[-1] == "attempts: 500 new, 0 updated, 0 unchanged"
    assert again.stdout.splitlines()[-1] == "attempts: 0 new, 0 updated, 500 unchanged"
    assert read_csv(Path(files["o2"])) == read_csv(Path(files["o1"]))
    without_ids = [[row[1:] for row in read_csv(Path(files[f]))] for f in ("a1", "a2")]
    assert without_ids[1] == without_ids[0]
    engine = make_engine(empty_db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Attempt)) == 500
    engine.dispose()
