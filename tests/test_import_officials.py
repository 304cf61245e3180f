"""Officials import: aliases, numbers, matching, folding, rejections and the no-op re-import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.importing.officials import import_officials
from models.importing.report import ImportRejected
from models.seed import seed
from models.tables import CampaignTarget, ContactPoint, Official
from tests.factories import make_campaign

SEED_CAMPAIGN = "Chechnya: stop the persecution of gay men"


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    return tmp_path


def file_bytes(tmp: Path, text: str, encoding: str = "utf-8") -> bytes:
    """Write ``text`` to a real file and read its bytes back, as the CLI does."""
    path = tmp / "officials.csv"
    path.write_bytes(text.encode(encoding))
    return path.read_bytes()


def contacts_of(session: Session, name: str) -> list[tuple[str, str]]:
    stmt = (
        select(ContactPoint.kind, ContactPoint.value)
        .join(Official)
        .where(Official.full_name == name)
        .order_by(ContactPoint.position, ContactPoint.id)
    )
    return [(str(kind), value) for kind, value in session.execute(stmt)]


def count(session: Session, table: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_a_partner_list_in_english_makes_new_officials(session: Session, tmp: Path) -> None:
    """Several numbers per cell are split; addresses split on | only; numbers in E.164."""
    data = file_bytes(
        tmp,
        "Full Name,Position,Organisation,Country,Phones,Fax,E-mail,Address\n"
        'Ann Lee,Consul,Consulate,US,"+1 212 555 0100; +1 212 555 0101",,ann@example.org,'
        '"1 Main St, New York | 2 Side St, Boston"\n'
        "Ivan Petrov,Director,Ministry,Russia,8 (499) 244-30-25,8 (499) 244-30-45,,\n",
    )
    report = import_officials(session, data, actor_id=None)
    assert report.summary() == "officials: 2 new, 0 updated, 0 unchanged"
    assert contacts_of(session, "Ann Lee") == [
        ("phone", "+12125550100"),
        ("phone", "+12125550101"),
        ("email", "ann@example.org"),
        ("address", "1 Main St, New York"),
        ("address", "2 Side St, Boston"),
    ]
    assert contacts_of(session, "Ivan Petrov") == [
        ("phone", "+74992443025"),
        ("fax", "+74992443045"),
    ]
    petrov = session.scalars(select(Official).where(Official.full_name == "Ivan Petrov")).one()
    assert (petrov.country, petrov.timezone) == ("RU", "Europe/Moscow")


def test_a_russian_excel_file_with_russian_headers(session: Session, tmp: Path) -> None:
    """cp1251, semicolons, Russian headers and a Russian country name."""
    data = file_bytes(
        tmp,
        "ФИО;Должность;Ведомство;Страна;Телефон\r\n"
        "Семёнов Пётр;Советник;МИД;Россия;8 (495) 244-16-06\r\n",
        "cp1251",
    )
    import_officials(session, data, actor_id=None)
    official = session.scalars(select(Official)).one()
    assert (official.full_name, official.title, official.organization, official.country) == (
        "Семёнов Пётр",
        "Советник",
        "МИД",
        "RU",
    )
    assert contacts_of(session, "Семёнов Пётр") == [("phone", "+74952441606")]


def test_a_match_by_name_keeps_what_it_has_and_fills_the_rest(session: Session, tmp: Path) -> None:
    """Surname first and ё/е folded: the seed's official gets a new phone, keeps the name,
    title and organisation; nothing is duplicated."""
    seed(session)
    data = file_bytes(
        tmp,
        "name,title,organization,phone\n"
        "VIKTOROV Anatoly Dmitrievich,Someone else,Other org,"
        "8 (499) 244-30-25 | 8 (499) 244-30-26\n",
    )
    report = import_officials(session, data, actor_id=None)
    official = session.scalars(select(Official).where(Official.full_name.like("Anatoly%"))).one()
    assert report.summary() == "officials: 0 new, 1 updated, 0 unchanged"
    assert official.title.startswith("Head of the Department")
    assert official.organization == "Ministry of Foreign Affairs of the Russian Federation"
    assert contacts_of(session, official.full_name) == [
        ("phone", "+74992443025"),
        ("fax", "+74992443045"),
        ("phone", "+74992443026"),
    ]


def test_a_match_by_a_number_only_one_official_has(session: Session, tmp: Path) -> None:
    seed(session)
    data = file_bytes(tmp, "name,phone\nE. Zagaynov (Mission),+1 212 861 4901\n")
    report = import_officials(session, data, actor_id=None)
    assert report.summary() == "officials: 0 new, 0 updated, 1 unchanged"
    assert count(session, Official) == 4


def test_a_shared_fax_identifies_nobody(session: Session, tmp: Path) -> None:
    """Two seeded officials share the mission's fax: a new name with it is someone new."""
    seed(session)
    data = file_bytes(tmp, "name,fax\nMission Duty Officer,+1 212 628 0252\n")
    report = import_officials(session, data, actor_id=None)
    assert report.summary() == "officials: 1 new, 0 updated, 0 unchanged"
    assert contacts_of(session, "Mission Duty Officer") == [("fax", "+12126280252")]


