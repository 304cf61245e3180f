"""Queue health: how many targets with a follow-up due can be contacted now, and why the
others cannot.

A *target* here is one official in one campaign with at least one open follow-up due
today or earlier (a snoozed one included: it would be due but for the snooze). Each
target that cannot be contacted now counts under the first reason that applies, in
:data:`REASONS` order, so the counts add up to the total:

1. **snoozed**: every due follow-up of the target is snoozed (until when);
2. **no contact point** of the chosen channel's kind (no phone number, for a call);
3. **every number suspect**: each such point failed twice in a row (models.freshness);
4. **daily limit reached**: the campaign's cap of attempts per official for the
   official's local day is used up (models.guard);
5. **public holiday** where the official sits, and
6. **office closed** (with when it opens): only for calls, the channel that needs
   someone in the office; a fax, an email or a letter arrives whenever it is sent.

Four statements whatever the size: the targets (the open follow-ups due, grouped in SQL
before they are joined to names), their officials' contact points of the channel (grouped),
the live attempts of the widest local day on Earth around now, counted per target in the
official's own day, and the officials' office hours, from which each official's office
state is computed once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from models.freshness import SUSPECT_AFTER
from models.guard import local_day, local_day_bounds
from models.office_status import Availability, availability, when
from models.queue import office_hours
from models.tables import Attempt, Campaign, ContactPoint, FollowUp, Official
from models.vocab import CHANNEL_FOR_KIND, Channel

SNOOZED = "snoozed"
NO_CONTACT_POINT = "no contact point for this channel"
ALL_SUSPECT = "every number suspect"
CAPPED = "daily limit reached"
HOLIDAY = "public holiday"
CLOSED = "office closed"
REASONS = (SNOOZED, NO_CONTACT_POINT, ALL_SUSPECT, CAPPED, HOLIDAY, CLOSED)
OFFICE_CHANNELS = frozenset({Channel.PHONE})  # channels that need the office open
# A local day starts at most 14 h before and ends 12 h after the UTC day (UTC+14, UTC-12).
_WIDEST_DAY = timedelta(hours=26)


@dataclass(frozen=True)
class Blocked:
    """One target that cannot be contacted now, and why."""

    campaign_id: int
    campaign: str
    official_id: int
    official: str
    reason: str  # one of REASONS
    detail: str  # "until Mon 14 Dec", "opens Mon 09:00", "New Year Holidays", "3 of 3"


@dataclass(frozen=True)
class Health:
    channel: Channel
    targets: int  # targets with a follow-up due today or earlier
    callable_now: int
    counts: dict[str, int]  # per reason, every reason present (0 included), REASONS order
    blocked: list[Blocked]  # the targets not callable, in REASONS order then by official

    def first_opening(self) -> str:
        """When the first closed office opens ("" if none is closed)."""
        return next((b.detail for b in self.blocked if b.reason == CLOSED and b.detail), "")


def queue_health(
    session: Session,
    *,
    today: date,
    now_utc: datetime,
    channel: Channel = Channel.PHONE,
    assignee_id: int | None = None,
) -> Health:
    """Health of the queue due by ``today`` (the coordinator's date), for ``channel``;
    only ``assignee_id``'s follow-ups when given (Mine), else everyone's (Team)."""
    targets = session.execute(_targets(_due(today, assignee_id), today)).all()
    among = {int(t.official_id) for t in targets}
    points = _points(session, among, channel)
    used = _used_today(session, targets, now_utc)
    hours = office_hours(session, among) if channel in OFFICE_CHANNELS else None
    states: dict[int, Availability] = {}
    blocked: list[Blocked] = []
    for t in targets:
        official_id = int(t.official_id)
        if hours is not None and official_id not in states:
            states[official_id] = availability(hours[official_id], t.timezone, t.country, now_utc)
        reason, detail = _why_not(
            t, points.get(official_id), used[(t.campaign_id, official_id)], states.get(official_id)
        )
        if reason:
            blocked.append(
                Blocked(int(t.campaign_id), t.campaign, official_id, t.official, reason, detail)
            )
    blocked.sort(key=lambda b: (REASONS.index(b.reason), b.official, b.campaign))
    counted = Counter(b.reason for b in blocked)
    return Health(
        channel=channel,
        targets=len(targets),
        callable_now=len(targets) - len(blocked),
        counts={reason: counted[reason] for reason in REASONS},
        blocked=blocked,
    )


def _due(today: date, assignee_id: int | None) -> list[Any]:
    """Open follow-ups due by ``today`` (snoozed or not), ``assignee_id``'s if given
    (completed_at is NULL exactly while a follow-up is open: ix_follow_ups_open_at)."""
    where = [FollowUp.completed_at.is_(None), FollowUp.due_on <= today]
    if assignee_id is not None:
        where.append(FollowUp.assignee_id == assignee_id)
    return where


def _targets(due: list[Any], today: date) -> Any:
    """One row per campaign and official with a follow-up due: how many are not snoozed
    (grouped first, then joined to the campaign and the official)."""
    awake = or_(FollowUp.snoozed_until.is_(None), FollowUp.snoozed_until <= today)
    grouped = (
        select(
            FollowUp.campaign_id,
            FollowUp.official_id,
            func.count(case((awake, 1))).label("awake"),
            func.max(FollowUp.snoozed_until).label("snoozed_until"),
        )
        .where(*due)
        .group_by(FollowUp.campaign_id, FollowUp.official_id)
        .subquery("due")
    )
    return (
        select(
            grouped,
            Campaign.name.label("campaign"),
            Campaign.daily_cap,
            Official.full_name.label("official"),
            Official.timezone,
            Official.country,
        )
        .join(Campaign, Campaign.id == grouped.c.campaign_id)
        .join(Official, Official.id == grouped.c.official_id)
        .order_by(grouped.c.campaign_id, grouped.c.official_id)
    )


def _points(session: Session, among: set[int], channel: Channel) -> dict[int, int]:
    """Per official in ``among`` with points of ``channel``'s kind: how many of those are
    not suspect."""
    kinds = sorted(kind for kind, c in CHANNEL_FOR_KIND.items() if c == channel)
    if not kinds or not among:
        return {}
    rows = session.execute(
        select(
            ContactPoint.official_id,
            func.count(case((ContactPoint.failures_in_a_row < SUSPECT_AFTER, 1))),
        )
        .where(
            ContactPoint.official_id.in_(sorted(among)),
            ContactPoint.kind.in_(kinds),
            ContactPoint.removed_at.is_(None),
        )
        .group_by(ContactPoint.official_id)
    )
    return {int(official_id): int(sound) for official_id, sound in rows}


def _used_today(
    session: Session, targets: Sequence[Any], now_utc: datetime
) -> Counter[tuple[int, int]]:
    """Live attempts per target (campaign, official) on the official's current local day:
    the attempts of the widest local day around now, sorted out here (a bound per
    official would be a statement per official)."""
    used: Counter[tuple[int, int]] = Counter()
    bounds = {
        (int(t.campaign_id), int(t.official_id)): local_day_bounds(
            local_day(now_utc, t.timezone), t.timezone
        )
        for t in targets
    }
    if not bounds:
        return used
    rows = session.execute(
        select(Attempt.campaign_id, Attempt.official_id, Attempt.occurred_at).where(
            Attempt.deleted_at.is_(None),
            Attempt.occurred_at >= now_utc - _WIDEST_DAY,
            Attempt.occurred_at < now_utc + _WIDEST_DAY,
        )
    )
    for campaign_id, official_id, occurred_at in rows:
        window = bounds.get((campaign_id, official_id))
        if window is not None and window[0] <= occurred_at < window[1]:
            used[(campaign_id, official_id)] += 1
    return used


def _why_not(
    target: Any, sound_points: int | None, used: int, state: Availability | None
) -> tuple[str, str]:
    """The first reason the target cannot be contacted now, and its detail; ("", "") if
    it can."""
    if not target.awake:
        return SNOOZED, f"until {target.snoozed_until:%a %d %b}"
    if sound_points is None:
        return NO_CONTACT_POINT, ""
    if sound_points == 0:
        return ALL_SUSPECT, ""
    if used >= target.daily_cap:
        return CAPPED, f"{used} of {target.daily_cap} today"
    if state is not None and not state.callable:
        opens = "" if state.opens_at is None else f"opens {when(state.opens_at, state.local_time)}"
        if state.holiday:
            return HOLIDAY, ", ".join(p for p in (state.holiday, opens) if p)
        return CLOSED, opens or "no office hours known"
    return "", ""
