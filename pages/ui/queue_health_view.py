"""Queue health drawn above the queue: how many targets can be contacted now, and for
the rest, how many are held back by each reason (who, and the detail, on demand)."""

from __future__ import annotations

import streamlit as st

from models.queue_health import CLOSED, REASONS, Health
from models.vocab import Channel

CHANNELS = (Channel.PHONE, Channel.FAX, Channel.EMAIL, Channel.LETTER)
SHOWN = 100  # targets listed under "Who and why"; the counts cover all of them


def channel_choice(tab: str) -> Channel:
    """The channel the health is counted for (office hours matter only for calls)."""
    picked = st.segmented_control(
        "Contact by",
        CHANNELS,
        default=Channel.PHONE,
        required=True,
        format_func=lambda c: str(c).capitalize(),
        key=f"queue-health-channel:{tab}",
    )
    return Channel(picked or Channel.PHONE)


def draw(health: Health) -> None:
    """The figures as plain text (names come from the database, never as Markdown)."""
    left, right = st.columns([1, 3])
    left.metric("Callable now", f"{health.callable_now} of {health.targets}")
    if health.targets == 0:
        right.text("Nothing is due today or overdue.")
        return
    lines = [
        f"{reason}: {health.counts[reason]}" + _when(health, reason)
        for reason in REASONS
        if health.counts[reason]
    ]
    right.text(
        "Targets with a follow-up due today or overdue. Not callable now:\n"
        + ("\n".join(lines) if lines else "none")
    )
    if not health.blocked:
        return
    with st.expander(f"Who and why ({len(health.blocked)})"):
        for b in health.blocked[:SHOWN]:
            detail = f" ({b.detail})" if b.detail else ""
            st.text(f"{b.official} · {b.campaign}: {b.reason}{detail}")
        if len(health.blocked) > SHOWN:
            st.caption(f"The first {SHOWN} of {len(health.blocked)}.")


def _when(health: Health, reason: str) -> str:
    first = health.first_opening() if reason == CLOSED else ""
    return f" (the first {first})" if first else ""
