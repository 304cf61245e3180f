"""The Insights figures: each honours the shared filters, counts in SQL, returns a small value.

Counting happens in the database over ``models/insights/sources.py`` (rollup rows of whole weeks,
or of all time less the weeks outside the range, plus the days at its edges); only
arithmetic on the few aggregated rows (rates, intervals, shares, smoothing) happens
here. Every frame has the same columns when it is empty.
The definitions of the figures are in ``models/insights/definitions.py``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast

import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, case, func, select, text
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from models.filters import ATTEMPTS, Filters, start_of_day
from models.insights import sources as facts
from models.insights.counting import DELAY_BOUNDS, LIVE_OUTCOME_CLASSES
from models.insights.definitions import PRIOR_STRENGTH, SMALL_SAMPLE
from models.insights.follow_up_tiles import open_follow_ups
from models.sqlfuncs import week_start
from models.tables import Attempt, Official
from models.vocab import OutcomeClass

BAND_LABELS: tuple[str, ...] = (
    "under 1 minute", "1–5 minutes", "5–15 minutes", "15–60 minutes", "1–2 hours",
    "2–4 hours", "4–8 hours", "8–24 hours", "1–2 days", "2–4 days", "4–7 days",
    "7–14 days", "14–30 days", "30 days or more",
)  # fmt: skip
assert len(BAND_LABELS) == len(DELAY_BOUNDS) + 1
WILSON_Z = 1.959964  # two-sided 95%

WEEK_CHANNEL_COLUMNS = ["week", "channel", "attempts"]
RESPONSE_WEEK_COLUMNS = [
    "week", "attempts", "responded", "response_rate", "ci_low", "ci_high", "uncertain",
]  # fmt: skip
FOLLOW_UP_WEEK_COLUMNS = [
    "week", "due", "done_on_time", "done_late", "open_overdue", "open_not_due",
]  # fmt: skip
OFFICIAL_COLUMNS = [
    "official_id", "official", "organization", "attempts", "contacted", "contact_rate",
    "responded", "response_rate", "ci_low", "ci_high", "uncertain", "last_contact",
    "first_attempt", "first_response", "time_to_first_response_s",
]  # fmt: skip
OUTCOME_MIX_COLUMNS = ["channel", "outcome", "outcome_class", "attempts", "share"]
HOUR_COLUMNS = ["weekday", "hour", "attempts", "live_contacts", "rate", "smoothed_rate"]

F = TypeVar("F", bound=Callable[..., Any])


def _small_reads(figure: F) -> F:
    """Run ``figure`` with PostgreSQL's parallel workers off for this transaction.

    The figures read a few thousand rollup rows; starting workers for them (which the
    planner does once a table is analysed) costs more than the whole query.
    """

    @functools.wraps(figure)
    def run(session: Session, *args: Any, **kwargs: Any) -> Any:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        return figure(session, *args, **kwargs)

    return cast(F, run)


@dataclass(frozen=True)
class Period:
    """The headline counts of one period; rates and the median band are None without data."""

    start: date | None
    end: date
    attempts: int
    contacted: int
    responded: int
    median_band: int | None  # index into BAND_LABELS
    open_follow_ups: int | None  # None: not applicable (a channel filter is set)
    overdue_follow_ups: int | None

    @property
    def contact_rate(self) -> float | None:
        return self.contacted / self.attempts if self.attempts else None

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.attempts if self.attempts else None

    @property
    def median_label(self) -> str | None:
        return None if self.median_band is None else BAND_LABELS[self.median_band]


@dataclass(frozen=True)
class Headline:
    """The tiles: this period, and the period of the same length just before."""

    current: Period
    previous: Period | None  # None when the date range has no start


@dataclass(frozen=True)
class Summary:
    """The counts behind the headline rates, for Reports and the reference checks."""

    attempts: int
    contacted: int
    delivered: int
    responded: int

    @property
    def contact_rate(self) -> float | None:
        return self.contacted / self.attempts if self.attempts else None

    @property
    def delivery_rate(self) -> float | None:
        return self.delivered / self.attempts if self.attempts else None

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.attempts if self.attempts else None


@_small_reads
def headline(session: Session, filters: Filters, *, now: datetime) -> Headline:
    """The tiles for ``filters`` and for the period of the same length just before."""
    today = now.date()
    end = filters.date_to if filters.date_to is not None and filters.date_to < today else today
    current = _period(session, filters, filters.date_from, end, now)
    if filters.date_from is None:
        return Headline(current, None)
    length = (end - filters.date_from).days + 1
    first, last = filters.date_from - timedelta(days=length), filters.date_from - timedelta(days=1)
    before = replace(filters, date_from=first, date_to=last)
    return Headline(current, _period(session, before, first, last, now))


def _period(
    session: Session, filters: Filters, start: date | None, end: date, now: datetime
) -> Period:
    f = facts.attempt_totals(session, filters)
    contacted = _total(f.c.attempts, f.c.outcome_class.in_(LIVE_OUTCOME_CLASSES))
    row = session.execute(select(_total(f.c.attempts), contacted, _total(f.c.responded))).one()
    at = min(now, start_of_day(end + timedelta(days=1)))
    open_now, overdue = open_follow_ups(session, filters, at, now=now)
    return Period(
        start, end, row[0] or 0, row[1] or 0, row[2] or 0,
        median_band(session, filters), open_now, overdue,
    )  # fmt: skip


@_small_reads
def summary(session: Session, filters: Filters) -> Summary:
    """The counts of ``reference.summary``, read from the rollups."""
    f = facts.attempt_totals(session, filters)
    contacted = f.c.outcome_class.in_(LIVE_OUTCOME_CLASSES)
    delivered = f.c.outcome_class != OutcomeClass.NO_CONTACT
    stmt = select(
        _total(f.c.attempts),
        _total(f.c.attempts, contacted),
        _total(f.c.attempts, delivered),
        _total(f.c.responded),
    )
    row = session.execute(stmt).one()
    return Summary(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


@_small_reads
def median_band(session: Session, filters: Filters) -> int | None:
    """The band of the (lower) median time to response; None if nothing was answered."""
    d = facts.delay_totals(session, filters)
    stmt = (
        select(d.c.band, _total(d.c.responses))
        .group_by(d.c.band)
        .having(_total(d.c.responses) > 0)
        .order_by(d.c.band)
    )
    bands = session.execute(stmt).all()
    total = sum(n for _, n in bands)
    seen = 0
    for band, n in bands:
        seen += n
        if 2 * seen >= total:  # the rank ceil(total / 2) falls in this band
            return int(band)
    return None


@_small_reads
def attempts_by_week_channel(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns ``week, channel, attempts``, by week then channel."""
    f = facts.attempt_facts(filters)
    stmt = (
        select(f.c.period_start, f.c.channel, _total(f.c.attempts))
        .group_by(f.c.period_start, f.c.channel)
        .order_by(f.c.period_start, f.c.channel)
    )
    return _frame(session, stmt, WEEK_CHANNEL_COLUMNS)


