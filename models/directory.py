"""The write side for the directory: officials and their contact points.

Campaign targets are chosen in models/campaigns.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models.audit import record_event
from models.base import as_dict, utcnow
from models.insights import upkeep as rollups
from models.localtime import MON_FRI_9_TO_6, OfficeHours, UnknownTimeZone, zone
from models.permissions import Permission, require
from models.phones import InvalidPhoneNumber, parse_phone
from models.tables import ContactPoint, OfficeRange, Official
from models.text import InvalidInput, clean_text
from models.vocab import ContactKind

EMAIL_MAX = 254
ADDRESS_MAX = 500


@dataclass(frozen=True)
class OfficialInput:
    """What a person fills in for an official. Empty strings mean "not known"."""

    full_name: str
    title: str = ""
    organization: str = ""
    country: str = ""
    timezone: str = "UTC"
    given_name: str = ""
    patronymic: str = ""
    family_name: str = ""
    office_hours: OfficeHours = MON_FRI_9_TO_6  # validated when it is made
    office_hours_assumed: bool = True  # not set by a person yet: shown as "assumed"
    notes: str = ""
    is_demo: bool = field(default=False, compare=False)


# Fields of an official whose changes are audited; notes are audited as "changed", not
# copied; office hours as their description ("Mon–Fri 09:00–18:00").
_AUDITED = tuple(
    f.name for f in fields(OfficialInput) if f.name not in {"notes", "is_demo", "office_hours"}
)


def create_official(session: Session, data: OfficialInput, *, actor_id: int | None) -> int:
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    values = _clean_official(data)
    _check_unique(session, values["full_name"], values["organization"], None)
    official = Official(**values, office_hours=_rows(data.office_hours))
    session.add(official)
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="official",
        entity_id=official.id,
        changes=as_dict(official, _AUDITED) | {"office_hours": data.office_hours.describe()},
    )
    return official.id


def update_official(
    session: Session, official_id: int, data: OfficialInput, *, actor_id: int | None
) -> dict[str, Any]:
    """Apply ``data``; returns the changed fields as ``{name: [before, after]}``."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    official = _get_official(session, official_id)
    values = _clean_official(data)
    _check_unique(session, values["full_name"], values["organization"], official_id)
    before = as_dict(official, _AUDITED)
    hours_before = office_hours_of(official)
    notes_changed = official.notes != values["notes"]
    for name, value in values.items():
        setattr(official, name, value)
    if data.office_hours != hours_before:
        official.office_hours = _rows(data.office_hours)
    session.flush()
    after = as_dict(official, _AUDITED)
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in _AUDITED if before[k] != after[k]}
    if data.office_hours != hours_before:
        changes["office_hours"] = [hours_before.describe(), data.office_hours.describe()]
    if "timezone" in changes:
        # The zone was wrong: the local hours of past calls were too.
        rollups.official_zone_changed(session, official_id)
    if notes_changed:
        changes["notes"] = "changed"
    if changes:
        record_event(
            session,
            actor_id=actor_id,
            action="update",
            entity="official",
            entity_id=official_id,
            changes=changes,
        )
    return changes


def archive_official(session: Session, official_id: int, *, actor_id: int | None) -> None:
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    official = _get_official(session, official_id)
    if official.archived_at is not None:
        raise InvalidInput(f"{official.full_name} is already archived.")
    official.archived_at = utcnow()
    record_event(
        session, actor_id=actor_id, action="archive", entity="official", entity_id=official_id
    )


def unarchive_official(session: Session, official_id: int, *, actor_id: int | None) -> None:
    """Bring an archived official back into the pickers and target lists."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    official = _get_official(session, official_id)
    if official.archived_at is None:
        raise InvalidInput(f"{official.full_name} is not archived.")
    archived_at = official.archived_at
    official.archived_at = None
    record_event(
        session,
        actor_id=actor_id,
        action="unarchive",
        entity="official",
        entity_id=official_id,
        changes={"archived_at": [archived_at.isoformat(), None]},
    )


def office_hours_of(official: Official) -> OfficeHours:
    """The official's weekly office hours from their rows."""
    return OfficeHours.of((r.weekday, r.opens, r.closes) for r in official.office_hours)


