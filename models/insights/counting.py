"""The rollups' definitions and their counting in SQL: what each rollup row counts.

Weeks start on Monday 00:00 UTC; a time to response falls in one of the bands of
:data:`DELAY_BOUNDS`; the local weekday and hour are the official's. Each rollup's
counting is a grouped SELECT over the raw tables (:func:`attempt_counts` and the
others), used both by :func:`rebuild_rollups` and by ``models/insights/sources.py`` for the days a
rollup cannot answer, so the two can never count differently. ``models/insights/upkeep.py``
keeps the tables current write by write.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from models.localtime import zone
from models.sqlfuncs import day_after_start, epoch_seconds, utc_date, week_start
from models.tables import (
    Attempt,
    AttemptRollup,
    CommitmentRollup,
    FollowUp,
    FollowUpFlow,
    FollowUpRollup,
    HourRollup,
    Official,
    OpenFollowUpTotal,
    Response,
    ResponseDelayRollup,
)
from models.vocab import LIVE_CLASSES, Channel, FollowUpStatus

# Upper bounds (exclusive, seconds) of the bands a time to response is counted in; the
# last band has no upper bound. Human units, so a median band reads as "2–4 hours".
MINUTE, HOUR, DAY = 60, 3600, 86_400
DELAY_BOUNDS: tuple[int, ...] = (
    MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, DAY,
    2 * DAY, 4 * DAY, 7 * DAY, 14 * DAY, 30 * DAY,
)  # fmt: skip
# period_days of a rollup row: a week (period_start a Monday), a UTC day, or all time.
WEEK, DAY_PERIOD, ALL_TIME = 7, 1, 0
ALL_TIME_START = date(1970, 1, 1)  # the period_start of the all-time rows
CALL_CHANNEL = Channel.PHONE  # the best time to call is about phone calls
LIVE_OUTCOME_CLASSES = tuple(sorted(LIVE_CLASSES))

_ATTEMPTS: Table = AttemptRollup.__table__  # type: ignore[assignment]
_DELAYS: Table = ResponseDelayRollup.__table__  # type: ignore[assignment]
_HOURS: Table = HourRollup.__table__  # type: ignore[assignment]
_FOLLOW_UPS: Table = FollowUpRollup.__table__  # type: ignore[assignment]
_OPEN_TOTALS: Table = OpenFollowUpTotal.__table__  # type: ignore[assignment]
_COMMITMENTS: Table = CommitmentRollup.__table__  # type: ignore[assignment]
_FLOW: Table = FollowUpFlow.__table__  # type: ignore[assignment]
ROLLUP_TABLES: tuple[Table, ...] = (
    _ATTEMPTS, _DELAYS, _HOURS, _FOLLOW_UPS, _OPEN_TOTALS, _COMMITMENTS, _FLOW,
)  # fmt: skip

Bind = Session | Connection
Counts = Select[*tuple[Any, ...]]  # a grouped SELECT of a rollup's columns, in order


def monday(day: date) -> date:
    """The Monday of ``day``'s ISO week (the Python twin of ``sqlfuncs.week_start``)."""
    return day - timedelta(days=day.weekday())


def week_of(instant: datetime) -> date:
    return monday(instant.astimezone(UTC).date())


def whole_seconds_between(start: datetime, end: datetime) -> int:
    """Seconds from ``start`` to ``end``, each truncated to the second (as SQL does it)."""
    return (end.replace(microsecond=0) - start.replace(microsecond=0)) // timedelta(seconds=1)


def delay_band(seconds: int) -> int:
    """The index of the band of :data:`DELAY_BOUNDS` that a delay falls in."""
    return bisect.bisect_right(DELAY_BOUNDS, seconds)


def local_slot(instant: datetime, timezone: str) -> tuple[int, int]:
    """(weekday 0 = Monday, hour 0–23) of ``instant`` in the IANA zone ``timezone``."""
    local = instant.astimezone(zone(timezone))
    return local.weekday(), local.hour


def rebuild_rollups(bind: Bind) -> None:
    """Recompute ``attempts.responded_at`` and every rollup from the raw tables, in SQL.

    The local weekday and hour are not recomputed here (SQL cannot):
    see :func:`refresh_local_times`.
    """
    sync_responded_at(bind)
    for table in ROLLUP_TABLES:
        bind.execute(delete(table))
    live = Attempt.deleted_at.is_(None)
    for days in (WEEK, DAY_PERIOD, ALL_TIME):
        _insert_from(bind, _ATTEMPTS, attempt_counts(days).where(live))
        _insert_from(bind, _DELAYS, delay_counts(days).where(live))
        _insert_from(bind, _HOURS, hour_counts(days).where(live))
        _insert_from(bind, _COMMITMENTS, commitment_counts(days).where(live))
    _insert_from(bind, _FOLLOW_UPS, follow_up_counts())
    _insert_from(bind, _OPEN_TOTALS, open_follow_up_totals())
    _insert_from(bind, _FLOW, follow_up_flow_counts())


