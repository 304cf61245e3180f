"""The rollup tables: derived counts the Insights figures read, kept current by
models/insights/upkeep.py in the same transaction as every write that changes them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum
from models.vocab import Channel, Outcome, OutcomeClass

# Rollups: derived counts kept current by models/insights/upkeep.py in the same transaction as
# every write that changes them, and rebuilt from the raw tables by rebuild_rollups().
# Weeks start on Monday (UTC). Attempts, delays and hours are counted per week
# (period_days = 7, period_start a Monday), per day (1) and over all time (0,
# period_start 1970-01-01), so a date range reads whole weeks plus a few days at its
# edges, or all time less the weeks outside it, whichever is less. No coordinator
# column: per coordinator the rollups would be as large as the attempts table, so views
# filtered by coordinator read the raw table.


class AttemptRollup(Base):
    """Live attempts and those answered, per period, campaign, official, channel and outcome."""

    __tablename__ = "attempt_rollup"

    period_days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), primary_key=True)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome), primary_key=True)
    outcome_class: Mapped[OutcomeClass] = mapped_column(str_enum(OutcomeClass))
    attempts: Mapped[int] = mapped_column(Integer)
    responded: Mapped[int] = mapped_column(Integer)

    __table_args__ = ({"sqlite_with_rowid": False},)


class ResponseDelayRollup(Base):
    """Responses per period of the attempt, campaign, official, channel and delay band."""

    __tablename__ = "response_delay_rollup"

    period_days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    responses: Mapped[int] = mapped_column(Integer)

    __table_args__ = ({"sqlite_with_rowid": False},)


class HourRollup(Base):
    """Phone calls, and those that reached someone, per period and the official's local hour."""

    __tablename__ = "hour_rollup"

    period_days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    local_weekday: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    local_hour: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    attempts: Mapped[int] = mapped_column(Integer)
    live_contacts: Mapped[int] = mapped_column(Integer)

    __table_args__ = ({"sqlite_with_rowid": False},)


class FollowUpRollup(Base):
    """Follow-ups not cancelled, per due day, campaign and official: open, done on time, late."""

    __tablename__ = "follow_up_rollup"

    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    open: Mapped[int] = mapped_column(Integer)
    done_on_time: Mapped[int] = mapped_column(Integer)
    done_late: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        # The rows still holding an open follow-up: what the open/overdue tiles sum.
        Index(
            "ix_follow_up_rollup_open",
            "due_on",
            "campaign_id",
            "official_id",
            "open",
            sqlite_where=text("open > 0"),
            postgresql_where=text("open > 0"),
        ),
        {"sqlite_with_rowid": False},
    )


class OpenFollowUpTotal(Base):
    """Follow-ups open now, per campaign and official: the open tile's count, read in as
    many rows as there are targets, however long the history. Overdue is this less the
    open follow-ups due today or later (``follow_up_rollup`` from today on)."""

    __tablename__ = "open_follow_up_total"

    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    open: Mapped[int] = mapped_column(Integer)

    __table_args__ = ({"sqlite_with_rowid": False},)


class CommitmentRollup(Base):
    """Responses carrying a commitment, and those kept, per period of the attempt (like
    ``attempt_rollup``: week, UTC day, all time), campaign, official and channel.

    Kept is ``models.insights.follow_through.kept_clause``: a later live response of the
    same official in the same campaign by the end of the commitment day. A response can
    keep earlier promises, so ``models/insights/upkeep.py`` moves those too."""

    __tablename__ = "commitment_rollup"

    period_days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), primary_key=True)
    commitments: Mapped[int] = mapped_column(Integer)
    kept: Mapped[int] = mapped_column(Integer)

    __table_args__ = ({"sqlite_with_rowid": False},)


class FollowUpFlow(Base):
    """Follow-ups opened and closed per UTC day, due day, campaign and official.

    ``opened`` counts follow-ups by the day of ``created_at`` (whatever became of them);
    ``closed`` those with a ``completed_at`` (done or cancelled) by the day of the later of
    ``created_at`` and ``completed_at`` (a back-dated attempt can complete a follow-up
    before it was made: it was never open). So the follow-ups open at the start of day D
    are those open now, less those opened on D or later, plus those closed on D or later:
    a sum over the days since D, however long the history."""

    __tablename__ = "follow_up_flow"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opened: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)

    __table_args__ = ({"sqlite_with_rowid": False},)
