"""The data versions that every app process keys its caches by (models/data_version.py).

A small table, one row per scope, seeded with a random ``every``: a database made or
rebuilt by the migrations never starts from a number some process's cache holds.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"scope": "every", "value": secrets.randbits(63)}])


def downgrade() -> None:
    op.drop_table("data_version")
