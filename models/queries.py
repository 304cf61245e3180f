"""The read side: lookups for the forms and aggregates computed in SQL, as small values.

Every aggregate returns a DataFrame with fixed columns, empty when nothing matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.directory import office_hours_of
from models.freshness import is_suspect
from models.localtime import OfficeHours
from models.tables import (
    Attempt,
    Campaign,
    CampaignTarget,
    ContactPoint,
    Official,
    Response,
    User,
)
from models.text import name_key
from models.vocab import CampaignStatus, ContactKind

# How the campaign list is ordered: the ones being worked first.
STATUS_ORDER = (
    CampaignStatus.ACTIVE,
    CampaignStatus.PAUSED,
    CampaignStatus.DRAFT,
    CampaignStatus.CLOSED,
)


@dataclass(frozen=True)
class Option:
    id: int
    label: str


# Demo records say so in every list and filter: the one place their label is made.
DEMO_MARK = "(demo)"


def labelled(text: str, *, is_demo: bool) -> str:
    """``text`` as a pick list shows it: demo records end in "(demo)"."""
    return f"{text} {DEMO_MARK}" if is_demo else text


def _official_label(full_name: str, organization: str, is_demo: bool) -> str:
    text = f"{full_name} — {organization}" if organization else full_name
    return labelled(text, is_demo=is_demo)


@dataclass(frozen=True)
class CampaignView:
    id: int
    name: str
    description: str
    ask: str
    call_script: str  # Markdown
    is_demo: bool
    status: CampaignStatus = CampaignStatus.ACTIVE
    starts_on: date | None = None
    ends_on: date | None = None
    source_text: str = ""  # the action alert it was made from, as read
    daily_cap: int = 3  # attempts per official per day (models.guard)


@dataclass(frozen=True)
class ContactView:
    id: int
    kind: ContactKind
    value: str
    extension: str
    label: str
    is_primary: bool
    failures_in_a_row: int = 0  # two or more: suspect (models.freshness)
    verified_at: datetime | None = None

    @property
    def suspect(self) -> bool:
        return is_suspect(self.failures_in_a_row)


@dataclass(frozen=True)
class OfficialCard:
    id: int
    full_name: str
    title: str
    organization: str
    country: str
    timezone: str
    hours: OfficeHours
    hours_assumed: bool
    notes: str
    archived: bool
    contacts: tuple[ContactView, ...]
    given_name: str = ""
    patronymic: str = ""
    family_name: str = ""


def campaign_options(session: Session, *, only_active: bool = False) -> list[Option]:
    """Every campaign (Insights and Reports filter on closed ones too), or the active only
    (what Log outreach offers), demo campaigns last, by name, demo ones labelled so."""
    stmt = select(Campaign.id, Campaign.name, Campaign.is_demo).order_by(
        Campaign.is_demo, Campaign.name
    )
    if only_active:
        stmt = stmt.where(Campaign.status == CampaignStatus.ACTIVE)
    return [
        Option(row.id, labelled(row.name, is_demo=row.is_demo)) for row in session.execute(stmt)
    ]


def campaign_view(session: Session, campaign_id: int) -> CampaignView | None:
    c = session.get(Campaign, campaign_id)
    if c is None:
        return None
    return CampaignView(
        c.id,
        c.name,
        c.description,
        c.ask,
        c.call_script,
        c.is_demo,
        status=c.status,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        source_text=c.source_text,
        daily_cap=c.daily_cap,
    )


def campaign_list(session: Session) -> pd.DataFrame:
    """One row per campaign: active first, then paused, draft, closed; demo last; by name.

    Columns: campaign_id, campaign, status, starts_on, ends_on, targets (officials
    targeted, archived ones included, as campaign_targets lists them), is_demo.
    """
    targets = (
        select(func.count(CampaignTarget.official_id))
        .where(CampaignTarget.campaign_id == Campaign.id)
        .scalar_subquery()
    )
    rank = case(
        {status: i for i, status in enumerate(STATUS_ORDER)}, value=Campaign.status, else_=9
    )
    stmt = select(
        Campaign.id.label("campaign_id"),
        Campaign.name.label("campaign"),
        Campaign.status,
        Campaign.starts_on,
        Campaign.ends_on,
        targets.label("targets"),
        Campaign.is_demo,
    ).order_by(rank, Campaign.is_demo, Campaign.name)
    return _frame(session, stmt)


def campaign_targets(session: Session, campaign_id: int) -> pd.DataFrame:
    """A campaign's targets in calling order (tier, then name), archived ones included.

    Columns: official_id, official, organization, tier, archived.
    """
    stmt = (
        select(
            Official.id.label("official_id"),
            Official.full_name.label("official"),
            Official.organization,
            CampaignTarget.tier,
            Official.archived_at.is_not(None).label("archived"),
        )
        .join(CampaignTarget, CampaignTarget.official_id == Official.id)
        .where(CampaignTarget.campaign_id == campaign_id)
        .order_by(CampaignTarget.tier, Official.full_name, Official.id)
    )
    return _frame(session, stmt)


def official_options(
    session: Session,
    campaign_id: int | None = None,
    *,
    include_archived: bool = False,
    not_in_campaign: int | None = None,
) -> list[Option]:
    """Officials not archived (or all), by name.

    With ``campaign_id``, only that campaign's targets, in calling order (tier, then
    name); with ``not_in_campaign``, only officials that campaign does not target yet.
    """
    stmt = select(Official.id, Official.full_name, Official.organization, Official.is_demo)
    if not include_archived:
        stmt = stmt.where(Official.archived_at.is_(None))
    order: list[Any] = [Official.full_name, Official.id]
    if campaign_id is not None:
        stmt = stmt.join(CampaignTarget, CampaignTarget.official_id == Official.id).where(
            CampaignTarget.campaign_id == campaign_id
        )
        order.insert(0, CampaignTarget.tier)
    if not_in_campaign is not None:
        targeted = select(CampaignTarget.official_id).where(
            CampaignTarget.campaign_id == not_in_campaign
        )
        stmt = stmt.where(Official.id.not_in(targeted))
    return [_official_option(r) for r in session.execute(stmt.order_by(*order))]


def match_officials(session: Session, reference: str) -> list[Option]:
    """Officials whose id is ``reference`` or whose full name is it, whatever the case.

    Names are compared by models.text.name_key in Python: SQLite's lower() folds only
    ASCII, and Russian names are common here. Archived officials are included.
    """
    text = reference.strip()
    if text.isdigit():
        row = session.execute(
            select(Official.id, Official.full_name, Official.organization, Official.is_demo).where(
                Official.id == int(text)
            )
        ).first()
        return [] if row is None else [_official_option(row)]
    key = name_key(text)
    rows = session.execute(
        select(Official.id, Official.full_name, Official.organization, Official.is_demo).order_by(
            Official.id
        )
    )
    return [_official_option(r) for r in rows if name_key(r.full_name) == key]


def _official_option(row: Any) -> Option:
    return Option(row.id, _official_label(row.full_name, row.organization, row.is_demo))


def archived_officials(session: Session) -> list[Option]:
    """Archived officials, by name, labelled as in :func:`official_options`."""
    rows = session.execute(
        select(Official.id, Official.full_name, Official.organization, Official.is_demo)
        .where(Official.archived_at.is_not(None))
        .order_by(Official.full_name, Official.id)
    )
    return [_official_option(r) for r in rows]


def coordinator_options(session: Session) -> list[Option]:
    rows = session.execute(
        select(User.id, User.display_name, User.is_demo).order_by(User.display_name)
    )
    return [Option(r.id, labelled(r.display_name, is_demo=r.is_demo)) for r in rows]


def official_card(session: Session, official_id: int) -> OfficialCard | None:
    o = session.get(Official, official_id)
    if o is None:
        return None
    # Primary points first (one per kind), then the rest in the directory's order.
    contacts = tuple(
        ContactView(
            p.id,
            p.kind,
            p.value,
            p.extension,
            p.label,
            p.is_primary,
            p.failures_in_a_row,
            p.verified_at,
        )
        for p in sorted(o.contact_points, key=lambda p: not p.is_primary)
    )
    return OfficialCard(
        id=o.id,
        full_name=o.full_name,
        title=o.title,
        organization=o.organization,
        country=o.country,
        timezone=o.timezone,
        hours=office_hours_of(o),
        hours_assumed=o.office_hours_assumed,
        notes=o.notes,
        archived=o.archived_at is not None,
        contacts=contacts,
        given_name=o.given_name,
        patronymic=o.patronymic,
        family_name=o.family_name,
    )


def officials_directory(session: Session, *, include_archived: bool = False) -> pd.DataFrame:
    """One row per official: name, title, organisation, zone, count of contact points."""
    contacts = (
        select(func.count(ContactPoint.id))
        .where(ContactPoint.official_id == Official.id, ContactPoint.removed_at.is_(None))
        .scalar_subquery()
    )
    stmt = select(
        Official.id.label("official_id"),
        Official.full_name.label("official"),
        Official.title,
        Official.organization,
        Official.country,
        Official.timezone,
        contacts.label("contact_points"),
        Official.archived_at.is_not(None).label("archived"),
    ).order_by(Official.full_name)
    if not include_archived:
        stmt = stmt.where(Official.archived_at.is_(None))
    return _frame(session, stmt)


def contact_points_frame(session: Session, campaign_id: int | None = None) -> pd.DataFrame:
    """One row per contact point of every official not archived, in directory order;
    with ``campaign_id``, of that campaign's targets only, in calling order (tier, name)."""
    stmt = (
        select(
            Official.full_name.label("official"),
            Official.title,
            Official.organization,
            Official.timezone,
            ContactPoint.kind,
            ContactPoint.value,
            ContactPoint.label,
        )
        .join(ContactPoint, ContactPoint.official_id == Official.id)
        .where(Official.archived_at.is_(None), ContactPoint.removed_at.is_(None))
    )
    order: list[Any] = [Official.full_name, Official.id, ContactPoint.position, ContactPoint.id]
    if campaign_id is not None:
        stmt = stmt.join(CampaignTarget, CampaignTarget.official_id == Official.id).where(
            CampaignTarget.campaign_id == campaign_id
        )
        order.insert(0, CampaignTarget.tier)
    return _frame(session, stmt.order_by(*order))


def awaiting_reply(
    session: Session, *, campaign_id: int, official_id: int, limit: int = 20
) -> list[Option]:
    """Recent attempts with no response yet, for recording a later reply against one."""
    stmt = (
        select(Attempt.id, Attempt.occurred_at, Attempt.channel, Attempt.outcome)
        .outerjoin(Response, Response.attempt_id == Attempt.id)
        .where(
            Attempt.campaign_id == campaign_id,
            Attempt.official_id == official_id,
            Attempt.deleted_at.is_(None),
            Response.id.is_(None),
        )
        .order_by(Attempt.occurred_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    return [
        Option(r.id, f"{r.occurred_at:%Y-%m-%d %H:%M} UTC · {r.channel} · {r.outcome}")
        for r in session.execute(stmt)
    ]


def _frame(session: Session, stmt: object, columns: list[str] | None = None) -> pd.DataFrame:
    result = session.execute(stmt)  # type: ignore[call-overload]
    names = columns or list(result.keys())
    return pd.DataFrame(result.all(), columns=names)
