"""The write side for outreach: log an attempt, record a reply, work follow-ups.

Each function is one user action. It validates, changes rows, and writes one audit
event, all in the caller's transaction: commands flush, they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.audit import record_event
from models.base import utcnow
from models.insights import upkeep as rollups
from models.permissions import Permission, require
from models.tables import (
    Attempt,
    Campaign,
    CampaignTarget,
    ContactPoint,
    FollowUp,
    Official,
    Response,
)
from models.text import InvalidInput, clean_text
from models.vocab import (
    CHANNEL_FOR_KIND,
    LIVE_CLASSES,
    OUTCOMES_BY_CHANNEL,
    Channel,
    FollowUpStatus,
    Outcome,
    Stance,
)

NOTES_MAX = 10_000
SUMMARY_MAX = 2_000
MAX_DURATION_S = 24 * 3600
CLOCK_SKEW = timedelta(minutes=5)  # how far in the future a timestamp may be


@dataclass(frozen=True)
class ResponseInput:
    """An answer on substance. ``responded_at`` defaults to the attempt's time."""

    stance: Stance
    summary: str = ""
    responded_at: datetime | None = None
    commitment_on: date | None = None


@dataclass(frozen=True)
class LogResult:
    attempt_id: int
    created: bool  # False: this idempotency key was already saved; nothing changed
    completed_follow_up_ids: tuple[int, ...] = ()
    follow_up_id: int | None = None


def log_attempt(
    session: Session,
    *,
    campaign_id: int,
    official_id: int,
    channel: Channel,
    outcome: Outcome,
    actor_id: int,
    idempotency_key: str,
    occurred_at: datetime | None = None,
    contact_point_id: int | None = None,
    duration_s: int | None = None,
    notes: str = "",
    follow_up_on: date | None = None,
    response: ResponseInput | None = None,
) -> LogResult:
    """Record one attempt; complete the open follow-ups it answers; maybe create the next.

    A repeated ``idempotency_key`` (a double click, a replayed submit) changes nothing
    and returns the first attempt with ``created=False``.
    """
    require(session, actor_id, Permission.LOG_ATTEMPTS)
    existing = _attempt_id_for_key(session, idempotency_key)
    if existing is not None:
        return LogResult(attempt_id=existing, created=False)
    when = occurred_at or utcnow()
    check_not_future(when, "The attempt's time")
    official = _check_target(session, campaign_id, official_id)
    contact_value = check_channel(session, official_id, channel, outcome, contact_point_id)
    notes = clean_text(notes, "Notes", max_len=NOTES_MAX)
    if duration_s is not None and not 0 <= duration_s <= MAX_DURATION_S:
        raise InvalidInput("Duration must be between 0 seconds and 24 hours.")
    if follow_up_on is not None and follow_up_on < when.date():
        raise InvalidInput("Follow up on must be the day of the attempt or later.")
    if response is not None and outcome.outcome_class not in LIVE_CLASSES:
        raise InvalidInput(
            f"Nobody was reached (“{outcome}”), so there is no live response to record; "
            "record a later reply against this attempt when it comes."
        )
    attempt = Attempt(
        campaign_id=campaign_id,
        official_id=official_id,
        contact_point_id=contact_point_id,
        contact_value=contact_value,
        channel=channel,
        outcome=outcome,
        outcome_class=outcome.outcome_class,
        occurred_at=when,
        duration_s=duration_s,
        notes=notes,
        coordinator_id=actor_id,
        idempotency_key=idempotency_key,
    )
    rollups.set_local_time(attempt, official.timezone)
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        # Another request saved the same key between our check and our insert.
        winner = _attempt_id_for_key(session, idempotency_key)
        if winner is None:
            raise
        return LogResult(attempt_id=winner, created=False)
    rollups.attempt_logged(session, attempt)
    completed = _complete_follow_ups(session, attempt)
    follow_up_id = None
    if follow_up_on is not None:
        follow_up_id = _new_follow_up(session, attempt, follow_up_on, actor_id, "follow up")
    changes: dict[str, object] = {
        "campaign_id": campaign_id,
        "official_id": official_id,
        "channel": channel.value,
        "outcome": outcome.value,
        "occurred_at": when.isoformat(),
        "has_notes": bool(notes),
        "completed_follow_up_ids": list(completed),
        "follow_up_id": follow_up_id,
    }
    if response is not None:
        response_id, commitment_id = _add_response(session, attempt, response, actor_id)
        changes |= {"response_id": response_id, "commitment_follow_up_id": commitment_id}
    record_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="attempt",
        entity_id=attempt.id,
        changes=changes,
    )
    return LogResult(attempt.id, True, completed, follow_up_id)


