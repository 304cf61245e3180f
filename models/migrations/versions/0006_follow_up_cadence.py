"""Follow-ups that run the campaign: snooze, cancel reasons, a call-back time; per-campaign
cadence and daily cap; when a contact point was last verified and how often it failed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snoozed_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_reason", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("daily_cap", sa.Integer(), nullable=False, server_default="3")
        )
    op.create_table(
        "campaign_cadence",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("outcome_class", sa.String(length=32), nullable=False),
        sa.Column("business_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_cadence_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "outcome_class", name=op.f("pk_campaign_cadence")),
    )
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("failures_in_a_row", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.drop_column("failures_in_a_row")
        batch_op.drop_column("verified_at")
    op.drop_table("campaign_cadence")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("daily_cap")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("due_at")
        batch_op.drop_column("snoozed_until")
