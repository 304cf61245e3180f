"""Campaigns → From an alert: paste or upload an action alert, check what was read, create.

Reading stores only the draft (plain dataclasses) in the session. The preview is one form:
a box per official and a row per contact point, each with **Keep**; a number can be moved
to another official, retyped, or dropped. **Check again** rereads the typed numbers
without saving; **Create campaign** saves the campaign, its new officials, their contact
points and the targets in one transaction, or nothing with a message under the form.
Everything typed survives an error.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import phonenumbers
import pycountry
import streamlit as st

from models.alerts import (
    AlertDraft,
    DraftContact,
    DraftOfficial,
    alert_text,
    check_contact,
    parse_alert,
)
from models.from_alert import (
    AlertReport,
    NoOfficialsFound,
    PlannedOfficial,
    create_from_alert,
    plan_alert,
)
from models.localtime import all_zones, utc_offset_label
from models.permissions import PermissionDenied
from models.phones import format_international
from models.text import InvalidInput
from models.vocab import CampaignStatus, ContactKind
from pages.ui import cache, render, state
from pages.ui.guard import acting_user_id

FORM = "alert"
DRAFT = "alert:draft"  # the AlertDraft read last
REGION = "alert:region"  # the region it was read with
NOTICE = "alert:notice"
KINDS = [k.value for k in ContactKind]
NUMBER_KINDS = (ContactKind.PHONE, ContactKind.FAX)
STATUSES = {
    CampaignStatus.DRAFT: "Draft: check it, then activate it on the Campaigns tab",
    CampaignStatus.ACTIVE: "Active: offered on Log outreach at once",
}


def draw() -> None:
    """The paste box, then (once something was read) the preview."""
    st.caption(
        "Paste the text of an action alert, or upload it as a .txt, .eml or .html file. "
        "The app finds the officials it asks people to contact, with their numbers and "
        "addresses; nothing is saved until you check them and press **Create campaign**."
    )
    with st.form("alert_read"):
        st.text_area("Alert text", key=f"{FORM}:text", height=220)
        st.file_uploader(
            "Or upload the alert", type=["txt", "eml", "html", "htm"], key=f"{FORM}:file"
        )
        st.selectbox(
            "Numbers without a country code are read in",
            REGIONS,
            index=REGIONS.index("RU"),
            format_func=region_name,
            key=f"{FORM}:region",
            help="Used when an official's block names no country (its address or office).",
        )
        st.form_submit_button("Read the alert", on_click=_read)
    render.show_notice(NOTICE)
    draft = state.get(DRAFT)
    if isinstance(draft, AlertDraft):
        _draw_preview(draft, str(state.get(REGION, "RU")))


def region_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return f"{code} — {country.name}" if country is not None else code


REGIONS = sorted(
    r for r in phonenumbers.SUPPORTED_REGIONS if pycountry.countries.get(alpha_2=r) is not None
)


def _read() -> None:
    """Read the pasted text (or the uploaded file, which wins) into a draft."""
    upload = state.get(f"{FORM}:file")
    text = str(state.get(f"{FORM}:text") or "")
    region = str(state.get(f"{FORM}:region") or "RU")
    source = alert_text(upload.getvalue(), upload.name) if upload else alert_text(text)
    if not source.strip():
        state.put(NOTICE, state.Notice("error", "Paste the alert's text or upload its file."))
        return
    draft = parse_alert(source, region=region)
    if not draft.officials:
        message = "No officials to contact were found in this text: nothing to preview."
        state.put(NOTICE, state.Notice("error", message))
        return
    state.drop(NOTICE)
    state.put(DRAFT, draft)
    state.put(REGION, region)
    state.clear_form(FORM)  # a new draft gets new preview widgets


def _key(name: str) -> str:
    return state.field_key(FORM, name)


def _draw_preview(draft: AlertDraft, region: str) -> None:
    planned = {id(p.draft): p for p in cache.read(lambda s: plan_alert(s, draft.officials))}
    now = datetime.now(UTC)
    names = [o.full_name or f"(no name, block {i + 1})" for i, o in enumerate(draft.officials)]
    st.subheader("Check what was read")
    with st.form("alert_preview", enter_to_submit=False):
        st.text_input("Campaign name", value=draft.title, key=_key("name"), max_chars=200)
        st.text_area("Description", value=draft.description, key=_key("description"))
        st.selectbox("Status", list(STATUSES), format_func=STATUSES.__getitem__, key=_key("status"))
        for i, official in enumerate(draft.officials):
            _draw_official(i, official, planned.get(id(official)), now)
        st.markdown("**Contact points**")
        for j, (owner, contact) in enumerate(_contacts(draft)):
            _draw_contact(j, owner, contact, names)
        check, create = st.columns(2)
        check.form_submit_button("Check again", on_click=_check_again, args=(region,))
        create.form_submit_button(
            "Create campaign", type="primary", on_click=_create, args=(region,)
        )
    render.show_notice(f"{NOTICE}:create")


def _contacts(draft: AlertDraft) -> list[tuple[int, DraftContact]]:
    return [(i, c) for i, o in enumerate(draft.officials) for c in o.contacts]


def _draw_official(
    i: int, official: DraftOfficial, plan: PlannedOfficial | None, now: datetime
) -> None:
    with st.container(border=True):
        st.checkbox("Keep", value=bool(official.full_name), key=_key(f"o{i}:keep"))
        if plan is not None and plan.match is not None:
            how = "a number only they have" if plan.match.by == "number" else "name"
            detail = plan.match.detail if plan.match.by == "name" else ""
            st.caption(
                render.md_escape(
                    f"Already in the directory as #{plan.match.official_id} {detail} "
                    f"(matched by {how}): not added again; the campaign targets them."
                )
            )
        else:
            st.caption("New to the directory: will be added.")
        left, right = st.columns(2)
        left.text_input("Name", value=official.full_name, key=_key(f"o{i}:name"))
        left.text_input("Title", value=official.title, key=_key(f"o{i}:title"))
        left.text_input("Organisation", value=official.organization, key=_key(f"o{i}:org"))
        right.text_input(
            "Country (ISO code)", value=official.country, key=_key(f"o{i}:country"), max_chars=2
        )
        zones = ["", *all_zones()]
        right.selectbox(
            "Time zone",
            zones,
            index=zones.index(official.timezone) if official.timezone in zones else 0,
            format_func=lambda z: utc_offset_label(z, now) if z else "(pick one)",
            key=_key(f"o{i}:zone"),
        )
        right.text_input("Salutation", value=official.salutation, key=_key(f"o{i}:salutation"))
        for problem in official.problems:
            st.warning(render.md_escape(problem), icon=None)


def _draw_contact(j: int, owner: int, contact: DraftContact, names: list[str]) -> None:
    keep, who, kind, text, label = st.columns([1, 3, 2, 4, 2])
    keep.checkbox("Keep", value=True, key=_key(f"c{j}:keep"))
    who.selectbox(
        "Official",
        range(len(names)),
        index=owner,
        format_func=names.__getitem__,
        key=_key(f"c{j}:owner"),
    )
    kind.selectbox("Kind", KINDS, index=KINDS.index(contact.kind.value), key=_key(f"c{j}:kind"))
    text.text_input("As written", value=contact.raw, key=_key(f"c{j}:raw"))
    label.text_input("Label", value=contact.label, key=_key(f"c{j}:label"))
    checked = _checked_contact(j, contact)
    if checked.problem:
        st.error(render.md_escape(f"Not saved unless fixed: {checked.problem}"), icon=None)
    elif checked.kind in NUMBER_KINDS:
        st.caption(f"Saved as {format_international(checked.value)}")


def _checked_contact(j: int, contact: DraftContact) -> DraftContact:
    """The contact as last checked (Check again), else as the reader found it."""
    value = state.get(_key(f"c{j}:checked"))
    return value if isinstance(value, DraftContact) else contact


def _check_again(region: str) -> None:
    draft = state.get(DRAFT)
    if isinstance(draft, AlertDraft):
        _corrected(draft, region)


def _corrected(draft: AlertDraft, region: str) -> list[DraftOfficial]:
    """The officials as the preview's widgets now say, contacts reread from their text."""
    officials = [
        replace(
            o,
            full_name=" ".join(str(state.get(_key(f"o{i}:name")) or "").split()),
            title=str(state.get(_key(f"o{i}:title")) or "").strip(),
            organization=str(state.get(_key(f"o{i}:org")) or "").strip(),
            country=str(state.get(_key(f"o{i}:country")) or "").strip().upper(),
            timezone=str(state.get(_key(f"o{i}:zone")) or ""),
            salutation=str(state.get(_key(f"o{i}:salutation")) or "").strip(),
            contacts=[],
        )
        for i, o in enumerate(draft.officials)
    ]
    for j, (owner, contact) in enumerate(_contacts(draft)):
        if not state.get(_key(f"c{j}:keep")):
            continue
        moved_to = state.get(_key(f"c{j}:owner"))
        target = officials[moved_to if isinstance(moved_to, int) else owner]
        checked = check_contact(
            ContactKind(str(state.get(_key(f"c{j}:kind")) or contact.kind.value)),
            str(state.get(_key(f"c{j}:raw")) or ""),
            str(state.get(_key(f"c{j}:label")) or "").strip(),
            target.country or region,
        )
        state.put(_key(f"c{j}:checked"), checked)
        target.contacts.append(checked)
    return [o for i, o in enumerate(officials) if state.get(_key(f"o{i}:keep"))]


