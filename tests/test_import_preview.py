"""The import seen before it is made (models.importing.preview): the first rows as read, the
matched and ignored columns, the dry run's summary or every problem by line; who may
import; the import's audit event and progress."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.db import session_scope
from models.importing import attempts as attempts_import
from models.importing.preview import (
    ATTEMPT_COLUMNS,
    OFFICIAL_COLUMNS,
    ImportKind,
    ImportOptions,
    ImportPreview,
    preview_import,
    run_import,
)
from models.importing.reading import NotACsv
from models.permissions import PermissionDenied
from models.seed import seed
from models.tables import Attempt, AuditEvent, CampaignTarget, FollowUp, Official, Response
from models.users import ensure_user
from models.vocab import FollowUpStatus, Role
from tests.factories import make_campaign

OFFICIALS = ImportOptions(ImportKind.OFFICIALS)
ATTEMPTS = ImportOptions(ImportKind.ATTEMPTS)


def written(tmp_path: Path, text: str, encoding: str = "utf-8") -> bytes:
    """``text`` written to a real file and read back, as the upload hands it over."""
    path = tmp_path / "upload.csv"
    path.write_bytes(text.encode(encoding))
    return path.read_bytes()


def count(session: Session, table: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


@pytest.fixture
def admin(session: Session) -> int:
    """The seeded campaign and an admin's account, committed."""
    seed(session)
    admin_id = ensure_user(session, "Ada Admin", role=Role.ADMIN).id
    session.commit()
    return admin_id


def preview(engine: Engine, data: bytes, options: ImportOptions, actor_id: int) -> ImportPreview:
    """The preview in a read-only session, as the page runs it."""
    with session_scope(engine, write=False) as session:
        return preview_import(session, data, options, actor_id=actor_id)


def test_the_preview_shows_the_rows_as_the_import_reads_them(
    engine: Engine, session: Session, admin: int, tmp_path: Path
) -> None:
    """A Russian Excel file (cp1251, semicolons): Cyrillic read right, numbers in E.164, the
    spreadsheet guard undone, an unknown column named; the dry run counts; nothing written."""
    data = written(
        tmp_path,
        "ФИО;Организация;Телефон;Заметки\r\n"
        "Иванов Иван;'=МИД;8 (495) 987-65-43;x\r\n"
        "Ann Lee;Consulate;+1 212 555 0100, +1 212 555 0101;y\r\n",
        "cp1251",
    )
    seen = preview(engine, data, OFFICIALS, admin)
    assert (seen.encoding, seen.delimiter, seen.records) == ("windows-1251", ";", 2)
    assert seen.matched == (("name", "ФИО"), ("organization", "Организация"), ("phone", "Телефон"))
    assert seen.ignored == ("Заметки",)
    assert list(seen.rows.columns) == list(OFFICIAL_COLUMNS)
    assert seen.rows[["line", "name", "organization", "phones", "problem"]].values.tolist() == [
        [2, "Иванов Иван", "=МИД", "+74959876543", ""],
        [3, "Ann Lee", "Consulate", "+12125550100 | +12125550101", ""],
    ]
    assert (seen.summary, seen.problems, seen.importable) == (
        "dry run: officials: 2 new, 0 updated, 0 unchanged",
        (),
        True,
    )
    assert count(session, Official) == 4


def test_a_bad_file_lists_every_problem_by_line_and_cannot_be_imported(
    engine: Engine, admin: int, tmp_path: Path
) -> None:
    """Each bad row is named by its line; the preview shows such a row as written."""
    data = written(
        tmp_path,
        "name,phone\nAnn Lee,+1 212 555 0100\nBob Roe,12345\n,+1 212 555 0199\n",
    )
    seen = preview(engine, data, OFFICIALS, admin)
    assert seen.problems == (
        'line 3: phone "12345" is not a valid number',
        "line 4: the name is empty",
    )
    assert (seen.summary, seen.importable) == ("", False)
    assert seen.rows[["line", "name", "phones", "problem"]].values.tolist() == [
        [2, "Ann Lee", "+12125550100", ""],
        [3, "Bob Roe", "12345", 'phone "12345" is not a valid number'],
        [4, "", "+1 212 555 0199", "the name is empty"],
    ]


