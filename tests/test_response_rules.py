"""A response stands only on an attempt that got through: the same rule for logging, later
replies, every correction, the attempts import and restore; rollups stay equal to a rebuild."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from models import backup
from models.base import utcnow
from models.commands import ResponseInput, record_response
from models.corrections import AttemptEdit, restore_attempt, update_attempt
from models.filters import Filters
from models.importing.attempts import import_attempts
from models.importing.report import ImportRejected
from models.insights import figures
from models.insights.upkeep import ROLLUP_TABLES, rebuild_rollups
from models.response_rules import is_answerable, unanswerable_attempt_ids
from models.tables import Attempt, AuditEvent, Response, User
from models.text import InvalidInput
from models.vocab import Channel, Outcome, Role, Stance
from tests.factories import DEFAULT_TIME, make_attempt, make_campaign, make_official, make_user

LATER = DEFAULT_TIME + timedelta(days=2)


@pytest.fixture
def world(session: Session) -> dict[str, int]:
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign)
    owner = make_user(session, "Owner")
    admin = make_user(session, "Admin")
    user = session.get(User, admin)
    assert user is not None
    user.role = Role.ADMIN
    live = ResponseInput(Stance.SUPPORTIVE, "Will raise it")
    answered = make_attempt(
        session, campaign_id=campaign, official_id=official, actor_id=owner,
        outcome=Outcome.SPOKE_TO_STAFF, response=live,
    ).attempt_id  # fmt: skip
    session.commit()
    return {"campaign": campaign, "official": official, "owner": owner, "admin": admin,
            "answered": answered}  # fmt: skip


def _rollups(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    session.flush()
    return {t.name: sorted(tuple(r) for r in session.execute(select(t))) for t in ROLLUP_TABLES}


def _assert_rollups_equal_a_rebuild(session: Session) -> None:
    kept = _rollups(session)
    rebuild_rollups(session)
    assert _rollups(session) == kept


def _headline(session: Session, campaign: int) -> tuple[int, int, int]:
    current = figures.headline(session, Filters(campaign_ids=(campaign,)), now=utcnow()).current
    return current.attempts, current.contacted, current.responded


def _edit(outcome: Outcome, *, drop: bool = False, at: datetime = DEFAULT_TIME) -> AttemptEdit:
    return AttemptEdit(Channel.PHONE, outcome, at, drop_response=drop)


@pytest.mark.parametrize(
    ("outcome", "occurred", "responded", "expected"),
    [
        (Outcome.SPOKE_TO_STAFF, DEFAULT_TIME, DEFAULT_TIME, True),
        (Outcome.REFUSED, DEFAULT_TIME, DEFAULT_TIME, True),
        (Outcome.SENT, DEFAULT_TIME, LATER, True),  # a letter answered later
        (Outcome.SENT, DEFAULT_TIME, DEFAULT_TIME, False),  # nobody answered live
        (Outcome.LEFT_VOICEMAIL, DEFAULT_TIME, DEFAULT_TIME, False),
        (Outcome.NO_ANSWER, DEFAULT_TIME, LATER, False),
        (Outcome.FAILED_TO_SEND, DEFAULT_TIME, LATER, False),
    ],
)
def test_which_attempts_can_carry_a_response(
    outcome: Outcome, occurred: datetime, responded: datetime, expected: bool
) -> None:
    """Reached or refused: any response; delivered: a later reply only; no contact: none."""
    assert is_answerable(outcome, occurred, responded) == expected


def test_changing_to_nobody_reached_is_refused_while_a_response_stands(
    session: Session, world: dict[str, int]
) -> None:
    """ "no answer" and "left voicemail" are refused with a reason; nothing changes, no event."""
    events = session.scalar(select(func.count(AuditEvent.id)))
    for outcome in (Outcome.NO_ANSWER, Outcome.LEFT_VOICEMAIL):
        with pytest.raises(InvalidInput, match="carries a response"):
            update_attempt(session, world["answered"], _edit(outcome), actor_id=world["owner"])
        session.rollback()
    attempt = session.get_one(Attempt, world["answered"])
    assert (attempt.outcome, attempt.responded_at) == (Outcome.SPOKE_TO_STAFF, DEFAULT_TIME)
    assert session.scalar(select(func.count(AuditEvent.id))) == events
    # Another outcome where someone was reached is fine.
    changes = update_attempt(
        session, world["answered"], _edit(Outcome.SPOKE_TO_OFFICIAL), actor_id=world["owner"]
    )
    assert changes["outcome"] == ["spoke to staff", "spoke to the official"]


def test_the_edit_can_remove_the_response_in_the_same_step(
    session: Session, world: dict[str, int]
) -> None:
    """drop_response: the outcome changes and the response goes, in one transaction, with a
    "delete response" event and the edit's event naming it; the headline and rollups agree."""
    campaign = world["campaign"]
    assert _headline(session, campaign) == (1, 1, 1)
    response_id = session.scalar(
        select(Response.id).where(Response.attempt_id == world["answered"])
    )
    changes = update_attempt(
        session, world["answered"], _edit(Outcome.NO_ANSWER, drop=True), actor_id=world["owner"]
    )
    session.commit()
    assert changes["outcome"] == ["spoke to staff", "no answer"]
    assert changes["response_id"] == [response_id, None]
    assert session.get(Response, response_id) is None
    assert session.get_one(Attempt, world["answered"]).responded_at is None
    events = session.execute(
        select(AuditEvent.action, AuditEvent.entity).order_by(AuditEvent.id.desc()).limit(2)
    ).all()
    assert [tuple(e) for e in events] == [("update", "attempt"), ("delete", "response")]
    assert _headline(session, campaign) == (1, 0, 0)
    _assert_rollups_equal_a_rebuild(session)


