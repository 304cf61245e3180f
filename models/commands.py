"""The write side for outreach: log an attempt, record a reply, work follow-ups.

Each function is one user action. It validates, changes rows, and writes one audit
event, all in the caller's transaction: commands flush, they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models import attempt_write as write
from models import freshness, guard, response_rules
from models.audit import record_event
from models.base import utcnow
from models.cadence import call_back_due
from models.follow_up_work import cancel_follow_up as cancel_follow_up
from models.insights import upkeep as rollups
from models.permissions import Permission, allowed, refuse, require
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
    OUTCOMES_BY_CHANNEL,
    Channel,
    ContactKind,
    Outcome,
    Stance,
)

NOTES_MAX = 10_000
SUMMARY_MAX = 2_000
MAX_DURATION_S = 24 * 3600
CLOCK_SKEW = timedelta(minutes=5)  # how far in the future a timestamp may be
REMOVED_POINT = "That contact point was removed; pick another or restore it on Officials."
# How close in time two identical attempts by one coordinator must be to look like one
# call saved twice (two tabs, two devices): see :class:`TwinCheck`.
TWIN_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class ResponseInput:
    """An answer on substance. ``responded_at`` defaults to the attempt's time."""

    stance: Stance
    summary: str = ""
    responded_at: datetime | None = None
    commitment_on: date | None = None


@dataclass(frozen=True)
class TwinCheck:
    """Ask before saving what repeats an attempt saved moments ago by the same coordinator.

    Each tab or device has its own idempotency key, so the same call typed in two tabs
    and saved in both would be two attempts. With a ``TwinCheck``, :func:`log_attempt`
    refuses (:class:`LikelyTwin`) an attempt whose campaign, official, channel, contact
    point, outcome, notes and answered-or-not equal those of a live attempt by the same
    coordinator saved within ``within`` of now and made within ``within`` of this one.
    ``known`` holds the attempts the caller saved itself, or was shown and confirmed: a
    redial logged on purpose after "Log another attempt" is not asked about.
    """

    within: timedelta = TWIN_WINDOW
    known: frozenset[int] = frozenset()


class LikelyTwin(Exception):
    """The attempt repeats ``attempt_id``, saved ``saved_at`` by the same coordinator."""

    def __init__(self, attempt_id: int, saved_at: datetime) -> None:
        super().__init__(f"This repeats attempt #{attempt_id}, saved at {saved_at:%H:%M:%S} UTC.")
        self.attempt_id = attempt_id
        self.saved_at = saved_at


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
    call_back_at: time | None = None,
    twins: TwinCheck | None = None,
) -> LogResult:
    """Record one attempt; complete the open follow-ups it answers; maybe create the next.

    A repeated ``idempotency_key`` (a double click, a replayed submit) changes nothing
    and returns the first attempt with ``created=False``. With ``twins``, the same call
    saved moments ago under another key raises :class:`LikelyTwin` and saves nothing.
    The statements are Core ones (:mod:`models.attempt_write`): this is the path a
    coordinator waits on, call after call.
    ``call_back_at`` (the official's wall clock) sets the follow-up's time on its day.
    """
    context = write.read_context(
        session,
        actor_id=actor_id,
        campaign_id=campaign_id,
        official_id=official_id,
        contact_point_id=contact_point_id,
        idempotency_key=idempotency_key,
    )
    existing = _check_actor_and_key(session, context, actor_id, idempotency_key)
    if existing is not None:
        return LogResult(attempt_id=existing, created=False)
    when = occurred_at or utcnow()
    check_not_future(when, "The attempt's time")
    _check_context_target(context)
    check_outcome(channel, outcome)
    contact_value = _contact_value(context, official_id, channel, contact_point_id)
    notes = clean_text(notes, "Notes", max_len=NOTES_MAX)
    _check_extras(when, outcome, duration_s, follow_up_on, response)
    answer = None if response is None else checked_response(response, when)
    follow_up = call_back_due(context.official_zone, when, follow_up_on, call_back_at)
    facts = write.new_attempt_facts(
        campaign_id=campaign_id, official_id=official_id, channel=channel, outcome=outcome,
        occurred_at=when, zone=context.official_zone,
    )  # fmt: skip
    values = write.attempt_values(
        facts, contact_point_id=contact_point_id, contact_value=contact_value,
        duration_s=duration_s, notes=notes, actor_id=actor_id, idempotency_key=idempotency_key,
    )  # fmt: skip
    if twins is not None:
        # After read_context: on PostgreSQL its lock on this campaign and official makes
        # a concurrent twin wait for this transaction, so one of the two sees the other.
        twin = write.find_twin(
            session, values, answered=answer is not None, window=twins.within,
            known=twins.known, now=utcnow(),
        )  # fmt: skip
        if twin is not None:
            raise LikelyTwin(*twin)
    attempt_id = write.insert_attempt(
        session, values, guard.daily_window(context.official_zone, context.daily_cap, when)
    )
    if attempt_id is None:
        # Another request saved the same key between our check and our insert, or the
        # day already has the campaign's daily limit of attempts.
        winner = write.attempt_id_for_key(session, idempotency_key)
        if winner is None:
            raise guard.over_limit(
                context.official_name,
                context.campaign_name,
                context.daily_cap,
                context.official_zone,
                when,
            )
        return LogResult(attempt_id=winner, created=False)
    if contact_point_id is not None:
        freshness.after_attempt(
            session, point_id=contact_point_id, outcome=outcome, occurred_at=when,
            failures=context.point_failures,
        )  # fmt: skip
    return _after_insert(session, facts, attempt_id, actor_id, follow_up, answer, notes)


