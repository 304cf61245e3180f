"""The Officials page's forms: officials and their contact points, added, edited, archived.

Each form saves in its submit button's callback, which runs before the page is drawn
again: on success it may pick the new official and empty the form; on bad input it
keeps everything typed and leaves the message under the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.orm import Session

from models import directory
from models.directory import OfficialInput
from models.localtime import (
    MON_FRI_9_TO_6,
    OfficeHours,
    all_zones,
    describe_day,
    parse_day,
    utc_offset_label,
)
from models.permissions import PermissionDenied
from models.phones import format_international
from models.queries import ContactView, OfficialCard
from models.text import InvalidInput
from models.vocab import ContactKind
from pages.ui import cache, render, state
from pages.ui.guard import acting_user_id

DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOURS_HELP = "e.g. 09:00-13:00, 14:00-18:00 for a lunch break; empty for closed; 24:00 is midnight."
NEW_OFFICIAL_DEFAULTS = OfficialCard(
    id=0,
    full_name="",
    title="",
    organization="",
    country="",
    timezone="UTC",
    hours=MON_FRI_9_TO_6,
    hours_assumed=True,
    notes="",
    archived=False,
    contacts=(),
)


def _notice_key(form: str) -> str:
    return f"{form}:notice"


def show_notice(form: str) -> None:
    render.show_notice(_notice_key(form))


def _attempt(
    form: str,
    action: Callable[[Session], object],
    success: str,
    changes: tuple[str, ...] = (cache.DIRECTORY,),
) -> bool:
    """Run a directory write; leave a notice under ``form`` saying how it went."""
    try:
        cache.write(action, changes=changes)
    except (InvalidInput, PermissionDenied) as exc:
        state.put(_notice_key(form), state.Notice("error", str(exc)))
        return False
    state.put(_notice_key(form), state.Notice("success", success))
    return True


def draw_official_fields(form: str, scope: object, card: OfficialCard) -> None:
    """The official's fields, filled from ``card`` (blank for a new official)."""
    zones = all_zones()
    now = datetime.now(UTC)
    zone_labels = {z: utc_offset_label(z, now) for z in zones}

    def key(name: str) -> str:
        return state.field_key(form, name, scope)

    st.text_input("Full name", value=card.full_name, max_chars=200, key=key("full_name"))
    left, right = st.columns(2)
    left.text_input("Title", value=card.title, key=key("title"))
    right.text_input(
        "Organisation", value=card.organization, max_chars=300, key=key("organization")
    )
    left.text_input("Given name", value=card.given_name, max_chars=100, key=key("given_name"))
    right.text_input("Family name", value=card.family_name, max_chars=100, key=key("family_name"))
    left.text_input("Patronymic", value=card.patronymic, max_chars=100, key=key("patronymic"))
    right.text_input("Country (ISO code)", value=card.country, max_chars=2, key=key("country"))
    st.selectbox(
        "Time zone",
        zones,
        index=zones.index(card.timezone) if card.timezone in zones else zones.index("UTC"),
        format_func=zone_labels.__getitem__,
        key=key("timezone"),
        help="Type to search, e.g. Moscow; the offset is today's, daylight saving included.",
    )
    draw_hours_fields(form, scope, card)
    st.text_area("Notes", value=card.notes, key=key("notes"), height=80)


def draw_hours_fields(form: str, scope: object, card: OfficialCard) -> None:
    """One box per weekday with its ranges, local time where the official sits."""
    st.markdown("**Office hours**, local time where the official sits")
    columns = st.columns(4) + st.columns(4)
    for weekday, label in enumerate(DAY_LABELS):
        columns[weekday].text_input(
            label,
            value=describe_day(card.hours.week[weekday]),
            key=state.field_key(form, f"hours_{weekday}", scope),
            help=HOURS_HELP,
        )
    columns[7].checkbox(
        "Hours assumed",
        value=card.hours_assumed,
        key=state.field_key(form, "hours_assumed", scope),
        help="Not confirmed with the office. Saving changed hours marks them as set.",
    )


def read_official(form: str, scope: object, shown: OfficeHours) -> OfficialInput:
    """What the form holds; raises InvalidInput (naming the day) for badly typed hours.

    Hours that differ from those ``shown`` were set by the person: no longer assumed.
    """

    def value(name: str) -> object:
        return state.field(form, name, scope)

    def typed(name: str) -> str:
        raw = value(name)
        return raw if isinstance(raw, str) else ""

    hours = OfficeHours(tuple(parse_day(typed(f"hours_{day}"), day) for day in range(7)))
    return OfficialInput(
        full_name=typed("full_name"),
        title=typed("title"),
        organization=typed("organization"),
        country=typed("country"),
        timezone=typed("timezone") or "UTC",
        given_name=typed("given_name"),
        patronymic=typed("patronymic"),
        family_name=typed("family_name"),
        office_hours=hours,
        office_hours_assumed=bool(value("hours_assumed")) and hours == shown,
        notes=typed("notes"),
    )


def _read_or_say_why(form: str, scope: object, shown: OfficeHours) -> OfficialInput | None:
    try:
        return read_official(form, scope, shown)
    except InvalidInput as exc:
        state.put(_notice_key(form), state.Notice("error", str(exc)))
        return None


