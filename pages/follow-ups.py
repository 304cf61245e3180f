"""Follow-ups: what is owed to whom, overdue first; one click to log the next attempt."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from models.commands import cancel_follow_up
from models.permissions import Permission
from models.text import InvalidInput
from pages.ui import auth, cache, render, state
from pages.ui.filters import today_utc
from pages.ui.guard import acting_user_id, guard
from pages.ui.nav import page

EMPTY = {
    "Overdue": "Nothing is overdue.",
    "Due today": "Nothing is due today.",
    "Upcoming": "Nothing is due in the next 30 days.",
}


def cancel(follow_up_id: int) -> None:
    def action(session: Session) -> None:
        cancel_follow_up(session, follow_up_id=follow_up_id, actor_id=acting_user_id())

    try:
        cache.write(action, changes=(cache.ACTIVITY,))
    except InvalidInput as exc:
        render.error(str(exc))
        return
    state.put(
        state.FOLLOW_UP_NOTICE, state.Notice("success", f"Follow-up #{follow_up_id} cancelled.")
    )
    st.rerun()


user = guard("follow-ups")
st.title("Follow-ups")
today = today_utc()
queue = cache.follow_up_queue(today)
st.caption(f"Open follow-ups due up to 30 days ahead, as of {today:%A %d %B %Y} (UTC).")

for title, rows in render.queue_sections(queue):
    st.subheader(f"{title} ({len(rows)})")
    if rows.empty:
        st.caption(EMPTY[title])
    else:
        render.table(rows)

if not auth.may(user, Permission.LOG_ATTEMPTS):
    st.stop()  # viewers see the queue; working it is for coordinators
st.subheader("Act on a follow-up")
render.show_notice(state.FOLLOW_UP_NOTICE)
choices = render.follow_up_choices(queue)
if not choices:
    st.caption("No open follow-ups to act on.")
    st.stop()
picked = st.selectbox(
    "Follow-up", list(choices), format_func=lambda i: choices[i].label, key=state.FOLLOW_UP_PICK
)
chosen = choices[picked] if picked is not None else None
log_col, cancel_col = st.columns(2)
with log_col:
    if st.button("Log next attempt", type="primary") and chosen is not None:
        state.put(state.PENDING_TARGET, (chosen.campaign_id, chosen.official_id))
        st.switch_page(page("log").file)
with cancel_col:
    if st.button("Cancel follow-up") and chosen is not None:
        cancel(chosen.follow_up_id)
