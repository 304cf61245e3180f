"""Precomputed counts for the Insights figures, kept exact in the writer's own transaction.

There is one function here per domain event (:data:`EVENTS`: an attempt logged,
edited, deleted or restored; a response recorded or removed; a follow-up created,
completed, reopened, cancelled or uncancelled; an official's time zone changed) and :func:`rebuild`.
Every writer of attempts, responses and follow-ups (``models/commands.py``,
``models/corrections.py``, ``models/directory.py``, the bulk loader ``models/bulk.py``)
calls one of them before its transaction commits, so a reader sees the raw rows and
the rollups agree at every commit; ``tests/test_rollup_events.py`` holds every writer
to that. Each change is an atomic upsert (``INSERT ... ON CONFLICT DO UPDATE SET n = n
+ excluded.n``), never a read-then-write, so concurrent writers on PostgreSQL cannot
lose a count; rows whose counts all fall to zero are deleted, so the incremental
tables equal :func:`rebuild`, which recomputes everything from the raw tables in SQL.

The tables (``models/tables.py``): ``attempt_rollup`` and ``response_delay_rollup`` per
UTC week of the attempt; ``hour_rollup`` for phone calls per week and the official's
local weekday and hour; ``follow_up_rollup`` per due day; ``open_follow_up_total`` the
follow-ups open now per campaign and official; ``commitment_rollup`` the commitments and
those kept per period of the attempt (``models/insights/commitment_upkeep.py``: a
response can keep earlier ones); ``follow_up_flow`` the follow-ups opened and closed per
day. The deltas are applied by ``models/insights/upserts.py``.

Two columns of ``attempts`` are derived here too: ``responded_at`` (the response's
time, so the metrics need no join) and ``local_weekday``/``local_hour`` (computed in
Python with the tz database, which SQLite lacks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from models.insights.commitment_upkeep import commitment_deltas, commitment_of, own_commitment
from models.insights.counting import (
    _ATTEMPTS,
    _DELAYS,
    _FLOW,
    _FOLLOW_UPS,
    _HOURS,
    _OPEN_TOTALS,
    ALL_TIME,
    ALL_TIME_START,
    CALL_CHANNEL,
    DAY_PERIOD,
    DELAY_BOUNDS,
    LIVE_OUTCOME_CLASSES,
    ROLLUP_TABLES,
    WEEK,
    Bind,
    _insert_from,
    attempt_counts,
    delay_band,
    delay_counts,
    follow_up_counts,
    hour_counts,
    local_slot,
    monday,
    rebuild_rollups,
    refresh_local_times,
    week_of,
    whole_seconds_between,
)
from models.insights.upserts import Deltas as _Deltas
from models.insights.upserts import add as _add
from models.insights.upserts import apply as _apply
from models.insights.upserts import merge as _merge
from models.insights.upserts import periods as _periods
from models.tables import Attempt
from models.vocab import LIVE_CLASSES, Channel, Outcome, OutcomeClass

# The events, in the order of EVENTS; the rest is re-exported for the read side.
EVENTS = (
    "attempt_logged", "attempt_edited", "attempt_deleted", "attempt_restored",
    "response_recorded", "response_removed", "follow_up_created", "follow_up_completed",
    "follow_up_reopened", "follow_up_cancelled", "follow_up_uncancelled",
    "official_zone_changed", "rebuild",
)  # fmt: skip

__all__ = [
    *EVENTS,
    "ALL_TIME", "ALL_TIME_START", "CALL_CHANNEL", "DAY_PERIOD", "DELAY_BOUNDS",
    "LIVE_OUTCOME_CLASSES", "ROLLUP_TABLES", "WEEK",
    "AttemptFacts", "attempt_counts", "delay_band", "delay_counts", "facts_of",
    "follow_up_counts", "hour_counts", "local_slot", "monday", "rebuild_rollups",
    "refresh_local_times", "set_local_time", "week_of", "whole_seconds_between",
]  # fmt: skip


def set_local_time(attempt: Attempt, timezone: str) -> None:
    """Fill the attempt's local weekday and hour from its time and the official's zone."""
    attempt.local_weekday, attempt.local_hour = local_slot(attempt.occurred_at, timezone)


@dataclass(frozen=True)
class AttemptFacts:
    """What one attempt contributes to the rollups: take it before changing the attempt."""

    live: bool
    occurred_at: datetime
    campaign_id: int
    official_id: int
    channel: Channel
    outcome: Outcome
    outcome_class: OutcomeClass
    local_weekday: int
    local_hour: int
    responded_at: datetime | None


def facts_of(attempt: Attempt) -> AttemptFacts:
    return AttemptFacts(
        live=attempt.deleted_at is None,
        occurred_at=attempt.occurred_at,
        campaign_id=attempt.campaign_id,
        official_id=attempt.official_id,
        channel=Channel(attempt.channel),
        outcome=Outcome(attempt.outcome),
        outcome_class=OutcomeClass(attempt.outcome_class),
        local_weekday=attempt.local_weekday,
        local_hour=attempt.local_hour,
        responded_at=attempt.responded_at,
    )


def _facts(attempt: Attempt | AttemptFacts) -> AttemptFacts:
    return attempt if isinstance(attempt, AttemptFacts) else facts_of(attempt)


# --- One entry point per event -------------------------------------------------------


def attempt_logged(session: Session, attempt: Attempt | AttemptFacts) -> None:
    """A new attempt (its response, if any, is counted by :func:`response_recorded`).

    The write path of logging passes the facts it inserted: it holds no ORM object.
    """
    _apply(session, _attempt_deltas(_facts(attempt), +1, with_response=False))


def attempt_edited(session: Session, before: AttemptFacts, attempt: Attempt) -> None:
    """An attempt was edited: move its counts from ``before`` (taken before the edit)."""
    after = facts_of(attempt)
    deltas = _attempt_deltas(before, -1)
    _merge(deltas, _attempt_deltas(after, +1))
    if before.responded_at is not None or after.responded_at is not None:
        commitment_on = commitment_of(session, attempt.id)
        if (before.campaign_id, before.official_id) == (after.campaign_id, after.official_id):
            # Same office, same response time: only this response's own row moves.
            _merge(deltas, own_commitment(session, before, attempt.id, commitment_on, -1))
            _merge(deltas, own_commitment(session, after, attempt.id, commitment_on, +1))
        else:
            _merge(deltas, commitment_deltas(session, before, attempt.id, commitment_on, -1))
            _merge(deltas, commitment_deltas(session, after, attempt.id, commitment_on, +1))
    _apply(session, deltas)


def attempt_deleted(session: Session, attempt: Attempt) -> None:
    """A live attempt was soft-deleted (``deleted_at`` is set): it leaves every count."""
    facts = replace(facts_of(attempt), live=True)
    deltas = _attempt_deltas(facts, -1)
    if facts.responded_at is not None:
        commitment_on = commitment_of(session, attempt.id)
        _merge(deltas, commitment_deltas(session, facts, attempt.id, commitment_on, -1))
    _apply(session, deltas)


def attempt_restored(session: Session, attempt: Attempt) -> None:
    """A deleted attempt is live again, with its response if it has one."""
    facts = facts_of(attempt)
    deltas = _attempt_deltas(facts, +1)
    if facts.responded_at is not None:
        commitment_on = commitment_of(session, attempt.id)
        _merge(deltas, commitment_deltas(session, facts, attempt.id, commitment_on, +1))
    _apply(session, deltas)


def response_recorded(
    session: Session, attempt: Attempt | AttemptFacts, *, attempt_id: int | None = None
) -> None:
    """A response was recorded against ``attempt`` (``attempt.responded_at`` is set, the
    response row written). Facts come with the attempt's id, ``attempt_id``."""
    facts = _facts(attempt)
    the_id = attempt.id if isinstance(attempt, Attempt) else attempt_id
    assert the_id is not None, "response_recorded needs the attempt's id with its facts"
    if facts.live and facts.responded_at is not None:
        deltas = _response_deltas(facts, +1)
        commitment_on = commitment_of(session, the_id)
        _merge(deltas, commitment_deltas(session, facts, the_id, commitment_on, +1))
        _apply(session, deltas)


