"""Matching a listed person to the directory: by folded name, or by a number only they have."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from models.directory import add_contact_point
from models.matching import Directory, Match, fold_name
from models.vocab import ContactKind
from tests.factories import make_official


@pytest.mark.parametrize(
    ("written", "other"),
    [
        ("Lavrov Sergey Viktorovich", "Sergey Viktorovich LAVROV"),
        ("Семёнов Пётр", "петр  семенов"),
        ("O'Neil, Mary", "Mary ONeil"),
        ("H.E. Mr. Vasily Nebenzya", "Nebenzya Vasily"),
        ("г-жа Иванова Анна", "Анна Иванова"),
        ("José Müller", "Jose Muller"),
    ],
)
def test_the_same_name_written_differently_folds_alike(written: str, other: str) -> None:
    """Case, spacing, punctuation, ё/е, accents, honorifics and word order do not matter."""
    assert fold_name(written) == fold_name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Anna Ivanova", "Anna Ivanov"), ("He Yafei", "Yafei"), ("Mrak Ana", "Ana")],
)
def test_different_names_stay_apart(one: str, other: str) -> None:
    """A different surname, or a name that merely begins like an honorific, is not folded away."""
    assert fold_name(one) != fold_name(other)


def _with_phone(session: Session, name: str, number: str, kind: ContactKind) -> int:
    official_id = make_official(session, name, organization=f"Office at {number}")
    add_contact_point(session, official_id=official_id, kind=kind, value=number, actor_id=None)
    return official_id


def test_a_name_in_another_order_matches_its_official(session: Session) -> None:
    """Surname-first in the list, given name first in the directory: the same official."""
    official_id = make_official(session, "Sergey Lavrov")
    assert Directory(session).match("LAVROV Sergey") == Match(official_id, "name", "Sergey Lavrov")


def test_a_number_only_one_official_has_identifies_them(session: Session) -> None:
    """An unknown spelling with a number that belongs to one official matches that official."""
    official_id = _with_phone(session, "Anna Ivanova", "+74992443025", ContactKind.PHONE)
    found = Directory(session).match("A. Ivanova-Petrova", ["+15550000000", "+74992443025"])
    assert found == Match(official_id, "number", "+74992443025")


def test_a_shared_office_fax_identifies_nobody(session: Session) -> None:
    """Two officials share one fax: a third name with that fax is a new person."""
    _with_phone(session, "Anna Ivanova", "+74992444112", ContactKind.FAX)
    _with_phone(session, "Oleg Smirnov", "+74992444112", ContactKind.FAX)
    assert Directory(session).match("Irina Volkova", ["+74992444112"]) is None


def test_namesakes_are_told_apart_by_number_or_not_at_all(session: Session) -> None:
    """Two "Anna Ivanova"s: the name alone picks neither; a number of one of them picks her."""
    _with_phone(session, "Anna Ivanova", "+74950000001", ContactKind.PHONE)
    second = _with_phone(session, "Anna Ivanova", "+74950000002", ContactKind.PHONE)
    directory = Directory(session)
    assert directory.match("Anna Ivanova") is None
    assert directory.match("Ivanova Anna", ["+74950000002"]) == Match(
        second, "number", "+74950000002"
    )


def test_a_namesakes_number_does_not_match_someone_else(session: Session) -> None:
    """With namesakes in the directory, a number belonging to a third person matches nobody."""
    make_official(session, "Anna Ivanova", organization="A")
    make_official(session, "Anna Ivanova", organization="B")
    _with_phone(session, "Oleg Smirnov", "+74950000003", ContactKind.PHONE)
    assert Directory(session).match("Anna Ivanova", ["+74950000003"]) is None


def test_an_email_address_is_not_a_number_to_match_by(session: Session) -> None:
    """Only phones and faxes identify an official; e-mail values are not looked up."""
    official_id = make_official(session, "Anna Ivanova")
    add_contact_point(
        session,
        official_id=official_id,
        kind=ContactKind.EMAIL,
        value="office@example.org",
        actor_id=None,
    )
    assert Directory(session).match("Someone Else", ["office@example.org"]) is None


def test_officials_added_during_an_import_are_matched_by_later_mentions(
    session: Session,
) -> None:
    """A person listed twice in one alert is created once: the second mention matches."""
    directory = Directory(session)
    directory.remember(7, "Anna Ivanova", ["+74950000001"])
    assert directory.match("IVANOVA Anna") == Match(7, "name", "Anna Ivanova")
    assert directory.match("Ann Ivanova", ["+74950000001"]) == Match(7, "number", "+74950000001")


def test_a_number_given_to_a_second_new_official_stops_identifying_either(
    session: Session,
) -> None:
    """Two new officials listed with one fax: the fax identifies neither afterwards."""
    directory = Directory(session)
    directory.remember(7, "Anna Ivanova", ["+74992444112"])
    directory.remember(8, "Oleg Smirnov", ["+74992444112"])
    assert directory.match("Irina Volkova", ["+74992444112"]) is None
    directory.remember(9, "Irina Volkova", ["+74992444112"])
    assert directory.match("Pavel Orlov", ["+74992444112"]) is None


def test_namesakes_at_different_offices_are_told_apart_by_organisation(session: Session) -> None:
    """Two "Anna Ivanova"s: the one at the organisation the list names is the match."""
    make_official(session, "Anna Ivanova", organization="Ministry of Justice")
    second = make_official(session, "Anna Ivanova", organization="Ministry of Health")
    found = Directory(session).match("Ivanova Anna", organization="ministry of  health")
    assert found == Match(second, "name", "Anna Ivanova")
