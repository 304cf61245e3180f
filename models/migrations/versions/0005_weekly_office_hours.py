"""Weekly office hours: a table of ranges per official (several a day, closed days), filled
from the old days mask and single opening, whose three columns are then dropped.

The backfill is frozen here (a weekday bit mask, bit 0 = Monday, and one range for every
day in it), so later changes to the live code never change what this migration does.
``office_hours_assumed`` stays: it says the hours were never set by a person.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from datetime import time

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_COLUMNS = ("office_days", "office_opens", "office_closes")


def _officials() -> sa.TableClause:
    return sa.table(
        "officials",
        sa.column("id", sa.Integer()),
        sa.column("office_days", sa.Integer()),
        sa.column("office_opens", sa.Time()),
        sa.column("office_closes", sa.Time()),
    )


def _ranges() -> sa.TableClause:
    return sa.table(
        "office_hours",
        sa.column("official_id", sa.Integer()),
        sa.column("weekday", sa.Integer()),
        sa.column("opens", sa.Time()),
        sa.column("closes", sa.Time()),
    )


def upgrade() -> None:
    op.create_table(
        "office_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_office_hours_opens_before_closes")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_office_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["officials.id"],
            name=op.f("fk_office_hours_official_id_officials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_hours")),
    )
    op.create_index(op.f("ix_office_hours_official_id"), "office_hours", ["official_id"])
    bind = op.get_bind()
    officials = _officials()
    rows = [
        {"official_id": row.id, "weekday": day, "opens": row.office_opens,
         "closes": row.office_closes}
        for row in bind.execute(sa.select(officials).order_by(officials.c.id))
        if row.office_opens < row.office_closes  # such an office never opened: closed
        for day in range(7)
        if row.office_days >> day & 1
    ]  # fmt: skip
    if rows:
        bind.execute(_ranges().insert(), rows)
    with op.batch_alter_table("officials", schema=None) as batch_op:
        for name in _OLD_COLUMNS:
            batch_op.drop_column(name)


def downgrade() -> None:
    """Back to one range a week: the days with any hours, from the earliest opening to the
    latest closing (a lunch break is lost)."""
    with op.batch_alter_table("officials", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("office_days", sa.Integer(), nullable=False, server_default="31")
        )
        batch_op.add_column(
            sa.Column("office_opens", sa.Time(), nullable=False, server_default="09:00:00")
        )
        batch_op.add_column(
            sa.Column("office_closes", sa.Time(), nullable=False, server_default="18:00:00")
        )
    bind = op.get_bind()
    ranges, officials = _ranges(), _officials()
    week: dict[int, tuple[int, time, time]] = {}
    for row in bind.execute(sa.select(ranges)):
        days, opens, closes = week.get(row.official_id, (0, row.opens, row.closes))
        week[row.official_id] = (
            days | 1 << row.weekday,
            min(opens, row.opens),
            max(closes, row.closes),
        )
    for official_id, (days, opens, closes) in week.items():
        bind.execute(
            officials.update()
            .where(officials.c.id == official_id)
            .values(office_days=days, office_opens=opens, office_closes=closes)
        )
    op.drop_index(op.f("ix_office_hours_official_id"), table_name="office_hours")
    op.drop_table("office_hours")
