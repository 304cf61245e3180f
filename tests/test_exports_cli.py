"""cli.py export with the pages' filters: stdout by default, exact --excel bytes, the
officials columns with country and archived, the summaries, and the audit of each."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cli import main
from models.exports import OFFICIAL_COLUMNS
from models.insights import rebuild
from models.seed import seed
from models.tables import AuditEvent, Official
from tests import test_exports
from tests.test_cli import cli
from tests.test_exports import expected_rows

history = test_exports.history  # the hand-built history, as a fixture of this module too

HEADER = (
    "attempt_id,occurred_at_utc,campaign,official,organization,channel,contact,outcome,"
    "outcome_class,responded,responded_at_utc,coordinator,duration_s,follow_up_on,notes,"
    "stance,response_summary"
)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def run(db_url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """cli.main in this process (quicker than a subprocess), against ``db_url``."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    return main(list(args))


def test_without_out_the_csv_goes_to_stdout(db_url: str, history: dict[str, int]) -> None:
    """No --out: the CSV alone on stdout, the count on stderr; --channel narrows."""
    done = cli(db_url, "export", "attempts", "--channel", "fax")
    assert done.returncode == 0, done.stderr
    assert rows_of(done.stdout) == [HEADER.split(","), expected_rows(history)["a3"]]
    assert done.stderr == "wrote 1 attempt row(s) to standard output\n"


@pytest.mark.parametrize(
    ("options", "names"),
    [
        (["--official", "Jane Smith"], ["a3"]),
        (["--coordinator", "Bea Caller"], ["a4", "a2"]),
        (["--channel", "letter", "--channel", "fax"], ["a4", "a3"]),
        (
            ["--campaign", "export campaign", "--from", "2026-03-02", "--to", "2026-03-04"],
            ["a1", "a2"],
        ),
        (
            [
                "--campaign",
                "Export campaign",
                "--campaign",
                "Other campaign",
                "--official",
                "Ivan Petrov",
                "--to",
                "2026-03-03",
            ],
            ["a0", "a1", "a4"],
        ),
    ],
)
def test_filters_select_the_rows_the_pages_would(
    db_url: str, history: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    options: list[str], names: list[str],
) -> None:  # fmt: skip
    """Each filter option, alone and combined, keeps exactly the attempts worked out by hand."""
    out = tmp_path / "out.csv"
    assert run(db_url, monkeypatch, "export", "attempts", "--out", str(out), *options) == 0
    expected = expected_rows(history)
    assert rows_of(out.read_text(encoding="utf-8"))[1:] == [expected[n] for n in names]


def test_unknown_official_and_coordinator_are_usage_errors(
    db_url: str, history: dict[str, int], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Exit 2 and one line naming what is unknown; nothing is written."""
    del history
    assert run(db_url, monkeypatch, "export", "attempts", "--official", "Nobody") == 2
    assert run(db_url, monkeypatch, "export", "attempts", "--coordinator", "nobody") == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: no official is named “Nobody” (an id or the exact full name)",
        "error: no account is named “nobody” (see: cli.py user list)",
    ]


def test_excel_bytes_exactly(
    db_url: str, history: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--excel: a BOM, then the header and the one row of Other campaign, CRLF each."""
    out = tmp_path / "excel.csv"
    code = run(db_url, monkeypatch, "export", "attempts", "--campaign", "Other campaign",
               "--excel", "--out", str(out))  # fmt: skip
    row = ",".join(expected_rows(history)["a4"])
    assert code == 0
    assert out.read_bytes() == ("\ufeff" + HEADER + "\r\n" + row + "\r\n").encode("utf-8")


def test_every_export_is_audited_with_its_file_hash(
    db_url: str, history: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    session: Session,
) -> None:  # fmt: skip
    """The audit event holds the filters, the rows, the size and the SHA-256 of the file."""
    out = tmp_path / "audited.csv"
    assert run(db_url, monkeypatch, "export", "attempts", "--channel", "fax", "--from",
               "2026-03-01", "--out", str(out)) == 0  # fmt: skip
    data = out.read_bytes()
    changes = session.scalars(select(AuditEvent.changes).where(AuditEvent.action == "export")).one()
    assert changes == {
        "rows": 1, "excel": False, "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "filters": {"from": "2026-03-01", "to": None, "campaign_ids": [], "official_ids": [],
                    "channels": ["fax"], "coordinator_ids": []},
    }  # fmt: skip
    del history


def test_officials_export_adds_country_and_archived(
    db_url: str, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The foundation's seven columns first, then country and archived; an archived
    official is listed with archived true."""
    seed(session)
    session.execute(
        update(Official)
        .where(Official.full_name == "Davide Casale")
        .values(archived_at=Official.created_at)
    )
    session.commit()
    out = tmp_path / "officials.csv"
    assert run(db_url, monkeypatch, "export", "officials", "--out", str(out)) == 0
    rows = rows_of(out.read_text(encoding="utf-8"))
    assert rows[0] == list(OFFICIAL_COLUMNS) == [
        "official", "title", "organization", "timezone", "kind", "value", "label", "country",
        "archived",
    ]  # fmt: skip
    assert {(r[0], r[7], r[8]) for r in rows[1:]} == {
        ("Anatoly Dmitrievich Viktorov", "RU", "false"),
        ("Davide Casale", "RU", "true"),
        ("Evgeniy Zagaynov", "US", "false"),
        ("Fedor Strzhizhovskiy", "US", "false"),
    }
    assert len(rows) == 12


def test_summary_by_official_on_stdout(
    db_url: str, history: dict[str, int], session: Session
) -> None:
    """Per official: attempts, responses, rates, last attempt and next open follow-up,
    worked out by hand from the history (a5 is deleted; a1's follow-up was done by a2)."""
    del history
    rebuild(session)  # the fixture deleted a5 behind the rollups' back
    session.commit()
    done = cli(db_url, "export", "summary", "--by", "official")
    assert done.returncode == 0, done.stderr
    assert rows_of(done.stdout) == [
        ["official", "organization", "attempts", "responses", "response_rate", "contact_rate",
         "last_attempt_utc", "next_follow_up"],
        ["Ivan Petrov", "Ministry of Examples", "4", "1", "0.2500", "0.2500",
         "2026-03-04T10:00:00+00:00", "2026-03-10"],
        ["Jane Smith", "Example Mission", "1", "1", "1.0000", "0.0000",
         "2026-03-05T23:30:15+00:00", ""],
    ]  # fmt: skip
    assert done.stderr == "wrote 2 row(s) by official to standard output\n"