# The counting behind each rollup, as a grouped SELECT of its columns in order, with no
# WHERE on the attempts yet: rebuild_rollups adds "not deleted", models/insights/sources.py the
# filters, so the raw side of a figure counts exactly as its rollup does.


def attempt_counts(days: int = WEEK) -> Counts:
    """Per week (``days=7``), per UTC day (1) or over all time (0)."""
    start = _period_start(days)
    keys = (Attempt.campaign_id, Attempt.official_id, Attempt.channel, Attempt.outcome)
    return select(
        _days(days), start, *keys, Attempt.outcome_class,
        func.count().label("attempts"), func.count(Attempt.responded_at).label("responded"),
    ).group_by(*_grouping(days, start), *keys, Attempt.outcome_class)  # fmt: skip


def delay_counts(days: int = WEEK) -> Counts:
    start = _period_start(days)
    keys = (Attempt.campaign_id, Attempt.official_id, Attempt.channel)
    band = delay_band_sql(Attempt.occurred_at, Attempt.responded_at).label("band")
    return (
        select(
            _days(days),
            start,
            *keys,
            band,
            func.count().label("responses"),
        )
        .where(Attempt.responded_at.is_not(None))
        .group_by(*_grouping(days, start), *keys, band)
    )


def _days(days: int) -> Any:
    return literal_column(str(int(days)), Integer).label("period_days")


def _period_start(days: int) -> Any:
    if days == WEEK:
        return week_start(Attempt.occurred_at).label("period_start")
    if days == DAY_PERIOD:
        return utc_date(Attempt.occurred_at).label("period_start")
    return literal(ALL_TIME_START, Date).label("period_start")


def _grouping(days: int, start: Any) -> tuple[Any, ...]:
    return () if days == ALL_TIME else (start,)


def hour_counts(days: int = WEEK) -> Counts:
    """Phone calls per week (``days=7``), UTC day (1) or all time (0), by local hour."""
    start = _period_start(days)
    keys = (Attempt.campaign_id, Attempt.official_id, Attempt.local_weekday, Attempt.local_hour)
    live = func.count(case((Attempt.outcome_class.in_(LIVE_OUTCOME_CLASSES), 1)))
    return (
        select(
            _days(days), start, *keys, func.count().label("attempts"), live.label("live_contacts")
        )
        .where(Attempt.channel == CALL_CHANNEL)
        .group_by(*_grouping(days, start), *keys)
    )


def follow_up_counts() -> Counts:
    """Follow-ups not cancelled; done on time means on or before the due day (UTC)."""
    done = FollowUp.status == FollowUpStatus.DONE
    on_time = utc_date(FollowUp.completed_at) <= FollowUp.due_on
    keys = (FollowUp.due_on, FollowUp.campaign_id, FollowUp.official_id)
    return (
        select(
            *keys,
            func.count(case((FollowUp.status == FollowUpStatus.OPEN, 1))).label("open"),
            func.count(case((and_(done, on_time), 1))).label("done_on_time"),
            func.count(case((and_(done, ~on_time), 1))).label("done_late"),
        )
        .where(FollowUp.status != FollowUpStatus.CANCELLED)
        .group_by(*keys)
    )


def open_follow_up_totals() -> Counts:
    """Follow-ups open now, per campaign and official."""
    keys = (FollowUp.campaign_id, FollowUp.official_id)
    return (
        select(*keys, func.count().label("open"))
        .where(FollowUp.status == FollowUpStatus.OPEN)
        .group_by(*keys)
    )


def kept_clause() -> ColumnElement[bool]:
    """True when ``Response`` (of ``Attempt``) has a commitment a later response kept.

    A later response is a live attempt of the same official and campaign whose
    ``responded_at`` (the response's time, kept on the attempt) falls after this response
    and by the end of the commitment day: a range of ``ix_attempts_official_response``
    as long as the commitment's window, however long the history.
    """
    later = aliased(Attempt)
    return and_(
        Response.commitment_on.is_not(None),
        exists().where(
            later.official_id == Attempt.official_id,
            later.deleted_at.is_(None),
            later.responded_at.is_not(None),
            later.responded_at > Response.responded_at,
            later.responded_at < day_after_start(Response.commitment_on),
            later.campaign_id == Attempt.campaign_id,
        ),
    )


