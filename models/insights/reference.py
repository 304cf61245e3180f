"""The reference counts: a few Insights figures counted straight from the raw tables.

These are the definitions in their plainest SQL (``COUNT`` over the attempts, joined to
their responses), with none of the rollups, edges or index steering of
:mod:`models.insights.figures`. The app never reads them: the tests hold the figures
read from the rollups equal to these, on both databases, for many filters.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.filters import ATTEMPTS, Filters
from models.insights.figures import Summary, wilson
from models.sqlfuncs import week_start
from models.tables import Attempt, Response
from models.vocab import OutcomeClass


def summary(session: Session, filters: Filters) -> Summary:
    """Counts behind the headline rates (DESIGN.md's definitions) for the filtered attempts."""
    contacted = case((Attempt.outcome_class.in_([OutcomeClass.REACHED, OutcomeClass.REFUSED]), 1))
    delivered = case((Attempt.outcome_class != OutcomeClass.NO_CONTACT, 1))
    stmt = filters.narrow(
        select(
            func.count(Attempt.id),
            func.count(contacted),
            func.count(delivered),
            func.count(Response.id),
        ).outerjoin(Response, Response.attempt_id == Attempt.id),
        ATTEMPTS,
    )
    row = session.execute(stmt).one()
    return Summary(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def attempts_by_week_channel(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns ``week, channel, attempts``: attempts per UTC week (Monday) and channel."""
    week = week_start(Attempt.occurred_at).label("week")
    stmt = (
        filters.narrow(
            select(
                week, Attempt.channel.label("channel"), func.count(Attempt.id).label("attempts")
            ),
            ATTEMPTS,
        )
        .group_by(week, Attempt.channel)
        .order_by(week, Attempt.channel)
    )
    return _frame(session, stmt, ["week", "channel", "attempts"])


def response_rate_by_week(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns ``week, attempts, responded, response_rate, ci_low, ci_high`` by attempt cohort.

    A later reply counts for the week of the attempt it answers; the interval is the
    95% Wilson score interval of the rate.
    """
    week = week_start(Attempt.occurred_at).label("week")
    stmt = (
        filters.narrow(
            select(
                week,
                func.count(Attempt.id).label("attempts"),
                func.count(Response.id).label("responded"),
            ).outerjoin(Response, Response.attempt_id == Attempt.id),
            ATTEMPTS,
        )
        .group_by(week)
        .order_by(week)
    )
    frame = _frame(session, stmt, ["week", "attempts", "responded"])
    rates = [
        wilson(int(r), int(n)) for r, n in zip(frame["responded"], frame["attempts"], strict=True)
    ]
    frame["response_rate"] = [
        r / n for r, n in zip(frame["responded"], frame["attempts"], strict=True)
    ]
    frame["ci_low"] = [low for low, _ in rates]
    frame["ci_high"] = [high for _, high in rates]
    return frame


def _frame(session: Session, stmt: object, columns: list[str]) -> pd.DataFrame:
    result = session.execute(stmt)  # type: ignore[call-overload]
    return pd.DataFrame(result.all(), columns=columns)
