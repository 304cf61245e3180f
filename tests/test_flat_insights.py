"""The follow-through figures that no longer read more rows as history grows, held to
hand-worked values at their edges: a commitment kept by a reply late on its day (and not
by one just after midnight UTC), deleted attempts left out of the walks, coverage from
the rollup's days, and the latest responses walked from the newest."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from models.campaigns import add_target
from models.commands import ResponseInput, record_response
from models.corrections import delete_attempt
from models.filters import Filters
from models.insights.follow_through import coverage, funnel, quiet_officials, responses
from models.vocab import Channel, Outcome, Stance
from tests.factories import make_attempt, make_campaign, make_official, make_user

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
