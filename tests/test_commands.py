"""Logging attempts, replies and follow-ups: what is written, what is refused, what is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.commands import ResponseInput, cancel_follow_up, log_attempt, record_response
from models.directory import add_contact_point
from models.tables import Attempt, AuditEvent, FollowUp, Response
from models.text import InvalidInput
from models.vocab import Channel, ContactKind, FollowUpStatus, Outcome, OutcomeClass, Stance
from tests.factories import DEFAULT_TIME, make_attempt, make_campaign, make_official, make_user


@pytest.fixture
def ids(session: Session) -> dict[str, int]:
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign)
    other = make_official(session, "Other Official", campaign_id=campaign)
    user = make_user(session)
    session.commit()
    return {"campaign": campaign, "official": official, "other": other, "user": user}


def _count(session: Session, table: type) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def _audits(session: Session, entity: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == entity)))


def test_log_attempt_stores_what_was_logged(session: Session, ids: dict[str, int]) -> None:
    """The attempt row holds the values given, its outcome class, and UTC time."""
    moscow = DEFAULT_TIME.astimezone(ZoneInfo("Europe/Moscow"))
    result = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        occurred_at=moscow,
        outcome=Outcome.LEFT_VOICEMAIL,
        notes="Left our number",
    )
    session.commit()
    attempt = session.get(Attempt, result.attempt_id)
    assert attempt is not None
    assert result.created
    assert (attempt.channel, attempt.outcome, attempt.outcome_class) == (
        Channel.PHONE,
        Outcome.LEFT_VOICEMAIL,
        OutcomeClass.DELIVERED,
    )
    assert attempt.occurred_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert attempt.occurred_at.tzinfo is UTC
    assert (attempt.notes, attempt.coordinator_id) == ("Left our number", ids["user"])


def test_one_audit_event_per_attempt_without_notes_text(
    session: Session, ids: dict[str, int]
) -> None:
    """Logging writes exactly one audit event; the notes' contents are not copied into it."""
    result = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        notes="Private remark about the official",
    )
    session.commit()
    events = _audits(session, "attempt")
    assert [(e.action, e.entity_id, e.actor_id) for e in events] == [
        ("create", result.attempt_id, ids["user"])
    ]
    assert events[0].changes["has_notes"] is True
    assert "Private remark" not in str(events[0].changes)


def test_same_idempotency_key_saves_once(session: Session, ids: dict[str, int]) -> None:
    """A replayed submit returns the first attempt and changes nothing."""
    first = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        key="same-key",
    )
    second = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        key="same-key",
        outcome=Outcome.BUSY,
    )
    session.commit()
    assert (second.attempt_id, second.created) == (first.attempt_id, False)
    assert (_count(session, Attempt), len(_audits(session, "attempt"))) == (1, 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"channel": Channel.FAX, "outcome": Outcome.LEFT_VOICEMAIL}, "not an outcome of a fax"),
        ({"notes": "bad\x00byte"}, "NUL"),
        ({"notes": "x" * 10_001}, "limit is 10,000"),
        ({"follow_up_on": date(2026, 3, 3)}, "day of the attempt or later"),
        ({"occurred_at": datetime.now(UTC) + timedelta(hours=1)}, "in the future"),
        (
            {"response": ResponseInput(Stance.SUPPORTIVE, "yes")},
            "Nobody was reached",
        ),
        ({"campaign_id": 999_999}, "Pick a campaign"),
        ({"official_id": 999_999}, "Pick an official"),
    ],
)
def test_invalid_attempts_are_refused_and_change_nothing(
    session: Session, ids: dict[str, int], change: dict[str, object], message: str
) -> None:
    """Each invalid input raises a clear message and writes no row and no audit event."""
    kwargs: dict[str, object] = {
        "campaign_id": ids["campaign"],
        "official_id": ids["official"],
        "actor_id": ids["user"],
    } | change
    audits_before = _count(session, AuditEvent)
    with pytest.raises(InvalidInput, match=message):
        make_attempt(session, **kwargs)  # type: ignore[arg-type]
    session.rollback()
    assert (_count(session, Attempt), _count(session, AuditEvent)) == (0, audits_before)


def test_official_must_be_a_target_of_the_campaign(session: Session, ids: dict[str, int]) -> None:
    """An official outside the campaign's targets is refused by name."""
    outsider = make_official(session, "Not Targeted")
    with pytest.raises(InvalidInput, match="Not Targeted is not a target"):
        make_attempt(
            session, campaign_id=ids["campaign"], official_id=outsider, actor_id=ids["user"]
        )


def test_contact_point_must_match_official_and_channel(
    session: Session, ids: dict[str, int]
) -> None:
    """Another official's number, or a fax number for a phone call, is refused."""
    fax = add_contact_point(
        session,
        official_id=ids["official"],
        kind=ContactKind.FAX,
        value="+74992443045",
        actor_id=None,
    )
    others = add_contact_point(
        session,
        official_id=ids["other"],
        kind=ContactKind.PHONE,
        value="+74992443025",
        actor_id=None,
    )
    base = {
        "campaign_id": ids["campaign"],
        "official_id": ids["official"],
        "channel": Channel.PHONE,
        "outcome": Outcome.BUSY,
        "actor_id": ids["user"],
    }
    with pytest.raises(InvalidInput, match="does not belong"):
        log_attempt(session, **base, idempotency_key="k1", contact_point_id=others)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="fax contact cannot be used for a phone"):
        log_attempt(session, **base, idempotency_key="k2", contact_point_id=fax)  # type: ignore[arg-type]