def test_a_file_without_a_name_column_says_which_column_is_missing(
    engine: Engine, admin: int, tmp_path: Path
) -> None:
    """No column matched: the problem names the aliases; every header cell is ignored."""
    seen = preview(engine, written(tmp_path, "who,phone number\nAnn,1\n"), OFFICIALS, admin)
    assert seen.problems == ("line 1: no name column (name it one of: name, full name, "
                             "official, фио, имя)",)  # fmt: skip
    assert (seen.matched, seen.ignored) == ((), ("who", "phone number"))
    assert seen.rows.empty
    assert list(seen.rows.columns) == list(OFFICIAL_COLUMNS)


def test_attempts_are_previewed_in_utc_from_the_chosen_zone(
    engine: Engine, admin: int, tmp_path: Path
) -> None:
    """A time without an offset is read in the zone chosen; the row names no campaign, so
    the only active one takes it."""
    data = written(
        tmp_path, "official,time,channel,outcome\nDavide Casale,2026-03-04 10:00,Fax,Sent\n"
    )
    options = ImportOptions(ImportKind.ATTEMPTS, timezone="Europe/Moscow")
    seen = preview(engine, data, options, admin)
    row = dict(zip(ATTEMPT_COLUMNS, seen.rows.values.tolist()[0], strict=True))
    assert (row["occurred_at_utc"], row["channel"], row["outcome"], row["campaign"]) == (
        "2026-03-04T07:00:00+00:00",
        "fax",
        "sent",
        "",
    )
    assert seen.summary == "dry run: attempts: 1 new, 0 updated, 0 unchanged"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 a zip, as .xlsx files are", "This is a spreadsheet file"),
        (b"", "The file is empty."),
        (b"name,phone\n", "The file has a header but no rows."),
        (b"name\x00\x01\x02", "The file holds NUL bytes"),
    ],
)
def test_what_is_not_a_csv_has_no_preview(
    engine: Engine, admin: int, data: bytes, message: str
) -> None:
    """An .xlsx, an empty file, a header alone, a binary file: NotACsv, saying which."""
    with pytest.raises(NotACsv, match=message):
        preview(engine, data, OFFICIALS, admin)


