"""The follow-through figures that no longer read more rows as history grows, held to
hand-worked values at their edges: a commitment kept by a reply late on its day (and not
by one just after midnight UTC), deleted attempts left out of the walks, coverage from
the rollup's days, the latest responses walked from the newest; the commitment rollup
kept right as responses come and go, and the tiles of an earlier day from the flow of
follow-ups opened and closed."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from models.campaigns import add_target
from models.commands import ResponseInput, create_follow_up, record_response
from models.corrections import delete_attempt, remove_response, restore_attempt
from models.db import session_scope
from models.filters import Filters
from models.insights.follow_through import coverage, funnel, quiet_officials, responses
from models.insights.follow_up_tiles import open_follow_ups
from models.insights.upkeep import rebuild_rollups
from models.tables import CommitmentRollup, FollowUp
from models.users import ensure_user
from models.vocab import Channel, FollowUpStatus, Outcome, Role, Stance
from tests.factories import make_attempt, make_campaign, make_official, make_user
from tests.test_rollups import rollup_rows

TODAY = date(2026, 3, 11)  # a Wednesday: this week began Monday 9 March


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def test_a_reply_by_the_end_of_the_commitment_day_keeps_it_one_after_midnight_does_not(
    session: Session,
) -> None:
    """Petrov promised (on the 2nd) an answer by the 5th: a letter answered 5 March 23:59:59
    UTC keeps it. Smith promised the same; his reply came 6 March 00:00:00 UTC: not kept.
    A reply to a deleted attempt keeps nothing; nor does one in another campaign."""
    a, b = make_campaign(session, "A"), make_campaign(session, "B")
    p = make_official(session, "Petrov", campaign_id=a)
    s = make_official(session, "Smith", campaign_id=a)
    add_target(session, b, p, actor_id=None)
    user = make_user(session)
    promise = ResponseInput(Stance.WILL_FORWARD, "by the 5th", commitment_on=date(2026, 3, 5))

    def log(c: int, o: int, when: datetime, reply: datetime | None = None, **kw: object) -> int:
        live = "response" in kw  # a promise is made on the phone; the rest are letters
        attempt = make_attempt(
            session, campaign_id=c, official_id=o, actor_id=user,
            channel=Channel.PHONE if live else Channel.LETTER,
            outcome=Outcome.SPOKE_TO_STAFF if live else Outcome.SENT,
            occurred_at=when, **kw,  # type: ignore[arg-type]
        ).attempt_id  # fmt: skip
        if reply is not None:
            record_response(
                session, attempt_id=attempt, actor_id=user,
                response=ResponseInput(Stance.NONCOMMITTAL, responded_at=reply),
            )  # fmt: skip
        return attempt

    log(a, p, at(2, 9), response=promise)
    log(a, s, at(2, 10), response=promise)
    deleted = log(a, s, at(3, 9), reply=at(4, 12))  # would keep Smith's, but is deleted
    log(b, p, at(3, 10), reply=at(4, 13))  # campaign B: keeps nothing in A
    log(a, p, at(4, 9), reply=at(5, 23, 59, 59))
    log(a, s, at(4, 10), reply=at(6, 0, 0, 0))
    delete_attempt(session, deleted, actor_id=user)
    session.commit()

    frame = responses(session, Filters(), TODAY)
    states = {
        (o, str(when)): state
        for o, when, state in zip(frame.official, frame.responded_at, frame.commitment, strict=True)
    }
    assert states == {
        ("Petrov", "2026-03-02 09:00:00+00:00"): "kept",
        ("Smith", "2026-03-02 10:00:00+00:00"): "not kept",
        ("Petrov", "2026-03-04 13:00:00+00:00"): "",
        ("Petrov", "2026-03-05 23:59:59+00:00"): "",
        ("Smith", "2026-03-06 00:00:00+00:00"): "",
    }
    # Of 5 live attempts: the 2 calls reached a person, 5 answered, Petrov's in A kept.
    got = funnel(session, Filters(), TODAY)
    assert list(got.attempts) == [5, 2, 5, 1]
    assert list(funnel(session, Filters(campaign_ids=(b,)), TODAY).attempts) == [1, 0, 1, 0]
    # From the 3rd: the promises were made before the range, so nothing is kept in it.
    later = Filters(date_from=date(2026, 3, 3))
    assert list(funnel(session, later, TODAY).attempts) == [3, 0, 3, 0]
    assert list(responses(session, later, TODAY).responded_at.astype(str)) == [
        "2026-03-06 00:00:00+00:00", "2026-03-05 23:59:59+00:00", "2026-03-04 13:00:00+00:00",
    ]  # fmt: skip


def test_coverage_and_quiet_officials_leave_deleted_attempts_out(session: Session) -> None:
    """Petrov's only attempt this week is deleted: not covered, and (his live attempt being
    the 20 Feb one) quiet since then. Smith called Monday 9th: covered, not quiet."""
    a = make_campaign(session, "A")
    p = make_official(session, "Petrov", campaign_id=a)
    s = make_official(session, "Smith", campaign_id=a)
    user = make_user(session)

    def log(o: int, when: datetime) -> int:
        return make_attempt(
            session, campaign_id=a, official_id=o, actor_id=user, occurred_at=when
        ).attempt_id

    log(p, datetime(2026, 2, 20, 10, tzinfo=UTC))
    gone = log(p, at(10, 9))
    log(s, at(9, 0))
    log(s, at(8, 23, 59, 59))  # Sunday: last week
    delete_attempt(session, gone, actor_id=user)
    session.commit()

    cover = coverage(session, Filters(), TODAY)
    assert list(zip(cover.targets, cover.contacted, cover.share, strict=True)) == [(2, 1, 0.5)]
    quiet = quiet_officials(session, Filters(), TODAY)
    assert list(quiet.official) == ["Petrov"]
    assert [str(t) for t in quiet.last_contact] == ["2026-02-20 10:00:00+00:00"]


def _kept_and_rollups_equal_a_rebuild(session: Session, filters: Filters | None = None) -> int:
    """The funnel's "commitment kept" count, after checking the incremental rollups (the
    commitment rollup among them) equal a rebuild."""
    incremental = rollup_rows(session)
    rebuild_rollups(session)
    assert rollup_rows(session) == incremental
    frame = funnel(session, filters or Filters(), TODAY)
    return int(frame.attempts.iloc[3])


def test_a_later_response_keeps_earlier_commitments_and_leaving_unkeeps_them(
    session: Session,
) -> None:
    """Petrov (campaign A), by phone:
    #1 2 Mar 09:00 promises an answer by the 10th; #2 3 Mar 09:00 promises one by the 4th.
    #2's answer (3 Mar 09:00) keeps #1's promise: 1 kept of 2.
    A reply to letter #3 (sent 3 Mar 12:00) on 4 Mar 15:00 keeps #2's too: 2.
    Removing that reply: 1 again. Letter #4 (5 Mar) answered 6 Mar keeps #1's only (#2's
    day has passed, #1 is kept already): 1. Deleting #2 leaves #1 kept by #4: 1 (of 1);
    deleting #4 too: 0; restoring #2: 1 (of 2). From the 3rd on, or by letter, only
    #2's promise counts, kept by nothing then: 0; the rollups equal a rebuild each time."""
    a = make_campaign(session, "A")
    p = make_official(session, "Petrov", campaign_id=a)
    user = ensure_user(session, "Admin", role=Role.ADMIN).id  # admins restore

    def call(when: datetime, by: date) -> int:
        promise = ResponseInput(Stance.WILL_FORWARD, "answer", responded_at=when, commitment_on=by)
        return make_attempt(
            session, campaign_id=a, official_id=p, actor_id=user, occurred_at=when,
            outcome=Outcome.SPOKE_TO_STAFF, response=promise,
        ).attempt_id  # fmt: skip

    def letter(when: datetime) -> int:
        return make_attempt(
            session, campaign_id=a, official_id=p, actor_id=user, occurred_at=when,
            channel=Channel.LETTER, outcome=Outcome.SENT,
        ).attempt_id  # fmt: skip

    def reply(attempt: int, when: datetime) -> None:
        answer = ResponseInput(Stance.NONCOMMITTAL, responded_at=when)
        record_response(session, attempt_id=attempt, response=answer, actor_id=user)

    call(at(2, 9), date(2026, 3, 10))
    second = call(at(3, 9), date(2026, 3, 4))
    assert _kept_and_rollups_equal_a_rebuild(session) == 1
    third = letter(at(3, 12))
    reply(third, at(4, 15))
    assert _kept_and_rollups_equal_a_rebuild(session) == 2
    remove_response(session, third, actor_id=user)
    assert _kept_and_rollups_equal_a_rebuild(session) == 1
    fourth = letter(at(5, 9))
    reply(fourth, at(6, 10))
    assert _kept_and_rollups_equal_a_rebuild(session) == 1
    delete_attempt(session, second, actor_id=user)
    assert _kept_and_rollups_equal_a_rebuild(session) == 1
    delete_attempt(session, fourth, actor_id=user)
    assert _kept_and_rollups_equal_a_rebuild(session) == 0
    restore_attempt(session, second, actor_id=user)
    assert _kept_and_rollups_equal_a_rebuild(session) == 1
    rows = session.execute(
        select(CommitmentRollup.period_start, CommitmentRollup.commitments, CommitmentRollup.kept)
        .where(CommitmentRollup.period_days == 1)
        .order_by(CommitmentRollup.period_start)
    ).all()
    assert [tuple(row) for row in rows] == [(date(2026, 3, 2), 1, 1), (date(2026, 3, 3), 1, 0)]
    assert _kept_and_rollups_equal_a_rebuild(session, Filters(date_from=date(2026, 3, 3))) == 0
    assert _kept_and_rollups_equal_a_rebuild(session, Filters(channels=(Channel.LETTER,))) == 0


