"""An official's timeline as plain text (models.timeline): one line per event, newest
first, with the coordinator's and the official's local times."""

from __future__ import annotations

import streamlit as st

from models.timeline import ATTEMPT, FOLLOW_UP, TimelineEvent
from pages.ui import state
from pages.ui.history_view import both_times
from pages.ui.nav import page


def line(event: TimelineEvent) -> str:
    """What happened, plain text: ``attempt #3 · phone · no answer · by Alex · “Campaign”``."""
    if event.kind == ATTEMPT:
        head = f"attempt #{event.ref_id} · {event.channel} · {event.what} · by {event.who}"
    elif event.kind == FOLLOW_UP:
        due = "" if event.due_on is None else f" due {event.due_on.isoformat()}"
        who = f" · assigned to {event.who}" if event.who else ""
        head = f"follow-up #{event.ref_id}{due} · {event.what}{who}"
    else:
        promise = "" if event.due_on is None else f" · commitment {event.due_on.isoformat()}"
        head = f"response #{event.ref_id} · {event.what}{promise} · recorded by {event.who}"
    return f"{head} · in “{event.campaign}”"


def draw(events: list[TimelineEvent], *, own_zone: str, official_zone: str) -> None:
    if not events:
        st.caption("Nothing recorded for this official yet.")
        return
    for event in events:
        with st.container(border=True):
            st.text(line(event))
            st.caption(both_times(event.at, own_zone, official_zone))
            if event.text:
                st.text(event.text)


def open_on_officials(official_id: int) -> None:
    """From Log outreach: show this official's timeline on the Officials page."""
    state.put(state.OFFICIAL_PICK, official_id)
    st.switch_page(page("officials").file)
