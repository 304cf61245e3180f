"""The write side for campaigns: create, edit, open and close them, and choose their targets.

Every command takes the session first, checks the actor may manage the directory
(``actor_id=None`` is the operator running cli.py), flushes and never commits, and
writes one audit event per record it changed. The free texts (description, the ask, the
call script, the alert text) are audited as "changed", never copied into the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.audit import record_event
from models.base import utcnow
from models.insights import upkeep as rollups
from models.permissions import Permission, require
from models.tables import Campaign, CampaignTarget, FollowUp, Official
from models.text import InvalidInput, clean_text, name_key
from models.vocab import CampaignStatus, FollowUpStatus

NAME_MAX = 200
DESCRIPTION_MAX = 5_000
ASK_MAX = 2_000
SCRIPT_MAX = 20_000
SOURCE_TEXT_MAX = 200_000
TIER_MAX = 99
# Fields audited with their values, and free texts audited only as "changed".
_SHORT_FIELDS = ("name", "status", "starts_on", "ends_on")
_TEXT_FIELDS = ("description", "ask", "call_script")


@dataclass(frozen=True)
class CampaignInput:
    """What an admin fills in for a campaign. The call script is Markdown."""

    name: str
    description: str = ""
    ask: str = ""
    call_script: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    status: CampaignStatus = CampaignStatus.ACTIVE


def find_campaign(session: Session, name: str) -> int | None:
    """The id of the campaign named ``name`` whatever its case and spacing, else None."""
    return session.scalar(select(Campaign.id).where(Campaign.name_key == name_key(name)))


def create_campaign(
    session: Session, data: CampaignInput, *, actor_id: int | None, source_text: str = ""
) -> int:
    """A new campaign; ``source_text`` is the action alert it was made from, if any."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    values = _clean(session, data, own_id=None)
    source = clean_text(source_text, "The alert text", max_len=SOURCE_TEXT_MAX)
    campaign = Campaign(**values, source_text=source)
    session.add(campaign)
    _flush_unique(session, values["name"])
    changes = {name: _audited(values[name]) for name in _SHORT_FIELDS}
    if source:
        changes["source_text"] = f"{len(source):,} characters"
    record_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="campaign",
        entity_id=campaign.id,
        changes=changes,
    )
    return campaign.id


def update_campaign(
    session: Session, campaign_id: int, data: CampaignInput, *, actor_id: int | None
) -> bool:
    """Apply an edit of every field; False (and no event) when nothing changed."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    campaign = _get_campaign(session, campaign_id)
    values = _clean(session, data, own_id=campaign_id)
    changes: dict[str, Any] = {}
    for name, value in values.items():
        before = getattr(campaign, name)
        if before == value:
            continue
        changes[name] = "changed" if name in _TEXT_FIELDS else [_audited(before), _audited(value)]
        setattr(campaign, name, value)
    if not changes:
        return False
    campaign.updated_at = utcnow()
    _flush_unique(session, values["name"])
    record_event(
        session,
        actor_id=actor_id,
        action="update",
        entity="campaign",
        entity_id=campaign_id,
        changes=changes,
    )
    return True


def set_status(
    session: Session, campaign_id: int, status: CampaignStatus, *, actor_id: int | None
) -> bool:
    """Close, reopen, pause or activate a campaign; False when it already had ``status``.

    Only active campaigns are offered on Log outreach; a closed one keeps its attempts,
    targets and follow-ups and still appears in Insights and Reports.
    """
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    campaign = _get_campaign(session, campaign_id)
    status = _status(status)
    if campaign.status == status:
        return False
    before = campaign.status
    campaign.status = status
    campaign.updated_at = utcnow()
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="set_status",
        entity="campaign",
        entity_id=campaign_id,
        changes={"status": [before.value, status.value]},
    )
    return True


def add_target(
    session: Session, campaign_id: int, official_id: int, *, tier: int = 1, actor_id: int | None
) -> bool:
    """Make an official a target of a campaign in ``tier`` (1 = call first).

    False if the official already was a target (its tier is left as it is: see set_tier).
    """
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    if session.get(CampaignTarget, (campaign_id, official_id)) is not None:
        return False
    _get_campaign(session, campaign_id)
    official = session.get(Official, official_id)
    if official is None:
        raise InvalidInput("That official no longer exists.")
    if official.archived_at is not None:
        raise InvalidInput(f"{official.full_name} is archived; restore them before adding.")
    tier = _tier(tier)
    session.add(CampaignTarget(campaign_id=campaign_id, official_id=official_id, tier=tier))
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="add_target",
        entity="campaign",
        entity_id=campaign_id,
        changes={"official_id": official_id, "tier": tier},
    )
    return True


def set_tier(
    session: Session, campaign_id: int, official_id: int, tier: int, *, actor_id: int | None
) -> bool:
    """Move a target to another tier; False when it was already there."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    target = _get_target(session, campaign_id, official_id)
    tier = _tier(tier)
    if target.tier == tier:
        return False
    before = target.tier
    target.tier = tier
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="set_tier",
        entity="campaign",
        entity_id=campaign_id,
        changes={"official_id": official_id, "tier": [before, tier]},
    )
    return True


