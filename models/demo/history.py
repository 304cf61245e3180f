"""The demo's rows: each planned attempt with its reply and follow-ups, through the bulk writer.

Attempts are made in time order, batch by batch; a follow-up is written once the
attempt that completes it is in. Every value comes from the plan's seeded generator,
so the same seed and window give the same rows.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from models.bulk import DAY, AttemptRow, BulkWriter, FollowUpRow, ResponseRow
from models.demo.odds import (
    CANCELLED_BELOW,
    COMMITMENT_CHANCE,
    FORGOTTEN_BELOW,
    LIVE_RESPONSE_CHANCE,
    NOTES,
    NOTES_CHANCE,
    ON_TIME_BELOW,
    STANCES,
    Contact,
    Kind,
    pick,
)
from models.demo.timeline import EPOCH_ORDINAL, Plan
from models.vocab import FollowUpStatus, Stance

MAX_BATCH = 50_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ProgressFn = Callable[[int, int], None]


def instant(ts: int) -> datetime:
    """The aware UTC instant of ``ts`` epoch seconds."""
    return EPOCH + timedelta(seconds=ts)


def day(epoch_day: int) -> date:
    return date.fromordinal(EPOCH_ORDINAL + epoch_day)


def write_history(writer: BulkWriter, plan: Plan, progress: ProgressFn | None) -> None:
    """Attempts batch by batch with their replies; follow-ups once the attempt that
    completes them is in."""
    total = len(plan.encoded)
    batch = max(1_000, min(MAX_BATCH, total // 20))  # progress at least every 5% of a big run
    pending: list[FollowUpRow] = []
    for lo in range(0, total, batch):
        hi = min(total, lo + batch)
        attempts, replies, made = _rows(plan, lo, hi)
        last_id, pending = plan.first_id + hi - 1, pending + made
        ready = [f for f in pending if (f.completed_by_attempt_id or 0) <= last_id]
        pending = [f for f in pending if (f.completed_by_attempt_id or 0) > last_id]
        writer.write(attempts, replies, ready)
        if progress is not None:
            progress(hi, total)


def _rows(
    plan: Plan, lo: int, hi: int
) -> tuple[list[AttemptRow], list[ResponseRow], list[FollowUpRow]]:
    """Attempt, reply and follow-up rows for attempts ``lo`` to ``hi`` in time order."""
    rand, n, first_id = plan.rng.random, len(plan.targets), plan.first_id
    who = plan.rng.choices(plan.coordinators[0], cum_weights=plan.coordinators[1], k=hi - lo)
    attempts: list[AttemptRow] = []
    replies: list[ResponseRow] = []
    follow_ups: list[FollowUpRow] = []
    for pos in range(lo, hi):
        ts, index = divmod(plan.encoded[pos], n)
        target = plan.targets[index]
        contact: Contact = pick(target.contacts, rand())
        kind: Kind = pick(contact.kinds, rand())
        duration = kind.low + int(rand() * kind.spread) if kind.timed else None
        notes = NOTES[int(rand() * len(NOTES))] if rand() < NOTES_CHANCE else ""
        by = who[pos - lo]
        if rand() < kind.response_chance:
            reply = _reply(plan, kind, pos, ts + (duration or 0), by)
            if reply is not None:
                replies.append(reply[0])
                if reply[2] is not None:
                    made = _follow_up(plan, index, pos, reply[1], reply[2], by, "commitment")
                    follow_ups.append(made)
        attempts.append(
            AttemptRow(
                first_id + pos, plan.campaign_id, target.official_id, contact.channel,
                kind.outcome, instant(ts), by, f"demo-{first_id}-{pos:08d}",
                contact.contact_point_id, contact.value, duration, notes,
            )
        )  # fmt: skip
        if rand() < kind.follow_up_chance:
            due = ts // DAY + 1 + int(rand() * 14)
            follow_ups.append(_follow_up(plan, index, pos, ts, due, by, "follow up"))
    return attempts, replies, follow_ups


def _reply(
    plan: Plan, kind: Kind, pos: int, ended: int, by: int
) -> tuple[ResponseRow, int, int | None] | None:
    """(row, when, commitment day) of a reply given live or days later; None if not yet."""
    rand = plan.rng.random
    at = ended
    if not (kind.live and rand() < LIVE_RESPONSE_CHANCE):
        at += 3600 + int(plan.rng.expovariate(1 / (3 * DAY)))
    if at >= plan.end_ts:
        return None  # that reply has not come yet
    stance, summary = pick(STANCES[kind.refused], rand())
    commitment = None
    if stance == Stance.WILL_FORWARD and rand() < COMMITMENT_CHANCE:
        commitment = at // DAY + 7 + int(rand() * 14)
    on = None if commitment is None else day(commitment)
    row = ResponseRow(plan.first_id + pos, stance, instant(at), by, summary, on)
    return row, at, commitment


def _follow_up(
    plan: Plan, index: int, pos: int, ts: int, due: int, by: int, reason: str
) -> FollowUpRow:
    """A follow-up made at ``ts`` and due on epoch day ``due``: cancelled, forgotten, or
    done (on time or late) by the official's first attempt after the chosen moment."""
    rand, due_end, roll = plan.rng.random, (due + 1) * DAY, plan.rng.random()
    status, completed_at, completed_by = FollowUpStatus.OPEN, None, None
    if roll < CANCELLED_BELOW:
        at = ts + 1 + int(rand() * (due_end - ts))
        if at < plan.end_ts:
            status, completed_at = FollowUpStatus.CANCELLED, instant(at)
    elif roll >= FORGOTTEN_BELOW:
        if roll < ON_TIME_BELOW:
            at = ts + 1 + int(rand() * (due_end - ts))
        else:
            at = due_end + int(plan.rng.expovariate(1 / (4 * DAY)))
        times = plan.times_by_target[index]
        j = bisect.bisect_left(times, at)
        if at < plan.end_ts and j < len(times):
            status, completed_at = FollowUpStatus.DONE, instant(times[j])
            completed_by = plan.first_id + plan.positions_by_target[index][j]
    return FollowUpRow(
        plan.campaign_id, plan.targets[index].official_id, day(due), by, instant(ts), reason,
        by, status, plan.first_id + pos, completed_by, completed_at,
    )  # fmt: skip