def _after_insert(
    session: Session,
    facts: rollups.AttemptFacts,
    attempt_id: int,
    actor_id: int,
    follow_up: tuple[date, datetime | None] | None,
    answer: write.ResponseRow | None,
    notes: str,
) -> LogResult:
    """Count the new attempt, close what it answers, open what it asks for, audit it."""
    rollups.attempt_logged(session, facts)
    completed = tuple(write.complete_follow_ups(session, facts, attempt_id))
    follow_up_id = None
    if follow_up is not None:
        follow_up_id = write.insert_follow_up(
            session, facts, attempt_id=attempt_id, due_on=follow_up[0], actor_id=actor_id,
            reason="follow up", due_at=follow_up[1],
        )  # fmt: skip
    changes: dict[str, object] = {
        "campaign_id": facts.campaign_id,
        "official_id": facts.official_id,
        "channel": facts.channel.value,
        "outcome": facts.outcome.value,
        "occurred_at": facts.occurred_at.isoformat(),
        "has_notes": bool(notes),
        "completed_follow_up_ids": list(completed),
        "follow_up_id": follow_up_id,
    }
    if answer is not None:
        response_id, commitment_id = write.insert_response(
            session, facts, attempt_id=attempt_id, response=answer, actor_id=actor_id
        )
        changes |= {"response_id": response_id, "commitment_follow_up_id": commitment_id}
    write.audit_created(session, actor_id=actor_id, attempt_id=attempt_id, changes=changes)
    return LogResult(attempt_id, True, completed, follow_up_id)


def _check_actor_and_key(
    session: Session, context: write.Context, actor_id: int, key: str
) -> int | None:
    """Refuse an actor who may not log (auditing it) or a malformed key; the attempt
    already saved under ``key``, if any."""
    role = context.actor_role
    if role is None or not context.actor_active or not allowed(role, Permission.LOG_ATTEMPTS):
        refuse(session, None if role is None else actor_id, Permission.LOG_ATTEMPTS)
    _check_key(key)
    return context.existing_attempt_id


def _check_context_target(context: write.Context) -> None:
    """The campaign and official exist and the official is a live target of it."""
    if context.campaign_name is None:
        raise InvalidInput("Pick a campaign.")
    if context.official_name is None or context.official_archived:
        raise InvalidInput("Pick an official from the list.")
    if not context.targeted:
        raise InvalidInput(f"{context.official_name} is not a target of “{context.campaign_name}”.")


