"""The Follow-ups page's cached reads: the queue, its health and what was set aside.

Keyed like every cached read (pages/ui/cache.py): by the database URL with the data
versions of the activity, and by the minute, since office states change with the clock.
"""

from __future__ import annotations

from datetime import date, datetime

from models import queue, queue_health, set_aside
from models.db import database_url
from models.vocab import Channel
from pages.ui.cache import activity_read, reading


@activity_read
def _work_queue(
    url: str, today: date, minute: datetime, horizon_days: int, assignee_id: int | None
) -> queue.Queue:
    with reading(url) as session:
        return queue.follow_up_queue(
            session,
            today=today,
            now_utc=minute,
            horizon_days=horizon_days,
            assignee_id=assignee_id,
            limit=QUEUE_ROWS,
        )


QUEUE_ROWS = 20  # rows drawn per section; the heading gives the section's full count


def work_queue(
    *, today: date, now: datetime, horizon_days: int, assignee_id: int | None
) -> queue.Queue:
    """The Follow-ups queue (Mine: ``assignee_id``; Team: None); office states to the minute."""
    minute = now.replace(second=0, microsecond=0)
    return _work_queue(database_url(), today, minute, horizon_days, assignee_id)


@activity_read
def _queue_health(
    url: str, today: date, minute: datetime, channel: str, assignee_id: int | None
) -> queue_health.Health:
    with reading(url) as session:
        return queue_health.queue_health(
            session, today=today, now_utc=minute, channel=Channel(channel), assignee_id=assignee_id
        )


def health_of_queue(
    *, today: date, now: datetime, channel: Channel, assignee_id: int | None
) -> queue_health.Health:
    """Callable now and why not, for the queue due by ``today``; to the minute."""
    minute = now.replace(second=0, microsecond=0)
    return _queue_health(database_url(), today, minute, str(channel), assignee_id)


@activity_read
def _set_aside(
    url: str, today: date, minute: datetime, assignee_id: int | None, cancelled: bool
) -> list[set_aside.SetAside]:
    with reading(url) as session:
        return set_aside.set_aside(
            session, today=today, now_utc=minute, assignee_id=assignee_id, cancelled=cancelled
        )


def set_aside_follow_ups(
    *, today: date, now: datetime, assignee_id: int | None, cancelled: bool
) -> list[set_aside.SetAside]:
    """Snoozed follow-ups (and, if ``cancelled``, the lately cancelled ones)."""
    minute = now.replace(second=0, microsecond=0)
    return _set_aside(database_url(), today, minute, assignee_id, cancelled)
