"""Insights: rollup tables, derived attempt columns (response time, local hour), covering indexes.

The new columns are filled for existing rows: the local weekday and hour in Python (SQLite
has no time zone database), ``responded_at`` and the rollups in SQL. That code is frozen
here, as it counted at this revision (``models/insights/counting.py`` then), so later
changes to the live code never change what this migration does; a test checks that its
result equals ``upkeep.rebuild()``. Indexes are made after the backfill, which is faster.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

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
    _fill_local_times(bind)
    for statement in _backfill_sql(bind.dialect.name):
        bind.execute(sa.text(statement))

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


# --- The backfill, frozen as it counted at this revision --------------------------------

# Upper bounds (exclusive, seconds) of the bands of a time to response; the last is open.
DELAY_BOUNDS = (60, 300, 900, 3600, 7200, 14400, 28800, 86400, 172800, 345600, 604800,
                1209600, 2592000)  # fmt: skip
LIVE_CLASSES = "('reached', 'refused')"  # outcome classes of a call that reached someone
BATCH = 20_000


def _fill_local_times(bind: sa.Connection) -> None:
    """Each attempt's weekday (0 = Monday) and hour in its official's zone, in batches."""
    zones = {
        oid: ZoneInfo(tz) for oid, tz in bind.execute(sa.text("SELECT id, timezone FROM officials"))
    }
    select = sa.text(
        "SELECT id, official_id, occurred_at FROM attempts WHERE id > :last ORDER BY id LIMIT :n"
    )
    update = sa.text(
        "UPDATE attempts SET local_weekday = :weekday, local_hour = :hour WHERE id = :id"
    )
    last = 0
    while rows := bind.execute(select, {"last": last, "n": BATCH}).all():
        params = []
        for attempt_id, official_id, occurred_at in rows:
            local = _instant(occurred_at).astimezone(zones[official_id])
            params.append({"id": attempt_id, "weekday": local.weekday(), "hour": local.hour})
        bind.execute(update, params)
        last = rows[-1][0]


def _instant(value: datetime | str) -> datetime:
    """A stored instant as aware UTC: SQLite keeps naive UTC text, PostgreSQL the instant."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _backfill_sql(dialect: str) -> list[str]:
    """responded_at from the responses, then every rollup: per week (period_days 7, starting
    Monday 00:00 UTC), per UTC day (1) and over all time (0, starting 1970-01-01)."""
    week, day, epoch, all_time = _spellings(dialect)
    band = (
        "CASE "
        + " ".join(
            f"WHEN {epoch('responded_at')} - {epoch('occurred_at')} < {bound} THEN {index}"
            for index, bound in enumerate(DELAY_BOUNDS)
        )
        + f" ELSE {len(DELAY_BOUNDS)} END"
    )
    statements = [
        "UPDATE attempts SET responded_at ="
        " (SELECT responses.responded_at FROM responses WHERE responses.attempt_id = attempts.id)"
    ]
    for days, start in ((7, week("occurred_at")), (1, day("occurred_at")), (0, all_time)):
        by = "" if days == 0 else f"{start}, "
        statements += [
            "INSERT INTO attempt_rollup (period_days, period_start, campaign_id, official_id,"
            " channel, outcome, outcome_class, attempts, responded)"
            f" SELECT {days}, {start}, campaign_id, official_id, channel, outcome, outcome_class,"
            " count(*), count(responded_at) FROM attempts WHERE deleted_at IS NULL"
            f" GROUP BY {by}campaign_id, official_id, channel, outcome, outcome_class",
            "INSERT INTO response_delay_rollup (period_days, period_start, campaign_id,"
            " official_id, channel, band, responses)"
            f" SELECT {days}, {start}, campaign_id, official_id, channel, {band}, count(*)"
            " FROM attempts WHERE deleted_at IS NULL AND responded_at IS NOT NULL"
            f" GROUP BY {by}campaign_id, official_id, channel, {band}",
            "INSERT INTO hour_rollup (period_days, period_start, campaign_id, official_id,"
            " local_weekday, local_hour, attempts, live_contacts)"
            f" SELECT {days}, {start}, campaign_id, official_id, local_weekday, local_hour,"
            f" count(*), count(CASE WHEN outcome_class IN {LIVE_CLASSES} THEN 1 END)"
            " FROM attempts WHERE deleted_at IS NULL AND channel = 'phone'"
            f" GROUP BY {by}campaign_id, official_id, local_weekday, local_hour",
        ]
    on_time = f"{day('completed_at')} <= due_on"
    statements.append(
        "INSERT INTO follow_up_rollup (due_on, campaign_id, official_id, open, done_on_time,"
        " done_late)"
        " SELECT due_on, campaign_id, official_id,"
        " count(CASE WHEN status = 'open' THEN 1 END),"
        f" count(CASE WHEN status = 'done' AND {on_time} THEN 1 END),"
        f" count(CASE WHEN status = 'done' AND NOT ({on_time}) THEN 1 END)"
        " FROM follow_ups WHERE status != 'cancelled' GROUP BY due_on, campaign_id, official_id"
    )
    return statements


Spell = Callable[[str], str]


def _spellings(dialect: str) -> tuple[Spell, Spell, Spell, str]:
    """(week start, UTC day, whole epoch seconds, the all-time start) in the dialect's SQL."""
    if dialect == "sqlite":  # instants are naive UTC text
        return (
            lambda x: f"date({x}, 'weekday 0', '-6 days')",
            lambda x: f"date({x})",
            lambda x: f"CAST(strftime('%s', {x}) AS INTEGER)",
            "'1970-01-01'",
        )
    return (
        lambda x: f"CAST(date_trunc('week', {x} AT TIME ZONE 'UTC') AS DATE)",
        lambda x: f"CAST({x} AT TIME ZONE 'UTC' AS DATE)",
        lambda x: f"CAST(floor(EXTRACT(EPOCH FROM {x})) AS BIGINT)",
        "DATE '1970-01-01'",
    )


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