def _create(region: str) -> None:
    draft = state.get(DRAFT)
    if not isinstance(draft, AlertDraft):
        return
    officials = _corrected(draft, region)
    missing = [o.full_name or "an official with no name" for o in officials if not o.timezone]
    nameless = [o for o in officials if not o.full_name]
    problem = ""
    if nameless:
        problem = "Type a name for every official you keep (or untick Keep)."
    elif missing:
        problem = f"Pick a time zone for {', '.join(missing)} (or untick Keep)."
    if problem:
        state.put(f"{NOTICE}:create", state.Notice("error", problem + " Nothing was saved."))
        return
    name = str(state.get(_key("name")) or "")
    status = state.get(_key("status"))
    try:
        report = cache.write(
            lambda session: create_from_alert(
                session,
                draft,
                name=name,
                officials=officials,
                description=str(state.get(_key("description")) or ""),
                region=region,
                status=status if isinstance(status, CampaignStatus) else CampaignStatus.DRAFT,
                actor_id=acting_user_id(),
            ),
            changes=(cache.DIRECTORY, cache.ACTIVITY),
        )
    except (NoOfficialsFound, InvalidInput, PermissionDenied) as exc:
        state.put(f"{NOTICE}:create", state.Notice("error", str(exc)))
        return
    state.put(NOTICE, state.Notice("success", _created(report)))
    state.drop(DRAFT, f"{NOTICE}:create")
    state.clear_form(FORM)


def _created(report: AlertReport) -> str:
    if not report.changed:
        return f"Nothing to change: “{report.name}” already holds this alert."
    text = f"Created {report.summary()}."
    if report.not_saved:
        text += f" Not saved ({len(report.not_saved)}): " + "; ".join(report.not_saved)
    return text
