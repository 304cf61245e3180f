"""Insights stay flat as history grows: the latest responses walk an index of response times.

A partial index on ``attempts`` (live attempts with a response) led by ``responded_at``:
the Responses table of the Follow-through block reads the latest 500 responses to the
filtered attempts by walking it backwards from the newest, instead of sorting every
response to the attempts of the date range.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ANSWERED = sa.text("deleted_at IS NULL AND responded_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_attempts_by_response",
        "attempts",
        ["responded_at", "occurred_at", "campaign_id", "official_id", "channel", "coordinator_id"],
        sqlite_where=_ANSWERED,
        postgresql_where=_ANSWERED,
    )


def downgrade() -> None:
    op.drop_index("ix_attempts_by_response", table_name="attempts")