def test_the_tiles_of_an_earlier_day_count_from_the_flow_as_from_the_raw_rows(
    session: Session,
) -> None:
    """Now is 10 March 12:00; the tile asks for the start of 5 March (t).

    | id | created     | closed                  | due    | open at t | open now |
    |----|-------------|-------------------------|--------|-----------|----------|
    | E  | 6 Mar 12:00 | done 4 Mar (back-dated) | 6 Mar  | no        | no       |
    | F  | 1 Mar 10:00 | cancelled 7 Mar 08:00   | 3 Mar  | overdue   | no       |
    | G  | 1 Mar 10:00 | cancelled, then reopened| 8 Mar  | yes       | overdue  |
    | H  | 5 Mar 00:00 | still open              | 9 Mar  | no (made at t) | overdue |

    At t: F and G, F overdue: (2, 1). Now: G and H, both due before the 10th: (2, 2).
    The flow (any coordinator) and the raw rows (by assignee) give the same."""
    actor = make_user(session, "Alex")
    campaign = make_campaign(session, "C")
    official = make_official(session, "Official One", campaign_id=campaign)
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    rows = (
        (at(6, 12), FollowUpStatus.DONE, at(4, 10), date(2026, 3, 6)),
        (at(1, 10), FollowUpStatus.CANCELLED, at(7, 8), date(2026, 3, 3)),
        (at(1, 10), FollowUpStatus.OPEN, None, date(2026, 3, 8)),
        (at(5, 0), FollowUpStatus.OPEN, None, date(2026, 3, 9)),
    )
    for created, status, closed, due in rows:
        made = create_follow_up(
            session, campaign_id=campaign, official_id=official, due_on=due, actor_id=actor,
            assignee_id=actor,
        )  # fmt: skip
        session.execute(
            update(FollowUp)
            .where(FollowUp.id == made)
            .values(created_at=created, status=status, completed_at=closed)
        )
    rebuild_rollups(session)
    session.flush()
    t = at(5, 0)
    anyone, alex = Filters(campaign_ids=(campaign,)), Filters(coordinator_ids=(actor,))
    assert open_follow_ups(session, anyone, t, now=now) == (2, 1)
    assert open_follow_ups(session, alex, t, now=now) == (2, 1)
    assert open_follow_ups(session, anyone, now, now=now) == (2, 2)
    assert open_follow_ups(session, alex, now, now=now) == (2, 2)
    # The start of the 7th: F (cancelled at 08:00), G and H open; only F (due 3rd) overdue.
    assert open_follow_ups(session, anyone, at(7, 0), now=now) == (3, 1)
    assert open_follow_ups(session, alex, at(7, 0), now=now) == (3, 1)


