"""What a coordinator enters on Log outreach, as typed values, and the rules they must meet.

The page (and ``cli.py`` and imports after it) fills an :class:`AttemptEntry` or a
:class:`ReplyEntry`; :func:`save_attempt` and :func:`save_reply` check the entry's rules
and pass it to the commands, which check the rest (permissions, targets, channels). So
every front door refuses the same things with the same words, and nothing typed is
silently dropped or changed: a date out of bounds is refused, never ignored.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.commands import LogResult, ResponseInput, TwinCheck, log_attempt, record_response
from models.localtime import zone
from models.tables import Attempt
from models.text import InvalidInput
from models.vocab import Channel, Outcome, Stance

# How far back an attempt may be dated on the form, and how far ahead a date may point.
MAX_BACKDATE = timedelta(days=366)
MAX_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class AttemptEntry:
    """Everything the Log outreach form holds when it is submitted.

    ``outcome`` is None when none was picked (refused). ``occurred_at`` is aware, or
    None for "now".
    """

    campaign_id: int
    official_id: int
    channel: Channel
    contact_point_id: int | None
    outcome: Outcome | None
    occurred_at: datetime | None
    duration_s: int | None
    notes: str
    follow_up_on: date | None
    responded: bool
    stance: Stance | None
    summary: str
    commitment_on: date | None
    actor_id: int  # the signed-in user who logs it
    call_back_at: time | None = None  # "Call back at", the official's wall clock

    def fingerprint(self) -> tuple[object, ...]:
        """The values that make two submissions the same attempt (a double click)."""
        return astuple(self)

    def response(self) -> ResponseInput | None:
        """The live response, only when "They responded on substance" is ticked."""
        if not self.responded:
            return None
        if self.stance is None:
            raise InvalidInput(
                "Pick the stance they took, or untick “They responded on substance”."
            )
        return ResponseInput(
            stance=self.stance, summary=self.summary, commitment_on=self.commitment_on
        )

    def check(self, now_utc: datetime) -> datetime:
        """Refuse what the form must not save; the attempt's time (aware UTC) otherwise."""
        if self.outcome is None:
            raise InvalidInput("Pick the outcome of the attempt: nothing was saved.")
        when = now_utc if self.occurred_at is None else self.occurred_at.astimezone(UTC)
        if when < now_utc - MAX_BACKDATE:
            raise InvalidInput("When: an attempt can be dated at most a year back.")
        latest = when.date() + MAX_AHEAD
        if self.follow_up_on is not None and self.follow_up_on > latest:
            raise InvalidInput(
                f"Follow up on ({self.follow_up_on.isoformat()}) is more than a year ahead; "
                "pick an earlier date."
            )
        if self.commitment_on is not None and self.commitment_on > latest:
            raise InvalidInput(
                f"The commitment date ({self.commitment_on.isoformat()}) is more than a year "
                "ahead; pick an earlier date."
            )
        return when


def save_attempt(
    session: Session,
    entry: AttemptEntry,
    *,
    idempotency_key: str,
    now_utc: datetime,
    twins: TwinCheck | None = None,
) -> LogResult:
    """Check ``entry`` and log it under ``idempotency_key`` as the user who typed it
    (with ``twins``, asking first about the same call saved moments ago elsewhere)."""
    when = entry.check(now_utc)
    assert entry.outcome is not None  # check() refuses an entry without one
    return log_attempt(
        session,
        campaign_id=entry.campaign_id,
        official_id=entry.official_id,
        channel=entry.channel,
        outcome=entry.outcome,
        actor_id=entry.actor_id,
        idempotency_key=idempotency_key,
        occurred_at=when,
        contact_point_id=entry.contact_point_id,
        duration_s=entry.duration_s,
        notes=entry.notes,
        follow_up_on=entry.follow_up_on,
        response=entry.response(),
        call_back_at=entry.call_back_at,
        twins=twins,
    )