def add_official(form: str) -> None:
    """Callback: create the official typed in ``form``, then show it and empty the form."""
    data = _read_or_say_why(form, "new", NEW_OFFICIAL_DEFAULTS.hours)
    if data is None:
        return
    created: list[int] = []

    def action(session: Session) -> None:
        created.append(directory.create_official(session, data, actor_id=acting_user_id()))

    if _attempt(form, action, f"Added {data.full_name.strip()}."):
        state.clear_form(form)
        state.put(state.OFFICIAL_PICK, created[0])


def save_official(form: str, official_id: int, shown: OfficeHours) -> None:
    """Callback: apply the edit form of one official (``shown``: the hours it started with)."""
    data = _read_or_say_why(form, official_id, shown)
    if data is None:
        return

    def action(session: Session) -> None:
        directory.update_official(session, official_id, data, actor_id=acting_user_id())

    # A corrected time zone moves the official's attempts to other local hours.
    _attempt(form, action, f"Saved {data.full_name.strip()}.", (cache.DIRECTORY, cache.ACTIVITY))


def draw_new_contact_fields(form: str, official_id: int) -> None:
    def key(name: str) -> str:
        return state.field_key(form, name, official_id)

    left, right = st.columns([1, 3])
    left.selectbox("Kind", list(ContactKind), format_func=str, key=key("kind"))
    right.text_input(
        "Value",
        key=key("value"),
        help="Phone and fax numbers: with +country code, or as written locally.",
    )
    left, right = st.columns([3, 1])
    left.text_input(
        "Label", max_chars=200, key=key("label"), placeholder="e.g. Office, Mission fax"
    )
    right.checkbox("Primary", key=key("primary"))


def add_contact(form: str, official_id: int) -> None:
    """Callback: add the contact point typed in ``form``; numbers are stored in E.164."""

    def value(name: str) -> object:
        return state.field(form, name, official_id)

    kind = ContactKind(str(value("kind") or ContactKind.PHONE))

    def action(session: Session) -> None:
        directory.add_contact_point(
            session,
            official_id=official_id,
            kind=kind,
            value=str(value("value") or ""),
            label=str(value("label") or ""),
            is_primary=bool(value("primary")),
            actor_id=acting_user_id(),
        )

    if _attempt(form, action, f"Added the {kind}."):
        state.clear_form(form)


def contact_value_for_editing(contact: ContactView) -> str:
    """What the Value field starts with: the number as people write it, with its extension."""
    if contact.kind in (ContactKind.PHONE, ContactKind.FAX):
        shown = format_international(contact.value)
        return f"{shown} ext. {contact.extension}" if contact.extension else shown
    return contact.value


def draw_contact_fields(form: str, contact: ContactView) -> None:
    def key(name: str) -> str:
        return state.field_key(form, name, contact.id)

    st.text_input("Value", value=contact_value_for_editing(contact), key=key("value"))
    left, right = st.columns([3, 1])
    left.text_input("Label", value=contact.label, max_chars=200, key=key("label"))
    right.checkbox("Primary", value=contact.is_primary, key=key("primary"))
    st.checkbox("Remove this contact point when I press Remove", key=key("confirm_remove"))


def save_contact(form: str, contact_id: int) -> None:
    """Callback: change a contact point's value, label or primary flag."""

    def action(session: Session) -> None:
        directory.update_contact_point(
            session,
            contact_id,
            value=str(state.field(form, "value", contact_id) or ""),
            label=str(state.field(form, "label", contact_id) or ""),
            is_primary=bool(state.field(form, "primary", contact_id)),
            actor_id=acting_user_id(),
        )

    _attempt(form, action, "Contact point saved.")


def remove_contact(form: str, contact_id: int) -> None:
    """Callback: delete a contact point, once the removal is confirmed."""
    if not state.field(form, "confirm_remove", contact_id):
        state.put(
            _notice_key(form), state.Notice("warning", "Tick the box to confirm the removal.")
        )
        return

    def action(session: Session) -> None:
        directory.remove_contact_point(session, contact_id, actor_id=acting_user_id())

    if _attempt(form, action, "Contact point removed."):
        state.drop(state.CONTACT_PICK)


def restore_contact(form: str, contact_id: int, label: str) -> None:
    """Callback: bring a removed contact point back."""

    def action(session: Session) -> None:
        directory.restore_contact_point(session, contact_id, actor_id=acting_user_id())

    _attempt(form, action, f"Restored {label}.")


def archive(form: str, official_id: int, name: str) -> None:
    """Callback: archive an official once confirmed; they leave the pickers, history stays."""
    if not state.field(form, "confirm", official_id):
        state.put(_notice_key(form), state.Notice("warning", "Tick the box to confirm."))
        return

    def action(session: Session) -> None:
        directory.archive_official(session, official_id, actor_id=acting_user_id())

    if _attempt(form, action, f"Archived {name}."):
        state.put(state.OFFICIAL_NOTICE, state.notice(_notice_key(form)))
        state.drop(state.OFFICIAL_PICK, _notice_key(form))


def unarchive(official_id: int, name: str) -> None:
    """Callback: bring an archived official back, and pick them."""

    def action(session: Session) -> None:
        directory.unarchive_official(session, official_id, actor_id=acting_user_id())

    if _attempt(state.ARCHIVE_FORM, action, f"Unarchived {name}."):
        state.put(state.OFFICIAL_NOTICE, state.notice(_notice_key(state.ARCHIVE_FORM)))
        state.drop(_notice_key(state.ARCHIVE_FORM))
        state.put(state.OFFICIAL_PICK, official_id)
    else:
        state.put(state.OFFICIAL_NOTICE, state.notice(_notice_key(state.ARCHIVE_FORM)))
