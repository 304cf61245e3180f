"""The Campaigns page's "Cadence and limits" tab: business days per outcome class and the
daily limit of attempts per official, for admins. Saves in the submit button's callback,
as the other campaign forms do (pages/ui/campaign_forms.py)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from models.cadence_rules import MAX_CAP, MAX_DAYS, set_cadence
from models.permissions import PermissionDenied
from models.queries import CampaignView
from models.text import InvalidInput
from models.vocab import OutcomeClass
from pages.ui import cache, render, state
from pages.ui.guard import acting_user_id

FORM = "cadence_form"
CAP_LABEL = "Daily limit (attempts per official per day)"


def days_label(outcome_class: OutcomeClass) -> str:
    return f"Business days after “{outcome_class}”"


def _key(campaign_id: int, name: str) -> str:
    return f"{FORM}:{campaign_id}:{state.generation(FORM)}:{name}"


def save(campaign_id: int) -> None:
    """Callback of Save cadence: store what the form holds; say how it went."""
    days = {c: int(state.get(_key(campaign_id, c.value)) or 0) for c in OutcomeClass}
    cap = int(state.get(_key(campaign_id, "cap")) or 0)
    changed: list[bool] = []

    def action(session: Session) -> None:
        changed.append(
            set_cadence(session, campaign_id, days=days, daily_cap=cap, actor_id=acting_user_id())
        )

    try:
        cache.write(action, changes=(cache.DIRECTORY,))
    except (InvalidInput, PermissionDenied) as exc:
        state.put(f"{FORM}:notice", state.Notice("error", str(exc)))
        return
    said = "Cadence and limits saved." if changed[0] else "Nothing changed."
    state.put(f"{FORM}:notice", state.Notice("success" if changed[0] else "info", said))
    state.clear_form(FORM)


def draw(view: CampaignView) -> None:
    """The form, filled from the campaign's rules (defaults where it has none)."""
    rules = cache.cadence_rules_of(view.id)
    if rules is None:
        return
    st.caption(
        "Log outreach proposes the next follow-up this many business days after an "
        "attempt (the official's country: weekends and public holidays skipped, then on "
        "to a day their office is open). “Asked to call back” uses the time they gave."
    )
    with st.form(f"{FORM}:{view.id}:{state.generation(FORM)}"):
        for outcome_class, count in rules.days:
            st.number_input(
                days_label(outcome_class), min_value=0, max_value=MAX_DAYS, step=1,
                value=count, key=_key(view.id, outcome_class.value),
            )  # fmt: skip
        st.number_input(
            CAP_LABEL, min_value=1, max_value=MAX_CAP, step=1, value=rules.daily_cap,
            key=_key(view.id, "cap"),
        )  # fmt: skip
        st.form_submit_button("Save cadence", on_click=save, args=(view.id,))
    render.show_notice(f"{FORM}:notice")