def attempt_time(day: date, at: time | None, timezone: str, now_utc: datetime) -> datetime | None:
    """When the attempt was made, from the form's date and time in the coordinator's zone.

    No time on today's date means "now" (None); no time on another day is refused,
    since inventing one would put a wrong time on the record.
    """
    local_today = now_utc.astimezone(zone(timezone)).date()
    if at is None:
        if day == local_today:
            return None
        raise InvalidInput(f"When: give the time of the attempt on {day.isoformat()}.")
    when = datetime.combine(day, at, tzinfo=zone(timezone)).astimezone(UTC)
    if when > now_utc + timedelta(minutes=1):
        raise InvalidInput(f"When: {day.isoformat()} {at:%H:%M} is in the future.")
    return when


@dataclass(frozen=True)
class ReplyEntry:
    """A reply that came later (a letter, an email, a call back), as the form holds it.

    ``received_on`` and ``received_at`` are the coordinator's wall clock in ``timezone``;
    no time on today's date means "now".
    """

    attempt_id: int
    stance: Stance | None
    summary: str
    received_on: date
    commitment_on: date | None
    actor_id: int
    received_at: time | None = None
    timezone: str = "UTC"


def reply_time(received_on: date, at: time | None, timezone: str, now_utc: datetime) -> datetime:
    """When a later reply was received (aware UTC), from the form's day and time in the
    coordinator's zone: no time today means now; no time on another day is refused."""
    local_today = now_utc.astimezone(zone(timezone)).date()
    if at is None:
        if received_on == local_today:
            return now_utc
        raise InvalidInput(
            f"Received at: give the time the reply came on {received_on.isoformat()}."
        )
    return datetime.combine(received_on, at, tzinfo=zone(timezone)).astimezone(UTC)


def save_reply(session: Session, entry: ReplyEntry, *, now_utc: datetime) -> int:
    """Record a later reply against the attempt it answers; returns the response id."""
    if entry.stance is None:
        raise InvalidInput("Pick the stance of the reply.")
    attempt_at = session.scalar(
        select(Attempt.occurred_at).where(
            Attempt.id == entry.attempt_id, Attempt.deleted_at.is_(None)
        )
    )
    if attempt_at is None:
        raise InvalidInput("That attempt no longer exists.")
    received = _received(entry, attempt_at, now_utc)
    if entry.commitment_on is not None and entry.commitment_on > now_utc.date() + MAX_AHEAD:
        raise InvalidInput("The commitment date is more than a year ahead; pick an earlier date.")
    response = ResponseInput(
        stance=entry.stance,
        summary=entry.summary,
        responded_at=received,
        commitment_on=entry.commitment_on,
    )
    return record_response(
        session, attempt_id=entry.attempt_id, response=response, actor_id=entry.actor_id
    )


def _received(entry: ReplyEntry, attempt_at: datetime, now_utc: datetime) -> datetime:
    """The reply's time: never in the future, never before the attempt it answers."""
    tz = zone(entry.timezone)
    day = entry.received_on
    attempt_local = attempt_at.astimezone(tz)
    if day > now_utc.astimezone(tz).date():
        raise InvalidInput(f"Received on ({day.isoformat()}) is in the future: nothing was saved.")
    if day < attempt_local.date():
        raise InvalidInput(
            f"Received on ({day.isoformat()}) is before the attempt it answers "
            f"({attempt_local.date().isoformat()})."
        )
    when = reply_time(day, entry.received_at, entry.timezone, now_utc)
    shown = f"{day.isoformat()} {when.astimezone(tz):%H:%M}"
    if when > now_utc + timedelta(minutes=1):
        raise InvalidInput(f"Received {shown} is in the future: nothing was saved.")
    if when < attempt_at:
        raise InvalidInput(
            f"Received {shown} is before the attempt it answers ({attempt_local:%H:%M} that day)."
        )
    return when
