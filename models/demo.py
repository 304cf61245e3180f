"""A synthetic outreach history for trying the charts: clearly marked, deterministic, fast.

Everything made here is demo data: the campaign "Demo: synthetic history (not real
data)", its officials and its coordinators all carry ``is_demo=True``; every number is
in a range set aside for fiction (US 555-01xx, UK 020 7946 0xxx, Australia 5550) and
every email and web address is at example.org. The seeded officials, if present, are
targeted too, so the charts show real names.

Decisions, measured on the 2-core reference machine:

* **One transaction**, so a failed demo changes nothing. On SQLite the WAL grows to
  about the size of what was written (some 600 MB for a million attempts with their
  indexes) until the last connection closes or ``cli.py demo`` checkpoints it.
* **Rows are made as plain tuples of the values the columns store** and handed to
  the driver: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. With SQLAlchemy
  Core's ``insert()`` executemany a million attempts took 36 s on SQLite, half of it
  in per-row parameter processing (the UTC type's ``astimezone``, SQLite's
  datetime-to-text); the ORM bulk path was slower still. This path took 15 s, and
  takes about 30 s since the Insights indexes and rollups came (20 s inserting, 7 s
  in :func:`models.insights.upkeep.rebuild_rollups`). On PostgreSQL, COPY made 200,000
  attempts in 7-10 s against 10-14 s for the driver's executemany. :class:`_Writer`
  produces the stored forms, and a test pins them to what the column types store.
* **Derived columns are filled as rows are made**: the reply's time, and the local
  weekday and hour from the zone's UTC offset looked up once per hour of the window.
* **Attempt ids are assigned here** (after the current maximum, in time order), so
  replies and follow-ups point at attempts without reading ids back. On PostgreSQL
  the attempts table is locked against other writers for the run and its sequence
  is moved past the new ids afterwards.
"""

from __future__ import annotations

import bisect
import json
import random
import time as clock
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from models.audit import record_event
from models.db import session_scope
from models.directory import OfficialInput, add_contact_point, add_target, create_official
from models.insights.upkeep import rebuild_rollups
from models.localtime import zone
from models.seed import SEED_FILE
from models.tables import Attempt, Campaign, CampaignTarget, ContactPoint, Official, User
from models.text import InvalidInput
from models.users import user_key
from models.vocab import (
    CHANNEL_FOR_KIND,
    LIVE_CLASSES,
    Channel,
    ContactKind,
    FollowUpStatus,
    Outcome,
    OutcomeClass,
    Role,
    Stance,
)

DEMO_CAMPAIGN_NAME = "Demo: synthetic history (not real data)"
MAX_BATCH = 50_000
DAY = 86_400
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ProgressFn = Callable[[int, int], None]
Row = tuple[Any, ...]

# The columns each generated row fills, in its tuple's order.
ATTEMPT_COLUMNS = (
    "id", "campaign_id", "official_id", "contact_point_id", "contact_value", "channel",
    "outcome", "outcome_class", "occurred_at", "duration_s", "notes", "coordinator_id",
    "idempotency_key", "created_at", "responded_at", "local_weekday", "local_hour",
)  # fmt: skip
RESPONSE_COLUMNS = (
    "attempt_id", "stance", "summary", "responded_at", "commitment_on", "recorded_by_id",
    "created_at",
)  # fmt: skip
FOLLOW_UP_COLUMNS = (
    "campaign_id", "official_id", "due_on", "assignee_id", "reason", "status",
    "source_attempt_id", "completed_by_attempt_id", "completed_at", "created_by_id",
    "created_at",
)  # fmt: skip
COMPLETED_BY = FOLLOW_UP_COLUMNS.index("completed_by_attempt_id")

