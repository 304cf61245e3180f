"""Load the shipped campaign (data/seed_chechnya.json) into the database, idempotently.

A seed file is input like any other: every text is cleaned and bounded as the forms do
(:func:`models.text.clean_text`), and anything wrong (bad JSON, a missing field, a NUL,
an over-long or empty name, a bad number) is an :class:`InvalidInput` naming where it
is, raised before the database sees it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.campaigns import (
    ASK_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    SCRIPT_MAX,
    add_target,
    find_campaign,
)
from models.directory import OfficialInput, add_contact_point, create_official
from models.localtime import MON_FRI_9_TO_6
from models.phones import InvalidPhoneNumber, parse_phone
from models.tables import Campaign, ContactPoint, Official
from models.text import InvalidInput, clean_text
from models.vocab import ContactKind

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "seed_chechnya.json"
SOURCE_MAX = 2_000
# The limits of the officials' form (models.directory), for finding one already there.
FULL_NAME_MAX, ORGANIZATION_MAX = 200, 300


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
    spec = _read_spec(path)
    with _where(f"{path.name}, the campaign"):
        values = _campaign_values(spec)
    found = find_campaign(session, values["name"])
    campaign = session.get(Campaign, found) if found is not None else None
    campaigns_added = 0
    if campaign is None:
        campaign = Campaign(**values)
        session.add(campaign)
        session.flush()
        campaigns_added = 1
    officials_added = contacts_added = 0
    for number, target in enumerate(_list(spec, "targets"), start=1):
        with _where(f"{path.name}, target {number}"):
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


def _read_spec(path: Path) -> dict[str, Any]:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))["campaign"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InvalidInput(f'{path.name} is not a seed file (a JSON "campaign"): {exc}') from exc
    if not isinstance(spec, dict):
        raise InvalidInput(f'{path.name}: "campaign" must be a JSON object')
    return spec


@contextmanager
def _where(place: str) -> Iterator[None]:
    """Say where in the seed file an input error is."""
    try:
        yield
    except InvalidInput as exc:
        raise InvalidInput(f"{place}: {exc}") from exc


def _text(
    spec: dict[str, Any], key: str, field: str, max_len: int, *, required: bool = False
) -> str:
    value = spec.get(key, "")
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text, not {type(value).__name__}.")
    return clean_text(value, field, max_len=max_len, required=required)


def _list(spec: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = spec.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InvalidInput(f"“{key}” must be a list of JSON objects.")
    return items


def _campaign_values(spec: dict[str, Any]) -> dict[str, str]:
    """The campaign's fields, cleaned and bounded like the campaign form's."""
    return {
        "name": " ".join(_text(spec, "name", "Name", NAME_MAX, required=True).split()),
        "description": _text(spec, "description", "Description", DESCRIPTION_MAX),
        "ask": _text(spec, "ask", "The ask", ASK_MAX),
        "call_script": _text(spec, "call_script", "Call script", SCRIPT_MAX),
        "source": _text(spec, "source", "Source", SOURCE_MAX),
    }


def _ensure_official(session: Session, target: dict[str, Any]) -> tuple[int, int]:
    full_name = _text(target, "full_name", "Full name", FULL_NAME_MAX, required=True)
    organization = _text(target, "organization", "Organisation", ORGANIZATION_MAX)
    found = session.scalar(
        select(Official.id).where(
            Official.full_name == full_name, Official.organization == organization
        )
    )
    if found is not None:
        return found, 0
    fields = ("given_name", "patronymic", "family_name", "title", "country", "timezone")
    if not all(isinstance(target.get(name, ""), str) for name in fields):
        raise InvalidInput(f"each of {', '.join(fields)} must be text.")
    data = OfficialInput(
        full_name=full_name,
        given_name=target.get("given_name", ""),
        patronymic=target.get("patronymic", ""),
        family_name=target.get("family_name", ""),
        title=target.get("title", ""),
        organization=organization,
        country=target.get("country", ""),
        timezone=target.get("timezone", ""),
        # The alert gives no office hours: a working week is assumed until someone sets them.
        office_hours=MON_FRI_9_TO_6,
        office_hours_assumed=True,
    )
    return create_official(session, data, actor_id=None), 1


def _ensure_contacts(session: Session, official_id: int, target: dict[str, Any]) -> int:
    added = 0
    for position, contact in enumerate(_list(target, "contacts")):
        try:
            kind = ContactKind(str(contact.get("kind", "")))
        except ValueError:
            raise InvalidInput(f"contact {position + 1} has no known kind.") from None
        raw = _text(contact, "raw", f"Contact {position + 1}", 2_000, required=True)
        label = _text(contact, "label", "Label", 200)
        value = raw
        if kind in (ContactKind.PHONE, ContactKind.FAX):
            try:
                value = parse_phone(value, target.get("country", "")).e164
            except InvalidPhoneNumber as exc:
                raise InvalidInput(f"contact {position + 1}: {exc}") from exc
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
            value=raw,
            label=label,
            is_primary=position == 0,
            region=target["country"],
            actor_id=None,
        )
        added += 1
    return added
