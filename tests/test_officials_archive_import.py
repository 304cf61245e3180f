"""The officials export's ``archived`` column read back, and officials without contact
points written as one row and read back: counts, audit, preview, dry run, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from cli import main
from models.db import make_engine, migrate, session_scope
from models.directory import OfficialInput, create_official
from models.exports import officials_csv_bytes
from models.importing.officials import import_officials
from models.importing.preview import ImportKind, ImportOptions, preview_import
from models.importing.report import ImportRejected
from models.seed import seed
from models.tables import AuditEvent, CampaignTarget, ContactPoint, Official
from tests.factories import make_campaign
from tests.test_cli import read_csv

HEADER = "official,title,organization,timezone,kind,value,label,country,archived\n"
ANN = "Ann Lee,Consul,Consulate,America/New_York,phone,+12125550100,Desk,US,{}\n"


def written(tmp_path: Path, text: str) -> bytes:
    path = tmp_path / "officials.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path.read_bytes()


def archived_names(session: Session) -> list[str]:
    stmt = select(Official.full_name).where(Official.archived_at.is_not(None))
    return sorted(session.scalars(stmt))


def archive_events(session: Session) -> list[tuple[str, int | None]]:
    stmt = (
        select(Official.full_name, AuditEvent.actor_id)
        .join(Official, Official.id == AuditEvent.entity_id)
        .where(AuditEvent.action == "archive", AuditEvent.entity == "official")
        .order_by(AuditEvent.id)
    )
    return [(name, actor) for name, actor in session.execute(stmt)]


def test_archived_true_archives_an_official_audited_and_counted_as_an_update(
    session: Session, tmp_path: Path
) -> None:
    """A listed official the file says is archived: the dry run counts an update and
    changes nothing; the import archives them, audited as the Officials page does; the
    same file again is a no-op."""
    import_officials(session, written(tmp_path, HEADER + ANN.format("false")), actor_id=None)
    data = written(tmp_path, HEADER + ANN.format("true"))
    dry = import_officials(session, data, actor_id=None, dry_run=True)
    assert dry.summary() == "dry run: officials: 0 new, 1 updated, 0 unchanged"
    assert archived_names(session) == []
    first = import_officials(session, data, actor_id=None)
    again = import_officials(session, data, actor_id=None)
    assert first.summary() == "officials: 0 new, 1 updated, 0 unchanged"
    assert again.summary() == "officials: 0 new, 0 updated, 1 unchanged"
    assert archived_names(session) == ["Ann Lee"]
    assert archive_events(session) == [("Ann Lee", None)]


@pytest.mark.parametrize("cell", ["false", "", "FALSE", "no"])
def test_false_or_empty_never_unarchives(session: Session, tmp_path: Path, cell: str) -> None:
    import_officials(session, written(tmp_path, HEADER + ANN.format("true")), actor_id=None)
    report = import_officials(session, written(tmp_path, HEADER + ANN.format(cell)), actor_id=None)
    assert report.summary() == "officials: 0 new, 0 updated, 1 unchanged"
    assert archived_names(session) == ["Ann Lee"]


def test_a_new_official_the_file_archives_is_new_archived_and_no_target(
    session: Session, tmp_path: Path
) -> None:
    """Counted new (not also updated); archived, with the archiving audited; with
    --campaign, only the official the file leaves active becomes a target."""
    campaign_id = make_campaign(session, "Letters")
    data = written(tmp_path, HEADER + ANN.format("true") + "Bob Roe,,,,,,,,false\n")
    report = import_officials(session, data, actor_id=None, campaign="Letters")
    assert report.summary() == "officials: 2 new, 0 updated, 0 unchanged"
    assert archived_names(session) == ["Ann Lee"]
    assert archive_events(session) == [("Ann Lee", None)]
    targets = select(Official.full_name).join(CampaignTarget)
    assert list(session.scalars(targets.where(CampaignTarget.campaign_id == campaign_id))) == [
        "Bob Roe"
    ]


def test_one_archived_row_of_several_archives_the_official(
    session: Session, tmp_path: Path
) -> None:
    """Rows of one official fold into one; ``true`` on any of them archives them."""
    data = written(
        tmp_path,
        HEADER + ANN.format("") + "Ann Lee,Consul,Consulate,America/New_York,email,"
        "ann@example.org,,US,true\n",
    )
    assert import_officials(session, data, actor_id=None).summary() == (
        "officials: 1 new, 0 updated, 0 unchanged"
    )
    assert archived_names(session) == ["Ann Lee"]


def test_an_archived_cell_that_is_not_a_yes_or_no_rejects_the_row(
    session: Session, tmp_path: Path
) -> None:
    data = written(tmp_path, HEADER + ANN.format("maybe"))
    with pytest.raises(ImportRejected) as caught:
        import_officials(session, data, actor_id=None)
    assert caught.value.problems == ['line 2: archived "maybe" is neither true nor false']
    assert session.scalars(select(Official)).all() == []


def test_the_preview_shows_archived_and_counts_the_update(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    import_officials(session, written(tmp_path, HEADER + ANN.format("false")), actor_id=None)
    session.commit()
    data = written(tmp_path, HEADER + ANN.format("true"))
    with session_scope(engine, write=False) as reading:
        seen = preview_import(reading, data, ImportOptions(ImportKind.OFFICIALS), actor_id=None)
    assert seen.rows[["line", "name", "phones", "archived", "problem"]].values.tolist() == [
        [2, "Ann Lee", "+12125550100", "true", ""]
    ]
    assert seen.summary == "dry run: officials: 0 new, 1 updated, 0 unchanged"
    assert archived_names(session) == []


def test_an_official_without_contact_points_is_one_row_with_empty_kind_value_label(
    session: Session,
) -> None:
    """Outer join: listed between the others by name, kind, value and label empty."""
    create_official(
        session,
        OfficialInput(full_name="Bob Roe", title="Clerk", organization="Embassy", country="GB",
                      timezone="Europe/London"),
        actor_id=None,
    )  # fmt: skip
    import_officials(session, HEADER.encode() + ANN.format("false").encode(), actor_id=None)
    assert officials_csv_bytes(session).decode().splitlines() == [
        HEADER.strip(),
        ANN.format("false").strip(),
        "Bob Roe,Clerk,Embassy,Europe/London,,,,GB,false",
    ]
    assert officials_csv_bytes(session, excel=True).endswith(
        b"Bob Roe,Clerk,Embassy,Europe/London,,,,GB,false\r\n"
    )


def cli(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """cli.main in this process (a subprocess each is slow), against ``url``."""
    monkeypatch.setenv("DATABASE_URL", url)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_officials_export_round_trips_archived_and_without_contact_points(
    db_url: str, engine: Engine, empty_db_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """The seed, one official archived and one without contact points: exported,
    imported into a fresh database (5 new, the archived one archived there, the other
    without contact points), imported again (no-op), exported again: the same file."""
    with Session(engine) as session, session.begin():
        seed(session)
        session.execute(
            update(Official)
            .where(Official.full_name == "Davide Casale")
            .values(archived_at=Official.created_at)
        )
        create_official(
            session,
            OfficialInput(full_name="Nina Orlova", organization="Duma", country="RU",
                          timezone="Europe/Moscow"),
            actor_id=None,
        )  # fmt: skip
    target = make_engine(empty_db_url)
    migrate(target)
    first, second = tmp_path / "o1.csv", tmp_path / "o2.csv"
    assert cli(db_url, monkeypatch, capsys, "export", "officials", "--out", str(first))[0] == 0
    imported = cli(empty_db_url, monkeypatch, capsys, "import", "officials", str(first))
    again = cli(empty_db_url, monkeypatch, capsys, "import", "officials", str(first))
    exported = cli(empty_db_url, monkeypatch, capsys, "export", "officials", "--out", str(second))
    assert (imported[0], again[0], exported[0]) == (0, 0, 0), imported[2] + again[2]
    assert imported[1].splitlines()[-1] == "officials: 5 new, 0 updated, 0 unchanged"
    assert again[1].splitlines()[-1] == "officials: 0 new, 0 updated, 5 unchanged"
    rows = read_csv(first)
    assert [r for r in rows if r[0] == "Nina Orlova"] == [
        ["Nina Orlova", "", "Duma", "Europe/Moscow", "", "", "", "RU", "false"]
    ]
    assert read_csv(second) == rows
    with Session(target) as session:
        assert archived_names(session) == ["Davide Casale"]
        assert archive_events(session) == [("Davide Casale", None)]
        nina = session.scalars(select(Official).where(Official.full_name == "Nina Orlova")).one()
        contacts = select(ContactPoint).where(ContactPoint.official_id == nina.id)
        assert session.scalars(contacts).all() == []
    target.dispose()
