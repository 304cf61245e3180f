"""The Campaigns page's forms: a new campaign, the edit form, status buttons, targets.

As on the Officials page, each form saves in its submit button's callback, which runs
before the page is drawn again: on success the form gets fresh widgets (state.clear_form)
filled from the database; on bad input everything typed stays and the message is shown
under the form. Every write goes through cache.write, so the cached reads it changed
are forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from models import campaigns
from models.campaigns import CampaignInput
from models.permissions import PermissionDenied
from models.queries import CampaignView
from models.text import InvalidInput
from models.vocab import CampaignStatus
from pages.ui import cache, render, state
from pages.ui.guard import acting_user_id

# Wide bounds on purpose (as on Log outreach): the model layer refuses with a message.
DATE_MIN = date(1000, 1, 1)
DATE_MAX = date(9999, 12, 31)
NEW = "new"  # the scope of the new-campaign form's fields
BLANK = CampaignView(0, "", "", "", "", is_demo=False)
# The buttons each status offers, and the status each one sets.
STATUS_BUTTONS: dict[CampaignStatus, tuple[tuple[str, CampaignStatus], ...]] = {
    CampaignStatus.DRAFT: (
        ("Activate campaign", CampaignStatus.ACTIVE),
        ("Close campaign", CampaignStatus.CLOSED),
    ),
    CampaignStatus.ACTIVE: (
        ("Pause campaign", CampaignStatus.PAUSED),
        ("Close campaign", CampaignStatus.CLOSED),
    ),
    CampaignStatus.PAUSED: (
        ("Activate campaign", CampaignStatus.ACTIVE),
        ("Close campaign", CampaignStatus.CLOSED),
    ),
    CampaignStatus.CLOSED: (("Reopen campaign", CampaignStatus.ACTIVE),),
}
STATUS_MEANS = {
    CampaignStatus.DRAFT: "a draft: not offered on Log outreach until it is activated",
    CampaignStatus.ACTIVE: "active: offered on Log outreach",
    CampaignStatus.PAUSED: "paused: not offered on Log outreach until it is activated again",
    CampaignStatus.CLOSED: "closed: not offered on Log outreach; Insights and Reports keep it",
}


def _notice_key(form: str) -> str:
    return f"{form}:notice"


def show_notice(form: str) -> None:
    render.show_notice(_notice_key(form))


def _attempt(
    form: str,
    action: Callable[[Session], object],
    success: str,
    changes: Iterable[str] = (cache.DIRECTORY,),
    campaign_id: int | None = None,
) -> bool:
    """Run a campaign write; leave a notice under ``form`` saying how it went."""
    try:
        cache.write(action, changes=changes, campaign_id=campaign_id)
    except (InvalidInput, PermissionDenied) as exc:
        state.put(_notice_key(form), state.Notice("error", str(exc)))
        return False
    state.put(_notice_key(form), state.Notice("success", success))
    return True


def _date_field(label: str, value: date | None, key: str) -> None:
    st.date_input(
        label, value=value, min_value=DATE_MIN, max_value=DATE_MAX, format="YYYY-MM-DD", key=key
    )


def draw_campaign_fields(form: str, scope: object, view: CampaignView) -> None:
    """The campaign's fields, filled from ``view`` (blank for a new campaign)."""

    def key(name: str) -> str:
        return state.field_key(form, name, scope)

    st.text_input("Name", value=view.name, max_chars=campaigns.NAME_MAX, key=key("name"))
    st.text_area("Description", value=view.description, height=80, key=key("description"))
    st.text_area("The ask", value=view.ask, height=80, key=key("ask"))
    st.text_area(
        "Call script (Markdown)",
        value=view.call_script,
        height=200,
        key=key("call_script"),
        help="Shown to coordinators on Log outreach, rendered as Markdown.",
    )
    left, middle, right = st.columns(3)
    with left:
        _date_field("Starts on", view.starts_on, key("starts_on"))
    with middle:
        _date_field("Ends on", view.ends_on, key("ends_on"))
    statuses = list(CampaignStatus)
    right.selectbox(
        "Status",
        statuses,
        index=statuses.index(view.status),
        format_func=str,
        key=key("status"),
        help="Only active campaigns are offered on Log outreach.",
    )


