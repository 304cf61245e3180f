"""Time to first response per channel, Kaplan–Meier style: the share of officials answered
within N days, counting those not yet answered for as long as they have been waiting.

For each official and channel in the filters, the clock starts at the first live attempt
on that channel and stops at the first response to an attempt on that channel (an
*answer*), or is *censored* at the end of ``today`` (UTC) when none came yet. Days are
whole days elapsed (floor of seconds ÷ 86,400). SQL counts answers and censored officials
per channel and day (a few rows); the estimate is the running product over those rows,
S(t) = Π (1 − answered_i ÷ at_risk_i), and ``answered_share`` = 1 − S(t).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.filters import ATTEMPTS, Filters, start_of_day
from models.sqlfuncs import epoch_seconds
from models.tables import Attempt

SURVIVAL_COLUMNS = ["channel", "days", "at_risk", "answered", "censored", "answered_share"]
DAY_S = 86_400


def time_to_first_response(session: Session, filters: Filters, today: date) -> pd.DataFrame:
    """One row per channel and day on which an official was answered or censored."""
    end_s = int(start_of_day(today + timedelta(days=1)).timestamp())
    per_official = filters.narrow(
        select(
            Attempt.channel.label("channel"),
            Attempt.official_id.label("official_id"),
            func.min(epoch_seconds(Attempt.occurred_at)).label("start_s"),
            func.min(epoch_seconds(Attempt.responded_at)).label("answer_s"),
        ).group_by(Attempt.channel, Attempt.official_id),
        ATTEMPTS,
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