def _contact_value(
    context: write.Context, official_id: int, channel: Channel, contact_point_id: int | None
) -> str:
    if contact_point_id is None:
        return ""
    if context.point_removed:
        raise InvalidInput(REMOVED_POINT)
    return check_contact_point(
        context.point_official_id, context.point_kind, context.point_value, official_id, channel
    )


def _check_extras(
    when: datetime,
    outcome: Outcome,
    duration_s: int | None,
    follow_up_on: date | None,
    response: ResponseInput | None,
) -> None:
    if duration_s is not None and not 0 <= duration_s <= MAX_DURATION_S:
        raise InvalidInput("Duration must be between 0 seconds and 24 hours.")
    if follow_up_on is not None and follow_up_on < when.date():
        raise InvalidInput("Follow up on must be the day of the attempt or later.")
    if response is not None:
        response_rules.check_live_response(outcome)


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
    answer = checked_response(response, attempt.occurred_at)
    response_rules.check_answerable(attempt.outcome, attempt.occurred_at, answer.responded_at)
    response_id, commitment_id = write.insert_response(
        session, rollups.facts_of(attempt), attempt_id=attempt_id, response=answer,
        actor_id=actor_id,
    )  # fmt: skip
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
        session, campaign_id=campaign_id, official_id=official_id, due_on=due_on,
        created_at=follow_up.created_at,
    )  # fmt: skip
    record_event(
        session,
        actor_id=actor_id,
        action="create",
        entity="follow_up",
        entity_id=follow_up.id,
        changes={"campaign_id": campaign_id, "official_id": official_id, "due_on": str(due_on)},
    )
    return follow_up.id


def _check_key(key: str) -> None:
    if not key or len(key) > 64:
        raise InvalidInput("Missing or malformed submission key; reload the page.")


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
    *,
    kept_point_id: int | None = None,
) -> str:
    """Check channel, outcome and contact point agree; return the contact's value.

    A removed point is refused, except ``kept_point_id``: the one a corrected attempt
    already used keeps its link.
    """
    check_outcome(channel, outcome)
    if contact_point_id is None:
        return ""
    point = session.get(ContactPoint, contact_point_id)
    if point is None:
        return check_contact_point(None, None, "", official_id, channel)
    if point.removed_at is not None and contact_point_id != kept_point_id:
        raise InvalidInput(REMOVED_POINT)
    return check_contact_point(point.official_id, point.kind, point.value, official_id, channel)


def check_outcome(channel: Channel, outcome: Outcome) -> None:
    if outcome not in OUTCOMES_BY_CHANNEL[channel]:
        raise InvalidInput(f"“{outcome}” is not an outcome of a {channel} attempt.")


def check_contact_point(
    point_official_id: int | None,
    kind: ContactKind | None,
    value: str,
    official_id: int,
    channel: Channel,
) -> str:
    """The contact point (its official, kind and value; None: it does not exist) may be
    used for a ``channel`` attempt to ``official_id``: its value."""
    if kind is None or point_official_id != official_id:
        raise InvalidInput("That contact point does not belong to this official.")
    if CHANNEL_FOR_KIND[kind] != channel:
        raise InvalidInput(f"A {kind} contact cannot be used for a {channel} attempt.")
    return value


def checked_response(response: ResponseInput, attempt_at: datetime) -> write.ResponseRow:
    """Refuse a response the attempt made at ``attempt_at`` cannot have had; else the row."""
    summary = clean_text(response.summary, "Response summary", max_len=SUMMARY_MAX)
    responded_at = response.responded_at or attempt_at
    check_not_future(responded_at, "The response's time")
    if responded_at < attempt_at:
        raise InvalidInput("A response cannot come before the attempt it answers.")
    if response.commitment_on is not None and response.commitment_on < responded_at.date():
        raise InvalidInput("The commitment date must be on or after the response.")
    return write.ResponseRow(response.stance, summary, responded_at, response.commitment_on)