@_small_reads
def response_rate_by_week(session: Session, filters: Filters) -> pd.DataFrame:
    """By attempt cohort: rate, 95% Wilson interval, and ``uncertain`` for few attempts."""
    f = facts.attempt_facts(filters)
    stmt = (
        select(f.c.period_start, _total(f.c.attempts), _total(f.c.responded))
        .group_by(f.c.period_start)
        .order_by(f.c.period_start)
    )
    frame = _frame(session, stmt, ["week", "attempts", "responded"])
    return _with_rates(frame, "responded", "response_rate")[RESPONSE_WEEK_COLUMNS]


@_small_reads
def follow_ups_by_week(session: Session, filters: Filters, *, today: date) -> pd.DataFrame:
    """By the week the follow-ups were due; empty when a channel filter is set."""
    if filters.channels:
        return pd.DataFrame([], columns=FOLLOW_UP_WEEK_COLUMNS)
    f = facts.follow_up_facts(filters)
    week = week_start(f.c.due_on)
    overdue = f.c.due_on < today
    stmt = (
        select(
            week,
            _total(f.c.open + f.c.done_on_time + f.c.done_late),
            _total(f.c.done_on_time),
            _total(f.c.done_late),
            _total(f.c.open, overdue),
            _total(f.c.open, ~overdue),
        )
        .group_by(week)
        .order_by(week)
    )
    return _frame(session, stmt, FOLLOW_UP_WEEK_COLUMNS)


@_small_reads
def per_official(session: Session, filters: Filters) -> pd.DataFrame:
    """One row per official with attempts in the filters, most attempts first."""
    f = facts.attempt_totals(session, filters)
    counts = (
        select(
            f.c.official_id,
            _total(f.c.attempts).label("attempts"),
            _total(f.c.attempts, f.c.outcome_class.in_(LIVE_OUTCOME_CLASSES)).label("contacted"),
            _total(f.c.responded).label("responded"),
        )
        .group_by(f.c.official_id)
        .having(_total(f.c.attempts) > 0)
        .subquery("per_official")
    )
    who = counts.c.official_id
    stmt = (
        select(
            who, Official.full_name, Official.organization, counts.c.attempts,
            counts.c.contacted, counts.c.responded,
            _first(Attempt.occurred_at, who, filters, live_only=True, latest=True),
            _first(Attempt.occurred_at, who, filters),
            _first(Attempt.responded_at, who, filters),
        )
        .join(Official, Official.id == who)
        .order_by(counts.c.attempts.desc(), Official.full_name)
    )  # fmt: skip
    names = ["official_id", "official", "organization", "attempts", "contacted", "responded"]
    frame = _frame(session, stmt, [*names, "last_contact", "first_attempt", "first_response"])
    frame["contact_rate"] = [
        _ratio(c, n) for c, n in zip(frame.contacted, frame.attempts, strict=True)
    ]
    frame["time_to_first_response_s"] = [
        (r - a).total_seconds() if r is not None and not pd.isna(r) else None
        for a, r in zip(frame.first_attempt, frame.first_response, strict=True)
    ]
    return _with_rates(frame, "responded", "response_rate")[OFFICIAL_COLUMNS]


