"""A campaign's cadence and daily limit: read with the defaults filled in, set by admins.

The business days per outcome class live in ``campaign_cadence`` (a class without a row
uses models.cadence.CADENCE_DAYS); the daily limit of attempts per official is
``campaigns.daily_cap`` (models.guard).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.cadence import CADENCE_DAYS, commitment_follow_up
from models.directory import office_hours_of
from models.permissions import Permission, require
from models.tables import Campaign, CampaignCadence, Official
from models.text import InvalidInput
from models.vocab import OutcomeClass

MAX_DAYS = 60
MAX_CAP = 50


@dataclass(frozen=True)
class CadenceRules:
    """Business days until the next follow-up, per class, and the daily limit."""

    days: tuple[tuple[OutcomeClass, int], ...]  # every class, in OutcomeClass order
    daily_cap: int

    def as_dict(self) -> dict[OutcomeClass, int]:
        return dict(self.days)


def cadence_rules(session: Session, campaign_id: int) -> CadenceRules | None:
    """The campaign's rules, defaults filled in; None if there is no such campaign."""
    cap = session.scalar(select(Campaign.daily_cap).where(Campaign.id == campaign_id))
    if cap is None:
        return None
    rows = session.execute(
        select(CampaignCadence.outcome_class, CampaignCadence.business_days).where(
            CampaignCadence.campaign_id == campaign_id
        )
    )
    own = {OutcomeClass(row[0]): int(row[1]) for row in rows}
    days = tuple((c, int(own.get(c, CADENCE_DAYS[c]))) for c in OutcomeClass)
    return CadenceRules(days, int(cap))


def set_cadence(
    session: Session,
    campaign_id: int,
    *,
    days: Mapping[OutcomeClass, int],
    daily_cap: int,
    actor_id: int | None,
) -> bool:
    """Store the campaign's cadence and limit (admins); False and no event if unchanged."""
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    before = cadence_rules(session, campaign_id)
    if before is None:
        raise InvalidInput("That campaign no longer exists.")
    _check(days, daily_cap)
    after = CadenceRules(tuple((c, int(days.get(c, d))) for c, d in before.days), daily_cap)
    if after == before:
        return False
    session.execute(delete(CampaignCadence).where(CampaignCadence.campaign_id == campaign_id))
    session.add_all(
        CampaignCadence(campaign_id=campaign_id, outcome_class=c, business_days=d)
        for c, d in after.days
    )
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None  # cadence_rules found it
    campaign.daily_cap = daily_cap
    session.flush()
    record_event(
        session,
        actor_id=actor_id,
        action="update",
        entity="campaign",
        entity_id=campaign_id,
        changes=_changes(before, after),
    )
    return True


def commitment_due(session: Session, official_id: int, commitment_on: date) -> date:
    """The day to check a commitment was kept (models.cadence.commitment_follow_up)."""
    official = session.get(Official, official_id)
    if official is None:
        return commitment_on
    hours = office_hours_of(official)
    return commitment_follow_up(commitment_on, official.country, hours)


def _check(days: Mapping[OutcomeClass, int], daily_cap: int) -> None:
    for outcome_class, count in days.items():
        if not 0 <= count <= MAX_DAYS:
            raise InvalidInput(
                f"Business days after “{outcome_class}” must be 0 to {MAX_DAYS}, not {count}."
            )
    if not 1 <= daily_cap <= MAX_CAP:
        raise InvalidInput(
            f"The daily limit must be 1 to {MAX_CAP} attempts per official, not {daily_cap}."
        )


def _changes(before: CadenceRules, after: CadenceRules) -> dict[str, object]:
    changes: dict[str, object] = {}
    for (c, old), (_, new) in zip(before.days, after.days, strict=True):
        if old != new:
            changes[f"cadence {c}"] = [old, new]
    if before.daily_cap != after.daily_cap:
        changes["daily_cap"] = [before.daily_cap, after.daily_cap]
    return changes