def test_contact_value_is_kept_with_the_attempt(session: Session, ids: dict[str, int]) -> None:
    """The number used is copied onto the attempt, so later edits do not rewrite history."""
    fax = add_contact_point(
        session,
        official_id=ids["official"],
        kind=ContactKind.FAX,
        value="8 (499) 244-30-45",
        actor_id=None,
    )
    result = log_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        channel=Channel.FAX,
        outcome=Outcome.SENT,
        actor_id=ids["user"],
        idempotency_key="fax-1",
        occurred_at=DEFAULT_TIME,
        contact_point_id=fax,
    )
    attempt = session.get(Attempt, result.attempt_id)
    assert attempt is not None
    assert attempt.contact_value == "+74992443045"


def test_follow_up_is_completed_on_time_by_the_next_attempt(
    session: Session, ids: dict[str, int]
) -> None:
    """Follow up on creates an open follow-up; the next attempt (before due) completes it."""
    first = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        follow_up_on=date(2026, 3, 6),
    )
    follow_up = session.get(FollowUp, first.follow_up_id)
    assert follow_up is not None
    assert (follow_up.status, follow_up.due_on) == (FollowUpStatus.OPEN, date(2026, 3, 6))
    second = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        occurred_at=datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
    )
    session.commit()
    session.refresh(follow_up)
    assert second.completed_follow_up_ids == (follow_up.id,)
    assert follow_up.status == FollowUpStatus.DONE
    assert follow_up.completed_by_attempt_id == second.attempt_id
    assert follow_up.completed_at == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert follow_up.completed_at.date() <= follow_up.due_on  # on time


def test_follow_up_completed_late_and_only_for_same_official_and_campaign(
    session: Session, ids: dict[str, int]
) -> None:
    """An attempt to another official leaves it open; a later one to the same completes it late."""
    first = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        follow_up_on=date(2026, 3, 6),
    )
    other = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["other"],
        actor_id=ids["user"],
        occurred_at=datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
    )
    assert other.completed_follow_up_ids == ()
    late = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        occurred_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
    )
    follow_up = session.get(FollowUp, first.follow_up_id)
    assert follow_up is not None and follow_up.completed_at is not None
    assert late.completed_follow_up_ids == (follow_up.id,)
    assert follow_up.completed_at.date() > follow_up.due_on  # late


def test_live_response_with_commitment_creates_a_follow_up(
    session: Session, ids: dict[str, int]
) -> None:
    """A live answer is stored with the attempt; its commitment date (Sun 15 March) becomes
    a follow-up on the first business day after it (Mon 16 March)."""
    result = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        outcome=Outcome.SPOKE_TO_STAFF,
        response=ResponseInput(
            Stance.WILL_FORWARD, "Will reply in writing", None, date(2026, 3, 15)
        ),
    )
    session.commit()
    response = session.scalars(select(Response)).one()
    assert (response.attempt_id, response.stance, response.responded_at) == (
        result.attempt_id,
        Stance.WILL_FORWARD,
        DEFAULT_TIME,
    )
    follow_ups = session.execute(select(FollowUp.reason, FollowUp.due_on)).all()
    assert [tuple(f) for f in follow_ups] == [("commitment", date(2026, 3, 16))]


def test_later_reply_is_recorded_against_the_attempt(session: Session, ids: dict[str, int]) -> None:
    """A reply a week later attaches to the attempt; a second reply or an earlier one is refused."""
    result = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        channel=Channel.FAX,
        outcome=Outcome.SENT,
    )
    reply_at = DEFAULT_TIME + timedelta(days=7)
    response_id = record_response(
        session,
        attempt_id=result.attempt_id,
        response=ResponseInput(Stance.NO_COMMENT, "Letter: no comment", reply_at),
        actor_id=ids["user"],
    )
    session.commit()
    assert session.get(Response, response_id) is not None
    assert [e.action for e in _audits(session, "response")] == ["create"]
    with pytest.raises(InvalidInput, match="already has a response"):
        record_response(
            session,
            attempt_id=result.attempt_id,
            response=ResponseInput(Stance.OPPOSED),
            actor_id=ids["user"],
        )
    early = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
    )
    with pytest.raises(InvalidInput, match="before the attempt"):
        record_response(
            session,
            attempt_id=early.attempt_id,
            response=ResponseInput(Stance.OPPOSED, "", DEFAULT_TIME - timedelta(days=1)),
            actor_id=ids["user"],
        )


def test_cancel_follow_up_once(session: Session, ids: dict[str, int]) -> None:
    """An open follow-up can be cancelled once; cancelling again is refused."""
    first = make_attempt(
        session,
        campaign_id=ids["campaign"],
        official_id=ids["official"],
        actor_id=ids["user"],
        follow_up_on=date(2026, 3, 6),
    )
    assert first.follow_up_id is not None
    cancel_follow_up(session, follow_up_id=first.follow_up_id, actor_id=ids["user"])
    follow_up = session.get(FollowUp, first.follow_up_id)
    session.refresh(follow_up)
    assert follow_up is not None and follow_up.status == FollowUpStatus.CANCELLED
    with pytest.raises(InvalidInput, match="no longer open"):
        cancel_follow_up(session, follow_up_id=first.follow_up_id, actor_id=ids["user"])