def read_campaign(form: str, scope: object) -> CampaignInput:
    def typed(name: str) -> str:
        raw = state.field(form, name, scope)
        return raw if isinstance(raw, str) else ""

    def day(name: str) -> date | None:
        raw = state.field(form, name, scope)
        return raw if isinstance(raw, date) else None

    return CampaignInput(
        name=typed("name"),
        description=typed("description"),
        ask=typed("ask"),
        call_script=typed("call_script"),
        starts_on=day("starts_on"),
        ends_on=day("ends_on"),
        status=CampaignStatus(typed("status") or CampaignStatus.ACTIVE),
    )


def add_campaign(form: str) -> None:
    """Callback: create the campaign typed in ``form``, pick it, and empty the form."""
    data = read_campaign(form, NEW)
    saved = state.get(f"{form}:saved")
    if isinstance(saved, tuple) and saved[0] == data:
        return  # a repeat of the submission just saved: it is saved once
    created: list[int] = []

    def action(session: Session) -> None:
        created.append(campaigns.create_campaign(session, data, actor_id=acting_user_id()))

    name = " ".join(data.name.split())
    if _attempt(form, action, f"Added the campaign “{name}” ({data.status})."):
        state.put(f"{form}:saved", (data, created[0]))
        state.clear_form(form)
        state.put(state.CAMPAIGN_PICK, created[0])


def save_campaign(form: str, campaign_id: int) -> None:
    """Callback: apply the edit form of one campaign."""
    data = read_campaign(form, campaign_id)
    changed: list[bool] = []

    def action(session: Session) -> None:
        changed.append(
            campaigns.update_campaign(session, campaign_id, data, actor_id=acting_user_id())
        )

    if _attempt(form, action, "Campaign saved."):
        state.clear_form(form)
        if not changed[0]:
            state.put(_notice_key(form), state.Notice("info", "Nothing changed."))


def change_status(campaign_id: int, name: str, status: CampaignStatus) -> None:
    """Callback of Close / Reopen / Pause / Activate."""
    changed: list[bool] = []

    def action(session: Session) -> None:
        changed.append(
            campaigns.set_status(session, campaign_id, status, actor_id=acting_user_id())
        )

    form = state.CAMPAIGN_STATUS_FORM
    if _attempt(form, action, f"“{name}” is now {STATUS_MEANS[status]}."):
        state.clear_form(state.EDIT_CAMPAIGN_FORM)  # its Status field must show the new one
        if not changed[0]:
            state.put(_notice_key(form), state.Notice("info", f"“{name}” was already {status}."))


def add_targets(form: str, campaign_id: int) -> None:
    """Callback: add the officials picked in ``form`` in the tier given."""
    picked = state.field(form, "officials", campaign_id)
    official_ids = [int(i) for i in picked] if isinstance(picked, list) else []
    tier = state.field(form, "tier", campaign_id)
    if not official_ids:
        state.put(_notice_key(form), state.Notice("warning", "Pick at least one official."))
        return

    def action(session: Session) -> None:
        for official_id in official_ids:
            campaigns.add_target(
                session,
                campaign_id,
                official_id,
                tier=int(tier) if isinstance(tier, int | float) else 1,
                actor_id=acting_user_id(),
            )

    if _attempt(form, action, f"Added {len(official_ids)} target(s) in tier {tier}."):
        state.clear_form(form)


def save_tier(form: str, campaign_id: int, official_id: int) -> None:
    tier = state.field(form, "tier", official_id)

    def action(session: Session) -> None:
        campaigns.set_tier(
            session,
            campaign_id,
            official_id,
            int(tier) if isinstance(tier, int | float) else 0,
            actor_id=acting_user_id(),
        )

    _attempt(form, action, f"Moved to tier {tier}.")


