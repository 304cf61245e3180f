"""The officials directory: adding, editing and archiving officials and contact points."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.accounts import create_account
from models.directory import (
    OfficialInput,
    add_contact_point,
    archive_official,
    create_official,
    remove_contact_point,
    unarchive_official,
    update_contact_point,
    update_official,
)
from models.localtime import END_OF_DAY, InvalidHours, OfficeHours
from models.permissions import PermissionDenied
from models.queries import official_card, official_options
from models.tables import AuditEvent, ContactPoint, OfficeRange
from models.text import InvalidInput
from models.vocab import ContactKind, Role

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
    """Making a phone primary clears the flag on the official's other phones; it comes first."""
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
        (second, True, "Direct"),
        (first, False, ""),
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
            office_hours=OfficeHours.weekdays(time(10), time(18)),
            notes="Sensitive: prefers mornings",
        ),
        actor_id=None,
    )
    assert changed == {
        "title": ["", "Director"],
        "office_hours": ["Mon–Fri 09:00–18:00", "Mon–Fri 10:00–18:00"],
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
    """Removal is soft: the row stays with removed_at set, and the event records what it was."""
    official = create_official(session, MOSCOW, actor_id=None)
    point = add_contact_point(
        session, official_id=official, kind=ContactKind.FAX, value="+74992443045", actor_id=None
    )
    remove_contact_point(session, point, actor_id=None)
    stored = session.get(ContactPoint, point)
    assert stored is not None
    assert stored.removed_at is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "delete")).one()
    assert event.changes == {
        "official_id": official, "kind": "fax", "value": "+74992443045", "was_primary": False,
    }  # fmt: skip


LUNCH = OfficeHours.of(
    [(d, time(9), time(13)) for d in range(5)]
    + [(d, time(14), time(18)) for d in range(5)]
    + [(5, time(10), time(12)), (6, time(22), END_OF_DAY)]
)


def test_a_weekly_schedule_is_stored_and_read_back(session: Session) -> None:
    """Two ranges a weekday, a Saturday morning, Sunday to midnight: twelve rows, the same
    schedule on the card, no longer assumed once set."""
    official = create_official(session, MOSCOW, actor_id=None)
    update_official(
        session,
        official,
        replace(MOSCOW, office_hours=LUNCH, office_hours_assumed=False),
        actor_id=None,
    )
    session.expire_all()
    rows = session.execute(
        select(OfficeRange.weekday, OfficeRange.opens, OfficeRange.closes)
        .where(OfficeRange.official_id == official)
        .order_by(OfficeRange.weekday, OfficeRange.opens)
    ).all()
    card = official_card(session, official)
    assert len(rows) == 12
    assert tuple(rows[-1]) == (6, time(22), END_OF_DAY)
    assert card is not None
    assert (card.hours, card.hours_assumed) == (LUNCH, False)
    assert card.hours.describe() == (
        "Mon–Fri 09:00–13:00, 14:00–18:00; Sat 10:00–12:00; Sun 22:00–24:00"
    )


def test_new_officials_get_the_assumed_working_week(session: Session) -> None:
    """Without hours given: Mon–Fri 09:00–18:00, marked assumed, audited as text."""
    official = create_official(session, MOSCOW, actor_id=None)
    card = official_card(session, official)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "create")).one()
    assert card is not None
    assert (card.hours.describe(), card.hours_assumed) == ("Mon–Fri 09:00–18:00", True)
    assert event.changes["office_hours"] == "Mon–Fri 09:00–18:00"


def test_saving_the_same_hours_changes_and_audits_nothing(session: Session) -> None:
    """An edit that leaves the schedule alone keeps its rows and writes no event."""
    official = create_official(session, MOSCOW, actor_id=None)
    ids = session.scalars(select(OfficeRange.id).order_by(OfficeRange.id)).all()
    assert update_official(session, official, MOSCOW, actor_id=None) == {}
    assert session.scalars(select(OfficeRange.id).order_by(OfficeRange.id)).all() == ids


def test_overlapping_hours_cannot_be_given() -> None:
    """The schedule refuses overlapping ranges before anything reaches the database, with a
    message an InvalidInput handler shows."""
    with pytest.raises(InvalidHours, match="Tue: 09:00–13:00 and 12:00–18:00 overlap") as caught:
        OfficeHours.of([(1, time(9), time(13)), (1, time(12), time(18))])
    assert isinstance(caught.value, InvalidInput)


def test_the_database_refuses_a_range_that_closes_before_it_opens(session: Session) -> None:
    """The CHECK constraint holds even for a write that skips the model's validation."""
    official = create_official(session, MOSCOW, actor_id=None)
    session.add(OfficeRange(official_id=official, weekday=0, opens=time(18), closes=time(9)))
    with pytest.raises(IntegrityError):
        session.flush()


def test_unarchive_brings_an_official_back(session: Session) -> None:
    """Unarchived, the official is in the pickers again; both steps are audited; unarchiving
    one who is not archived is refused."""
    official = create_official(session, MOSCOW, actor_id=None)
    archive_official(session, official, actor_id=None)
    unarchive_official(session, official, actor_id=None)
    assert [o.id for o in official_options(session)] == [official]
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "official").order_by(AuditEvent.id)
    ).all()
    assert actions == ["create", "archive", "unarchive"]
    with pytest.raises(InvalidInput, match="is not archived"):
        unarchive_official(session, official, actor_id=None)


def test_only_directory_managers_may_unarchive(session: Session) -> None:
    """A coordinator may not unarchive; the official stays archived."""
    official = create_official(session, MOSCOW, actor_id=None)
    archive_official(session, official, actor_id=None)
    coordinator = create_account(
        session, name="coord", password="a long enough password", role=Role.COORDINATOR,
        actor_id=None,
    )  # fmt: skip
    session.commit()
    with pytest.raises(PermissionDenied):
        unarchive_official(session, official, actor_id=coordinator)
    assert official_options(session) == []
    assert official_options(session, include_archived=True) != []


def test_the_card_lists_primary_contact_points_first(session: Session) -> None:
    """One primary per kind, and the primary ones come first on the card."""
    official = create_official(session, MOSCOW, actor_id=None)
    phones = [
        add_contact_point(
            session, official_id=official, kind=ContactKind.PHONE, value=number, actor_id=None
        )
        for number in ("+74957212011", "+74992443025")
    ]
    fax = add_contact_point(
        session, official_id=official, kind=ContactKind.FAX, value="+74992443045", actor_id=None
    )
    for point in (phones[1], fax):
        update_contact_point(
            session, point, value=session.get(ContactPoint, point).value,  # type: ignore[union-attr]
            label="", is_primary=True, actor_id=None,
        )  # fmt: skip
    session.expire_all()
    card = official_card(session, official)
    assert card is not None
    assert [(c.id, c.is_primary) for c in card.contacts] == [
        (phones[1], True), (fax, True), (phones[0], False),
    ]  # fmt: skip
