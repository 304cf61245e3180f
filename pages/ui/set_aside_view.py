"""Snoozed and cancelled follow-ups under the queue: **Wake now** brings a snoozed one
back today; **Reopen** (admins) undoes a cancellation. Text is plain, never Markdown."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from models.accounts import CurrentUser
from models.follow_up_work import may_work, snooze_follow_up, uncancel_follow_up
from models.permissions import Permission, allowed
from models.set_aside import SNOOZED, SetAside
from pages.ui import queue_reads
from pages.ui.guard import acting_user_id
from pages.ui.queue_view import act


def draw(user: CurrentUser, *, today: date, now: datetime) -> None:
    """Admins see everyone's, cancelled included; coordinators their own snoozed ones."""
    if not allowed(user.role, Permission.LOG_ATTEMPTS):
        return
    admin = allowed(user.role, Permission.RESTORE)
    rows = queue_reads.set_aside_follow_ups(
        today=today, now=now, assignee_id=None if admin else user.id, cancelled=admin
    )
    title = "Snoozed and cancelled" if admin else "Snoozed"
    with st.expander(f"{title} ({len(rows)})"):
        if not rows:
            st.caption("Nothing is snoozed." if not admin else "Nothing is snoozed or cancelled.")
        for row in rows:
            _draw_row(row, user, admin)


def _draw_row(row: SetAside, user: CurrentUser, admin: bool) -> None:
    text_side, button_side = st.columns([8, 2], vertical_alignment="center")
    who = row.assignee or "unassigned"
    head = f"{row.official} · {row.campaign} · due {row.due_on:%a %d %b} · {who}"
    follow_up_id = row.follow_up_id
    if row.kind == SNOOZED:
        text_side.text(f"{head}\nsnoozed until {row.snoozed_until:%a %d %b}")
        if may_work(admin, row.assignee_id, user.id) and button_side.button(
            "Wake now", key=f"set-aside-wake:{follow_up_id}"
        ):
            act(
                lambda s: snooze_follow_up(
                    s, follow_up_id=follow_up_id, until=None, actor_id=acting_user_id()
                ),
                f"Follow-up #{follow_up_id} is back in the queue.",
            )
        return
    why = f": {row.cancel_reason}" if row.cancel_reason else ""
    when = f"{row.cancelled_at:%Y-%m-%d %H:%M} UTC" if row.cancelled_at else ""
    text_side.text(f"{head}\ncancelled {when}{why}")
    if button_side.button("Reopen", key=f"set-aside-reopen:{follow_up_id}"):
        act(
            lambda s: uncancel_follow_up(s, follow_up_id=follow_up_id, actor_id=acting_user_id()),
            f"Follow-up #{follow_up_id} is open again.",
        )
