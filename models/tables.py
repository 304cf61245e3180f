"""The ORM tables: typed SQLAlchemy 2 declarative models."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, UTCDateTime, str_enum, utcnow
from models.text import name_key
from models.vocab import (
    CampaignStatus,
    Channel,
    ContactKind,
    FollowUpStatus,
    Outcome,
    OutcomeClass,
    Role,
    Stance,
)


class User(Base):
    """A person who uses the app: coordinator, campaign lead or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.COORDINATOR)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Failed sign-ins counted in the database, so a new browser tab does not reset them.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    failures_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(Base):
    """A signed-in browser session. Only a hash of its token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(String(32), default="")


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The name case-folded with its spaces collapsed (models.text.name_key), unique: a
    # name is unique whatever its case, in every alphabet ("Чечня" and "ЧЕЧНЯ" are one).
    # SQL's lower() folds only ASCII on SQLite, so the key is computed in Python.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    ask: Mapped[str] = mapped_column(Text, default="")
    call_script: Mapped[str] = mapped_column(Text, default="")  # Markdown, written by admins
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[CampaignStatus] = mapped_column(
        str_enum(CampaignStatus), default=CampaignStatus.ACTIVE
    )
    source: Mapped[str] = mapped_column(Text, default="")  # where the facts came from
    # The action alert the campaign was made from, as pasted (reduced to text).
    source_text: Mapped[str] = mapped_column(Text, default="")
    # At most this many attempts per official per day in this campaign (over-contact guard).
    daily_cap: Mapped[int] = mapped_column(Integer, default=3)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    targets: Mapped[list[Official]] = relationship(
        secondary="campaign_targets", order_by="Official.id", viewonly=True
    )

    @validates("name")
    def _keep_name_key(self, _field: str, value: str) -> str:
        self.name_key = name_key(value)
        return value


class Official(Base):
    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Name parts where known; Russian names are often written surname first.
    given_name: Mapped[str] = mapped_column(String(100), default="")
    patronymic: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    organization: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(2), default="")  # ISO 3166-1 alpha-2
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # IANA name
    # True until someone sets the office hours (rows in office_hours); shown as "assumed".
    office_hours_assumed: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The live contact points only: a removed one (``removed_at`` set) is in no list.
    contact_points: Mapped[list[ContactPoint]] = relationship(
        back_populates="official",
        primaryjoin="and_(ContactPoint.official_id == Official.id, "
        "ContactPoint.removed_at.is_(None))",
        order_by="(ContactPoint.position, ContactPoint.id)",
        cascade="all, delete-orphan",
    )
    office_hours: Mapped[list[OfficeRange]] = relationship(
        order_by="(OfficeRange.weekday, OfficeRange.opens)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (UniqueConstraint("full_name", "organization"),)


class OfficeRange(Base):
    """One range of an official's weekly office hours, wall clock in the official's zone.

    A day with no rows is closed; several rows make a day with breaks. A range that runs
    to midnight closes at ``23:59:59.999999`` (shown as 24:00, models.localtime.END_OF_DAY).
    """

    __tablename__ = "office_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday .. 6 = Sunday
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)

    __table_args__ = (
        CheckConstraint("opens < closes", name="opens_before_closes"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
    )


class CampaignTarget(Base):
    __tablename__ = "campaign_targets"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    official_id: Mapped[int] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), primary_key=True
    )
    # 1 = call first ("leadership first"); the Log page lists tier 1, then 2, ...
    tier: Mapped[int] = mapped_column(Integer, default=1)
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)


class ContactPoint(Base):
    """One way to reach an official. Phone and fax values are E.164 (``+74992443025``)."""

    __tablename__ = "contact_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="CASCADE"))
    kind: Mapped[ContactKind] = mapped_column(str_enum(ContactKind))
    value: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text, default="")  # as it was written in the source
    extension: Mapped[str] = mapped_column(String(20), default="")
    label: Mapped[str] = mapped_column(String(200), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Freshness: when someone was last reached on it (or an admin checked it), and how many
    # attempts in a row failed on it (two or more: suspect).
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    # Removal is soft: a removed point keeps its row and history, leaves every reader
    # (``removed_at IS NULL``) and can be restored (models.directory).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    official: Mapped[Official] = relationship(back_populates="contact_points")

    __table_args__ = (
        UniqueConstraint("official_id", "kind", "value", name="uq_contact_points_official_kind"),
    )


_FACT_COLUMNS = (
    "campaign_id", "official_id", "channel", "outcome", "outcome_class", "responded_at",
    "local_weekday", "local_hour",
)  # fmt: skip
_LIVE_ONLY = "deleted_at IS NULL"
_LIVE: dict[str, Any] = {"sqlite_where": text(_LIVE_ONLY), "postgresql_where": text(_LIVE_ONLY)}
_ANSWERED_ONLY = "deleted_at IS NULL AND responded_at IS NOT NULL"
_ANSWERED: dict[str, Any] = {
    "sqlite_where": text(_ANSWERED_ONLY),
    "postgresql_where": text(_ANSWERED_ONLY),
}


class Attempt(Base):
    """One outreach attempt. Soft-deleted attempts keep their row with ``deleted_at`` set."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    contact_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_points.id", ondelete="SET NULL")
    )
    # The contact as used, kept even if the contact point is later edited or removed.
    contact_value: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome))
    outcome_class: Mapped[OutcomeClass] = mapped_column(str_enum(OutcomeClass))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Derived, for the metrics (models/insights/upkeep.py keeps them right): the response's time,
    # and the weekday (0 = Monday) and hour of occurred_at in the official's own zone,
    # which SQLite cannot compute (it has no time zone database).
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    local_weekday: Mapped[int] = mapped_column(Integer)
    local_hour: Mapped[int] = mapped_column(Integer)

    response: Mapped[Response | None] = relationship(back_populates="attempt", uselist=False)

    __table_args__ = (
        Index("ix_attempts_occurred_at", "occurred_at"),
        Index("ix_attempts_campaign_official", "campaign_id", "official_id", "occurred_at"),
        Index("ix_attempts_coordinator", "coordinator_id"),
        # Covering indexes for the figures read from the raw table (models/insights/sources.py):
        # the days at the edges of a date range, and views filtered by coordinator.
        Index("ix_attempts_facts_by_time", "occurred_at", *_FACT_COLUMNS, **_LIVE),
        Index(
            "ix_attempts_facts_by_coordinator",
            "coordinator_id",
            "occurred_at",
            *_FACT_COLUMNS,
            **_LIVE,
        ),
        # Per official: last contact and first attempt (walked backwards and forwards) ...
        Index(
            "ix_attempts_official_time",
            "official_id",
            "occurred_at",
            "outcome_class",
            "campaign_id",
            "channel",
            "coordinator_id",
            **_LIVE,
        ),
        # ... and the first response.
        Index(
            "ix_attempts_official_response",
            "official_id",
            "responded_at",
            "occurred_at",
            "campaign_id",
            "channel",
            "coordinator_id",
            **_ANSWERED,
        ),
        # The latest responses (Insights, Follow-through), walked from the newest.
        Index(
            "ix_attempts_by_response",
            "responded_at",
            "occurred_at",
            "campaign_id",
            "official_id",
            "channel",
            "coordinator_id",
            **_ANSWERED,
        ),
    )