def response_removed(
    session: Session, attempt: Attempt, *, responded_at: datetime, commitment_on: date | None
) -> None:
    """The response given at ``responded_at`` (committing to ``commitment_on``) was removed
    from ``attempt``."""
    facts = replace(facts_of(attempt), responded_at=responded_at)
    if facts.live:
        deltas = _response_deltas(facts, -1)
        _merge(deltas, commitment_deltas(session, facts, attempt.id, commitment_on, -1))
        _apply(session, deltas)


def follow_up_created(
    session: Session, *, campaign_id: int, official_id: int, due_on: date, created_at: datetime
) -> None:
    _apply(
        session,
        {
            _FOLLOW_UPS: {(due_on, campaign_id, official_id): {"open": 1}},
            _OPEN_TOTALS: {(campaign_id, official_id): {"open": 1}},
            _FLOW: {(_utc_day(created_at), due_on, campaign_id, official_id): {"opened": 1}},
        },
    )


def follow_up_completed(
    session: Session,
    *,
    campaign_id: int,
    official_id: int,
    follow_ups: Iterable[tuple[date, datetime]],
    completed_at: datetime,
) -> None:
    """Open follow-ups, each (due day, made at), were done at ``completed_at``: on time or
    late."""
    _apply(session, _completion_deltas(campaign_id, official_id, follow_ups, completed_at, +1))


def follow_up_reopened(
    session: Session,
    *,
    campaign_id: int,
    official_id: int,
    due_on: date,
    created_at: datetime,
    completed_at: datetime,
) -> None:
    """A follow-up done at ``completed_at`` is open again."""
    follow_ups = ((due_on, created_at),)
    _apply(session, _completion_deltas(campaign_id, official_id, follow_ups, completed_at, -1))