def test_dropping_a_response_that_is_not_there_is_refused(
    session: Session, world: dict[str, int]
) -> None:
    """An attempt with no response: drop_response says so."""
    bare = make_attempt(
        session, campaign_id=world["campaign"], official_id=world["official"],
        actor_id=world["owner"], occurred_at=DEFAULT_TIME - timedelta(hours=1),
    ).attempt_id  # fmt: skip
    with pytest.raises(InvalidInput, match="no response"):
        update_attempt(session, bare, _edit(Outcome.BUSY, drop=True), actor_id=world["owner"])


def test_a_later_reply_needs_an_attempt_that_got_through(
    session: Session, world: dict[str, int]
) -> None:
    """A reply to "no answer" is refused; a letter answered two days later is kept; the
    letter then "failed to send" is refused."""
    log = partial(
        make_attempt, session, campaign_id=world["campaign"], official_id=world["official"],
        actor_id=world["owner"],
    )  # fmt: skip
    missed = log(occurred_at=DEFAULT_TIME - timedelta(days=1)).attempt_id
    sent_at = DEFAULT_TIME - timedelta(days=3)
    letter = log(occurred_at=sent_at, channel=Channel.LETTER, outcome=Outcome.SENT).attempt_id
    session.commit()
    reply = ResponseInput(Stance.OPPOSED, responded_at=LATER)
    with pytest.raises(InvalidInput, match="Nobody was reached"):
        record_response(session, attempt_id=missed, response=reply, actor_id=world["owner"])
    session.rollback()
    record_response(session, attempt_id=letter, response=reply, actor_id=world["owner"])
    failed = AttemptEdit(Channel.LETTER, Outcome.FAILED_TO_SEND, sent_at)
    with pytest.raises(InvalidInput, match="Nobody was reached"):
        update_attempt(session, letter, failed, actor_id=world["owner"])


def test_a_letter_reply_given_at_the_moment_it_was_sent_is_refused(
    session: Session, world: dict[str, int]
) -> None:
    """Delivered, and the reply's time is the attempt's own: nobody answered live."""
    letter = make_attempt(
        session, campaign_id=world["campaign"], official_id=world["official"],
        actor_id=world["owner"], occurred_at=DEFAULT_TIME - timedelta(days=3),
        channel=Channel.LETTER, outcome=Outcome.SENT,
    ).attempt_id  # fmt: skip
    with pytest.raises(InvalidInput, match="Nobody answered live"):
        record_response(
            session, attempt_id=letter, response=ResponseInput(Stance.OPPOSED),
            actor_id=world["owner"],
        )  # fmt: skip


