"""Follow-ups: whom to call now, Mine and Team, Overdue / Due today / Upcoming; Log opens
Log outreach for the row's official and campaign."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from models.localtime import zone
from models.queue import HORIZONS, SECTIONS
from pages.ui import (
    history_view,
    queue_health_view,
    queue_reads,
    queue_view,
    render,
    set_aside_view,
    state,
)
from pages.ui.guard import guard

EMPTY = {
    "Overdue": "Nothing is overdue.",
    "Due today": "Nothing is due today.",
    "Upcoming": "Nothing is due in the coming days.",
}

user = guard("follow-ups")
st.title("Follow-ups")
render.show_notice(state.FOLLOW_UP_NOTICE)
own_zone = history_view.coordinator_zone(st.context.timezone)
now = datetime.now(UTC)
today = now.astimezone(zone(own_zone)).date()
horizon = st.segmented_control(
    "Upcoming: days ahead",
    HORIZONS,
    default=HORIZONS[0],
    required=True,
    format_func=lambda days: f"{days} days",
    key=state.FOLLOW_UP_HORIZON,
)
days = int(horizon or HORIZONS[0])
st.caption(
    f"Open follow-ups, as of {today:%A %d %B %Y} ({own_zone}). Callable now first, "
    "then the most overdue; snoozed ones come back on their day."
)
mine, team = st.tabs(["Mine", "Team"], key=state.FOLLOW_UP_TAB, on_change="rerun")
for tab, label, assignee in ((mine, "Mine", user.id), (team, "Team", None)):
    if not tab.open:
        continue
    with tab:
        st.subheader("Queue health")
        channel = queue_health_view.channel_choice(label)
        queue_health_view.draw(
            queue_reads.health_of_queue(today=today, now=now, channel=channel, assignee_id=assignee)
        )
        work = queue_reads.work_queue(today=today, now=now, horizon_days=days, assignee_id=assignee)
        for section in SECTIONS:
            queue_view.draw_section(
                section, work.section(section), work.totals[section],
                tab=label, user=user, empty=EMPTY[section], today=today,
            )  # fmt: skip
set_aside_view.draw(user, today=today, now=now)
