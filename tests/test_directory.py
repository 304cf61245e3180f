"""The officials directory: adding, editing and archiving officials and contact points."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.directory import (
    OfficialInput,
    add_contact_point,
    archive_official,
    create_official,
    remove_contact_point,
    update_contact_point,
    update_official,
)
from models.queries import official_card, official_options
from models.tables import AuditEvent, ContactPoint
from models.text import InvalidInput
from models.vocab import ContactKind

MOSCOW = OfficialInput(
    full_name="Ivan Petrov", organization="Ministry", country="RU", timezone="Europe/Moscow"
)


def test_phone_numbers_are_read_in_the_officials_country(session: Session) -> None:
    """Domestic numbers use the official's country: RU reads 8 (4xx), US reads (212)."""
    ru = create_official(session, MOSCOW, actor_id=None)
    us = create_official(
        session,
        OfficialInput(full_name="Jane Roe", country="US", timezone="America/New_York"),
        actor_id=None,
    )
    add_contact_point(
        session, official_id=ru, kind=ContactKind.PHONE, value="8 (495) 721-20-11", actor_id=None
    )
    add_contact_point(
        session, official_id=us, kind=ContactKind.FAX, value="(212) 628-0252", actor_id=None
    )
    values = session.execute(select(ContactPoint.official_id, ContactPoint.value)).all()
    assert sorted(tuple(v) for v in values) == [(ru, "+74957212011"), (us, "+12126280252")]


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (ContactKind.PHONE, "8 (495) 721-20-1", "not a valid number"),
        (ContactKind.FAX, "fax me", "not a phone number"),
        (ContactKind.EMAIL, "no-at-sign", "not an email address"),
        (ContactKind.WEB, "javascript:alert(1)", "must start with https://"),
        (ContactKind.ADDRESS, "   ", "Address is required"),
    ],
)
def test_bad_contact_points_are_refused(
    session: Session, kind: ContactKind, value: str, message: str
) -> None:
    """Each malformed contact point gets a message saying what is wrong; nothing is stored."""
    official = create_official(session, MOSCOW, actor_id=None)
    with pytest.raises(InvalidInput, match=message):
        add_contact_point(session, official_id=official, kind=kind, value=value, actor_id=None)
    assert session.scalars(select(ContactPoint)).all() == []


def test_duplicate_number_is_refused_in_any_format(session: Session) -> None:
    """The same number written differently is still the same number."""
    official = create_official(session, MOSCOW, actor_id=None)
    add_contact_point(
        session, official_id=official, kind=ContactKind.PHONE, value="+74957212011", actor_id=None
    )
    with pytest.raises(InvalidInput, match="already has the phone"):
        add_contact_point(
            session,
            official_id=official,
            kind=ContactKind.PHONE,
            value="8 495 721 20 11",
            actor_id=None,
        )


def test_primary_contact_is_unique_per_kind(session: Session) -> None:
    """Making a phone primary clears the flag on the official's other phones."""
    official = create_official(session, MOSCOW, actor_id=None)
    first = add_contact_point(
        session,
        official_id=official,
        kind=ContactKind.PHONE,
        value="+74957212011",
        is_primary=True,
        actor_id=None,
    )
    second = add_contact_point(
        session,
        official_id=official,
        kind=ContactKind.PHONE,
        value="+74992443025",
        actor_id=None,
    )
    update_contact_point(
        session, second, value="+74992443025", label="Direct", is_primary=True, actor_id=None
    )
    session.expire_all()
    card = official_card(session, official)
    assert card is not None
    assert [(c.id, c.is_primary, c.label) for c in card.contacts] == [
        (first, False, ""),
        (second, True, "Direct"),
    ]


def test_update_official_audits_fields_but_not_notes_text(session: Session) -> None:
    """The audit event lists before/after of changed fields and only that notes changed."""
    official = create_official(session, MOSCOW, actor_id=None)
    changed = update_official(
        session,
        official,
        OfficialInput(
            full_name="Ivan Petrov",
            organization="Ministry",
            country="RU",
            timezone="Europe/Moscow",
            title="Director",
            office_opens=time(10),
            notes="Sensitive: prefers mornings",
        ),
        actor_id=None,
    )
    assert changed == {
        "title": ["", "Director"],
        "office_opens": ["09:00:00", "10:00:00"],
        "notes": "changed",
    }
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.changes == changed
    assert "Sensitive" not in str(event.changes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (OfficialInput(full_name="  "), "Full name is required"),
        (OfficialInput(full_name="X", timezone="Moscow"), "not an IANA time zone"),
        (OfficialInput(full_name="X", country="Russia"), "two-letter ISO"),
        (
            OfficialInput(full_name="X", office_opens=time(18), office_closes=time(9)),
            "open before it closes",
        ),
    ],
)
def test_official_input_is_validated(session: Session, data: OfficialInput, message: str) -> None:
    """Bad names, zones, countries and hours are refused with a message saying which."""
    with pytest.raises(InvalidInput, match=message):
        create_official(session, data, actor_id=None)


def test_invisible_controls_are_stripped_from_names(session: Session) -> None:
    """A right-to-left override cannot disguise a name: it is removed, text NFC-normalised."""
    official = create_official(session, OfficialInput(full_name="Fédor‮ Ivanov​"), actor_id=None)
    card = official_card(session, official)
    assert card is not None and card.full_name == "Fédor Ivanov"


def test_same_official_twice_is_refused(session: Session) -> None:
    """Name and organisation identify an official in the directory."""
    create_official(session, MOSCOW, actor_id=None)
    with pytest.raises(InvalidInput, match="already listed"):
        create_official(session, MOSCOW, actor_id=None)


def test_archived_officials_leave_the_pick_lists(session: Session) -> None:
    """Archiving hides an official from the form's list; archiving twice is refused."""
    official = create_official(session, MOSCOW, actor_id=None)
    archive_official(session, official, actor_id=None)
    assert official_options(session) == []
    with pytest.raises(InvalidInput, match="already archived"):
        archive_official(session, official, actor_id=None)


def test_removing_a_contact_point_is_audited(session: Session) -> None:
    """Removal deletes the row and records what it was."""
    official = create_official(session, MOSCOW, actor_id=None)
    point = add_contact_point(
        session, official_id=official, kind=ContactKind.FAX, value="+74992443045", actor_id=None
    )
    remove_contact_point(session, point, actor_id=None)
    assert session.get(ContactPoint, point) is None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "delete")).one()
    assert event.changes == {"official_id": official, "kind": "fax", "value": "+74992443045"}
