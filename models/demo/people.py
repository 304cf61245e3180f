"""The demo's campaign, officials and coordinators: found if present, made if not.

Everything here carries ``is_demo=True``; every number is in a range set aside for
fiction (US 555-01xx, UK 020 7946 0xxx, Australia 5550) and every email and web address
is at example.org. The seeded officials, if present, are targeted too, so the charts
show real names.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.campaigns import add_target
from models.directory import OfficialInput, add_contact_point, create_official
from models.seed import SEED_FILE
from models.tables import Campaign, CampaignTarget, Official, User
from models.users import user_key
from models.vocab import ContactKind, Role

DEMO_CAMPAIGN_NAME = "Demo: synthetic history (not real data)"

# (full name, title, organisation, IANA zone, country, phone, fax, email, address)
DEMO_OFFICIALS: tuple[tuple[str, ...], ...] = (
    ("Margaret Ellison", "Senior Adviser for Human Rights", "Office of the Example Envoy (demo)",
     "America/New_York", "US", "+1 212 555 0142", "+1 212 555 0143",
     "m.ellison@example.org", "1 Example Plaza, New York, NY"),
    ("Daniel Okafor", "Chief of Staff", "Committee on Foreign Affairs (demo)",
     "America/New_York", "US", "+1 202 555 0118", "+1 202 555 0119",
     "d.okafor@example.org", "200 Sample Avenue, Washington, DC"),
    ("Rosa Delgado", "Regional Director", "Consulate of Exampleland (demo)",
     "America/Chicago", "US", "+1 312 555 0167", "+1 312 555 0168",
     "r.delgado@example.org", "55 Fiction Street, Chicago, IL"),
    ("Wen Li", "Human Rights Officer", "Consulate of Exampleland (demo)",
     "America/Los_Angeles", "US", "+1 213 555 0131", "+1 213 555 0132",
     "w.li@example.org", "9 Placeholder Road, Los Angeles, CA"),
    ("Claire Tremblay", "Desk Officer, Eastern Europe", "Ministry of Examples (demo)",
     "America/Toronto", "CA", "+1 613 555 0154", "+1 613 555 0155",
     "c.tremblay@example.org", "12 Sample Street, Ottawa, ON"),
    ("Oliver Pembroke", "Head of the Human Rights Unit", "Office of Examples (demo)",
     "Europe/London", "GB", "+44 20 7946 0321", "+44 20 7946 0322",
     "o.pembroke@example.org", "3 Fictional Lane, London"),
    ("Priya Natarajan", "Policy Officer", "Office of Examples (demo)",
     "Europe/London", "GB", "+44 113 496 0555", "+44 113 496 0556",
     "p.natarajan@example.org", "8 Example Row, Leeds"),
    ("Hamish McAllister", "First Secretary", "High Commission of Exampleland (demo)",
     "Australia/Sydney", "AU", "+61 2 5550 4321", "+61 2 5550 4322",
     "h.mcallister@example.org", "40 Sample Parade, Sydney NSW"),
)  # fmt: skip


def coordinator_count(attempts: int) -> int:
    return max(20, min(50, attempts // 20_000))


def ensure_campaign(session: Session) -> int:
    found = session.scalar(select(Campaign.id).where(Campaign.name == DEMO_CAMPAIGN_NAME))
    if found is not None:
        return found
    campaign = Campaign(
        name=DEMO_CAMPAIGN_NAME,
        description="Synthetic attempts, replies and follow-ups for trying the charts. "
        "None of it happened.",
        ask="(demo) Support an independent investigation.",
        call_script="**Demo campaign.** Nothing here is real data.",
        source="models/demo/",
        is_demo=True,
    )
    session.add(campaign)
    session.flush()
    return campaign.id


def ensure_demo_officials(session: Session, campaign_id: int) -> int:
    """Create the missing demo officials; target them and the seeded ones. Returns added."""
    added = 0
    kinds = (ContactKind.PHONE, ContactKind.FAX, ContactKind.EMAIL, ContactKind.ADDRESS,
             ContactKind.WEB)  # fmt: skip
    for name, title, org, tz, country, phone, fax, email, address in DEMO_OFFICIALS:
        contacts = (phone, fax, email, address, f"https://example.org/{email.split('@')[0]}")
        official_id = session.scalar(
            select(Official.id).where(Official.full_name == name, Official.organization == org)
        )
        if official_id is None:
            data = OfficialInput(
                full_name=name, title=title, organization=org, country=country, timezone=tz,
                notes="Demo official: not a real person.", is_demo=True,
            )  # fmt: skip
            official_id = create_official(session, data, actor_id=None)
            for kind, value in zip(kinds, contacts, strict=True):
                add_contact_point(
                    session, official_id=official_id, kind=kind, value=value, is_primary=True,
                    actor_id=None,
                )  # fmt: skip
            added += 1
        add_target(session, campaign_id, official_id, actor_id=None)
    for official_id in seeded_official_ids(session):
        add_target(session, campaign_id, official_id, actor_id=None)
    return added


def seeded_official_ids(session: Session) -> list[int]:
    name = json.loads(SEED_FILE.read_text(encoding="utf-8"))["campaign"]["name"]
    stmt = (
        select(CampaignTarget.official_id)
        .join(Campaign, Campaign.id == CampaignTarget.campaign_id)
        .join(Official, Official.id == CampaignTarget.official_id)
        .where(Campaign.name == name, Official.archived_at.is_(None))
    )
    return list(session.scalars(stmt))


def ensure_coordinators(session: Session, count: int) -> tuple[list[int], int]:
    """Ids of "Demo coordinator 01" up to ``count``, creating the missing ones."""
    keys = {user_key(f"Demo coordinator {n:02d}"): f"Demo coordinator {n:02d}"
            for n in range(1, count + 1)}  # fmt: skip
    rows = session.execute(select(User.name, User.id).where(User.name.in_(list(keys))))
    ids = {name: user_id for name, user_id in rows}
    missing = [User(name=key, display_name=name, role=Role.COORDINATOR, is_demo=True)
               for key, name in keys.items() if key not in ids]  # fmt: skip
    session.add_all(missing)
    session.flush()
    ids |= {user.name: user.id for user in missing}
    return [ids[key] for key in keys], len(missing)
