"""Time to first response per channel, Kaplan–Meier style: the share of officials answered
within N days, counting those not yet answered for as long as they have been waiting.

For each official and channel in the filters, the clock starts at the first live attempt
on that channel and stops at the first response to an attempt on that channel (an
*answer*), or is *censored* at the end of ``today`` (UTC) when none came yet. Days are
whole days elapsed (floor of seconds ÷ 86,400). The (official, channel) pairs come from
the attempt rollup, each pair's first attempt and first response from one short index
walk, so the cost follows the officials and channels, not the history. SQL counts
answers and censored officials per channel and day (a few rows); the estimate is the
running product over those rows, S(t) = Π (1 − answered_i ÷ at_risk_i), and
``answered_share`` = 1 − S(t).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.filters import ATTEMPTS, Filters, start_of_day
from models.insights import sources
from models.sqlfuncs import epoch_seconds
from models.tables import Attempt

SURVIVAL_COLUMNS = ["channel", "days", "at_risk", "answered", "censored", "answered_share"]
DAY_S = 86_400


def time_to_first_response(session: Session, filters: Filters, today: date) -> pd.DataFrame:
    """One row per channel and day on which an official was answered or censored."""
    end_s = int(start_of_day(today + timedelta(days=1)).timestamp())
    # The (official, channel) pairs with attempts in the filters come from the rollups; each
    # pair's first attempt and first response are one short index walk each.
    f = sources.attempt_totals(session, filters)
    pairs = (
        select(f.c.official_id, f.c.channel)
        .group_by(f.c.official_id, f.c.channel)
        .having(func.sum(f.c.attempts) > 0)
        .subquery("pairs")
    )
    per_official = select(
        pairs.c.channel.label("channel"),
        pairs.c.official_id.label("official_id"),
        epoch_seconds(_first(Attempt.occurred_at, pairs, filters)).label("start_s"),
        epoch_seconds(_first(Attempt.responded_at, pairs, filters)).label("answer_s"),
    ).subquery()
    stop_s = func.coalesce(per_official.c.answer_s, end_s)
    days = ((stop_s - per_official.c.start_s) / DAY_S).label("days")
    answered = per_official.c.answer_s.is_not(None)
    stmt = (
        select(
            per_official.c.channel,
            days,
            func.count().filter(answered).label("answered"),
            func.count().filter(~answered).label("censored"),
        )
        .group_by(per_official.c.channel, days)
        .order_by(per_official.c.channel, days)
    )
    rows = session.execute(stmt).all()
    return _estimate(pd.DataFrame(rows, columns=["channel", "days", "answered", "censored"]))


def _first(column: Any, pairs: Any, filters: Filters) -> Any:
    """The earliest ``column`` among the pair's attempts in the filters: a walk along
    ``ix_attempts_official_time`` (or ``_official_response``) from the range's start."""
    stmt = filters.narrow(select(column), ATTEMPTS).where(
        Attempt.official_id == pairs.c.official_id,
        Attempt.channel == pairs.c.channel,
        column.is_not(None),
    )
    if column is Attempt.responded_at and filters.date_from is not None:
        stmt = stmt.where(column >= start_of_day(filters.date_from))  # never before its attempt
    return stmt.order_by(column).limit(1).scalar_subquery()


def _estimate(counts: pd.DataFrame) -> pd.DataFrame:
    """The running Kaplan–Meier product per channel over the counted days."""
    out: list[tuple[object, ...]] = []
    for channel, group in counts.groupby("channel", sort=True):
        at_risk = int(group["answered"].sum() + group["censored"].sum())
        surviving = 1.0
        for day, answered, censored in group[["days", "answered", "censored"]].itertuples(
            index=False
        ):
            if at_risk:
                surviving *= 1 - answered / at_risk
            out.append((channel, int(day), at_risk, int(answered), int(censored), 1 - surviving))
            at_risk -= int(answered) + int(censored)
    return pd.DataFrame(out, columns=SURVIVAL_COLUMNS)


def starts_per_channel(curve: pd.DataFrame) -> dict[str, int]:
    """Officials first contacted per channel in a curve of SURVIVAL_COLUMNS: each
    channel's largest number at risk (its first step's)."""
    if curve.empty:
        return {}
    return {str(c): int(n) for c, n in curve.groupby("channel", sort=True)["at_risk"].max().items()}