def remove_target(
    session: Session, campaign_id: int, official_id: int, *, actor_id: int | None
) -> bool:
    """Stop targeting an official; False if they were not a target.

    Their attempts in the campaign are kept (history, Insights and exports still count
    them). Their open follow-ups in the campaign are cancelled, each with its own audit
    event: nobody can log the attempt that would complete them any more.
    """
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    target = session.get(CampaignTarget, (campaign_id, official_id))
    if target is None:
        return False
    tier = target.tier
    cancelled = _cancel_open_follow_ups(session, campaign_id, official_id, actor_id)
    session.delete(target)
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="remove_target",
        entity="campaign",
        entity_id=campaign_id,
        changes={
            "official_id": official_id,
            "tier": tier,
            "cancelled_follow_up_ids": list(cancelled),
        },
    )
    return True


def _cancel_open_follow_ups(
    session: Session, campaign_id: int, official_id: int, actor_id: int | None
) -> tuple[int, ...]:
    rows = session.execute(
        update(FollowUp)
        .where(
            FollowUp.campaign_id == campaign_id,
            FollowUp.official_id == official_id,
            FollowUp.status == FollowUpStatus.OPEN,
        )
        .values(status=FollowUpStatus.CANCELLED, completed_at=utcnow())
        .returning(FollowUp.id, FollowUp.due_on, FollowUp.created_at, FollowUp.completed_at)
    ).all()
    for row in sorted(rows):
        rollups.follow_up_cancelled(
            session, campaign_id=campaign_id, official_id=official_id, due_on=row.due_on,
            created_at=row.created_at, cancelled_at=row.completed_at,
        )  # fmt: skip
        record_event(
            session,
            actor_id=actor_id,
            action="cancel",
            entity="follow_up",
            entity_id=row.id,
            changes={
                "status": [FollowUpStatus.OPEN.value, FollowUpStatus.CANCELLED.value],
                "reason": "target removed from the campaign",
            },
        )
    return tuple(sorted(row.id for row in rows))


def _clean(session: Session, data: CampaignInput, *, own_id: int | None) -> dict[str, Any]:
    name = " ".join(clean_text(data.name, "Name", max_len=NAME_MAX, required=True).split())
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise InvalidInput(
            f"Ends on ({data.ends_on.isoformat()}) is before Starts on "
            f"({data.starts_on.isoformat()}); a campaign cannot end before it starts."
        )
    clash = session.execute(
        select(Campaign.id, Campaign.name).where(Campaign.name_key == name_key(name))
    ).first()
    if clash is not None and clash.id != own_id:
        raise InvalidInput(f"A campaign named “{clash.name}” already exists.")
    return {
        "name": name,
        "description": clean_text(data.description, "Description", max_len=DESCRIPTION_MAX),
        "ask": clean_text(data.ask, "The ask", max_len=ASK_MAX),
        "call_script": clean_text(data.call_script, "Call script", max_len=SCRIPT_MAX),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "status": _status(data.status),
    }


def _flush_unique(session: Session, name: str) -> None:
    """Flush; a name taken meanwhile by another session is the same readable refusal."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise InvalidInput(f"A campaign named “{name}” already exists.") from None


def _status(value: str) -> CampaignStatus:
    try:
        return CampaignStatus(value)
    except ValueError:
        known = ", ".join(s.value for s in CampaignStatus)
        raise InvalidInput(f"“{value}” is not a campaign status; use one of {known}.") from None


def _tier(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= TIER_MAX:
        raise InvalidInput(f"Tier must be a whole number from 1 (call first) to {TIER_MAX}.")
    return value


def _audited(value: object) -> object:
    if isinstance(value, CampaignStatus):
        return value.value
    return value.isoformat() if isinstance(value, date) else value


def _get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise InvalidInput("That campaign no longer exists.")
    return campaign


def _get_target(session: Session, campaign_id: int, official_id: int) -> CampaignTarget:
    target = session.get(CampaignTarget, (campaign_id, official_id))
    if target is None:
        raise InvalidInput("That official is not a target of this campaign.")
    return target