def commitment_counts(days: int = WEEK) -> Counts:
    """Responses with a commitment, and those kept, per period of the attempt."""
    start = _period_start(days)
    keys = (Attempt.campaign_id, Attempt.official_id, Attempt.channel)
    return (
        select(
            _days(days),
            start,
            *keys,
            func.count().label("commitments"),
            func.count(case((kept_clause(), 1))).label("kept"),
        )
        .select_from(Attempt)
        .join(Response, Response.attempt_id == Attempt.id)
        .where(Response.commitment_on.is_not(None))
        .group_by(*_grouping(days, start), *keys)
    )


def closed_instant(created_at: Any, completed_at: Any) -> Any:
    """When a follow-up stopped being open, in SQL: the later of its making and closing."""
    return case((completed_at > created_at, completed_at), else_=created_at)


def follow_up_flow_counts() -> Counts:
    """Follow-ups opened per day of ``created_at``, closed per day of :func:`closed_instant`."""
    keys = (FollowUp.due_on, FollowUp.campaign_id, FollowUp.official_id)
    one, zero = literal(1, Integer), literal(0, Integer)
    opened = select(
        utc_date(FollowUp.created_at).label("day"), *keys,
        one.label("opened"), zero.label("closed"),
    )  # fmt: skip
    closed = select(
        utc_date(closed_instant(FollowUp.created_at, FollowUp.completed_at)).label("day"), *keys,
        zero.label("opened"), one.label("closed"),
    ).where(FollowUp.completed_at.is_not(None))  # fmt: skip
    flows = union_all(opened, closed).subquery("flows")
    f = flows.c
    group = (f.day, f.due_on, f.campaign_id, f.official_id)
    return select(
        *group, func.sum(f.opened).label("opened"), func.sum(f.closed).label("closed")
    ).group_by(*group)


def delay_band_sql(start: Any, end: Any) -> ColumnElement[int]:
    """:func:`delay_band` of the time from ``start`` to ``end``, in SQL."""
    seconds = epoch_seconds(end) - epoch_seconds(start)
    whens = [(seconds < bound, index) for index, bound in enumerate(DELAY_BOUNDS)]
    return case(*whens, else_=len(DELAY_BOUNDS))


def _insert_from(bind: Bind, table: Table, stmt: Any) -> None:
    names = [c.name for c in table.columns]
    bind.execute(insert(table).from_select(names, stmt))


def sync_responded_at(bind: Bind) -> None:
    """Make ``attempts.responded_at`` the time of the attempt's response (NULL if none)."""
    bind.execute(
        update(Attempt)
        .where(
            Attempt.id == Response.attempt_id,
            Attempt.responded_at.is_distinct_from(Response.responded_at),
        )
        .values(responded_at=Response.responded_at)
        .execution_options(synchronize_session=False)
    )
    has_response = exists().where(Response.attempt_id == Attempt.id)
    bind.execute(
        update(Attempt)
        .where(Attempt.responded_at.is_not(None), ~has_response)
        .values(responded_at=None)
        .execution_options(synchronize_session=False)
    )


def refresh_local_times(bind: Bind, *, official_id: int | None = None, batch: int = 20_000) -> int:
    """Recompute the local weekday and hour of attempts (of one official, or all).

    Done in Python in batches of ``batch`` attempts, walking ids upwards. Returns how
    many attempts were looked at.
    """
    attempts: Table = Attempt.__table__  # type: ignore[assignment]
    zones = {o_id: name for o_id, name in bind.execute(select(Official.id, Official.timezone))}
    last_id, seen = 0, 0
    while True:
        stmt = select(Attempt.id, Attempt.official_id, Attempt.occurred_at).where(
            Attempt.id > last_id
        )
        if official_id is not None:
            stmt = stmt.where(Attempt.official_id == official_id)
        rows = bind.execute(stmt.order_by(Attempt.id).limit(batch)).all()
        if not rows:
            return seen
        params = []
        for attempt_id, official, occurred_at in rows:
            weekday, hour = local_slot(occurred_at, zones[official])
            params.append({"b_id": attempt_id, "b_weekday": weekday, "b_hour": hour})
        bind.execute(
            update(attempts)
            .where(attempts.c.id == bindparam("b_id"))
            .values(local_weekday=bindparam("b_weekday"), local_hour=bindparam("b_hour")),
            params,
        )
        last_id, seen = rows[-1][0], seen + len(rows)