@pytest.mark.postgres
def test_two_replies_at_once_keep_a_promise_once(engine: Engine) -> None:
    """Petrov promised on 2 March an answer by the 10th; letters #2 and #3 are answered
    (4 and 5 March) by two writers at the same time. Either keeps the promise: the
    rollup counts it kept once, as a rebuild does, however their transactions interleave.
    The second writer waits for the first's commit before it reads what is kept."""
    with session_scope(engine) as session:
        a = make_campaign(session, "A")
        p = make_official(session, "Petrov", campaign_id=a)
        user = make_user(session)
        promise = ResponseInput(Stance.WILL_FORWARD, "by the 10th", commitment_on=date(2026, 3, 10))
        make_attempt(
            session, campaign_id=a, official_id=p, actor_id=user, occurred_at=at(2, 9),
            outcome=Outcome.SPOKE_TO_STAFF, response=promise,
        )  # fmt: skip
        letters = [
            make_attempt(
                session, campaign_id=a, official_id=p, actor_id=user, occurred_at=at(3, hour),
                channel=Channel.LETTER, outcome=Outcome.SENT,
            ).attempt_id
            for hour in (10, 11)
        ]  # fmt: skip
    first_recorded, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def reply(attempt: int, when: datetime, *, hold: bool) -> None:
        try:
            with session_scope(engine) as session:
                answer = ResponseInput(Stance.NONCOMMITTAL, responded_at=when)
                record_response(session, attempt_id=attempt, response=answer, actor_id=user)
                if hold:
                    first_recorded.set()
                    release.wait(10)
        except BaseException as error:
            errors.append(error)

    one = threading.Thread(target=reply, args=(letters[0], at(4, 12)), kwargs={"hold": True})
    two = threading.Thread(target=reply, args=(letters[1], at(5, 12)), kwargs={"hold": False})
    one.start()
    assert first_recorded.wait(10)
    two.start()
    two.join(0.5)  # the second writer waits for the first to commit (PostgreSQL: the lock)
    release.set()
    one.join(10)
    two.join(10)
    assert errors == []
    with Session(engine) as session:
        incremental = rollup_rows(session)
        rebuild_rollups(session)
        assert rollup_rows(session) == incremental
        assert int(funnel(session, Filters(), TODAY).attempts.iloc[3]) == 1
        session.rollback()