def _first(
    column: Any, official: Any, filters: Filters, *, live_only: bool = False, latest: bool = False
) -> Any:
    """The earliest (or latest) ``column`` among the official's attempts in the filters.

    A walk along ``ix_attempts_official_time`` or ``ix_attempts_official_response``
    that stops at the first attempt passing the filters.
    """
    stmt = filters.narrow(select(column), ATTEMPTS).where(
        Attempt.official_id == official, column.is_not(None)
    )
    if live_only:
        stmt = stmt.where(Attempt.outcome_class.in_(LIVE_OUTCOME_CLASSES))
    if column is Attempt.responded_at and filters.date_from is not None:
        # A response never comes before its attempt: start the walk at the range.
        stmt = stmt.where(column >= start_of_day(filters.date_from))
    order = column.desc() if latest else column.asc()
    return stmt.order_by(order).limit(1).scalar_subquery()


@_small_reads
def outcome_mix(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns ``channel, outcome, outcome_class, attempts, share`` (share within channel)."""
    f = facts.attempt_totals(session, filters)
    stmt = (
        select(f.c.channel, f.c.outcome, f.c.outcome_class, _total(f.c.attempts))
        .group_by(f.c.channel, f.c.outcome, f.c.outcome_class)
        .having(_total(f.c.attempts) > 0)
        .order_by(f.c.channel, f.c.outcome)
    )
    frame = _frame(session, stmt, OUTCOME_MIX_COLUMNS[:-1])
    totals = frame.groupby("channel")["attempts"].transform("sum")
    frame["share"] = [a / t for a, t in zip(frame.attempts, totals, strict=True)]
    return frame[OUTCOME_MIX_COLUMNS]


@_small_reads
def best_time_to_call(session: Session, filters: Filters) -> pd.DataFrame:
    """Phone calls by the official's local weekday (0 = Monday) and hour, with counts.

    ``smoothed_rate`` = (live contacts + k·p̄) ÷ (calls + k): a Beta prior whose mean p̄
    is the overall live-contact rate of these calls and whose strength is k calls.
    """
    h = facts.hour_totals(session, filters)
    stmt = (
        select(h.c.local_weekday, h.c.local_hour, _total(h.c.attempts), _total(h.c.live_contacts))
        .group_by(h.c.local_weekday, h.c.local_hour)
        .having(_total(h.c.attempts) > 0)
        .order_by(h.c.local_weekday, h.c.local_hour)
    )
    frame = _frame(session, stmt, HOUR_COLUMNS[:4])
    calls, live = int(frame.attempts.sum()), int(frame.live_contacts.sum())
    prior = live / calls if calls else 0.0
    k = PRIOR_STRENGTH
    frame["rate"] = [c / n for c, n in zip(frame.live_contacts, frame.attempts, strict=True)]
    frame["smoothed_rate"] = [
        (c + k * prior) / (n + k) for c, n in zip(frame.live_contacts, frame.attempts, strict=True)
    ]
    return frame[HOUR_COLUMNS]


# --- Helpers ----------------------------------------------------------------------------


def _total(column: Any, where: ColumnElement[bool] | None = None) -> Any:
    """SUM as an integer, 0 over no rows (PostgreSQL would sum bigints as numeric)."""
    summed = func.sum(column if where is None else case((where, column), else_=0))
    return sql_cast(func.coalesce(summed, 0), BigInteger)


def _when(condition: ColumnElement[bool], value: Any = 1) -> Any:
    return case((condition, value))


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def wilson(successes: int, n: int, z: float = WILSON_Z) -> tuple[float, float]:
    """The Wilson score interval for a proportion; (0, 1) when ``n`` is 0."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _with_rates(frame: pd.DataFrame, part: str, rate: str) -> pd.DataFrame:
    intervals = [wilson(int(r), int(n)) for r, n in zip(frame[part], frame.attempts, strict=True)]
    frame[rate] = [_ratio(int(r), int(n)) for r, n in zip(frame[part], frame.attempts, strict=True)]
    frame["ci_low"] = [low for low, _ in intervals]
    frame["ci_high"] = [high for _, high in intervals]
    frame["uncertain"] = [int(n) < SMALL_SAMPLE for n in frame.attempts]
    return frame


def _frame(session: Session, stmt: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)
