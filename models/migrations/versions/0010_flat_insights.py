"""Insights stay flat as history grows: an index of response times, open follow-up totals.

* A partial index on ``attempts`` (live attempts with a response) led by ``responded_at``:
  the Responses table of the Follow-through block reads the latest 500 responses to the
  filtered attempts by walking it backwards from the newest, instead of sorting every
  response to the attempts of the date range; the funnel's kept commitments walk it too.
* ``open_follow_up_total``: the follow-ups open now per campaign and official, kept by
  ``models/insights/upkeep.py`` like the other rollups and filled here from the raw
  follow-ups (what ``upkeep.rebuild`` computes), so the open tile reads one row per target.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ANSWERED = sa.text("deleted_at IS NULL AND responded_at IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "open_follow_up_total",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("official_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "official_id", name=op.f("pk_open_follow_up_total")),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO open_follow_up_total (campaign_id, official_id, open)"
        " SELECT campaign_id, official_id, count(*) FROM follow_ups WHERE status = 'open'"
        " GROUP BY campaign_id, official_id"
    )
    op.create_index(
        "ix_attempts_by_response",
        "attempts",
        ["responded_at", "occurred_at", "campaign_id", "official_id", "channel", "coordinator_id"],
        sqlite_where=_ANSWERED,
        postgresql_where=_ANSWERED,
    )


def downgrade() -> None:
    op.drop_index("ix_attempts_by_response", table_name="attempts")
    op.drop_table("open_follow_up_total")
