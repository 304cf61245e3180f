"""The follow-up queue as an iCalendar file: one event per open follow-up, naming the official.

The events are every open follow-up the queue would show within its horizon (Overdue,
Due today, Upcoming), with no per-section limit. Each has a stable UID
(``follow-up-<id>@outreach-tracker``), by which a calendar given a newer file matches its
events with the old ones. A follow-up with a "call back at" time is a 15-minute event at
that instant (UTC); any other is an all-day event on its due day. Text is plain: control
characters become spaces (icalendar escapes commas, semicolons and line ends), and a
summary is one line.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from models.localtime import OfficeHours, zone
from models.office_status import holiday_name
from models.queue import DEFAULT_LIMIT, Queue, follow_up_queue, office_hours

PRODID = "-//Outreach Tracker//Follow-ups//EN"
UID_DOMAIN = "outreach-tracker"
CALL_BACK_MINUTES = 15  # how long a timed "call back at" event lasts in the calendar


def every_open_follow_up(
    session: Session,
    *,
    today: date,
    now_utc: datetime,
    horizon_days: int,
    assignee_id: int | None,
) -> Queue:
    """:func:`models.queue.follow_up_queue` with every row of every section, not the first
    ``limit``: asked again with a larger limit while a section holds more than it showed."""
    limit = DEFAULT_LIMIT
    while True:
        queue = follow_up_queue(
            session, today=today, now_utc=now_utc, horizon_days=horizon_days,
            assignee_id=assignee_id, limit=limit,
        )  # fmt: skip
        most = max(queue.totals.values())
        if most <= limit:
            return queue
        limit = most


def follow_up_calendar(
    session: Session,
    *,
    today: date,
    now_utc: datetime,
    horizon_days: int,
    assignee_id: int | None,
    name: str,
) -> Calendar:
    """The calendar ``name`` of every open follow-up due by ``today + horizon_days`` (and all
    overdue ones), ``assignee_id``'s only when given; DTSTAMP is ``now_utc`` (aware)."""
    queue = every_open_follow_up(
        session, today=today, now_utc=now_utc, horizon_days=horizon_days, assignee_id=assignee_id
    )
    rows = queue.rows.sort_values(["due_on", "follow_up_id"]).to_dict("records")
    hours = office_hours(session, {int(row["official_id"]) for row in rows})
    key = "team" if assignee_id is None else f"user-{assignee_id}"
    calendar = Calendar.new(
        prodid=PRODID, name=plain_line(name), uid=f"follow-ups-{key}@{UID_DOMAIN}"
    )
    for row in rows:
        record = {str(k): v for k, v in row.items()}
        calendar.add_component(follow_up_event(record, hours[int(record["official_id"])], now_utc))
    return calendar


def follow_up_event(row: dict[str, Any], hours: OfficeHours, stamp: datetime) -> Event:
    """One queue row (models.queue.COLUMNS) as a VEVENT."""
    due_at = _instant(row["due_at"])
    start: date | datetime = row["due_on"] if due_at is None else due_at
    end: date | datetime = (
        row["due_on"] + timedelta(days=1)
        if due_at is None
        else due_at + timedelta(minutes=CALL_BACK_MINUTES)
    )
    return Event.new(
        uid=f"follow-up-{int(row['follow_up_id'])}@{UID_DOMAIN}",
        stamp=stamp,
        start=start,
        end=end,
        summary=event_summary(row["official"], row["campaign"]),
        description=event_description(row, hours, due_at),
    )


def event_summary(official: str, campaign: str) -> str:
    return plain_line(f"Call {official} — {campaign}")


def event_description(row: dict[str, Any], hours: OfficeHours, due_at: datetime | None) -> str:
    """Reason, assignee, the office hours where the official sits, and the last attempt."""
    where = row["timezone"]
    lines = [
        f"Reason: {row['reason'] or 'follow up'}",
        f"Assigned to: {row['assignee'] or 'nobody'}",
        f"Office hours: {hours.describe()} ({where})",
    ]
    holiday = holiday_name(row["country"], datetime.combine(row["due_on"], time(12), tzinfo=UTC))
    if holiday:
        lines.append(f"Public holiday there that day: {holiday}")
    if due_at is not None:
        lines.append(f"Call back at {due_at.astimezone(zone(where)):%H:%M} their time")
    last = _instant(row["last_attempt_at"])
    if last is None:
        lines.append("No attempt yet")
    else:
        lines.append(f"Last attempt: {last:%Y-%m-%d %H:%M} UTC, {row['last_outcome']}")
    return plain_text("\n".join(lines))


def plain_text(text: str) -> str:
    """``text`` with every control character (an escape sequence, a tab) but LF a space."""
    return "".join(ch if ch == "\n" or unicodedata.category(ch) != "Cc" else " " for ch in text)


def plain_line(text: str) -> str:
    """``text`` on one line: control characters and line ends become spaces, runs of
    whitespace one space."""
    spaced = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(spaced.split())


def _instant(value: Any) -> datetime | None:
    """An aware datetime from a queue cell (None, NaT, a pandas Timestamp or a datetime)."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    assert isinstance(value, datetime)
    return value