def follow_up_cancelled(
    session: Session,
    *,
    campaign_id: int,
    official_id: int,
    due_on: date,
    created_at: datetime,
    cancelled_at: datetime,
) -> None:
    _apply(session, _cancel_deltas(campaign_id, official_id, due_on, created_at, cancelled_at, +1))


def follow_up_uncancelled(
    session: Session,
    *,
    campaign_id: int,
    official_id: int,
    due_on: date,
    created_at: datetime,
    cancelled_at: datetime,
) -> None:
    """A follow-up cancelled at ``cancelled_at`` is open again."""
    _apply(session, _cancel_deltas(campaign_id, official_id, due_on, created_at, cancelled_at, -1))


def official_zone_changed(session: Session, official_id: int) -> None:
    """The official's time zone was corrected: redo their attempts' local hours and cells."""
    refresh_local_times(session, official_id=official_id)
    session.execute(delete(_HOURS).where(_HOURS.c.official_id == official_id))
    live = Attempt.deleted_at.is_(None)
    for days in (WEEK, DAY_PERIOD, ALL_TIME):
        counts = hour_counts(days).where(live, Attempt.official_id == official_id)
        _insert_from(session, _HOURS, counts)


def rebuild(bind: Bind) -> None:
    """Recompute every rollup (and ``attempts.responded_at``) from the raw tables.

    For writes too many for one event each (a bulk load), and to check the events: the
    incremental tables must always equal what this computes. The local weekday and hour
    are the writer's to fill (see :func:`set_local_time`, ``refresh_local_times``).
    """
    rebuild_rollups(bind)


def _completion_deltas(
    campaign_id: int,
    official_id: int,
    follow_ups: Iterable[tuple[date, datetime]],
    completed_at: datetime,
    sign: int,
) -> _Deltas:
    done_on = completed_at.astimezone(UTC).date()
    deltas: _Deltas = {_FOLLOW_UPS: {}, _OPEN_TOTALS: {}, _FLOW: {}}
    for due_on, created_at in follow_ups:
        timing = "done_on_time" if done_on <= due_on else "done_late"
        key = (due_on, campaign_id, official_id)
        _add(deltas[_FOLLOW_UPS], key, {"open": -sign, timing: sign})
        _add(deltas[_OPEN_TOTALS], (campaign_id, official_id), {"open": -sign})
        flow = (_closed_day(created_at, completed_at), due_on, campaign_id, official_id)
        _add(deltas[_FLOW], flow, {"closed": sign})
    return deltas


def _cancel_deltas(
    campaign_id: int,
    official_id: int,
    due_on: date,
    created_at: datetime,
    cancelled_at: datetime,
    sign: int,
) -> _Deltas:
    flow = (_closed_day(created_at, cancelled_at), due_on, campaign_id, official_id)
    return {
        _FOLLOW_UPS: {(due_on, campaign_id, official_id): {"open": -sign}},
        _OPEN_TOTALS: {(campaign_id, official_id): {"open": -sign}},
        _FLOW: {flow: {"closed": sign}},
    }


def _utc_day(instant: datetime) -> date:
    return instant.astimezone(UTC).date()


def _closed_day(created_at: datetime, completed_at: datetime) -> date:
    """The day a follow-up stopped being open (``counting.closed_instant``)."""
    return _utc_day(max(created_at, completed_at))


# --- Deltas: what an attempt adds to each table ---------------------------------------


def _attempt_deltas(facts: AttemptFacts, sign: int, *, with_response: bool = True) -> _Deltas:
    deltas: _Deltas = {_ATTEMPTS: {}, _DELAYS: {}, _HOURS: {}}
    if not facts.live:
        return deltas
    for period in _periods(facts.occurred_at):
        key = (*period, facts.campaign_id, facts.official_id, facts.channel, facts.outcome)
        _add(deltas[_ATTEMPTS], key, {"attempts": sign})
    if facts.channel == CALL_CHANNEL:
        live = int(facts.outcome_class in LIVE_CLASSES)
        slot = (facts.campaign_id, facts.official_id, facts.local_weekday, facts.local_hour)
        for period in _periods(facts.occurred_at):
            _add(deltas[_HOURS], (*period, *slot), {"attempts": sign, "live_contacts": sign * live})
    if with_response and facts.responded_at is not None:
        _merge(deltas, _response_deltas(facts, sign))
    return deltas


def _response_deltas(facts: AttemptFacts, sign: int) -> _Deltas:
    assert facts.responded_at is not None
    band = delay_band(whole_seconds_between(facts.occurred_at, facts.responded_at))
    deltas: _Deltas = {_ATTEMPTS: {}, _DELAYS: {}}
    for period in _periods(facts.occurred_at):
        who = (*period, facts.campaign_id, facts.official_id, facts.channel)
        _add(deltas[_ATTEMPTS], (*who, facts.outcome), {"responded": sign})
        _add(deltas[_DELAYS], (*who, band), {"responses": sign})
    return deltas
