"""Insights: rollup tables, derived attempt columns (response time, local hour), covering indexes.

The new columns are filled for existing rows: the local weekday and hour in Python (SQLite
has no time zone database) and everything else by the same SQL as
``models.insights.upkeep.rebuild_rollups``. Indexes are made after the backfill, which is faster.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.insights.upkeep import rebuild_rollups, refresh_local_times

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
ANSWERED = sa.text("deleted_at IS NULL AND responded_at IS NOT NULL")
FACTS = [
    "campaign_id", "official_id", "channel", "outcome", "outcome_class", "responded_at",
    "local_weekday", "local_hour",
]  # fmt: skip


def _key(*names: str) -> list[sa.Column[int]]:
    return [sa.Column(name, sa.Integer(), autoincrement=False, nullable=False) for name in names]


def _counts(*names: str) -> list[sa.Column[int]]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def upgrade() -> None:
    text32 = sa.String(length=32)
    op.create_table(
        "attempt_rollup",
        *_key("period_days"),
        sa.Column("period_start", sa.Date(), nullable=False),
        *_key("campaign_id", "official_id"),
        sa.Column("channel", text32, nullable=False),
        sa.Column("outcome", text32, nullable=False),
        sa.Column("outcome_class", text32, nullable=False),
        *_counts("attempts", "responded"),
        sa.PrimaryKeyConstraint(
            "period_days",
            "period_start",
            "campaign_id",
            "official_id",
            "channel",
            "outcome",
            name=op.f("pk_attempt_rollup"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "follow_up_rollup",
        sa.Column("due_on", sa.Date(), nullable=False),
        *_key("campaign_id", "official_id"),
        *_counts("open", "done_on_time", "done_late"),
        sa.PrimaryKeyConstraint(
            "due_on", "campaign_id", "official_id", name=op.f("pk_follow_up_rollup")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "hour_rollup",
        *_key("period_days"),
        sa.Column("period_start", sa.Date(), nullable=False),
        *_key("campaign_id", "official_id", "local_weekday", "local_hour"),
        *_counts("attempts", "live_contacts"),
        sa.PrimaryKeyConstraint(
            "period_days",
            "period_start",
            "campaign_id",
            "official_id",
            "local_weekday",
            "local_hour",
            name=op.f("pk_hour_rollup"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "response_delay_rollup",
        *_key("period_days"),
        sa.Column("period_start", sa.Date(), nullable=False),
        *_key("campaign_id", "official_id"),
        sa.Column("channel", text32, nullable=False),
        *_key("band"),
        *_counts("responses"),
        sa.PrimaryKeyConstraint(
            "period_days",
            "period_start",
            "campaign_id",
            "official_id",
            "channel",
            "band",
            name=op.f("pk_response_delay_rollup"),
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("local_weekday", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("local_hour", sa.Integer(), nullable=False, server_default="0")
        )

    bind = op.get_bind()
    refresh_local_times(bind)
    rebuild_rollups(bind)

    op.create_index(
        "ix_attempts_facts_by_time", "attempts", ["occurred_at", *FACTS],
        sqlite_where=LIVE, postgresql_where=LIVE,
    )  # fmt: skip
    op.create_index(
        "ix_attempts_facts_by_coordinator", "attempts", ["coordinator_id", "occurred_at", *FACTS],
        sqlite_where=LIVE, postgresql_where=LIVE,
    )  # fmt: skip
    op.create_index(
        "ix_attempts_official_time", "attempts",
        ["official_id", "occurred_at", "outcome_class", "campaign_id", "channel", "coordinator_id"],
        sqlite_where=LIVE, postgresql_where=LIVE,
    )  # fmt: skip
    op.create_index(
        "ix_attempts_official_response", "attempts",
        ["official_id", "responded_at", "occurred_at", "campaign_id", "channel", "coordinator_id"],
        sqlite_where=ANSWERED, postgresql_where=ANSWERED,
    )  # fmt: skip
    op.create_index(
        "ix_follow_ups_assignee", "follow_ups",
        ["assignee_id", "due_on", "campaign_id", "official_id", "status", "completed_at"],
    )  # fmt: skip
    op.create_index(
        "ix_follow_ups_open_at", "follow_ups",
        ["completed_at", "created_at", "due_on", "campaign_id", "official_id", "assignee_id"],
    )  # fmt: skip
    op.create_index("ix_follow_ups_created_at", "follow_ups", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_follow_ups_created_at", table_name="follow_ups")
    op.drop_index("ix_follow_ups_open_at", table_name="follow_ups")
    op.drop_index("ix_follow_ups_assignee", table_name="follow_ups")
    for name in (
        "ix_attempts_official_response", "ix_attempts_official_time",
        "ix_attempts_facts_by_coordinator", "ix_attempts_facts_by_time",
    ):  # fmt: skip
        op.drop_index(name, table_name="attempts")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("local_hour")
        batch_op.drop_column("local_weekday")
        batch_op.drop_column("responded_at")
    op.drop_table("response_delay_rollup")
    op.drop_table("hour_rollup")
    op.drop_table("follow_up_rollup")
    op.drop_table("attempt_rollup")
