"""The call history of one official, drawn as plain text: who called when, what was said.

Used on Log outreach (this official in this campaign) and on Officials (every campaign,
for every role, viewers included). Notes, names and summaries are typed by people, so
they are shown with ``st.text``, never as Markdown.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from models.history import PastAttempt
from models.localtime import zone
from models.phones import format_international


def coordinator_zone(browser_zone: str | None) -> str:
    """The coordinator's IANA zone as the browser reports it; UTC when it says nothing usable."""
    if not browser_zone:
        return "UTC"
    try:
        zone(browser_zone)
    except ValueError:
        return "UTC"
    return browser_zone


def both_times(instant: datetime, own_zone: str, official_zone: str) -> str:
    """``instant`` in the coordinator's and the official's local time."""
    own = instant.astimezone(zone(own_zone))
    theirs = instant.astimezone(zone(official_zone))
    return f"{own:%Y-%m-%d %H:%M} your time ({own_zone}) · {theirs:%a %H:%M} theirs"


def draw(
    history: list[PastAttempt],
    *,
    own_zone: str,
    official_zone: str,
    empty: str,
    show_campaign: bool = False,
) -> None:
    """One bordered entry per earlier attempt, newest first; ``empty`` when there is none."""
    if not history:
        st.caption(empty)
        return
    for past in history:
        with st.container(border=True):
            st.text(f"#{past.attempt_id} · {past.channel} · {past.outcome} · by {past.coordinator}")
            st.caption(both_times(past.occurred_at, own_zone, official_zone))
            if show_campaign:
                st.text(f"Campaign: {past.campaign}")
            if past.contact:
                shown = past.contact
                if shown.startswith("+"):
                    shown = format_international(shown)
                st.text(f"Contact: {shown}")
            if past.notes:
                st.text(past.notes)
            if past.stance is not None:
                summary = f" — {past.summary}" if past.summary else ""
                st.text(f"Response: {past.stance}{summary}")
