"""When the demo's attempts happen: the window, and every attempt's instant and official.

Busier in the official's office hours and on weekdays, slowly growing over the weeks,
uneven, with the odd push after an alert. Everything is decided here, before any row
is made, so the row maker only reads the :class:`Plan`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.bulk import DAY, LocalClock
from models.demo.odds import Table_, contacts, cumulative
from models.localtime import OfficeHours
from models.tables import CampaignTarget, ContactPoint, OfficeRange, Official
from models.text import InvalidInput

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Target:
    """One official as the generator needs it: zone, office hours, ways to reach them."""

    official_id: int
    timezone: str
    hours: OfficeHours
    contacts: Table_


@dataclass
class Plan:
    """Everything decided before the rows are made; the hot loop only reads it."""

    rng: random.Random
    campaign_id: int
    first_id: int
    end_ts: int  # nothing happens at or after this instant (epoch seconds)
    targets: list[Target]
    coordinators: Table_
    # Sorted: occurred_at (epoch seconds) * len(targets) + the target's index.
    encoded: list[int] = field(default_factory=list)
    times_by_target: list[list[int]] = field(default_factory=list)
    positions_by_target: list[list[int]] = field(default_factory=list)


def window(weeks: int, today: date | None) -> tuple[int, int]:
    """(start, end) in epoch seconds: ``weeks`` whole weeks of UTC days ending ``today``."""
    now = datetime.now(UTC)
    day = (today or now.date()).toordinal() - EPOCH_ORDINAL
    start = (day - weeks * 7 + 1) * DAY
    end = min(int(now.timestamp()) // 60 * 60, (day + 1) * DAY)
    if end <= start:
        raise InvalidInput("The demo window would end before it starts; pick an earlier day.")
    return start, end


def load_targets(session: Session, campaign_id: int) -> list[Target]:
    officials = session.execute(
        select(Official.id, Official.timezone)
        .join(CampaignTarget, CampaignTarget.official_id == Official.id)
        .where(CampaignTarget.campaign_id == campaign_id, Official.archived_at.is_(None))
        .order_by(Official.id)
    ).all()
    ids = [o.id for o in officials]
    points = session.execute(
        select(ContactPoint.official_id, ContactPoint.id, ContactPoint.kind, ContactPoint.value)
        .where(ContactPoint.official_id.in_(ids), ContactPoint.removed_at.is_(None))
        .order_by(ContactPoint.official_id, ContactPoint.position, ContactPoint.id)
    ).all()
    ranges = session.execute(
        select(
            OfficeRange.official_id, OfficeRange.weekday, OfficeRange.opens, OfficeRange.closes
        ).where(OfficeRange.official_id.in_(ids))
    ).all()
    if not officials:
        raise InvalidInput("Every official of the demo campaign is archived; unarchive one.")
    return [
        Target(
            official_id,
            timezone,
            OfficeHours.of(r[1:] for r in ranges if r[0] == official_id),
            contacts([p[1:] for p in points if p[0] == official_id]),
        )
        for official_id, timezone in officials
    ]


def sample_times(plan: Plan, start_ts: int, attempts: int) -> None:
    """Draw every attempt's instant and official; busier in office hours, on weekdays.

    Fills ``plan.encoded`` (sorted by time) and the per-official lists used to find
    the attempt that completes a follow-up.
    """
    rng, targets, end_ts = plan.rng, plan.targets, plan.end_ts
    slots = -(-(end_ts - start_ts) // 3600)  # UTC hours, the last one maybe partial
    last_len = end_ts - (start_ts + (slots - 1) * 3600)
    weeks = [_week_factor(rng, week, slots // 168 + 1) for week in range(slots // 168 + 1)]
    counts = _apportion(attempts, [0.5 + rng.random() for _ in targets])
    profiles: dict[tuple[Any, ...], list[float]] = {}
    rand, n, encoded = rng.random, len(targets), plan.encoded
    for index, (target, count) in enumerate(zip(targets, counts, strict=True)):
        clock = LocalClock.of(target.timezone)
        key = (target.timezone, target.hours)
        if key not in profiles:
            profiles[key] = _slot_weights(target, clock, start_ts, slots, weeks, last_len)
        picked = rng.choices(range(slots), cum_weights=profiles[key], k=count)
        encoded.extend(
            (start_ts + s * 3600 + int(rand() * (3600 if s < slots - 1 else last_len))) * n + index
            for s in picked
        )
    encoded.sort()
    plan.times_by_target = [[] for _ in targets]
    plan.positions_by_target = [[] for _ in targets]
    for pos, value in enumerate(encoded):
        ts, index = divmod(value, n)
        plan.times_by_target[index].append(ts)
        plan.positions_by_target[index].append(pos)


def _week_factor(rng: random.Random, week: int, weeks: int) -> float:
    """How busy a week is: slowly growing, uneven, with the odd push after an alert."""
    push = 3.0 if rng.random() < 0.08 else 1.0
    return (0.5 + 0.5 * week / weeks) * (0.6 + 0.8 * rng.random()) * push


def _slot_weights(
    target: Target, clock: LocalClock, start_ts: int, slots: int, weeks: list[float], last_len: int
) -> list[float]:
    """Cumulative weights of the window's UTC hours for an official's zone and office hours."""
    by_hour = _hour_weights(target.hours)
    weights = []
    for slot in range(slots):
        weekday, hour = clock.weekday_hour(start_ts + slot * 3600)
        weights.append(by_hour[weekday][hour] * weeks[slot // 168])
    weights[-1] *= last_len / 3600
    return cumulative(weights)


def _hour_weights(hours: OfficeHours) -> list[list[float]]:
    """How busy each local (weekday, hour) is: most calls in office hours, some in the hour
    around an opening or closing (a lunch break too), a few faxes and emails at night."""
    table = []
    for weekday, day in enumerate(hours.week):
        row = []
        for hour in range(24):
            if hours.is_open_at(weekday, time(hour, 30)):
                weight = 1.0
            elif any(o.hour - 1 <= hour <= c.hour for o, c in day):
                weight = 0.2
            elif day:
                weight = 0.02  # faxes and emails sent at night
            else:
                weight = 0.03 if 9 <= hour < 18 else 0.005
            row.append(weight)
        table.append(row)
    return table


def _apportion(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders get the leftovers)."""
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts
