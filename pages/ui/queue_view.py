"""The Follow-ups queue drawn: a section's rows as plain text, a Log button, and a small
popover per row to snooze, reassign or cancel (drawn only when opened)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from models.accounts import CurrentUser
from models.follow_up_work import (
    cancel_follow_up,
    may_work,
    reassign_follow_up,
    snooze_follow_up,
)
from models.permissions import Permission, allowed
from models.queries import Option
from models.text import InvalidInput
from pages.ui import cache, render, state
from pages.ui.guard import acting_user_id
from pages.ui.nav import page

UNASSIGNED = 0  # the "Assign to" choice for nobody


def row_lines(row: dict[str, Any]) -> tuple[str, str]:
    """Two plain-text lines: who and what is due; then the last attempt and office state."""
    due = f"due {row['due_on']:%a %d %b}"
    if row["due_at"] is not None and not pd.isna(row["due_at"]):
        due += f" at {row['due_at']:%H:%M} UTC"
    who = row["assignee"] or "unassigned"
    first = f"{row['official']} · {row['campaign']} · {due} · {who}"
    last = "no attempt yet"
    if row["last_attempt_at"] is not None and not pd.isna(row["last_attempt_at"]):
        last = f"last {row['last_attempt_at']:%Y-%m-%d %H:%M} UTC, {row['last_outcome']}"
    why = f"{row['reason']} · " if row["reason"] else ""
    return first, f"{why}{last} · {row['local_time']} there, {row['office']}"


def draw_section(
    title: str,
    rows: pd.DataFrame,
    total: int,
    *,
    tab: str,
    user: CurrentUser,
    empty: str,
    today: date,
) -> None:
    shown = f" (showing {len(rows)})" if total > len(rows) else ""
    st.subheader(f"{title} ({total}){shown}")
    if rows.empty:
        st.caption(empty)
        return
    for row in rows.to_dict("records"):
        draw_row({str(k): v for k, v in row.items()}, tab=tab, user=user, today=today)


def draw_row(row: dict[str, Any], *, tab: str, user: CurrentUser, today: date) -> None:
    follow_up_id = int(row["follow_up_id"])
    with st.container(border=True):
        text_side, log_side, more_side = st.columns([8, 1, 1], vertical_alignment="center")
        first, second = row_lines(row)
        text_side.text(first)
        text_side.text(second)
        if not allowed(user.role, Permission.LOG_ATTEMPTS):
            return  # viewers see the queue; working it is for coordinators
        if log_side.button("Log", key=f"queue-log:{tab}:{follow_up_id}", type="primary"):
            state.put(state.PENDING_TARGET, (int(row["campaign_id"]), int(row["official_id"])))
            st.switch_page(page("log").file)
        admin = allowed(user.role, Permission.EDIT_ANY_ATTEMPTS)
        if may_work(admin, row["assignee_id"], user.id):
            with more_side:
                draw_actions(follow_up_id, row, tab=tab, today=today)


def draw_actions(follow_up_id: int, row: dict[str, Any], *, tab: str, today: date) -> None:
    scope = f"{tab}:{follow_up_id}"
    popover = st.popover("⋯", key=f"queue-more:{scope}", on_change="rerun", help="Snooze, …")
    if not popover.open:
        return
    with popover:
        tomorrow = today + timedelta(days=1)
        until = st.date_input("Snooze until", tomorrow, key=f"queue-until:{scope}")
        if st.button("Snooze", key=f"queue-snooze:{scope}"):
            act(lambda s: snooze_follow_up(s, follow_up_id=follow_up_id, until=until,
                                           actor_id=acting_user_id()),
                f"Follow-up #{follow_up_id} snoozed until {until}.")  # fmt: skip
        people = _assignees()
        current = row["assignee_id"] or UNASSIGNED
        to = st.selectbox(
            "Assign to",
            list(people),
            index=list(people).index(current) if current in people else 0,
            format_func=people.__getitem__,
            key=f"queue-assignee:{scope}",
        )
        if st.button("Reassign", key=f"queue-reassign:{scope}"):
            assignee = None if to == UNASSIGNED else int(to)
            act(lambda s: reassign_follow_up(s, follow_up_id=follow_up_id,
                                             assignee_id=assignee, actor_id=acting_user_id()),
                f"Follow-up #{follow_up_id} reassigned to {people[to]}.")  # fmt: skip
        reason = st.text_input("Reason", key=f"queue-reason:{scope}", max_chars=500)
        if st.button("Cancel follow-up", key=f"queue-cancel:{scope}"):
            act(lambda s: cancel_follow_up(s, follow_up_id=follow_up_id, actor_id=acting_user_id(),
                                           reason=reason),
                f"Follow-up #{follow_up_id} cancelled.")  # fmt: skip


def _assignees() -> dict[int, str]:
    options: list[Option] = cache.coordinator_options()
    return {UNASSIGNED: "— nobody —"} | {o.id: o.label for o in options}


def act(action: Callable[[Session], None], done: str) -> None:
    """Run one queue command; say what happened on the next run, or why it was refused."""
    try:
        cache.write(action, changes=(cache.ACTIVITY,))
    except InvalidInput as exc:
        render.error(str(exc))
        return
    state.put(state.FOLLOW_UP_NOTICE, state.Notice("success", done))
    st.rerun()