def test_a_number_the_file_gives_two_names_identifies_neither(session: Session, tmp: Path) -> None:
    """The EU delegation's phone is Casale's alone in the database, but the file gives it
    to two new names: it matches nobody, so both are new."""
    seed(session)
    data = file_bytes(tmp, "name,phone\nDesk A,+7 495 721-20-11\nDesk B,+7 495 721-20-11\n")
    report = import_officials(session, data, actor_id=None)
    assert report.summary() == "officials: 2 new, 0 updated, 0 unchanged"


def test_name_of_one_and_number_of_another_is_rejected_naming_both(
    session: Session, tmp: Path
) -> None:
    seed(session)
    data = file_bytes(tmp, "name,phone\nDavide Casale,+1 212 861 4903\n")
    before = count(session, ContactPoint)
    with pytest.raises(ImportRejected) as caught:
        import_officials(session, data, actor_id=None)
    assert caught.value.problems == [
        'line 2: "Davide Casale" is Davide Casale by name, but +12128614903 is the number '
        "of Fedor Strzhizhovskiy only"
    ]
    assert count(session, ContactPoint) == before


def test_repeats_in_one_file_fold_into_one_official(session: Session, tmp: Path) -> None:
    data = file_bytes(
        tmp,
        'name,title,phone\nAnn Lee,,+1 212 555 0100\n"LEE, Ann",Consul,+1 212 555 0101\n',
    )
    report = import_officials(session, data, actor_id=None)
    assert report.summary() == "officials: 1 new, 0 updated, 0 unchanged"
    official = session.scalars(select(Official)).one()
    assert (official.full_name, official.title) == ("Ann Lee", "Consul")
    assert contacts_of(session, "Ann Lee") == [("phone", "+12125550100"), ("phone", "+12125550101")]


def test_importing_the_same_file_again_changes_nothing(session: Session, tmp: Path) -> None:
    data = file_bytes(
        tmp, "name,phone,email\nAnn Lee,+1 212 555 0100,ann@example.org\nBob Roe,,bob@example.org\n"
    )
    import_officials(session, data, actor_id=None)
    before = (count(session, Official), count(session, ContactPoint))
    again = import_officials(session, data, actor_id=None)
    assert again.summary() == "officials: 0 new, 0 updated, 2 unchanged"
    assert (count(session, Official), count(session, ContactPoint)) == before


def test_every_bad_row_is_reported_and_nothing_is_written(session: Session, tmp: Path) -> None:
    data = file_bytes(
        tmp,
        "name,country,phone,email,Birthday\n"
        "Ann Lee,US,+1 212 555 0100,,\n"
        "Bob Roe,,12345,,\n"
        ",,+1 212 555 0102,,\n"
        "Cy Doe,Atlantis,,,\n"
        "Di Poe,,,not-an-email,\n",
    )
    with pytest.raises(ImportRejected) as caught:
        import_officials(session, data, actor_id=None)
    assert caught.value.problems == [
        'line 3: phone "12345" is not a valid number',
        "line 4: the name is empty",
        'line 5: country "Atlantis" is not a country code or name',
        'line 6: email "not-an-email": “not-an-email” is not an email address.',
    ]
    assert count(session, Official) == 0


def test_unknown_columns_are_ignored_with_a_warning(session: Session, tmp: Path) -> None:
    data = file_bytes(tmp, "name,Birthday,Shoe size\nAnn Lee,1 May,38\n")
    report = import_officials(session, data, actor_id=None)
    assert report.warnings == ['warning: ignored unknown column(s): "Birthday", "Shoe size"']


def test_the_apps_own_export_rows_fold_into_officials(session: Session, tmp: Path) -> None:
    """kind/value rows of one official are one official; E.164 values and labels kept."""
    data = file_bytes(
        tmp,
        "official,title,organization,timezone,kind,value,label\n"
        "Ann Lee,Consul,Consulate,America/New_York,phone,+12125550100,Desk\n"
        "Ann Lee,Consul,Consulate,America/New_York,fax,+12125550199,\n"
        "Ann Lee,Consul,Consulate,America/New_York,email,ann@example.org,\n",
    )
    report = import_officials(session, data, actor_id=None)
    assert report.summary() == "officials: 1 new, 0 updated, 0 unchanged"
    assert contacts_of(session, "Ann Lee") == [
        ("phone", "+12125550100"),
        ("fax", "+12125550199"),
        ("email", "ann@example.org"),
    ]
    labels = session.scalars(select(ContactPoint.label).order_by(ContactPoint.id)).all()
    assert labels == ["Desk", "", ""]


def test_campaign_makes_them_targets(session: Session, tmp: Path) -> None:
    campaign_id = make_campaign(session, "Spring letters")
    data = file_bytes(tmp, "name\nAnn Lee\nBob Roe\n")
    first = import_officials(session, data, actor_id=None, campaign="spring LETTERS")
    again = import_officials(session, data, actor_id=None, campaign="Spring letters")
    assert (first.summary(), again.summary()) == (
        "officials: 2 new, 0 updated, 0 unchanged",
        "officials: 0 new, 0 updated, 2 unchanged",
    )
    targets = session.scalars(
        select(CampaignTarget.official_id).where(CampaignTarget.campaign_id == campaign_id)
    ).all()
    assert len(targets) == 2


def test_dry_run_counts_and_changes_nothing(session: Session, tmp: Path) -> None:
    data = file_bytes(tmp, "name\nAnn Lee\n")
    report = import_officials(session, data, actor_id=None, dry_run=True)
    assert report.summary() == "dry run: officials: 1 new, 0 updated, 0 unchanged"
    assert count(session, Official) == 0
