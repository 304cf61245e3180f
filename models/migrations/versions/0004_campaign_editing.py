"""Campaigns you can edit: draft status, the alert text kept, tiers of targets, and names
unique whatever their case (a case-folded key, filled here for existing campaigns).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(name: str) -> str:
    """Frozen copy of models.text.name_key as it was at this revision."""
    return " ".join(name.split()).casefold()


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("source_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    campaigns = sa.table("campaigns", sa.column("id"), sa.column("name"), sa.column("name_key"))
    taken: set[str] = set()
    for row in bind.execute(sa.select(campaigns.c.id, campaigns.c.name).order_by("id")):
        key = _key(row.name)
        if key in taken:  # names that differed only in case: keep them apart by id
            key = f"{key} #{row.id}"
        taken.add(key)
        bind.execute(campaigns.update().where(campaigns.c.id == row.id).values(name_key=key))
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_campaigns_name_key"), ["name_key"])
    with op.batch_alter_table("campaign_targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tier", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("added_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign_targets", schema=None) as batch_op:
        batch_op.drop_column("added_at")
        batch_op.drop_column("tier")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_campaigns_name_key"), type_="unique")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("source_text")
        batch_op.drop_column("name_key")
