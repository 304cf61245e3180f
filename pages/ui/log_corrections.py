"""The "Correct or delete an attempt" section of Log outreach.

Coordinators see their own recent attempts to the picked official, admins everyone's
(the model layer enforces the same rule). Reads here are not cached: a correction
must start from the stored values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from models import audit_queries
from models.accounts import CurrentUser
from models.corrections import AttemptEdit, delete_attempt, update_attempt
from models.permissions import Permission, PermissionDenied
from models.text import InvalidInput
from models.vocab import OUTCOMES_BY_CHANNEL, Channel, Outcome
from pages.ui import auth, cache, render, state


def _correctable(campaign_id: int, official_id: int, user: CurrentUser) -> pd.DataFrame:
    mine_only = None if auth.may(user, Permission.EDIT_ANY_ATTEMPTS) else user.id
    return cache.read(
        lambda session: audit_queries.correctable_attempts(
            session, campaign_id=campaign_id, official_id=official_id, coordinator_id=mine_only
        )
    )


def _label(row: pd.Series) -> str:
    when = row["occurred_at"].strftime("%Y-%m-%d %H:%M")
    parts = (f"#{row['attempt_id']}", f"{when} UTC", row["channel"], row["outcome"])
    return " · ".join((*map(str, parts), str(row["coordinator"])))


def draw(campaign_id: int, official_id: int, user: CurrentUser) -> None:
    """The section; nothing for a role that may not edit attempts."""
    if not auth.may(user, Permission.EDIT_OWN_ATTEMPTS):
        return
    with st.expander("Correct or delete an attempt"):
        render.show_notice(state.CORRECTION_NOTICE)
        rows = _correctable(campaign_id, official_id, user)
        if rows.empty:
            st.caption("No attempt to this official in this campaign that you may change.")
            return
        by_id = {int(r["attempt_id"]): r for _, r in rows.iterrows()}
        picked = st.selectbox(
            "Attempt to correct",
            list(by_id),
            format_func=lambda i: _label(by_id[i]),
            key=state.CORRECTION_PICK,
        )
        _edit_form(by_id[int(picked)], user)


def _edit_form(row: pd.Series, user: CurrentUser) -> None:
    attempt_id = int(row["attempt_id"])
    channel = Channel(row["channel"])
    occurred: datetime = row["occurred_at"]
    outcomes = OUTCOMES_BY_CHANNEL[channel]
    current = Outcome(row["outcome"])
    with st.form(f"{state.CORRECTION_FORM}:{attempt_id}"):
        st.caption(f"Channel: {channel} (log a new attempt for another channel).")
        outcome = st.selectbox(
            "Corrected outcome",
            outcomes,
            index=outcomes.index(current) if current in outcomes else 0,
            format_func=lambda o: f"{o} · {o.outcome_class}",
        )
        left, right = st.columns(2)
        day = left.date_input("Date (UTC)", value=occurred.date(), format="YYYY-MM-DD")
        clock = right.time_input("Time (UTC)", value=occurred.time().replace(microsecond=0))
        duration = st.number_input(
            "Corrected duration (seconds)",
            min_value=0,
            max_value=86_400,
            value=None if pd.isna(row["duration_s"]) else int(row["duration_s"]),
        )
        notes = st.text_area("Corrected notes", value=row["notes"] or "")
        drop = _response_choice(row)
        save = st.form_submit_button("Save correction")
        confirm = st.checkbox("Yes, delete this attempt")
        delete = st.form_submit_button("Delete attempt")
    if save:
        contact = row["contact_point_id"]
        edit = AttemptEdit(
            channel=channel,
            outcome=Outcome(outcome or current),
            occurred_at=datetime.combine(day or occurred.date(), clock or time(0), tzinfo=UTC),
            notes=notes,
            duration_s=None if duration is None else int(duration),
            contact_point_id=None if pd.isna(contact) else int(contact),
            drop_response=drop,
        )
        _run(
            f"Attempt #{attempt_id} corrected" + (", its response removed." if drop else "."),
            lambda s: update_attempt(s, attempt_id, edit, actor_id=user.id),
        )
    elif delete:
        if not confirm:
            render.error("Tick “Yes, delete this attempt” to delete it.")
            return
        _run(
            f"Attempt #{attempt_id} deleted. An admin can restore it from Admin.",
            lambda s: delete_attempt(s, attempt_id, actor_id=user.id),
        )


def _response_choice(row: pd.Series) -> bool:
    """For an answered attempt: say so, and offer to remove the response with the edit (an
    outcome where nobody was reached cannot keep it: models.response_rules)."""
    responded = row["responded_at"]
    if pd.isna(responded):
        return False
    st.caption(
        f"This attempt carries a response ({responded:%Y-%m-%d %H:%M} UTC). An outcome where "
        "nobody was reached cannot keep it."
    )
    return st.checkbox("Remove its response with this correction")


def _run(done: str, action: Callable[[Session], object]) -> None:
    try:
        cache.write(action, changes=(cache.ACTIVITY,))
    except (InvalidInput, PermissionDenied) as exc:
        render.error(str(exc))
        return
    state.put(state.CORRECTION_NOTICE, state.Notice("success", done))
    st.rerun()
