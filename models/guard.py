"""The over-contact guard: who contacted an official today, and the campaign's daily limit.

"Today" is the **official's** local day (their IANA zone): the office is what gets
called too often, and "three calls today" means the same thing to every coordinator
wherever they sit. The notice on Log outreach counts attempts in every campaign; the
limit (``campaigns.daily_cap``) counts this campaign's attempts only.

The limit holds under concurrent saves because the count and the INSERT are one
statement (``INSERT ... SELECT ... WHERE (SELECT count(*) ...) < cap``) run while the
writer holds the lock of this campaign and official: SQLite has one writer at a time
(``BEGIN IMMEDIATE`` behind :mod:`models.writelock`); on PostgreSQL the joined check
SELECT takes ``pg_advisory_xact_lock(campaign_id, official_id)``, so a second writer
waits there until the first commits, and its INSERT (a new snapshot under READ
COMMITTED) then counts the first one's attempt.

The limit applies to attempts dated on the official's current day. An attempt logged
for an earlier day records what already happened; refusing it would lose the record
and prevent no contact.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, func, select
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session

from models.base import utcnow
from models.localtime import zone
from models.sqlfuncs import dialect_insert
from models.tables import Attempt, Campaign, Official, User
from models.text import InvalidInput
from models.vocab import Channel, Outcome

_ATTEMPTS = cast(Table, Attempt.__table__)


def local_day_bounds(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """The UTC instants where ``day`` starts and ends in ``zone_name`` (half-open)."""
    tz = zone(zone_name)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def local_day(instant: datetime, zone_name: str) -> date:
    return instant.astimezone(zone(zone_name)).date()


@dataclass(frozen=True)
class ContactToday:
    """One attempt to the official on their local day, in any campaign."""

    attempt_id: int
    occurred_at: datetime  # aware UTC
    coordinator: str
    campaign_id: int
    campaign: str
    channel: Channel
    outcome: Outcome


def contacts_today(session: Session, *, official_id: int, now_utc: datetime) -> list[ContactToday]:
    """Live attempts to ``official_id`` on the official's current local day, any campaign,
    newest first; empty when there are none (or no such official)."""
    zone_name = session.scalar(select(Official.timezone).where(Official.id == official_id))
    if zone_name is None:
        return []
    start, end = local_day_bounds(local_day(now_utc, zone_name), zone_name)
    rows = session.execute(
        select(
            Attempt.id,
            Attempt.occurred_at,
            User.display_name,
            Attempt.campaign_id,
            Campaign.name,
            Attempt.channel,
            Attempt.outcome,
        )
        .join(User, User.id == Attempt.coordinator_id)
        .join(Campaign, Campaign.id == Attempt.campaign_id)
        .where(
            Attempt.official_id == official_id,
            Attempt.deleted_at.is_(None),
            Attempt.occurred_at >= start,
            Attempt.occurred_at < end,
        )
        .order_by(Attempt.occurred_at.desc(), Attempt.id.desc())
    )
    return [ContactToday(r[0], r[1], r[2], r[3], r[4], Channel(r[5]), Outcome(r[6])) for r in rows]


def daily_cap(session: Session, campaign_id: int) -> int | None:
    """The campaign's daily limit of attempts per official; None if there is no campaign."""
    return session.scalar(select(Campaign.daily_cap).where(Campaign.id == campaign_id))


def pg_lock_column() -> Any:
    """The PostgreSQL lock of one campaign and official, as a column of the check SELECT."""
    return func.pg_advisory_xact_lock(
        cast_(bindparam("campaign_id"), Integer), cast_(bindparam("official_id"), Integer)
    ).label("guard_lock")


@functools.cache
def capped_insert_statement(dialect: str, columns: tuple[str, ...]) -> Any:
    """``INSERT ... SELECT`` of one attempt, only while fewer than ``:g_cap`` live attempts
    of its campaign and official fall in ``[:g_start, :g_end)``; ``RETURNING id``, so no
    row back means its key was saved first or the limit was reached."""
    binds = {c: bindparam(c, type_=_ATTEMPTS.c[c].type) for c in columns}
    count = (
        select(func.count())
        .select_from(_ATTEMPTS)
        .where(
            _ATTEMPTS.c.campaign_id == binds["campaign_id"],
            _ATTEMPTS.c.official_id == binds["official_id"],
            _ATTEMPTS.c.deleted_at.is_(None),
            _ATTEMPTS.c.occurred_at >= bindparam("g_start", type_=_ATTEMPTS.c.occurred_at.type),
            _ATTEMPTS.c.occurred_at < bindparam("g_end", type_=_ATTEMPTS.c.occurred_at.type),
        )
        .scalar_subquery()
    )
    values = select(*binds.values()).where(count < bindparam("g_cap"))
    insert = dialect_insert(dialect, _ATTEMPTS).from_select(list(columns), values)
    return insert.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(
        _ATTEMPTS.c.id
    )


def daily_window(
    zone_name: str, cap: int, when: datetime, now_utc: datetime | None = None
) -> tuple[datetime, datetime, int] | None:
    """(start, end, cap) of the official's day when ``when`` falls on the official's today
    (now); None for an earlier day, which records the past and is never refused."""
    day = local_day(when, zone_name)
    if day != local_day(now_utc or utcnow(), zone_name):
        return None
    start, end = local_day_bounds(day, zone_name)
    return start, end, cap


def over_limit(
    official: str | None, campaign: str | None, cap: int, zone_name: str, when: datetime
) -> InvalidInput:
    """The refusal at the limit: what happened, why, and what to do."""
    day = local_day(when, zone_name)
    times = "attempt" if cap == 1 else "attempts"
    who = official or "this official"
    return InvalidInput(
        f"Not saved: {who} already has {cap} {times} today ({day.isoformat()}, "
        f"their time, {zone_name}) in “{campaign}”, the campaign's daily limit per official. "
        "Too many calls in a day can turn an office against the campaign; try again on "
        "their next business day. An admin can change the limit on the Campaigns page."
    )