def remove(form: str, campaign_id: int, official_id: int) -> None:
    """Callback: stop targeting an official, once confirmed (open follow-ups are cancelled)."""
    if not state.field(form, "confirm_remove", official_id):
        state.put(
            _notice_key(form), state.Notice("warning", "Tick the box to confirm the removal.")
        )
        return

    def action(session: Session) -> None:
        campaigns.remove_target(session, campaign_id, official_id, actor_id=acting_user_id())

    # Cancelled follow-ups leave the queues: activity changed too.
    if _attempt(
        form,
        action,
        "Target removed; their attempts stay, their open follow-ups here were cancelled.",
        (cache.DIRECTORY, cache.ACTIVITY),
        campaign_id,
    ):
        state.drop(state.TARGET_PICK)


def draw_new_campaign() -> None:
    form = state.NEW_CAMPAIGN_FORM
    with st.form(f"{form}:{state.generation(form)}"):
        draw_campaign_fields(form, NEW, BLANK)
        st.form_submit_button("Add campaign", type="primary", on_click=add_campaign, args=(form,))
    show_notice(form)


def draw_edit(view: CampaignView) -> None:
    form = state.EDIT_CAMPAIGN_FORM
    with st.form(f"{form}:{view.id}:{state.generation(form)}"):
        draw_campaign_fields(form, view.id, view)
        st.form_submit_button("Save campaign", on_click=save_campaign, args=(form, view.id))
    show_notice(form)


def draw_status(view: CampaignView) -> None:
    st.caption(f"This campaign is {STATUS_MEANS[view.status]}.")
    columns = st.columns(len(STATUS_BUTTONS[view.status]))
    for column, (label, status) in zip(columns, STATUS_BUTTONS[view.status], strict=True):
        column.button(label, on_click=change_status, args=(view.id, view.name, status))
    show_notice(state.CAMPAIGN_STATUS_FORM)


def draw_targets(view: CampaignView, targets: pd.DataFrame) -> None:
    draw_add_targets(view)
    if targets.empty:
        show_notice(state.EDIT_TARGET_FORM)  # "Target removed", after the last one
        return
    st.markdown("**Change a target's tier, or remove it**")
    rows = targets.to_dict("records")
    labels = {int(r["official_id"]): f"{r['official']} (tier {r['tier']})" for r in rows}
    tiers = {int(r["official_id"]): int(r["tier"]) for r in rows}
    picked = st.selectbox(
        "Target", list(labels), format_func=labels.__getitem__, key=state.TARGET_PICK
    )
    official_id = int(picked) if picked in labels else next(iter(labels))
    form = state.EDIT_TARGET_FORM
    with st.form(f"{form}:{view.id}:{official_id}"):
        st.number_input(
            "Tier",
            min_value=1,
            max_value=campaigns.TIER_MAX,
            value=tiers[official_id],
            step=1,
            key=state.field_key(form, "tier", official_id),
        )
        st.checkbox(
            "Remove this target when I press Remove (attempts stay; open follow-ups in this "
            "campaign are cancelled)",
            key=state.field_key(form, "confirm_remove", official_id),
        )
        left, right = st.columns(2)
        left.form_submit_button("Set tier", on_click=save_tier, args=(form, view.id, official_id))
        right.form_submit_button(
            "Remove target", on_click=remove, args=(form, view.id, official_id)
        )
    show_notice(form)


def draw_add_targets(view: CampaignView) -> None:
    form = state.ADD_TARGETS_FORM
    options = {o.id: o.label for o in cache.official_options(not_in_campaign=view.id)}
    with st.form(f"{form}:{view.id}:{state.generation(form)}"):
        st.multiselect(
            "Officials to add",
            list(options),
            format_func=lambda i: options.get(i, f"#{i}"),
            placeholder="Pick officials from the directory",
            key=state.field_key(form, "officials", view.id),
        )
        st.number_input(
            "Tier of the added officials",
            min_value=1,
            max_value=campaigns.TIER_MAX,
            value=1,
            step=1,
            key=state.field_key(form, "tier", view.id),
            help="1 = call first. Log outreach lists tier 1, then 2, ...",
        )
        st.form_submit_button("Add targets", on_click=add_targets, args=(form, view.id))
    show_notice(form)
