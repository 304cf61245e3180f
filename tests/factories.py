"""Test data with explicit, deterministic defaults (no randomness)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from models.campaigns import add_target
from models.commands import LogResult, ResponseInput, log_attempt
from models.directory import OfficialInput, create_official
from models.tables import Campaign
from models.users import ensure_user
from models.vocab import Channel, Outcome

_keys = itertools.count(1)

DEFAULT_TIME = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday


def make_user(session: Session, name: str = "Alex Coordinator") -> int:
    return ensure_user(session, name).id


def make_campaign(session: Session, name: str = "Test campaign", **kwargs: Any) -> int:
    campaign = Campaign(name=name, **kwargs)
    session.add(campaign)
    session.flush()
    return campaign.id


def make_official(
    session: Session,
    full_name: str = "Ivan Petrov",
    *,
    campaign_id: int | None = None,
    organization: str = "Ministry of Examples",
    timezone: str = "Europe/Moscow",
    country: str = "RU",
) -> int:
    official_id = create_official(
        session,
        OfficialInput(
            full_name=full_name, organization=organization, timezone=timezone, country=country
        ),
        actor_id=None,
    )
    if campaign_id is not None:
        add_target(session, campaign_id, official_id, actor_id=None)
    return official_id


def make_attempt(
    session: Session,
    *,
    campaign_id: int,
    official_id: int,
    actor_id: int,
    occurred_at: datetime = DEFAULT_TIME,
    channel: Channel = Channel.PHONE,
    outcome: Outcome = Outcome.NO_ANSWER,
    notes: str = "",
    follow_up_on: date | None = None,
    response: ResponseInput | None = None,
    key: str | None = None,
) -> LogResult:
    return log_attempt(
        session,
        campaign_id=campaign_id,
        official_id=official_id,
        channel=channel,
        outcome=outcome,
        actor_id=actor_id,
        idempotency_key=key or f"test-key-{next(_keys)}",
        occurred_at=occurred_at,
        notes=notes,
        follow_up_on=follow_up_on,
        response=response,
    )
