"""Small rendering helpers. User-typed text never reaches Markdown unescaped.

Names, labels, notes, summaries and organisations are typed by people; they are shown
with ``st.text``, through widgets and tables that render plain text, or, where only a
Markdown element will do (a notice, a heading, a line with a ``tel:`` link), with
:func:`md_escape`, which also stops links, images and icons (models.markdown_safety).
The call script is the one Markdown field: :func:`call_script` draws its safe subset.
Phone and fax numbers are validated E.164, so their formatted form and ``tel:`` links
are safe.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from models.localtime import office_state
from models.markdown_safety import plain_markdown, safe_script
from models.phones import format_international, tel_uri
from models.queries import ContactView, OfficialCard
from models.vocab import ContactKind
from pages.ui import state


def md_escape(text: str) -> str:
    """``text`` as Markdown that shows it as typed: no syntax, and no link, image or icon
    made from a URL, an e-mail address or a shortcode in it."""
    return plain_markdown(text)


def contact_markdown(contact: ContactView) -> str:
    """One contact point as a Markdown line: numbers as ``tel:`` links, the rest escaped."""
    if contact.kind in (ContactKind.PHONE, ContactKind.FAX):
        shown = format_international(contact.value)
        if contact.extension:
            shown += f" ext. {contact.extension}"
        value = f"[{shown}]({tel_uri(contact.value, contact.extension)})"
    else:
        value = md_escape(contact.value)
    parts = [f"**{contact.kind}**", value]
    if contact.label:
        parts.append(md_escape(contact.label))
    if contact.is_primary:
        parts.append("_primary_")
    parts.extend(md_escape(p) for p in freshness_notes(contact))
    return " · ".join(parts)


def freshness_notes(contact: ContactView) -> list[str]:
    """``suspect: 2 failed attempts in a row`` and ``verified 2026-03-04``, as they apply."""
    notes = []
    if contact.suspect:
        notes.append(f"⚠ suspect: {contact.failures_in_a_row} failed attempts in a row")
    if contact.verified_at is not None:
        notes.append(f"verified {contact.verified_at:%Y-%m-%d}")
    return notes


def contact_option(contact: ContactView) -> str:
    """One contact point as plain text, for a selectbox."""
    value = contact.value
    if contact.kind in (ContactKind.PHONE, ContactKind.FAX):
        value = format_international(value)
    suspect = "⚠ suspect" if contact.suspect else ""
    return " · ".join(p for p in (str(contact.kind), value, contact.label, suspect) if p)


def office_line(card: OfficialCard, now_utc: datetime) -> str:
    """Local time at the official's office and whether it is open (Markdown, no user text)."""
    office = office_state(card.hours, card.timezone, now_utc)
    local = f"{office.local_time:%a %H:%M} ({card.timezone})"
    status = "**open now**" if office.is_open else "**closed now**"
    change = ""
    if office.next_change is not None:
        verb = "closes" if office.is_open else "opens"
        change = f", {verb} {office.next_change:%a %H:%M}"
    assumed = " (assumed)" if card.hours_assumed else ""
    return f"Local time {local} · office {status}{change} · hours {card.hours.describe()}{assumed}"


def official_details(card: OfficialCard, now_utc: datetime) -> None:
    """Who the official is, their contact points, and the office's local time."""
    st.markdown(f"**{md_escape(card.full_name)}**")
    for line in (card.title, card.organization):
        if line:
            st.text(line)
    st.markdown(office_line(card, now_utc))
    if not card.contacts:
        st.caption("No contact points recorded yet: add them on the Officials page.")
    for contact in card.contacts:
        st.markdown(contact_markdown(contact))


# Headers for the columns that query frames use; the frames keep their stable names.
COLUMN_LABELS = {
    "attempt_id": "Attempt",
    "occurred_at": "When (UTC)",
    "channel": "Channel",
    "outcome": "Outcome",
    "coordinator": "Coordinator",
    "response": "Response",
    "due_on": "Due",
    "official": "Official",
    "campaign": "Campaign",
    "assignee": "Assignee",
    "reason": "Reason",
    "official_id": "Id",
    "title": "Title",
    "organization": "Organisation",
    "country": "Country",
    "timezone": "Time zone",
    "contact_points": "Contact points",
    "archived": "Archived",
    "status": "Status",
    "starts_on": "Starts on",
    "ends_on": "Ends on",
    "targets": "Targets",
    "tier": "Tier",
    "is_demo": "Demo",
    # Insights' follow-through tables.
    "responded_at": "Responded (UTC)",
    "stance": "Stance",
    "summary": "Summary",
    "commitment_on": "Commitment by",
    "commitment": "Commitment",
    "campaign_id": "Campaign id",
    "contacted": "Contacted",
    "share": "Share",
    "last_contact": "Last contact (UTC)",
    "stage": "Stage",
    "attempts": "Attempts",
    "days": "Days",
    "at_risk": "Still waiting",
    "answered": "Answered",
    "censored": "No answer yet",
    "answered_share": "Answered by then",
}
# Shown as times to the minute and as percentages, wherever a table has them.
MINUTE_COLUMNS = ("occurred_at", "responded_at", "last_contact")
PERCENT_COLUMNS = ("share", "answered_share")


def table(frame: pd.DataFrame) -> None:
    """A query frame as a read-only table (plain text cells), with readable headers."""
    config: dict[str, Any] = {
        name: st.column_config.Column(COLUMN_LABELS[name])
        for name in frame.columns
        if name in COLUMN_LABELS
    }
    for name in MINUTE_COLUMNS:
        if name in frame.columns:
            config[name] = st.column_config.DatetimeColumn(
                COLUMN_LABELS[name], format="YYYY-MM-DD HH:mm"
            )
    for name in PERCENT_COLUMNS:
        if name in frame.columns:
            config[name] = st.column_config.NumberColumn(COLUMN_LABELS[name], format="percent")
    if "official_id" in frame.columns:
        config["official_id"] = st.column_config.NumberColumn(
            COLUMN_LABELS["official_id"], format="%d"
        )
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def call_script(script: str, *, empty: str) -> None:
    """A campaign's call script in its safe Markdown subset (no HTML, images or links);
    ``empty`` (our own words, in italics) when there is none."""
    st.markdown(safe_script(script) if script.strip() else f"_{empty}_")


def error(message: str) -> None:
    """An error whose text may quote what someone typed."""
    st.error(md_escape(message))


def warning(message: str) -> None:
    """A warning whose text may quote what someone typed."""
    st.warning(md_escape(message))


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1%}"


def chart(chart: alt.Chart | alt.LayerChart) -> None:
    """Draw an Altair chart; its ``description`` is the accessible name (the alt text)."""
    st.altair_chart(chart, width="stretch")


def show_notice(key: str) -> None:
    """Show the notice kept under ``key``, if any (its text may quote what someone typed)."""
    message = state.notice(key)
    if message is None:
        return
    show = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}
    show[message.kind](md_escape(message.text))


_MARKS = {"success": "✔", "info": "ℹ", "warning": "⚠", "error": "✖"}


def plain_notice(message: state.Notice) -> None:
    """A notice shown exactly as written: no Markdown, so no links, images or directives
    from a name in it (``st.success`` would interpret them, escaped or not)."""
    with st.container(border=True):
        st.text(f"{_MARKS[message.kind]} {message.text}")
