"""Removing a contact point is a soft delete: ``removed_at`` and ``removed_by_id``.

A removed point keeps its row (its freshness, and the attempts that point at it), leaves
every reader (the Log form, the queue, queue health, freshness, exports, import matching)
and can be restored on the Officials page. Rows that exist are live: both columns NULL.

Downgrading deletes the removed points (the schema before this one had no way to hold
them); attempts made through them keep the value they used (``contact_value``) and lose
only the link, as the foreign key's ``ON DELETE SET NULL`` did before.

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


def upgrade() -> None:
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("removed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_points_removed_by_id_users"), "users", ["removed_by_id"], ["id"]
        )


def downgrade() -> None:
    removed = sa.text("SELECT id FROM contact_points WHERE removed_at IS NOT NULL")
    op.execute(
        sa.text(
            f"UPDATE attempts SET contact_point_id = NULL WHERE contact_point_id IN ({removed})"
        )
    )
    op.execute(sa.text("DELETE FROM contact_points WHERE removed_at IS NOT NULL"))
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contact_points_removed_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("removed_by_id")
        batch_op.drop_column("removed_at")
