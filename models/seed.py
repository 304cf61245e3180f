"""Load the shipped campaign (data/seed_chechnya.json) into the database, idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.campaigns import add_target, find_campaign
from models.directory import OfficialInput, add_contact_point, create_official
from models.localtime import MON_FRI_9_TO_6
from models.phones import parse_phone
from models.tables import Campaign, ContactPoint, Official
from models.vocab import ContactKind

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "seed_chechnya.json"


@dataclass(frozen=True)
class SeedReport:
    campaign_id: int
    campaigns_added: int
    officials_added: int
    contacts_added: int

    @property
    def changed(self) -> bool:
        return bool(self.campaigns_added or self.officials_added or self.contacts_added)


def seed(session: Session, path: Path = SEED_FILE) -> SeedReport:
    """Add whatever of the seed campaign is missing; running it twice adds nothing.

    Rows are matched on natural keys (campaign name whatever its case; official name and
    organisation; contact kind and E.164 value), so edits made in the app are left alone.
    Targets are added with a new campaign or official only, so one removed stays removed.
    """
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["campaign"]
    found = find_campaign(session, spec["name"])
    campaign = session.get(Campaign, found) if found is not None else None
    campaigns_added = 0
    if campaign is None:
        campaign = Campaign(
            name=spec["name"],
            description=spec["description"],
            ask=spec["ask"],
            call_script=spec["call_script"],
            source=spec["source"],
        )
        session.add(campaign)
        session.flush()
        campaigns_added = 1
    officials_added = contacts_added = 0
    for target in spec["targets"]:
        official_id, added = _ensure_official(session, target)
        officials_added += added
        if campaigns_added or added:
            # Only with a new campaign or official: a target an admin removed stays removed.
            add_target(session, campaign.id, official_id, actor_id=None)
        contacts_added += _ensure_contacts(session, official_id, target)
    report = SeedReport(campaign.id, campaigns_added, officials_added, contacts_added)
    if report.changed:
        record_event(
            session,
            actor_id=None,
            action="seed",
            entity="campaign",
            entity_id=campaign.id,
            changes={
                "campaigns_added": campaigns_added,
                "officials_added": officials_added,
                "contacts_added": contacts_added,
            },
        )
    return report


def _ensure_official(session: Session, target: dict[str, Any]) -> tuple[int, int]:
    found = session.scalar(
        select(Official.id).where(
            Official.full_name == target["full_name"],
            Official.organization == target["organization"],
        )
    )
    if found is not None:
        return found, 0
    data = OfficialInput(
        full_name=target["full_name"],
        given_name=target.get("given_name", ""),
        patronymic=target.get("patronymic", ""),
        family_name=target.get("family_name", ""),
        title=target["title"],
        organization=target["organization"],
        country=target["country"],
        timezone=target["timezone"],
        # The alert gives no office hours: a working week is assumed until someone sets them.
        office_hours=MON_FRI_9_TO_6,
        office_hours_assumed=True,
    )
    return create_official(session, data, actor_id=None), 1


def _ensure_contacts(session: Session, official_id: int, target: dict[str, Any]) -> int:
    added = 0
    for position, contact in enumerate(target["contacts"]):
        kind = ContactKind(contact["kind"])
        value = contact["raw"]
        if kind in (ContactKind.PHONE, ContactKind.FAX):
            value = parse_phone(value, target["country"]).e164
        exists_already = session.scalar(
            select(ContactPoint.id).where(
                ContactPoint.official_id == official_id,
                ContactPoint.kind == kind,
                ContactPoint.value == value,
            )
        )
        if exists_already is not None:
            continue
        add_contact_point(
            session,
            official_id=official_id,
            kind=kind,
            value=contact["raw"],
            label=contact.get("label", ""),
            is_primary=position == 0,
            region=target["country"],
            actor_id=None,
        )
        added += 1
    return added