def add_contact_point(
    session: Session,
    *,
    official_id: int,
    kind: ContactKind,
    value: str,
    actor_id: int | None,
    label: str = "",
    is_primary: bool = False,
    region: str | None = None,
) -> int:
    """Add a contact point; phones and faxes are parsed and stored in E.164.

    Numbers without a country code are read in ``region``, else the official's
    country, else the configured default region.
    """
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    official = _get_official(session, official_id)
    stored, raw, extension = _clean_contact(kind, value, region or official.country or None)
    duplicate = session.scalar(
        select(ContactPoint).where(
            ContactPoint.official_id == official_id,
            ContactPoint.kind == kind,
            ContactPoint.value == stored,
        )
    )
    if duplicate is not None and duplicate.removed_at is None:
        raise InvalidInput(f"{official.full_name} already has the {kind} {stored}.")
    if duplicate is not None:
        # Added again after its removal: the same point comes back, with its history (and
        # its label, unless a new one is given).
        label = clean_text(label, "Label", max_len=200) or duplicate.label
        _bring_back(session, duplicate, actor_id, label=label, is_primary=is_primary)
        return duplicate.id
    position = session.scalar(
        select(func.coalesce(func.max(ContactPoint.position) + 1, 0)).where(
            ContactPoint.official_id == official_id
        )
    )
    if is_primary:
        _clear_primary(session, official_id, kind)
    point = ContactPoint(
        official_id=official_id,
        kind=kind,
        value=stored,
        raw=raw,
        extension=extension,
        label=clean_text(label, "Label", max_len=200),
        is_primary=is_primary,
        position=position or 0,
    )
    session.add(point)
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="contact_point",
        entity_id=point.id,
        changes={"official_id": official_id, "kind": kind.value, "value": stored},
    )
    return point.id


def update_contact_point(
    session: Session,
    contact_point_id: int,
    *,
    value: str,
    label: str,
    is_primary: bool,
    actor_id: int | None,
    region: str | None = None,
) -> dict[str, Any]:
    """Change a contact point's value, label or primary flag; returns what changed."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    point = session.get(ContactPoint, contact_point_id)
    if point is None or point.removed_at is not None:
        raise InvalidInput("That contact point no longer exists.")
    official = _get_official(session, point.official_id)
    stored, raw, extension = _clean_contact(point.kind, value, region or official.country or None)
    audited = ("value", "extension", "label", "is_primary")
    before = {name: getattr(point, name) for name in audited}
    if is_primary and not point.is_primary:
        _clear_primary(session, point.official_id, point.kind)
    if (stored, extension) != (point.value, point.extension):
        # The same number written another way keeps the source's text: no silent change.
        point.value, point.raw, point.extension = stored, raw, extension
    point.label = clean_text(label, "Label", max_len=200)
    point.is_primary = is_primary
    session.flush()
    after = {name: getattr(point, name) for name in audited}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        record_event(
            session,
            actor_id=actor_id,
            action="update",
            entity="contact_point",
            entity_id=contact_point_id,
            changes=changes,
        )
    return changes


def remove_contact_point(session: Session, contact_point_id: int, *, actor_id: int | None) -> None:
    """Remove a contact point (softly: it can be restored); it leaves every list, the
    queue and the exports, and attempts made through it keep the value they used."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    point = session.get(ContactPoint, contact_point_id)
    if point is None or point.removed_at is not None:
        raise InvalidInput("That contact point no longer exists.")
    point.removed_at, point.removed_by_id = utcnow(), actor_id
    was_primary, point.is_primary = point.is_primary, False
    session.flush()
    _forget_points(session, point.official_id)
    record_event(
        session,
        actor_id=actor_id,
        action="delete",
        entity="contact_point",
        entity_id=contact_point_id,
        changes=_snapshot(point) | {"was_primary": was_primary},
    )


def restore_contact_point(session: Session, contact_point_id: int, *, actor_id: int | None) -> None:
    """Bring a removed contact point back, as it was (not primary: another may be now)."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    point = session.get(ContactPoint, contact_point_id)
    if point is None or point.removed_at is None:
        raise InvalidInput("That contact point is not removed.")
    _bring_back(session, point, actor_id, label=point.label, is_primary=False)


def removed_contact_points(session: Session, official_id: int) -> list[tuple[int, str]]:
    """The official's removed contact points, most recently removed first: (id, label)."""
    rows = session.execute(
        select(ContactPoint.id, ContactPoint.kind, ContactPoint.value, ContactPoint.label)
        .where(ContactPoint.official_id == official_id, ContactPoint.removed_at.is_not(None))
        .order_by(ContactPoint.removed_at.desc(), ContactPoint.id)
    )
    return [(int(r.id), _point_label(r.kind, r.value, r.label)) for r in rows]


