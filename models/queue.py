"""The follow-up queue: whom to call, in sections Overdue, Due today and Upcoming.

One SQL statement (the same on SQLite and PostgreSQL) picks the open follow-ups that are
not snoozed past today: the first ``limit`` of each section by due date (a UNION ALL of
one branch per section; window functions over every open follow-up cost twice as
much), each section's full count (one aggregate), and each row's last
attempt (a correlated lookup on ``ix_attempts_campaign_official``, run only for the
rows kept). A second statement reads the office hours of the officials shown; the
office state and public holiday of each row are then computed here in Python, and
rows that can be called now come first in their section, then the most overdue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select, true, union_all
from sqlalchemy.orm import Session

from models.localtime import OfficeHours
from models.office_status import availability
from models.sqlfuncs import unindexed
from models.tables import Attempt, Campaign, FollowUp, OfficeRange, Official, User
from models.vocab import FollowUpStatus

SECTIONS = ("Overdue", "Due today", "Upcoming")
HORIZONS = (7, 14, 30)  # days ahead the Upcoming section may reach
DEFAULT_LIMIT = 50  # rows shown per section
COLUMNS = [
    "follow_up_id", "section", "due_on", "due_at", "campaign_id", "campaign", "official_id",
    "official", "assignee_id", "assignee", "last_attempt_at", "last_outcome", "local_time",
    "office", "callable", "timezone", "country", "reason",
]  # fmt: skip


@dataclass(frozen=True)
class Queue:
    rows: pd.DataFrame  # COLUMNS, callable rows first in each section, then most overdue
    totals: dict[str, int]  # every section's full count (rows holds at most ``limit`` each)

    def section(self, name: str) -> pd.DataFrame:
        return self.rows[self.rows["section"] == name].reset_index(drop=True)


def follow_up_queue(
    session: Session,
    *,
    today: date,
    now_utc: datetime,
    horizon_days: int = 7,
    assignee_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Queue:
    """Open follow-ups due up to ``horizon_days`` after ``today`` (the coordinator's date),
    not snoozed past it; only ``assignee_id``'s when given (Mine), else everyone's (Team).
    Office states are as of ``now_utc`` (aware)."""
    result = session.execute(_statement(today, horizon_days, assignee_id, limit)).all()
    totals = dict.fromkeys(SECTIONS, 0)
    for row in result:
        totals[row.section] = int(row.section_total)
    hours = office_hours(session, {int(row.official_id) for row in result})
    records = [_record(row, hours, now_utc) for row in result]
    frame = pd.DataFrame(records, columns=COLUMNS)
    if not frame.empty:
        frame["order"] = frame["section"].map(SECTIONS.index)
        frame = frame.sort_values(
            ["order", "callable", "due_on", "follow_up_id"], ascending=[True, False, True, True]
        )
        frame = frame.drop(columns="order").reset_index(drop=True)
    return Queue(frame, totals)


def _statement(today: date, horizon_days: int, assignee_id: int | None, limit: int) -> Any:
    """Each section's first ``limit`` rows by due date (a branch each, UNION ALL), with the
    sections' full counts (one aggregate) and each row's last attempt."""
    owed = [
        FollowUp.status == FollowUpStatus.OPEN,
        or_(FollowUp.snoozed_until.is_(None), FollowUp.snoozed_until <= today),
    ]
    if assignee_id is not None:
        owed.append(FollowUp.assignee_id == assignee_id)
    end = today + timedelta(days=horizon_days)
    ranges = (
        FollowUp.due_on < today,
        FollowUp.due_on == today,
        and_(FollowUp.due_on > today, FollowUp.due_on <= end),
    )
    # Counted once (MATERIALIZED: SQLite would otherwise repeat it in every branch) from
    # ix_follow_ups_open_at: completed_at is NULL exactly while a follow-up is open.
    counts = (
        select(*(func.count(case((r, 1))).label(f"n{i}") for i, r in enumerate(ranges)))
        .where(*owed, FollowUp.completed_at.is_(None), FollowUp.due_on <= end)
        .cte("counts")
        .prefix_with("MATERIALIZED")
    )
    q = union_all(*(select(_branch(i, r, owed, limit)) for i, r in enumerate(ranges))).subquery("q")
    total = case((q.c.ord == 0, counts.c.n0), (q.c.ord == 1, counts.c.n1), else_=counts.c.n2)
    return (
        select(
            q, total.label("section_total"), Campaign.name.label("campaign"),
            Official.full_name.label("official"), Official.timezone, Official.country,
            User.display_name.label("assignee"),
            _last(Attempt.occurred_at, q).label("last_attempt_at"),
            _last(Attempt.outcome, q).label("last_outcome"),
        )
        .select_from(q)
        .join(counts, true())
        .join(Campaign, Campaign.id == q.c.campaign_id)
        .join(Official, Official.id == q.c.official_id)
        .outerjoin(User, User.id == q.c.assignee_id)
        .order_by(q.c.ord, q.c.due_on, q.c.id)
    )  # fmt: skip


def _branch(index: int, due: Any, owed: list[Any], limit: int) -> Any:
    """One section's first ``limit`` follow-ups by due date."""
    return (
        select(
            FollowUp.id, FollowUp.due_on, FollowUp.due_at, FollowUp.campaign_id,
            FollowUp.official_id, FollowUp.assignee_id, FollowUp.reason,
            literal(SECTIONS[index]).label("section"), literal(index).label("ord"),
        )
        # Walks ix_follow_ups_due_on in order and stops at ``limit`` open ones.
        .where(*owed, unindexed(FollowUp.completed_at).is_(None), due)
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(limit)
        .subquery(f"s{index}")
    )  # fmt: skip


def _last(column: Any, q: Any) -> Any:
    """The official's last live attempt in the campaign: its ``column``."""
    return (
        select(column)
        .where(
            Attempt.campaign_id == q.c.campaign_id,
            Attempt.official_id == q.c.official_id,
            Attempt.deleted_at.is_(None),
        )
        .order_by(Attempt.occurred_at.desc(), Attempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def office_hours(session: Session, official_ids: set[int]) -> dict[int, OfficeHours]:
    """The weekly office hours of ``official_ids``, in one statement (closed if no rows)."""
    ranges: dict[int, list[tuple[int, Any, Any]]] = defaultdict(list)
    if official_ids:
        stmt = select(
            OfficeRange.official_id, OfficeRange.weekday, OfficeRange.opens, OfficeRange.closes
        ).where(OfficeRange.official_id.in_(sorted(official_ids)))
        for row in session.execute(stmt):
            ranges[row.official_id].append((row.weekday, row.opens, row.closes))
    return {i: OfficeHours.of(ranges.get(i, [])) for i in official_ids}


def _record(row: Any, hours: dict[int, OfficeHours], now_utc: datetime) -> dict[str, Any]:
    state = availability(hours[row.official_id], row.timezone, row.country, now_utc)
    return {
        "follow_up_id": row.id, "section": row.section, "due_on": row.due_on,
        "due_at": row.due_at, "campaign_id": row.campaign_id, "campaign": row.campaign,
        "official_id": row.official_id, "official": row.official,
        "assignee_id": row.assignee_id, "assignee": row.assignee or "",
        "last_attempt_at": row.last_attempt_at, "last_outcome": row.last_outcome or "",
        "local_time": f"{state.local_time:%a %H:%M}", "office": state.label,
        "callable": state.callable, "timezone": row.timezone, "country": row.country,
        "reason": row.reason,
    }  # fmt: skip
