"""The open follow-ups tile reads the follow-up rollup's rows that still hold an open one.

A partial index on ``follow_up_rollup`` (``open > 0``): counting the follow-ups open now
reads as many rows as there are days, campaigns and officials with one still open, however
long the history.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = sa.text("open > 0")


def upgrade() -> None:
    op.create_index(
        "ix_follow_up_rollup_open",
        "follow_up_rollup",
        ["due_on", "campaign_id", "official_id", "open"],
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_follow_up_rollup_open", table_name="follow_up_rollup")