def record_response(
    session: Session, *, attempt_id: int, response: ResponseInput, actor_id: int
) -> int:
    """Record a later reply (letter, email, call back) against the attempt it answers."""
    require(session, actor_id, Permission.LOG_ATTEMPTS)
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.deleted_at is not None:
        raise InvalidInput("That attempt no longer exists.")
    has_response = session.scalar(select(exists().where(Response.attempt_id == attempt_id)))
    if has_response:
        raise InvalidInput("That attempt already has a response recorded.")
    response_id, commitment_id = _add_response(session, attempt, response, actor_id)
    record_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="response",
        entity_id=response_id,
        changes={
            "attempt_id": attempt_id,
            "stance": response.stance.value,
            "commitment_follow_up_id": commitment_id,
        },
    )
    return response_id


def create_follow_up(
    session: Session,
    *,
    campaign_id: int,
    official_id: int,
    due_on: date,
    actor_id: int,
    assignee_id: int | None = None,
    reason: str = "",
) -> int:
    """A follow-up owed to an official in a campaign, not tied to an attempt."""
    require(session, actor_id, Permission.LOG_ATTEMPTS)
    _check_target(session, campaign_id, official_id)
    follow_up = FollowUp(
        campaign_id=campaign_id,
        official_id=official_id,
        due_on=due_on,
        assignee_id=assignee_id,
        reason=clean_text(reason, "Reason", max_len=SUMMARY_MAX),
        created_by_id=actor_id,
    )
    session.add(follow_up)
    session.flush()
    rollups.follow_up_created(
        session, campaign_id=campaign_id, official_id=official_id, due_on=due_on
    )
    record_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="follow_up",
        entity_id=follow_up.id,
        changes={"campaign_id": campaign_id, "official_id": official_id, "due_on": str(due_on)},
    )
    return follow_up.id


def cancel_follow_up(session: Session, *, follow_up_id: int, actor_id: int) -> None:
    """Cancel an open follow-up; one that is already done or cancelled is refused."""
    require(session, actor_id, Permission.LOG_ATTEMPTS)
    cancelled = session.execute(
        update(FollowUp)
        .where(FollowUp.id == follow_up_id, FollowUp.status == FollowUpStatus.OPEN)
        .values(status=FollowUpStatus.CANCELLED, completed_at=utcnow())
        .returning(FollowUp.campaign_id, FollowUp.official_id, FollowUp.due_on)
    ).one_or_none()
    if cancelled is None:
        raise InvalidInput("That follow-up is no longer open.")
    rollups.follow_up_cancelled(
        session,
        campaign_id=cancelled.campaign_id,
        official_id=cancelled.official_id,
        due_on=cancelled.due_on,
    )
    record_event(
        session,
        actor_id=actor_id,
        action="cancel",
        entity="follow_up",
        entity_id=follow_up_id,
        changes={"status": [FollowUpStatus.OPEN.value, FollowUpStatus.CANCELLED.value]},
    )


def _attempt_id_for_key(session: Session, key: str) -> int | None:
    if not key or len(key) > 64:
        raise InvalidInput("Missing or malformed submission key; reload the page.")
    return session.scalar(select(Attempt.id).where(Attempt.idempotency_key == key))


def check_not_future(when: datetime, what: str) -> None:
    if when.tzinfo is None:
        raise InvalidInput(f"{what} has no time zone.")
    if when > utcnow() + CLOCK_SKEW:
        raise InvalidInput(f"{what} is in the future.")