def _point_label(kind: ContactKind, value: str, label: str) -> str:
    return f"{kind}: {value}" + (f" ({label})" if label else "")


def _bring_back(
    session: Session, point: ContactPoint, actor_id: int | None, *, label: str, is_primary: bool
) -> None:
    removed_at = point.removed_at
    assert removed_at is not None
    if is_primary:
        _clear_primary(session, point.official_id, point.kind)
    point.removed_at, point.removed_by_id = None, None
    point.label, point.is_primary = label, is_primary
    session.flush()
    _forget_points(session, point.official_id)
    record_event(
        session,
        actor_id=actor_id,
        action="restore",
        entity="contact_point",
        entity_id=point.id,
        changes=_snapshot(point) | {"removed_at": [removed_at.isoformat(), None]},
    )


def _snapshot(point: ContactPoint) -> dict[str, Any]:
    return {"official_id": point.official_id, "kind": point.kind.value, "value": point.value}


def _forget_points(session: Session, official_id: int) -> None:
    """The official's list of live points is read again: one just left or came back."""
    official = session.get(Official, official_id)
    if official is not None:
        session.expire(official, ["contact_points"])


def _get_official(session: Session, official_id: int) -> Official:
    official = session.get(Official, official_id)
    if official is None:
        raise InvalidInput("That official no longer exists.")
    return official


def _check_unique(session: Session, name: str, organization: str, own_id: int | None) -> None:
    clash = session.scalar(
        select(Official.id).where(Official.full_name == name, Official.organization == organization)
    )
    if clash is not None and clash != own_id:
        raise InvalidInput(f"{name} at “{organization or 'no organisation'}” is already listed.")


def _clean_official(data: OfficialInput) -> dict[str, Any]:
    country = clean_text(data.country, "Country", max_len=100).upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise InvalidInput("Country must be a two-letter ISO code such as RU or US.")
    try:
        zone(data.timezone)
    except UnknownTimeZone as exc:
        raise InvalidInput(str(exc)) from exc
    return {
        "full_name": clean_text(data.full_name, "Full name", max_len=200, required=True),
        "title": clean_text(data.title, "Title", max_len=500),
        "organization": clean_text(data.organization, "Organisation", max_len=300),
        "country": country,
        "timezone": data.timezone,
        "given_name": clean_text(data.given_name, "Given name", max_len=100),
        "patronymic": clean_text(data.patronymic, "Patronymic", max_len=100),
        "family_name": clean_text(data.family_name, "Family name", max_len=100),
        "office_hours_assumed": data.office_hours_assumed,
        "notes": clean_text(data.notes, "Notes", max_len=10_000),
        "is_demo": data.is_demo,
    }


def _rows(hours: OfficeHours) -> list[OfficeRange]:
    return [OfficeRange(weekday=d, opens=o, closes=c) for d, o, c in hours.ranges()]


def clean_contact(kind: ContactKind, value: str, region: str | None) -> tuple[str, str, str]:
    """(stored value, raw text, extension) for a contact of ``kind``; raises InvalidInput."""
    return _clean_contact(kind, value, region)


def _clean_contact(kind: ContactKind, value: str, region: str | None) -> tuple[str, str, str]:
    """(stored value, raw text, extension) for a contact of ``kind``."""
    if kind in (ContactKind.PHONE, ContactKind.FAX):
        try:
            parsed = parse_phone(value, region)
        except InvalidPhoneNumber as exc:
            raise InvalidInput(str(exc)) from exc
        return parsed.e164, parsed.raw, parsed.extension
    if kind is ContactKind.EMAIL:
        email = clean_text(value, "Email", max_len=EMAIL_MAX, required=True)
        local, _, domain = email.partition("@")
        if not local or "." not in domain or " " in email:
            raise InvalidInput(f"“{email}” is not an email address.")
        return email, email, ""
    if kind is ContactKind.WEB:
        url = clean_text(value, "Web address", max_len=ADDRESS_MAX, required=True)
        if not url.lower().startswith(("https://", "http://")):
            raise InvalidInput("Web addresses must start with https:// or http://.")
        return url, url, ""
    text = clean_text(value, "Address", max_len=ADDRESS_MAX, required=True)
    return text, text, ""


def _clear_primary(session: Session, official_id: int, kind: ContactKind) -> None:
    session.execute(
        update(ContactPoint)
        .where(ContactPoint.official_id == official_id, ContactPoint.kind == kind)
        .values(is_primary=False)
    )
