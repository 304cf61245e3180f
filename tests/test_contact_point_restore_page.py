"""Officials page: a removed contact point is listed under "Removed contact points" and its
Restore button brings it back onto the card (admins; the page's directory rules)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.directory import remove_contact_point
from models.tables import AuditEvent, ContactPoint, Official
from models.vocab import Channel, ContactKind
from pages.ui import state
from tests.apptest_helpers import button, open_app, texts, widget

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _zagaynov_phones(engine: Engine) -> tuple[int, list[int]]:
    with Session(engine) as session:
        official = session.scalars(
            select(Official.id).where(Official.full_name == "Evgeniy Zagaynov")
        ).one()
        phones = session.scalars(
            select(ContactPoint.id)
            .where(ContactPoint.official_id == official, ContactPoint.kind == ContactKind.PHONE)
            .order_by(ContactPoint.position)
        ).all()
    return official, list(phones)


def test_a_removed_contact_point_is_restored_from_the_page(db: Engine) -> None:
    """Remove (confirmed) takes the phone off the card and lists it as removed; Restore
    puts it back; the audit log holds both."""
    official, phones = _zagaynov_phones(db)
    at = open_app("officials")
    at.selectbox(key=state.OFFICIAL_PICK).set_value(official).run()
    at.selectbox(key=state.CONTACT_PICK).set_value(phones[1]).run()
    at.checkbox(key=state.field_key(state.EDIT_CONTACT_FORM, "confirm_remove", phones[1])).check()
    button(at, "Remove contact point").click().run()

    assert texts(at.success) == ["Contact point removed."]
    assert len(at.selectbox(key=state.CONTACT_PICK).options) == 4  # of 5
    expander = next(e for e in at.expander if e.label == "Removed contact points (1)")
    expander.button(key=f"{state.RESTORE_CONTACT}:{phones[1]}").click().run()

    with Session(db) as session:
        point = session.get_one(ContactPoint, phones[1])
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "contact_point", AuditEvent.entity_id == phones[1])
            .order_by(AuditEvent.id)
        ).all()
    assert point.removed_at is None
    assert texts(at.success) == [f"Restored phone: {point.value}" + (
        f" ({point.label})." if point.label else ".")]  # fmt: skip
    assert len(at.selectbox(key=state.CONTACT_PICK).options) == 5
    assert not any(e.label.startswith("Removed contact points") for e in at.expander)
    assert list(actions)[-2:] == ["delete", "restore"]


def test_the_log_form_does_not_offer_a_removed_contact_point(db: Engine) -> None:
    """Viktorov's fax removed: Contact used offers no fax once Channel is fax."""
    with Session(db) as session, session.begin():
        viktorov = session.scalars(
            select(Official.id).where(Official.full_name == "Anatoly Dmitrievich Viktorov")
        ).one()
        faxes = session.scalars(
            select(ContactPoint.id).where(
                ContactPoint.official_id == viktorov, ContactPoint.kind == ContactKind.FAX
            )
        ).all()
        for fax in faxes:
            remove_contact_point(session, fax, actor_id=None)
    at = open_app()
    widget(at.button_group, "Channel").set_value(Channel.FAX).run()
    offered = [w for w in at.selectbox if w.label == "Contact used"]
    assert not any(o.startswith("fax") for w in offered for o in w.options)