# (full name, title, organisation, IANA zone, country, phone, fax, email, address)
DEMO_OFFICIALS: tuple[tuple[str, ...], ...] = (
    ("Margaret Ellison", "Senior Adviser for Human Rights", "Office of the Example Envoy (demo)",
     "America/New_York", "US", "+1 212 555 0142", "+1 212 555 0143",
     "m.ellison@example.org", "1 Example Plaza, New York, NY"),
    ("Daniel Okafor", "Chief of Staff", "Committee on Foreign Affairs (demo)",
     "America/New_York", "US", "+1 202 555 0118", "+1 202 555 0119",
     "d.okafor@example.org", "200 Sample Avenue, Washington, DC"),
    ("Rosa Delgado", "Regional Director", "Consulate of Exampleland (demo)",
     "America/Chicago", "US", "+1 312 555 0167", "+1 312 555 0168",
     "r.delgado@example.org", "55 Fiction Street, Chicago, IL"),
    ("Wen Li", "Human Rights Officer", "Consulate of Exampleland (demo)",
     "America/Los_Angeles", "US", "+1 213 555 0131", "+1 213 555 0132",
     "w.li@example.org", "9 Placeholder Road, Los Angeles, CA"),
    ("Claire Tremblay", "Desk Officer, Eastern Europe", "Ministry of Examples (demo)",
     "America/Toronto", "CA", "+1 613 555 0154", "+1 613 555 0155",
     "c.tremblay@example.org", "12 Sample Street, Ottawa, ON"),
    ("Oliver Pembroke", "Head of the Human Rights Unit", "Office of Examples (demo)",
     "Europe/London", "GB", "+44 20 7946 0321", "+44 20 7946 0322",
     "o.pembroke@example.org", "3 Fictional Lane, London"),
    ("Priya Natarajan", "Policy Officer", "Office of Examples (demo)",
     "Europe/London", "GB", "+44 113 496 0555", "+44 113 496 0556",
     "p.natarajan@example.org", "8 Example Row, Leeds"),
    ("Hamish McAllister", "First Secretary", "High Commission of Exampleland (demo)",
     "Australia/Sydney", "AU", "+61 2 5550 4321", "+61 2 5550 4322",
     "h.mcallister@example.org", "40 Sample Parade, Sydney NSW"),
)  # fmt: skip

# How a coordinator reaches an office: mostly phone and fax.
CHANNEL_WEIGHT: dict[Channel, float] = {
    Channel.PHONE: 55, Channel.FAX: 25, Channel.EMAIL: 8,
    Channel.LETTER: 4, Channel.SOCIAL_MEDIA: 3, Channel.IN_PERSON: 1,
}  # fmt: skip

# Outcome frequencies per channel; each key is allowed for its channel (OUTCOMES_BY_CHANNEL).
OUTCOME_WEIGHT: dict[Channel, dict[Outcome, float]] = {
    Channel.PHONE: {
        Outcome.NO_ANSWER: 30, Outcome.BUSY: 8, Outcome.VOICEMAIL_FULL: 5,
        Outcome.WRONG_NUMBER: 1, Outcome.LEFT_VOICEMAIL: 20, Outcome.SPOKE_TO_STAFF: 23,
        Outcome.SPOKE_TO_OFFICIAL: 3, Outcome.ASKED_TO_CALL_BACK: 6, Outcome.REFUSED: 4,
    },
    Channel.FAX: {Outcome.BUSY: 10, Outcome.WRONG_NUMBER: 2, Outcome.FAILED_TO_SEND: 12,
                  Outcome.SENT: 76},
    Channel.EMAIL: {Outcome.FAILED_TO_SEND: 4, Outcome.SENT: 96},
    Channel.LETTER: {Outcome.FAILED_TO_SEND: 2, Outcome.SENT: 98},
    Channel.IN_PERSON: {Outcome.NO_ANSWER: 20, Outcome.SPOKE_TO_STAFF: 50,
                        Outcome.SPOKE_TO_OFFICIAL: 10, Outcome.ASKED_TO_CALL_BACK: 10,
                        Outcome.REFUSED: 10},
    Channel.SOCIAL_MEDIA: {Outcome.FAILED_TO_SEND: 5, Outcome.SENT: 85,
                           Outcome.SPOKE_TO_STAFF: 10},
}  # fmt: skip