class Response(Base):
    """An office's answer on substance, live or later, against the attempt it answers."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), unique=True)
    stance: Mapped[Stance] = mapped_column(str_enum(Stance))
    summary: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    commitment_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="response")

    __table_args__ = (
        # The commitments due on or after a day: those a new or removed response may keep.
        Index(
            "ix_responses_commitment",
            "commitment_on",
            "responded_at",
            "attempt_id",
            sqlite_where=text("commitment_on IS NOT NULL"),
            postgresql_where=text("commitment_on IS NOT NULL"),
        ),
    )


class CampaignCadence(Base):
    """A campaign's own cadence: business days until the next follow-up, per outcome class.

    Classes without a row use models.cadence.CADENCE_DAYS.
    """

    __tablename__ = "campaign_cadence"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    outcome_class: Mapped[OutcomeClass] = mapped_column(str_enum(OutcomeClass), primary_key=True)
    business_days: Mapped[int] = mapped_column(Integer)


class FollowUp(Base):
    """The next action owed to an official in a campaign.

    Completed automatically by the next attempt to that official in that campaign.
    """

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    due_on: Mapped[date] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[FollowUpStatus] = mapped_column(
        str_enum(FollowUpStatus), default=FollowUpStatus.OPEN
    )
    source_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"))
    completed_by_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snoozed_until: Mapped[date | None] = mapped_column(Date)  # not offered before this day
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "call back at 15:00"
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_follow_ups_open", "campaign_id", "official_id", "status"),
        Index("ix_follow_ups_due_on", "due_on"),
        Index("ix_follow_ups_created_at", "created_at"),
        # Open at an instant (completed_at is NULL while open) and the assignee's view.
        Index(
            "ix_follow_ups_open_at",
            "completed_at",
            "created_at",
            "due_on",
            "campaign_id",
            "official_id",
            "assignee_id",
        ),
        Index(
            "ix_follow_ups_assignee",
            "assignee_id",
            "due_on",
            "campaign_id",
            "official_id",
            "status",
            "completed_at",
        ),
    )


class AuditEvent(Base):
    """Who did what to which record, when, with the fields changed (never notes' text)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_events_occurred_at", "occurred_at"),)


# The rollup tables and the data versions live in their own modules; importing them here
# registers them on Base.metadata with the rest and keeps ``from models.tables import ...``.
from models.data_version import DataVersion  # noqa: E402
from models.rollup_tables import (  # noqa: E402
    AttemptRollup,
    CommitmentRollup,
    FollowUpFlow,
    FollowUpRollup,
    HourRollup,
    OpenFollowUpTotal,
    ResponseDelayRollup,
)

__all__ = [
    "AttemptRollup", "CommitmentRollup", "DataVersion", "FollowUpFlow", "FollowUpRollup",
    "HourRollup", "OpenFollowUpTotal", "ResponseDelayRollup",
]  # fmt: skip
