"""An action alert becomes a draft campaign: its officials matched or added, in one transaction.

The alert is read by :mod:`models.alerts` into a draft the user may correct (on the
Campaigns page's preview, or not at all from the command line); this module writes it.
Officials already in the directory are matched (:mod:`models.matching`), never
duplicated; their missing numbers are added. Contacts the reader could not make sense
of are not stored: they come back in the report, named, so nothing is dropped unseen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.alerts import AlertDraft, DraftContact, DraftOfficial
from models.campaigns import CampaignInput, add_target, create_campaign, find_campaign
from models.directory import OfficialInput, add_contact_point, create_official
from models.matching import Directory, Match
from models.tables import Campaign, ContactPoint
from models.text import InvalidInput
from models.vocab import CampaignStatus, ContactKind

NUMBER_KINDS = (ContactKind.PHONE, ContactKind.FAX)


@dataclass(frozen=True)
class PlannedOfficial:
    """One official of the alert and what creating the campaign will do with them."""

    draft: DraftOfficial
    match: Match | None  # None: a new official


@dataclass
class AlertReport:
    """What creating (or, with ``dry_run``, planning) a campaign from an alert found."""

    name: str
    campaign_id: int | None
    officials: list[PlannedOfficial]
    contact_points: int  # usable contact points in the alert
    added_contact_points: int = 0
    not_saved: list[str] = field(default_factory=list)  # contacts with a problem
    changed: bool = False

    @property
    def new(self) -> int:
        return sum(1 for p in self.officials if p.match is None)

    @property
    def matched(self) -> int:
        return len(self.officials) - self.new

    def summary(self) -> str:
        return (
            f'campaign "{self.name}": {len(self.officials)} officials '
            f"({self.new} new, {self.matched} matched), {self.contact_points} contact points"
        )


class NoOfficialsFound(InvalidInput):
    """The alert names nobody to contact; nothing was changed."""


def plan_alert(session: Session, officials: Sequence[DraftOfficial]) -> list[PlannedOfficial]:
    """Each official of the draft, matched to the directory where they are already in it.

    A number listed for several officials of the alert (an office fax) identifies none of
    them. A person listed twice in one alert is planned once: the second mention matches
    the first by name.
    """
    listed = Counter(n for draft in officials for n in set(_numbers(draft)))
    directory = Directory(session)
    planned: list[PlannedOfficial] = []
    pending = -1  # stand-in ids for officials not created yet
    for draft in officials:
        numbers = [n for n in _numbers(draft) if listed[n] == 1]
        match = directory.match(draft.full_name, numbers, draft.organization)
        if match is not None and match.official_id < 0:
            continue  # a second mention of someone new in this alert
        planned.append(PlannedOfficial(draft, match))
        if match is None:
            directory.remember(pending, draft.full_name, (), draft.organization)
            pending -= 1
    return planned


def _numbers(draft: DraftOfficial) -> list[str]:
    return [c.value for c in draft.contacts if c.kind in NUMBER_KINDS and c.value]


def create_from_alert(
    session: Session,
    draft: AlertDraft,
    *,
    name: str,
    actor_id: int | None,
    officials: Sequence[DraftOfficial] | None = None,
    description: str | None = None,
    region: str = "RU",
    status: CampaignStatus = CampaignStatus.DRAFT,
    dry_run: bool = False,
) -> AlertReport:
    """Create a draft campaign from ``draft`` (its officials, or the corrected ``officials``).

    Running it again with the same alert and name changes nothing. A campaign of that name
    made from another text is refused, as is an alert in which nobody was found.
    """
    chosen = list(draft.officials if officials is None else officials)
    if not chosen:
        raise NoOfficialsFound(
            "No officials to contact were found in the alert: nothing was changed."
        )
    planned = plan_alert(session, chosen)
    report = AlertReport(
        name=name,
        campaign_id=find_campaign(session, name),
        officials=planned,
        contact_points=sum(1 for p in planned for c in p.draft.contacts if not c.problem),
        not_saved=[_unsaved(p.draft, c) for p in planned for c in p.draft.contacts if c.problem],
    )
    if report.campaign_id is not None:
        _same_source_or_refuse(session, report.campaign_id, name, draft.source_text)
    if dry_run:
        return report
    if report.campaign_id is None:
        data = CampaignInput(
            name=name,
            description=draft.description if description is None else description,
            status=status,
        )
        report.campaign_id = create_campaign(
            session, data, actor_id=actor_id, source_text=draft.source_text
        )
        report.changed = True
    for plan in planned:
        official_id = _official_for(session, plan, actor_id)
        added = _add_contacts(session, official_id, plan.draft, actor_id, region)
        report.added_contact_points += added
        targeted = add_target(session, report.campaign_id, official_id, actor_id=actor_id)
        report.changed |= bool(added or targeted or plan.match is None)
    return report


def _unsaved(official: DraftOfficial, contact: DraftContact) -> str:
    return f"{official.full_name}: {contact.kind} “{contact.raw}” not saved ({contact.problem})"


def _same_source_or_refuse(session: Session, campaign_id: int, name: str, text: str) -> None:
    source = session.scalar(select(Campaign.source_text).where(Campaign.id == campaign_id))
    if (source or "").strip() != text.strip():
        raise InvalidInput(
            f"A campaign named “{name}” already exists and was not made from this alert: "
            "choose another name. Nothing was changed."
        )


def _official_for(session: Session, plan: PlannedOfficial, actor_id: int | None) -> int:
    if plan.match is not None:
        return plan.match.official_id
    d = plan.draft
    data = OfficialInput(
        full_name=d.full_name,
        title=d.title,
        organization=d.organization,
        country=d.country,
        timezone=d.timezone or "UTC",
        notes=f"Salutation: {d.salutation}" if d.salutation else "",
    )
    return create_official(session, data, actor_id=actor_id)


def _add_contacts(
    session: Session, official_id: int, draft: DraftOfficial, actor_id: int | None, region: str
) -> int:
    """Add the usable contacts the official does not have yet; how many were added."""
    have: set[tuple[ContactKind, str]] = {
        (kind, value)
        for kind, value in session.execute(
            select(ContactPoint.kind, ContactPoint.value).where(
                ContactPoint.official_id == official_id, ContactPoint.removed_at.is_(None)
            )
        )
    }
    added = 0
    for contact in draft.contacts:
        if contact.problem or (contact.kind, contact.value) in have:
            continue
        add_contact_point(
            session,
            official_id=official_id,
            kind=contact.kind,
            value=contact.raw if contact.kind in NUMBER_KINDS else contact.value,
            label=contact.label,
            region=draft.country or region,
            actor_id=actor_id,
        )
        have.add((contact.kind, contact.value))
        added += 1
    return added