# Seconds a call or visit lasted, as (minimum, spread); other channels have no duration.
DURATION: dict[OutcomeClass, tuple[int, int]] = {
    OutcomeClass.NO_CONTACT: (15, 30), OutcomeClass.DELIVERED: (30, 90),
    OutcomeClass.REACHED: (60, 600), OutcomeClass.REFUSED: (10, 60),
}  # fmt: skip
TIMED_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})

# Chance that an attempt ever gets an answer on substance, and of a follow-up being set.
RESPONSE_CHANCE = {OutcomeClass.NO_CONTACT: 0.01, OutcomeClass.DELIVERED: 0.08,
                   OutcomeClass.REACHED: 0.35, OutcomeClass.REFUSED: 0.40}  # fmt: skip
FOLLOW_UP_CHANCE = {OutcomeClass.NO_CONTACT: 0.10, OutcomeClass.DELIVERED: 0.20,
                    OutcomeClass.REACHED: 0.30, OutcomeClass.REFUSED: 0.05}  # fmt: skip
CALL_BACK_FOLLOW_UP_CHANCE = 0.8
LIVE_RESPONSE_CHANCE = 0.7  # of replies from an office that was reached: given on the spot
COMMITMENT_CHANCE = 0.4  # of "will forward / will reply": with a date, which is a follow-up

STANCE_WEIGHT: dict[bool, dict[Stance, float]] = {  # keyed by "the office refused"
    False: {Stance.SUPPORTIVE: 10, Stance.WILL_FORWARD: 40, Stance.NONCOMMITTAL: 30,
            Stance.NO_COMMENT: 15, Stance.OPPOSED: 5},
    True: {Stance.NO_COMMENT: 60, Stance.OPPOSED: 40},
}  # fmt: skip
SUMMARY = {
    Stance.SUPPORTIVE: "Demo: the office shares the concern and will raise it.",
    Stance.WILL_FORWARD: "Demo: the message will be passed on; a written reply was promised.",
    Stance.NONCOMMITTAL: "Demo: the office listened and gave no position.",
    Stance.NO_COMMENT: "Demo: the office declined to comment.",
    Stance.OPPOSED: "Demo: the office rejected the reports.",
}
NOTES = ("Demo: asked for the right person's name.", "Demo: the line was poor.")
NOTES_CHANCE = 0.05

# Follow-up fates: cancelled, forgotten (stays open), done on time; the rest are done late.
CANCELLED_BELOW, FORGOTTEN_BELOW, ON_TIME_BELOW = 0.05, 0.15, 0.75

Table_ = tuple[tuple[Any, ...], list[float]]  # items and their cumulative weights


@dataclass(frozen=True)
class DemoReport:
    campaign_id: int
    attempts: int
    responses: int
    follow_ups: int
    seconds: float


@dataclass(frozen=True)
class _Kind:
    """An outcome as reached through one channel, with what tends to follow it."""

    outcome: str
    outcome_class: str
    timed: bool
    live: bool
    refused: bool
    low: int
    spread: int
    response_chance: float
    follow_up_chance: float


@dataclass(frozen=True)
class _Contact:
    channel: str
    contact_point_id: int | None
    value: str
    kinds: Table_  # the outcomes of this channel


@dataclass(frozen=True)
class _Target:
    """One official as the generator needs it: zone, office hours, ways to reach them."""

    official_id: int
    timezone: str
    office_days: int
    opens: time
    closes: time
    contacts: Table_


@dataclass
class _Plan:
    """Everything decided before the rows are made; the hot loop only reads it."""

    rng: random.Random
    campaign_id: int
    first_id: int
    end_ts: int  # nothing happens at or after this instant (epoch seconds)
    targets: list[_Target]
    coordinators: Table_
    # Sorted: occurred_at (epoch seconds) * len(targets) + the target's index.
    encoded: list[int] = field(default_factory=list)
    times_by_target: list[list[int]] = field(default_factory=list)
    positions_by_target: list[list[int]] = field(default_factory=list)
    clocks: list[_LocalClock] = field(default_factory=list)  # by target index


