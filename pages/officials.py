"""Officials: the directory and each official's contact points and office hours; add, edit,
archive and unarchive."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from models.permissions import Permission
from models.queries import OfficialCard
from pages.ui import (
    auth,
    cache,
    directory_health,
    history_view,
    officials_forms,
    render,
    state,
    timeline_view,
)
from pages.ui.guard import guard


def draw_official(card: OfficialCard, *, can_edit: bool) -> None:
    render.official_details(card, datetime.now(UTC))
    with st.expander("Call history", expanded=not can_edit):
        history_view.draw(
            cache.attempt_history(card.id),
            own_zone=history_view.coordinator_zone(st.context.timezone),
            official_zone=card.timezone,
            empty="No attempts to this official yet.",
            show_campaign=True,
        )
    with st.expander("Timeline", expanded=not can_edit):
        timeline_view.draw(
            cache.official_timeline(card.id),
            own_zone=history_view.coordinator_zone(st.context.timezone),
            official_zone=card.timezone,
        )
    if not can_edit:
        return  # managing the directory is for admins
    edit, contacts, add, archive = st.tabs(
        ["Edit details", "Edit contact points", "Add a contact point", "Archive"]
    )
    with edit:
        draw_edit(card)
    with contacts:
        draw_contacts(card)
    with add:
        draw_add_contact(card)
    with archive:
        draw_archive(card)


def draw_edit(card: OfficialCard) -> None:
    form = state.EDIT_OFFICIAL_FORM
    with st.form(f"{form}:{card.id}"):
        officials_forms.draw_official_fields(form, card.id, card)
        st.form_submit_button(
            "Save official",
            on_click=officials_forms.save_official,
            args=(form, card.id, card.hours),
        )
    officials_forms.show_notice(form)


def draw_contacts(card: OfficialCard) -> None:
    form = state.EDIT_CONTACT_FORM
    officials_forms.show_notice(form)
    draw_removed_contacts(form, card.id)
    if not card.contacts:
        st.caption("No contact points yet.")
        return
    labels = {c.id: render.contact_option(c) for c in card.contacts}
    picked = st.selectbox(
        "Contact point", list(labels), format_func=labels.__getitem__, key=state.CONTACT_PICK
    )
    contact = next((c for c in card.contacts if c.id == picked), card.contacts[0])
    with st.form(f"{form}:{contact.id}"):
        officials_forms.draw_contact_fields(form, contact)
        save, remove = st.columns(2)
        save.form_submit_button(
            "Save contact point", on_click=officials_forms.save_contact, args=(form, contact.id)
        )
        remove.form_submit_button(
            "Remove contact point", on_click=officials_forms.remove_contact, args=(form, contact.id)
        )


def draw_removed_contacts(form: str, official_id: int) -> None:
    """The official's removed contact points, each with a button that brings it back."""
    removed = cache.removed_contact_points(official_id)
    if not removed:
        return
    with st.expander(f"Removed contact points ({len(removed)})"):
        for point_id, label in removed:
            name, action = st.columns([4, 1], vertical_alignment="center")
            name.text(label)
            action.button(
                "Restore",
                key=f"{state.RESTORE_CONTACT}:{point_id}",
                on_click=officials_forms.restore_contact,
                args=(form, point_id, label),
            )


def draw_add_contact(card: OfficialCard) -> None:
    form = state.NEW_CONTACT_FORM
    with st.form(f"{form}:{card.id}:{state.generation(form)}"):
        officials_forms.draw_new_contact_fields(form, card.id)
        st.form_submit_button(
            "Add contact point", on_click=officials_forms.add_contact, args=(form, card.id)
        )
    officials_forms.show_notice(form)


def draw_archive(card: OfficialCard) -> None:
    form = state.ARCHIVE_FORM
    st.caption(
        "Archiving takes the official out of the pickers and campaign target lists; "
        "their attempts and history stay."
    )
    with st.form(f"{form}:{card.id}"):
        st.checkbox("Yes, archive this official", key=state.field_key(form, "confirm", card.id))
        st.form_submit_button(
            "Archive official",
            on_click=officials_forms.archive,
            args=(form, card.id, card.full_name),
        )
    officials_forms.show_notice(form)


def draw_archived() -> None:
    """The archived officials, each with a button that brings them back."""
    archived = cache.archived_officials()
    with st.expander(f"Archived officials ({len(archived)})"):
        if not archived:
            st.caption("No official is archived.")
        for option in archived:
            name, action = st.columns([4, 1], vertical_alignment="center")
            name.text(option.label)
            action.button(
                "Unarchive",
                key=f"{state.UNARCHIVE}:{option.id}",
                on_click=officials_forms.unarchive,
                args=(option.id, option.label),
            )


def draw_new_official() -> None:
    form = state.NEW_OFFICIAL_FORM
    with st.expander("Add an official"):
        with st.form(f"{form}:{state.generation(form)}"):
            officials_forms.draw_official_fields(form, "new", officials_forms.NEW_OFFICIAL_DEFAULTS)
            st.form_submit_button(
                "Add official", on_click=officials_forms.add_official, args=(form,)
            )
        officials_forms.show_notice(form)


user = guard("officials")
st.title("Officials")
render.show_notice(state.OFFICIAL_NOTICE)

show_archived = st.toggle("Show archived officials", key=state.SHOW_ARCHIVED)
render.table(cache.officials_directory(include_archived=show_archived))
can_edit = auth.may(user, Permission.MANAGE_DIRECTORY)
if can_edit:
    draw_new_official()
    draw_archived()
    directory_health.draw()

st.subheader("An official's details")
options = {o.id: o.label for o in cache.official_options()}
picked = st.selectbox(
    "Official",
    list(options),
    index=None,
    format_func=lambda i: options.get(i, f"#{i}"),
    placeholder="Pick an official to see and edit their details",
    key=state.OFFICIAL_PICK,
)
official = cache.official_card(int(picked)) if picked is not None else None
if official is not None:
    draw_official(official, can_edit=can_edit)
