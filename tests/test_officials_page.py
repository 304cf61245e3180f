"""The Officials page: weekly office hours, the time zone picker, unarchiving, primary contacts."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.directory import archive_official, office_hours_of
from models.localtime import OfficeHours
from models.tables import ContactPoint, Official
from models.vocab import ContactKind
from pages.ui import state
from tests.apptest_helpers import button, open_app, texts

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")
FORM = state.EDIT_OFFICIAL_FORM


def official_named(engine: Engine, name: str) -> Official:
    with Session(engine) as session:
        official = session.scalars(select(Official).where(Official.full_name == name)).one()
        session.expunge(official)
        return official


def hours_of(engine: Engine, official_id: int) -> tuple[OfficeHours, bool]:
    with Session(engine) as session:
        official = session.get_one(Official, official_id)
        return office_hours_of(official), official.office_hours_assumed


def test_hours_are_edited_per_weekday_and_a_bad_range_keeps_what_was_typed(db: Engine) -> None:
    """A range that closes before it opens is refused naming the day, and the text stays;
    corrected, the schedule with a lunch break is saved and no longer shown as assumed."""
    casale = official_named(db, "Davide Casale").id
    at = open_app("officials")
    at.selectbox(key=state.OFFICIAL_PICK).set_value(casale).run()
    assert at.text_input(key=state.field_key(FORM, "hours_0", casale)).value == "09:00–18:00"
    assert at.text_input(key=state.field_key(FORM, "hours_5", casale)).value == ""
    assert any("hours Mon–Fri 09:00–18:00 (assumed)" in m.value for m in at.markdown)

    tuesday = state.field_key(FORM, "hours_1", casale)
    at.text_input(key=tuesday).input("09:00-13:00, 14:00-12:00")
    button(at, "Save official").click().run()
    assert texts(at.error) == [
        "Tue: 14:00–12:00 closes before it opens; an office open past midnight needs two "
        "ranges (e.g. 22:00-24:00, then 00:00-02:00 the next day)."
    ]
    assert at.text_input(key=tuesday).value == "09:00-13:00, 14:00-12:00"
    assert hours_of(db, casale)[0].describe() == "Mon–Fri 09:00–18:00"

    at.text_input(key=tuesday).input("09:00-13:00, 14:00-18:00")
    at.text_input(key=state.field_key(FORM, "hours_4", casale)).input("")
    at.text_input(key=state.field_key(FORM, "hours_5", casale)).input("10-12")
    button(at, "Save official").click().run()

    hours, assumed = hours_of(db, casale)
    assert texts(at.success) == ["Saved Davide Casale."]
    assert hours.describe() == (
        "Mon, Wed, Thu 09:00–18:00; Tue 09:00–13:00, 14:00–18:00; Sat 10:00–12:00"
    )
    assert assumed is False
    line = next(m.value for m in at.markdown if "Local time" in m.value)
    assert "(assumed)" not in line
    assert "Sat 10:00–12:00" in line


def test_time_zones_are_offered_with_their_offset(db: Engine) -> None:
    """Every IANA zone is offered as "Zone (UTC±hh:mm)"; the one picked is saved."""
    casale = official_named(db, "Davide Casale").id
    at = open_app("officials")
    at.selectbox(key=state.OFFICIAL_PICK).set_value(casale).run()
    picker = at.selectbox(key=state.field_key(FORM, "timezone", casale))
    assert picker.value == "Europe/Moscow"
    assert "Europe/Moscow (UTC+03:00)" in picker.options
    assert "Asia/Kolkata (UTC+05:30)" in picker.options
    assert len(picker.options) > 400
    picker.set_value("Asia/Kolkata")
    button(at, "Save official").click().run()
    assert official_named(db, "Davide Casale").timezone == "Asia/Kolkata"
    assert any("(Asia/Kolkata)" in m.value for m in at.markdown)


def test_archived_officials_are_listed_and_can_be_unarchived(db: Engine) -> None:
    """The archived list names the official; Unarchive brings them back into the picker."""
    casale = official_named(db, "Davide Casale").id
    with Session(db) as session, session.begin():
        archive_official(session, casale, actor_id=None)
    at = open_app("officials")
    label = "Davide Casale — Delegation of the European Union to Russia"
    assert label not in at.selectbox(key=state.OFFICIAL_PICK).options
    expander = next(e for e in at.expander if e.label == "Archived officials (1)")
    assert [t.value for t in expander.text] == [label]
    expander.button(key=f"{state.UNARCHIVE}:{casale}").click().run()

    assert texts(at.success) == [
        "Unarchived Davide Casale — Delegation of the European Union to Russia."
    ]
    assert official_named(db, "Davide Casale").archived_at is None
    assert at.selectbox(key=state.OFFICIAL_PICK).value == casale
    assert any(e.label == "Archived officials (0)" for e in at.expander)


def test_a_contact_point_is_marked_primary_and_listed_first(db: Engine) -> None:
    """Ticking Primary on Zagaynov’s second phone takes the flag from the first and shows it
    first on the card."""
    zagaynov = official_named(db, "Evgeniy Zagaynov").id
    with Session(db) as session:
        phones = session.scalars(
            select(ContactPoint.id)
            .where(ContactPoint.official_id == zagaynov, ContactPoint.kind == ContactKind.PHONE)
            .order_by(ContactPoint.position)
        ).all()
    at = open_app("officials")
    at.selectbox(key=state.OFFICIAL_PICK).set_value(zagaynov).run()
    at.selectbox(key=state.CONTACT_PICK).set_value(phones[1]).run()
    at.checkbox(key=state.field_key(state.EDIT_CONTACT_FORM, "primary", phones[1])).check()
    button(at, "Save contact point").click().run()

    with Session(db) as session:
        primary = session.scalars(
            select(ContactPoint.id).where(
                ContactPoint.official_id == zagaynov, ContactPoint.is_primary
            )
        ).all()
        value = session.get_one(ContactPoint, phones[1]).value
    kinds = tuple(f"**{kind}** · " for kind in ContactKind)
    contacts = [m.value for m in at.markdown if m.value.startswith(kinds)]
    assert texts(at.success) == ["Contact point saved."]
    assert phones[0] not in primary and phones[1] in primary
    assert contacts[0].startswith("**phone** · [")
    assert f"(tel:{value})" in contacts[0] and contacts[0].endswith("_primary_")
    assert len(contacts) == 5