class _LocalClock:
    """Weekday and hour in one zone for instants of the window, without a tz lookup per row.

    The zone's UTC offset is looked up once per UTC hour of the window; an hour in which
    it changes (a daylight-saving switch) is looked up instant by instant instead.
    """

    def __init__(self, timezone: str, start_ts: int, slots: int) -> None:
        self.tz, self.start = zone(timezone), start_ts
        offsets = [self._offset(start_ts + slot * 3600) for slot in range(slots + 1)]
        self.offsets: list[int | None] = [
            offsets[slot] if offsets[slot] == offsets[slot + 1] else None for slot in range(slots)
        ]

    def _offset(self, ts: int) -> int:
        offset = datetime.fromtimestamp(ts, self.tz).utcoffset()
        return int(offset.total_seconds()) if offset is not None else 0

    def weekday_hour(self, ts: int) -> tuple[int, int]:
        """(weekday with 0 = Monday, hour) of the instant ``ts`` (epoch seconds) locally."""
        offset = self.offsets[(ts - self.start) // 3600]
        if offset is None:
            local = datetime.fromtimestamp(ts, self.tz)
            return local.weekday(), local.hour
        local_ts = ts + offset
        return (local_ts // DAY + 3) % 7, local_ts % DAY // 3600  # 1 January 1970: a Thursday


def make_demo(
    session_or_engine: Session | Engine,
    *,
    attempts: int,
    seed: int | None = None,
    weeks: int = 104,
    today: date | None = None,
    progress: ProgressFn | None = None,
) -> DemoReport:
    """Add ``attempts`` synthetic attempts over ``weeks`` weeks ending ``today`` (UTC).

    With an engine the whole run is one transaction; with a session the caller owns
    it. The window ends now (to the minute), or at the end of ``today`` if that is
    past, so the same ``seed`` and a past ``today`` give the same rows every time.
    """
    if attempts < 1:
        raise InvalidInput("The demo needs at least 1 attempt.")
    if weeks < 1:
        raise InvalidInput("The demo needs at least 1 week.")
    if isinstance(session_or_engine, Engine):
        with session_scope(session_or_engine) as session:
            return make_demo(
                session, attempts=attempts, seed=seed, weeks=weeks, today=today, progress=progress
            )
    session, started = session_or_engine, clock.perf_counter()
    start_ts, end_ts = _window(weeks, today)
    campaign_id = _ensure_campaign(session)
    officials_added = _ensure_demo_officials(session, campaign_id)
    coordinators, coordinators_added = _ensure_coordinators(session, _coordinator_count(attempts))
    rng = random.Random(seed)
    with _attempt_ids(session) as first_id:
        weights = [rng.paretovariate(1.5) for _ in coordinators]  # a few make most calls
        plan = _Plan(
            rng, campaign_id, first_id, end_ts, _load_targets(session, campaign_id),
            (tuple(coordinators), _cumulative(weights)),
        )  # fmt: skip
        _sample_times(plan, start_ts, attempts)
        responses, follow_ups = _insert_all(_Writer(session), plan, progress)
    rebuild_rollups(session)  # the Insights counts, for everything just added
    record_event(
        session,
        actor_id=None,
        action="demo",
        entity="campaign",
        entity_id=campaign_id,
        changes={
            "attempts": attempts, "responses": responses, "follow_ups": follow_ups,
            "officials_added": officials_added, "coordinators_added": coordinators_added,
            "first_attempt_id": first_id, "seed": seed, "weeks": weeks,
            "window_utc": [_iso(start_ts), _iso(end_ts)],
        },
    )  # fmt: skip
    session.flush()
    seconds = round(clock.perf_counter() - started, 3)
    return DemoReport(campaign_id, attempts, responses, follow_ups, seconds)


def _window(weeks: int, today: date | None) -> tuple[int, int]:
    """(start, end) in epoch seconds: ``weeks`` whole weeks of UTC days ending ``today``."""
    now = datetime.now(UTC)
    day = (today or now.date()).toordinal() - EPOCH_ORDINAL
    start = (day - weeks * 7 + 1) * DAY
    end = min(int(now.timestamp()) // 60 * 60, (day + 1) * DAY)
    if end <= start:
        raise InvalidInput("The demo window would end before it starts; pick an earlier day.")
    return start, end


def _coordinator_count(attempts: int) -> int:
    return max(20, min(50, attempts // 20_000))


def _ensure_campaign(session: Session) -> int:
    found = session.scalar(select(Campaign.id).where(Campaign.name == DEMO_CAMPAIGN_NAME))
    if found is not None:
        return found
    campaign = Campaign(
        name=DEMO_CAMPAIGN_NAME,
        description="Synthetic attempts, replies and follow-ups for trying the charts. "
        "None of it happened.",
        ask="(demo) Support an independent investigation.",
        call_script="**Demo campaign.** Nothing here is real data.",
        source="models/demo.py",
        is_demo=True,
    )
    session.add(campaign)
    session.flush()
    return campaign.id


def _ensure_demo_officials(session: Session, campaign_id: int) -> int:
    """Create the missing demo officials; target them and the seeded ones. Returns added."""
    added = 0
    kinds = (ContactKind.PHONE, ContactKind.FAX, ContactKind.EMAIL, ContactKind.ADDRESS,
             ContactKind.WEB)  # fmt: skip
    for name, title, org, tz, country, phone, fax, email, address in DEMO_OFFICIALS:
        contacts = (phone, fax, email, address, f"https://example.org/{email.split('@')[0]}")
        official_id = session.scalar(
            select(Official.id).where(Official.full_name == name, Official.organization == org)
        )
        if official_id is None:
            data = OfficialInput(
                full_name=name, title=title, organization=org, country=country, timezone=tz,
                notes="Demo official: not a real person.", is_demo=True,
            )  # fmt: skip
            official_id = create_official(session, data, actor_id=None)
            for kind, value in zip(kinds, contacts, strict=True):
                add_contact_point(
                    session, official_id=official_id, kind=kind, value=value, is_primary=True,
                    actor_id=None,
                )  # fmt: skip
            added += 1
        add_target(session, campaign_id, official_id, actor_id=None)
    for official_id in _seeded_official_ids(session):
        add_target(session, campaign_id, official_id, actor_id=None)
    return added


def _seeded_official_ids(session: Session) -> list[int]:
    name = json.loads(SEED_FILE.read_text(encoding="utf-8"))["campaign"]["name"]
    stmt = (
        select(CampaignTarget.official_id)
        .join(Campaign, Campaign.id == CampaignTarget.campaign_id)
        .join(Official, Official.id == CampaignTarget.official_id)
        .where(Campaign.name == name, Official.archived_at.is_(None))
    )
    return list(session.scalars(stmt))


def _ensure_coordinators(session: Session, count: int) -> tuple[list[int], int]:
    """Ids of "Demo coordinator 01" up to ``count``, creating the missing ones."""
    keys = {user_key(f"Demo coordinator {n:02d}"): f"Demo coordinator {n:02d}"
            for n in range(1, count + 1)}  # fmt: skip
    rows = session.execute(select(User.name, User.id).where(User.name.in_(list(keys))))
    ids = {name: user_id for name, user_id in rows}
    missing = [User(name=key, display_name=name, role=Role.COORDINATOR, is_demo=True)
               for key, name in keys.items() if key not in ids]  # fmt: skip
    session.add_all(missing)
    session.flush()
    ids |= {user.name: user.id for user in missing}
    return [ids[key] for key in keys], len(missing)


@contextmanager
def _attempt_ids(session: Session) -> Iterator[int]:
    """The first free attempt id, kept ours for the transaction; PostgreSQL's sequence after."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Other writers of attempts wait until we commit, so the ids we hand out stay ours.
        session.execute(text("LOCK TABLE attempts IN SHARE ROW EXCLUSIVE MODE"))
    yield (session.scalar(select(func.max(Attempt.id))) or 0) + 1
    if postgres:
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('attempts', 'id'), "
                "(SELECT max(id) FROM attempts))"
            )
        )


def _load_targets(session: Session, campaign_id: int) -> list[_Target]:
    officials = session.execute(
        select(
            Official.id, Official.timezone, Official.office_days, Official.office_opens,
            Official.office_closes,
        )
        .join(CampaignTarget, CampaignTarget.official_id == Official.id)
        .where(CampaignTarget.campaign_id == campaign_id, Official.archived_at.is_(None))
        .order_by(Official.id)
    ).all()  # fmt: skip
    points = session.execute(
        select(ContactPoint.official_id, ContactPoint.id, ContactPoint.kind, ContactPoint.value)
        .where(ContactPoint.official_id.in_([o.id for o in officials]))
        .order_by(ContactPoint.official_id, ContactPoint.position, ContactPoint.id)
    ).all()
    if not officials:
        raise InvalidInput("Every official of the demo campaign is archived; unarchive one.")
    return [
        _Target(*official, _contacts([p[1:] for p in points if p[0] == official[0]]))
        for official in officials
    ]


def _contacts(points: list[Any]) -> Table_:
    """Each contact point with its channel's weight shared among the points of that kind.

    A visit in person needs no contact point, so every official can be visited.
    """
    options = [(CHANNEL_FOR_KIND[kind], point_id, value) for point_id, kind, value in points]
    options.append((Channel.IN_PERSON, None, ""))
    per_channel = {channel: sum(1 for o in options if o[0] == channel) for channel, _, _ in options}
    contacts = tuple(_Contact(ch.value, pid, value, KINDS[ch]) for ch, pid, value in options)
    return contacts, _cumulative([CHANNEL_WEIGHT[ch] / per_channel[ch] for ch, _, _ in options])


def _kinds(channel: Channel) -> Table_:
    kinds = []
    for outcome in OUTCOME_WEIGHT[channel]:
        klass = outcome.outcome_class
        low, spread = DURATION[klass]
        follow_up = FOLLOW_UP_CHANCE[klass]
        if outcome is Outcome.ASKED_TO_CALL_BACK:
            follow_up = CALL_BACK_FOLLOW_UP_CHANCE
        kinds.append(
            _Kind(
                outcome.value, klass.value, channel in TIMED_CHANNELS, klass in LIVE_CLASSES,
                klass is OutcomeClass.REFUSED, low, spread, RESPONSE_CHANCE[klass], follow_up,
            )
        )  # fmt: skip
    return tuple(kinds), _cumulative(list(OUTCOME_WEIGHT[channel].values()))


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _pick(table: Table_, roll: float) -> Any:
    """The item of ``table`` that ``roll`` (uniform in [0, 1)) falls on."""
    items, cum = table
    return items[bisect.bisect(cum, roll * cum[-1], 0, len(cum) - 1)]


KINDS = {channel: _kinds(channel) for channel in OUTCOME_WEIGHT}
STANCES = {
    refused: ((tuple((s.value, SUMMARY[s]) for s in weights)), _cumulative(list(weights.values())))
    for refused, weights in STANCE_WEIGHT.items()
}


def _sample_times(plan: _Plan, start_ts: int, attempts: int) -> None:
    """Draw every attempt's instant and official; busier in office hours, on weekdays.

    Fills ``plan.encoded`` (sorted by time) and the per-official lists used to find
    the attempt that completes a follow-up.
    """
    rng, targets, end_ts = plan.rng, plan.targets, plan.end_ts
    slots = -(-(end_ts - start_ts) // 3600)  # UTC hours, the last one maybe partial
    last_len = end_ts - (start_ts + (slots - 1) * 3600)
    weeks = [_week_factor(rng, week, slots // 168 + 1) for week in range(slots // 168 + 1)]
    counts = _apportion(attempts, [0.5 + rng.random() for _ in targets])
    clocks: dict[str, _LocalClock] = {}
    profiles: dict[tuple[Any, ...], list[float]] = {}
    rand, n, encoded = rng.random, len(targets), plan.encoded
    for index, (target, count) in enumerate(zip(targets, counts, strict=True)):
        if target.timezone not in clocks:
            clocks[target.timezone] = _LocalClock(target.timezone, start_ts, slots)
        plan.clocks.append(clocks[target.timezone])
        key = (target.timezone, target.office_days, target.opens, target.closes)
        if key not in profiles:
            profiles[key] = _slot_weights(target, plan.clocks[-1], slots, weeks, last_len)
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
    target: _Target, clock: _LocalClock, slots: int, weeks: list[float], last_len: int
) -> list[float]:
    """Cumulative weights of the window's UTC hours for an official's zone and office hours."""
    opens, closes = target.opens.hour, target.closes.hour
    weights = []
    for slot in range(slots):
        weekday, hour = clock.weekday_hour(clock.start + slot * 3600)
        open_day = target.office_days >> weekday & 1
        if open_day and opens <= hour < closes:
            weight = 1.0
        elif open_day and opens - 1 <= hour <= closes:
            weight = 0.2
        elif open_day:
            weight = 0.02  # faxes and emails sent at night
        else:
            weight = 0.03 if 9 <= hour < 18 else 0.005
        weights.append(weight * weeks[slot // 168])
    weights[-1] *= last_len / 3600
    return _cumulative(weights)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders get the leftovers)."""
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Writer:
    """Rows straight to the driver, in the form the columns store (see the module notes)."""

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.sqlite = self.connection.dialect.name == "sqlite"
        self._days: dict[int, Any] = {}

    def day(self, epoch_day: int) -> Any:
        """A ``Date`` column's value: ISO text on SQLite, a date on PostgreSQL."""
        value = self._days.get(epoch_day)
        if value is None:
            value = date.fromordinal(EPOCH_ORDINAL + epoch_day)
            value = self._days[epoch_day] = value.isoformat() if self.sqlite else value
        return value

    def stamp(self, ts: int) -> Any:
        """A ``UTCDateTime`` value: SQLAlchemy's SQLite text of naive UTC, else aware UTC."""
        if not self.sqlite:
            return EPOCH + timedelta(seconds=ts)
        day, second = divmod(ts, DAY)
        hour, second = divmod(second, 3600)
        return f"{self.day(day)} {hour:02d}:{second // 60:02d}:{second % 60:02d}.000000"

    def write(self, table: str, columns: tuple[str, ...], rows: list[Row]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _insert_all(writer: _Writer, plan: _Plan, progress: ProgressFn | None) -> tuple[int, int]:
    """Attempts batch by batch with their replies; follow-ups once the attempt that
    completes them is in. Returns (responses, follow-ups)."""
    total, responses, follow_ups = len(plan.encoded), 0, 0
    batch = max(1_000, min(MAX_BATCH, total // 20))  # progress at least every 5% of a big run
    pending: list[Row] = []
    for lo in range(0, total, batch):
        hi = min(total, lo + batch)
        attempts, replies, made = _rows(plan, writer, lo, hi)
        writer.write("attempts", ATTEMPT_COLUMNS, attempts)
        writer.write("responses", RESPONSE_COLUMNS, replies)
        last_id, pending = plan.first_id + hi - 1, pending + made
        ready = [f for f in pending if (f[COMPLETED_BY] or 0) <= last_id]
        pending = [f for f in pending if (f[COMPLETED_BY] or 0) > last_id]
        writer.write("follow_ups", FOLLOW_UP_COLUMNS, ready)
        responses, follow_ups = responses + len(replies), follow_ups + len(ready)
        if progress is not None:
            progress(hi, total)
    return responses, follow_ups


def _rows(plan: _Plan, writer: _Writer, lo: int, hi: int) -> tuple[list[Row], list[Row], list[Row]]:
    """Attempt, reply and follow-up rows for attempts ``lo`` to ``hi`` in time order."""
    rand, n, first_id, stamp = plan.rng.random, len(plan.targets), plan.first_id, writer.stamp
    who = plan.rng.choices(plan.coordinators[0], cum_weights=plan.coordinators[1], k=hi - lo)
    attempts: list[Row] = []
    replies: list[Row] = []
    follow_ups: list[Row] = []
    for pos in range(lo, hi):
        ts, index = divmod(plan.encoded[pos], n)
        target = plan.targets[index]
        contact: _Contact = _pick(target.contacts, rand())
        kind: _Kind = _pick(contact.kinds, rand())
        duration = kind.low + int(rand() * kind.spread) if kind.timed else None
        notes = NOTES[int(rand() * len(NOTES))] if rand() < NOTES_CHANCE else ""
        by, when, responded_at = who[pos - lo], stamp(ts), None
        if rand() < kind.response_chance:
            reply = _reply(plan, writer, kind, pos, ts + (duration or 0), by)
            if reply is not None:
                replies.append(reply[0])
                responded_at = reply[0][3]
                if reply[2] is not None:
                    made = _follow_up(
                        plan, writer, index, pos, reply[1], reply[2], by, "commitment"
                    )
                    follow_ups.append(made)
        attempts.append((
            first_id + pos, plan.campaign_id, target.official_id, contact.contact_point_id,
            contact.value, contact.channel, kind.outcome, kind.outcome_class, when, duration,
            notes, by, f"demo-{first_id}-{pos:08d}", when, responded_at,
            *plan.clocks[index].weekday_hour(ts),
        ))  # fmt: skip
        if rand() < kind.follow_up_chance:
            due = ts // DAY + 1 + int(rand() * 14)
            follow_ups.append(_follow_up(plan, writer, index, pos, ts, due, by, "follow up"))
    return attempts, replies, follow_ups


def _reply(
    plan: _Plan, writer: _Writer, kind: _Kind, pos: int, ended: int, by: int
) -> tuple[Row, int, int | None] | None:
    """(row, when, commitment day) of a reply given live or days later; None if not yet."""
    rand = plan.rng.random
    at = ended
    if not (kind.live and rand() < LIVE_RESPONSE_CHANCE):
        at += 3600 + int(plan.rng.expovariate(1 / (3 * DAY)))
    if at >= plan.end_ts:
        return None  # that reply has not come yet
    stance, summary = _pick(STANCES[kind.refused], rand())
    commitment = None
    if stance == Stance.WILL_FORWARD and rand() < COMMITMENT_CHANCE:
        commitment = at // DAY + 7 + int(rand() * 14)
    on = None if commitment is None else writer.day(commitment)
    when = writer.stamp(at)
    return (plan.first_id + pos, stance, summary, when, on, by, when), at, commitment


def _follow_up(
    plan: _Plan, writer: _Writer, index: int, pos: int, ts: int, due: int, by: int, reason: str
) -> Row:
    """A follow-up made at ``ts`` and due on epoch day ``due``: cancelled, forgotten, or
    done (on time or late) by the official's first attempt after the chosen moment."""
    rand, due_end, roll = plan.rng.random, (due + 1) * DAY, plan.rng.random()
    status, completed_at, completed_by = FollowUpStatus.OPEN.value, None, None
    if roll < CANCELLED_BELOW:
        at = ts + 1 + int(rand() * (due_end - ts))
        if at < plan.end_ts:
            status, completed_at = FollowUpStatus.CANCELLED.value, writer.stamp(at)
    elif roll >= FORGOTTEN_BELOW:
        if roll < ON_TIME_BELOW:
            at = ts + 1 + int(rand() * (due_end - ts))
        else:
            at = due_end + int(plan.rng.expovariate(1 / (4 * DAY)))
        times = plan.times_by_target[index]
        j = bisect.bisect_left(times, at)
        if at < plan.end_ts and j < len(times):
            status, completed_at = FollowUpStatus.DONE.value, writer.stamp(times[j])
            completed_by = plan.first_id + plan.positions_by_target[index][j]
    official_id, source = plan.targets[index].official_id, plan.first_id + pos
    return (
        plan.campaign_id, official_id, writer.day(due), by, reason, status, source,
        completed_by, completed_at, by, writer.stamp(ts),
    )  # fmt: skip


def _iso(ts: int) -> str:
    return (EPOCH + timedelta(seconds=ts)).isoformat()
