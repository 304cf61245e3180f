"""Insights flat in history size: commitments kept, and follow-ups opened and closed, per day.

* ``commitment_rollup``: responses with a commitment, and those kept, per week, UTC day
  and all time of the attempt, campaign, official and channel, so the funnel's
  "commitment kept" reads rollup rows like its other stages.
* ``follow_up_flow``: follow-ups opened (day of ``created_at``) and closed (day of the later
  of ``created_at`` and ``completed_at``) per day, due day, campaign and official, so the
  open and overdue tiles of an earlier period go back from now over the days since.
* ``ix_responses_commitment``: the commitments due on or after a day, which is what a new
  (or removed) response can keep (or un-keep): the upkeep reads them through it.

Both are filled here from the raw rows in SQL frozen at this revision (what
``models/insights/counting.py`` counts now); a test checks it equals ``upkeep.rebuild()``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Spell = Callable[[str], str]
_COMMITTED = sa.text("commitment_on IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "commitment_rollup",
        sa.Column("period_days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("official_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("commitments", sa.Integer(), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "period_days",
            "period_start",
            "campaign_id",
            "official_id",
            "channel",
            name=op.f("pk_commitment_rollup"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "follow_up_flow",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("official_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "due_on", "campaign_id", "official_id", name=op.f("pk_follow_up_flow")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_responses_commitment",
        "responses",
        ["commitment_on", "responded_at", "attempt_id"],
        sqlite_where=_COMMITTED,
        postgresql_where=_COMMITTED,
    )
    for statement in _backfill_sql(op.get_bind().dialect.name):
        op.execute(statement)


def _backfill_sql(dialect: str) -> list[str]:
    week, day, day_after, all_time = _spellings(dialect)
    kept = (
        "EXISTS (SELECT 1 FROM attempts l WHERE l.official_id = a.official_id"
        " AND l.deleted_at IS NULL AND l.responded_at IS NOT NULL"
        " AND l.responded_at > r.responded_at"
        f" AND l.responded_at < {day_after('r.commitment_on')}"
        " AND l.campaign_id = a.campaign_id)"
    )
    statements = []
    for days, start in ((7, week("a.occurred_at")), (1, day("a.occurred_at")), (0, all_time)):
        group = f"{start}, " if days else ""
        statements.append(
            "INSERT INTO commitment_rollup (period_days, period_start, campaign_id,"
            " official_id, channel, commitments, kept)"
            f" SELECT {days}, {start}, a.campaign_id, a.official_id, a.channel, count(*),"
            f" count(CASE WHEN {kept} THEN 1 END)"
            " FROM attempts a JOIN responses r ON r.attempt_id = a.id"
            " WHERE a.deleted_at IS NULL AND r.commitment_on IS NOT NULL"
            f" GROUP BY {group}a.campaign_id, a.official_id, a.channel"
        )
    closed_at = "CASE WHEN completed_at > created_at THEN completed_at ELSE created_at END"
    statements.append(
        "INSERT INTO follow_up_flow (day, due_on, campaign_id, official_id, opened, closed)"
        " SELECT day, due_on, campaign_id, official_id, sum(opened), sum(closed) FROM ("
        f" SELECT {day('created_at')} AS day, due_on, campaign_id, official_id,"
        " 1 AS opened, 0 AS closed FROM follow_ups"
        f" UNION ALL SELECT {day(closed_at)}, due_on, campaign_id, official_id, 0, 1"
        " FROM follow_ups WHERE completed_at IS NOT NULL"
        ") flows GROUP BY day, due_on, campaign_id, official_id"
    )
    return statements


def _spellings(dialect: str) -> tuple[Spell, Spell, Spell, str]:
    """(week start, UTC day, the start of the day after a date, the all-time start)."""
    if dialect == "sqlite":  # instants are naive UTC text
        return (
            lambda x: f"date({x}, 'weekday 0', '-6 days')",
            lambda x: f"date({x})",
            lambda x: f"date({x}, '+1 day')",
            "'1970-01-01'",
        )
    return (
        lambda x: f"CAST(date_trunc('week', {x} AT TIME ZONE 'UTC') AS DATE)",
        lambda x: f"CAST({x} AT TIME ZONE 'UTC' AS DATE)",
        lambda x: f"(CAST(({x} + 1) AS TIMESTAMP) AT TIME ZONE 'UTC')",
        "DATE '1970-01-01'",
    )


def downgrade() -> None:
    op.drop_index("ix_responses_commitment", table_name="responses")
    op.drop_table("follow_up_flow")
    op.drop_table("commitment_rollup")