@pytest.mark.usefixtures("admin")
def test_only_admins_may_preview_or_import_and_a_refusal_is_audited(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    """A coordinator is refused both (nothing imported); each refusal leaves a denied event."""
    coordinator = ensure_user(session, "Cole Coordinator").id
    session.commit()
    data = written(tmp_path, "name\nAnn Lee\n")
    with pytest.raises(PermissionDenied):
        preview(engine, data, OFFICIALS, coordinator)
    with pytest.raises(PermissionDenied), session_scope(engine) as writing:
        run_import(writing, data, OFFICIALS, actor_id=coordinator)
    denied = select(AuditEvent.actor_id, AuditEvent.changes).where(AuditEvent.action == "denied")
    assert [tuple(r) for r in session.execute(denied)] == 2 * [
        (coordinator, {"permission": "manage officials and campaigns"})
    ]
    assert count(session, Official) == 4


def test_an_import_makes_targets_is_audited_with_the_file_and_repeats_as_a_no_op(
    engine: Engine, session: Session, admin: int, tmp_path: Path
) -> None:
    """Officials made targets of the chosen campaign; one import event names the actor, the
    counts and the file's SHA-256; the same file again changes nothing and is not audited."""
    campaign_id = make_campaign(session, "Letters")
    session.commit()
    data = written(tmp_path, "name,organization\nAnn Lee,Consulate\nBob Roe,Embassy\n")
    options = ImportOptions(ImportKind.OFFICIALS, campaign_id=campaign_id)
    with session_scope(engine) as writing:
        first = run_import(writing, data, options, actor_id=admin).summary()
    with session_scope(engine) as writing:
        again = run_import(writing, data, options, actor_id=admin).summary()
    events = select(AuditEvent.actor_id, AuditEvent.changes).where(AuditEvent.action == "import")
    targets = select(Official.full_name).join(CampaignTarget).order_by(Official.full_name)
    assert first == "officials: 2 new, 0 updated, 0 unchanged"
    assert again == "officials: 0 new, 0 updated, 2 unchanged"
    assert [tuple(r) for r in session.execute(events)] == [
        (admin, {"new": 2, "updated": 0, "sha256": hashlib.sha256(data).hexdigest()})
    ]
    assert list(session.scalars(targets.where(CampaignTarget.campaign_id == campaign_id))) == [
        "Ann Lee",
        "Bob Roe",
    ]


def test_a_campaign_deleted_since_it_was_chosen_is_a_problem(
    engine: Engine, admin: int, tmp_path: Path
) -> None:
    options = ImportOptions(ImportKind.OFFICIALS, campaign_id=999)
    seen = preview(engine, written(tmp_path, "name\nAnn Lee\n"), options, admin)
    assert seen.problems == ("the chosen campaign no longer exists: choose another",)


def history(rows: int) -> str:
    """``rows`` attempts to one official, an hour apart; every third answered, every fifth
    naming a follow-up (done by the next attempt)."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    lines = ["official,occurred_at_utc,channel,outcome,responded,follow_up_on"]
    for n in range(rows):
        when = start + timedelta(hours=n)
        responded = "true" if n % 3 == 0 else "false"
        follow_up = (when + timedelta(days=2)).date().isoformat() if n % 5 == 4 else ""
        lines.append(
            f"Davide Casale,{when.isoformat()},phone,spoke to staff,{responded},{follow_up}"
        )
    return "\n".join(lines) + "\n"


def test_progress_moves_forward_to_done_and_chunks_write_everything(
    engine: Engine, session: Session, admin: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """120 attempts written 50 at a time: progress never goes back and ends at 1.0 having
    checked, written and updated the figures; every attempt, response and follow-up is
    there, a follow-up done by an attempt of the next chunk included."""
    monkeypatch.setattr(attempts_import, "CHUNK", 50)
    data = written(tmp_path, history(120))
    heard: list[tuple[float, str]] = []
    with session_scope(engine) as writing:
        run_import(writing, data, ATTEMPTS, actor_id=admin, progress=lambda *p: heard.append(p))
    shares = [share for share, _ in heard]
    done = select(func.count()).where(FollowUp.status == FollowUpStatus.DONE)
    assert shares == sorted(shares)
    assert (shares[0], shares[-1]) == (0.0, 1.0)
    assert {"checking rows: 120 of 120", "writing attempts: 50 of 120",
            "writing attempts: 120 of 120", "updating the Insights figures"} <= {
        text for _, text in heard
    }  # fmt: skip
    assert (count(session, Attempt), count(session, Response)) == (120, 40)
    assert (count(session, FollowUp), session.scalar(done)) == (24, 23)


@pytest.mark.parametrize("kind", [ImportKind.OFFICIALS, ImportKind.ATTEMPTS])
def test_a_dry_runs_progress_is_the_check_alone(
    engine: Engine, admin: int, tmp_path: Path, kind: ImportKind
) -> None:
    """A dry run checks every row, from 0 to 1.0, and writes nothing."""
    data = written(tmp_path, history(3))
    heard: list[tuple[float, str]] = []
    with session_scope(engine, write=False) as reading:
        run_import(reading, data, ImportOptions(kind), actor_id=admin, dry_run=True,
                   progress=lambda *p: heard.append(p))  # fmt: skip
    assert heard == [(0.0, "checking rows: 0 of 3")] + [
        (n / 3, f"checking rows: {n} of 3") for n in (1, 2, 3)
    ]


def test_an_officials_import_ends_writing_every_official(
    engine: Engine, admin: int, tmp_path: Path
) -> None:
    data = written(tmp_path, "name\nAnn Lee\nBob Roe\n")
    heard: list[tuple[float, str]] = []
    with session_scope(engine) as writing:
        run_import(writing, data, OFFICIALS, actor_id=admin, progress=lambda *p: heard.append(p))
    assert heard[-1] == (1.0, "writing officials: 2 of 2")