def _check_target(session: Session, campaign_id: int, official_id: int) -> Official:
    """The official, if both exist and the official is a live target of the campaign."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise InvalidInput("Pick a campaign.")
    official = session.get(Official, official_id)
    if official is None or official.archived_at is not None:
        raise InvalidInput("Pick an official from the list.")
    targeted = session.get(CampaignTarget, (campaign_id, official_id))
    if targeted is None:
        raise InvalidInput(f"{official.full_name} is not a target of “{campaign.name}”.")
    return official


def check_channel(
    session: Session,
    official_id: int,
    channel: Channel,
    outcome: Outcome,
    contact_point_id: int | None,
) -> str:
    """Check channel, outcome and contact point agree; return the contact's value."""
    if outcome not in OUTCOMES_BY_CHANNEL[channel]:
        raise InvalidInput(f"“{outcome}” is not an outcome of a {channel} attempt.")
    if contact_point_id is None:
        return ""
    point = session.get(ContactPoint, contact_point_id)
    if point is None or point.official_id != official_id:
        raise InvalidInput("That contact point does not belong to this official.")
    if CHANNEL_FOR_KIND[point.kind] != channel:
        raise InvalidInput(f"A {point.kind} contact cannot be used for a {channel} attempt.")
    return point.value


def _complete_follow_ups(session: Session, attempt: Attempt) -> tuple[int, ...]:
    """Mark every open follow-up for the attempt's official and campaign done by it."""
    ids = tuple(
        session.scalars(
            select(FollowUp.id).where(
                FollowUp.campaign_id == attempt.campaign_id,
                FollowUp.official_id == attempt.official_id,
                FollowUp.status == FollowUpStatus.OPEN,
            )
        )
    )
    if ids:
        # RETURNING: exactly the rows this statement closed, even if another writer
        # closed some of them since the SELECT.
        due_days = session.scalars(
            update(FollowUp)
            .where(FollowUp.id.in_(ids), FollowUp.status == FollowUpStatus.OPEN)
            .values(
                status=FollowUpStatus.DONE,
                completed_at=attempt.occurred_at,
                completed_by_attempt_id=attempt.id,
            )
            .returning(FollowUp.due_on)
        ).all()
        rollups.follow_up_completed(
            session,
            campaign_id=attempt.campaign_id,
            official_id=attempt.official_id,
            due_days=due_days,
            completed_at=attempt.occurred_at,
        )
    return ids


def _new_follow_up(
    session: Session, attempt: Attempt, due_on: date, actor_id: int, reason: str
) -> int:
    follow_up = FollowUp(
        campaign_id=attempt.campaign_id,
        official_id=attempt.official_id,
        due_on=due_on,
        assignee_id=actor_id,
        reason=reason,
        source_attempt_id=attempt.id,
        created_by_id=actor_id,
    )
    session.add(follow_up)
    session.flush()
    rollups.follow_up_created(
        session, campaign_id=attempt.campaign_id, official_id=attempt.official_id, due_on=due_on
    )
    return follow_up.id


def _add_response(
    session: Session, attempt: Attempt, response: ResponseInput, actor_id: int
) -> tuple[int, int | None]:
    summary = clean_text(response.summary, "Response summary", max_len=SUMMARY_MAX)
    responded_at = response.responded_at or attempt.occurred_at
    check_not_future(responded_at, "The response's time")
    if responded_at < attempt.occurred_at:
        raise InvalidInput("A response cannot come before the attempt it answers.")
    if response.commitment_on is not None and response.commitment_on < responded_at.date():
        raise InvalidInput("The commitment date must be on or after the response.")
    row = Response(
        attempt_id=attempt.id,
        stance=response.stance,
        summary=summary,
        responded_at=responded_at,
        commitment_on=response.commitment_on,
        recorded_by_id=actor_id,
    )
    session.add(row)
    session.flush()
    attempt.responded_at = responded_at
    rollups.response_recorded(session, attempt)
    commitment_id = None
    if response.commitment_on is not None:
        commitment_id = _new_follow_up(
            session, attempt, response.commitment_on, actor_id, "commitment"
        )
    return row.id, commitment_id