def test_restoring_an_attempt_keeps_the_rule(session: Session, world: dict[str, int]) -> None:
    """A deleted attempt comes back with its response (the rule held when it was deleted),
    and the rollups equal a rebuild."""
    from models.corrections import delete_attempt

    delete_attempt(session, world["answered"], actor_id=world["owner"])
    restore_attempt(session, world["answered"], actor_id=world["admin"])
    assert _headline(session, world["campaign"]) == (1, 1, 1)
    _assert_rollups_equal_a_rebuild(session)


def _attempts_csv(outcome: str, responded: str, at: str = "2026-03-01T10:00:00+00:00") -> bytes:
    header = "official,occurred_at_utc,channel,outcome,responded,responded_at_utc\n"
    return (header + f"Ivan Petrov,{at},phone,{outcome},{responded}\n").encode()


def test_an_import_row_with_a_response_where_nobody_was_reached_is_rejected(
    session: Session, world: dict[str, int]
) -> None:
    """line 2: a response on "no answer" is named; nothing is written."""
    before = session.scalar(select(func.count(Attempt.id)))
    data = _attempts_csv("no answer", "true,2026-03-02T10:00:00+00:00")
    with pytest.raises(ImportRejected) as rejected:
        campaign = _campaign_name(session, world["campaign"])
        import_attempts(session, data, campaign=campaign, actor_id=None)
    assert next(p for p in rejected.value.problems if "Nobody was reached" in p).startswith(
        "line 2: "
    )
    assert session.scalar(select(func.count(Attempt.id))) == before


def test_an_import_that_would_leave_a_response_on_nobody_reached_is_rejected(
    session: Session, world: dict[str, int]
) -> None:
    """Re-importing the answered attempt as "busy" (an update) is refused by line."""
    campaign = _campaign_name(session, world["campaign"])
    at = DEFAULT_TIME.isoformat()
    data = _attempts_csv("busy", f"true,{(DEFAULT_TIME).isoformat()}", at)
    with pytest.raises(ImportRejected) as rejected:
        import_attempts(session, data, campaign=campaign, actor_id=None)
    assert any(p.startswith("line 2: ") and "carries a response" in p
               for p in rejected.value.problems)  # fmt: skip
    assert session.get_one(Attempt, world["answered"]).outcome == Outcome.SPOKE_TO_STAFF


def _campaign_name(session: Session, campaign_id: int) -> str:
    from models.tables import Campaign

    return session.get_one(Campaign, campaign_id).name


def test_restore_reports_attempts_whose_response_breaks_the_rule(
    engine: Engine, session: Session, world: dict[str, int]
) -> None:
    """A backup holding a response on "no answer" (an older version allowed it) restores,
    and the report and the restore's audit event name that attempt."""
    session.execute(
        update(Attempt)
        .where(Attempt.id == world["answered"])
        .values(outcome=Outcome.NO_ANSWER, outcome_class=Outcome.NO_ANSWER.outcome_class)
    )
    session.commit()
    assert unanswerable_attempt_ids(session) == [world["answered"]]
    session.close()  # its read holds SQLite's write lock (BEGIN IMMEDIATE)
    buffer = io.BytesIO()
    backup.make_backup(engine, buffer, actor_id=None)
    report = backup.restore(engine, buffer.getvalue(), actor_id=None)
    assert report.unanswerable_attempt_ids == (world["answered"],)
    with Session(engine) as fresh:
        event = fresh.scalars(
            select(AuditEvent).where(AuditEvent.action == "restore").order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None
        assert event.changes["unanswerable_attempt_ids"] == [world["answered"]]
        assert unanswerable_attempt_ids(fresh) == [world["answered"]]
