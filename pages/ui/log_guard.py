"""Log outreach's over-contact notice: who already contacted this official today.

"Today" is the official's local day (models.guard). The notice lists every campaign's
attempts, and warns when this campaign's daily limit is already reached, so nobody
types a call up only to have it refused.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from models.guard import ContactToday
from models.localtime import zone
from models.queries import OfficialCard
from pages.ui import cache, render


def notice_text(
    contacts: list[ContactToday],
    *,
    official: str,
    campaign_id: int,
    cap: int,
    own_zone: str,
    official_zone: str,
) -> str | None:
    """The notice (plain text), or None when nobody contacted the official today."""
    if not contacts:
        return None
    times = "once" if len(contacts) == 1 else f"{len(contacts)} times"
    lines = [f"{official} was already contacted today ({times}, their day, {official_zone}):"]
    for c in contacts:
        theirs = c.occurred_at.astimezone(zone(official_zone))
        own = c.occurred_at.astimezone(zone(own_zone))
        lines.append(
            f"• {theirs:%H:%M} their time ({own:%H:%M} yours) by {c.coordinator}: "
            f"{c.channel}, {c.outcome}, in “{c.campaign}”"
        )
    here = sum(1 for c in contacts if c.campaign_id == campaign_id)
    if here >= cap:
        lines.append(
            f"This campaign's daily limit of {cap} per official is reached: another attempt "
            "today will be refused."
        )
    return "\n".join(lines)


def draw(card: OfficialCard, campaign_id: int, *, cap: int, own_zone: str, now: datetime) -> None:
    """The notice above the form, when the official was contacted today."""
    text = notice_text(
        cache.contacts_today(card.id, now), official=card.full_name, campaign_id=campaign_id,
        cap=cap, own_zone=own_zone, official_zone=card.timezone,
    )  # fmt: skip
    if text is not None:
        st.warning(render.md_escape(text))
