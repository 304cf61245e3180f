"""The over-contact guard: today's contacts in the official's day, and the daily limit,
which holds under coordinators saving at the same moment."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.campaigns import add_target
from models.db import run_write, session_scope
from models.guard import contacts_today, local_day_bounds
from models.tables import Attempt, Campaign
from models.text import InvalidInput
from models.vocab import Channel, Outcome
from tests.factories import make_attempt, make_campaign, make_official, make_user


@pytest.fixture
def world(session: Session) -> dict[str, int]:
    """Two campaigns (limit 2 in the first) targeting one Moscow official; one user."""
    first = make_campaign(session, "First", daily_cap=2)
    second = make_campaign(session, "Second")
    official = make_official(session, campaign_id=first)
    add_target(session, second, official, actor_id=None)
    user = make_user(session)
    session.commit()
    return {"first": first, "second": second, "official": official, "user": user}


def _log(session: Session, world: dict[str, int], campaign: str = "first", **kw: Any) -> int:
    return make_attempt(
        session,
        campaign_id=world[campaign],
        official_id=world["official"],
        actor_id=world["user"],
        **({"occurred_at": datetime.now(UTC)} | kw),
    ).attempt_id


def test_local_day_bounds_follow_the_officials_zone() -> None:
    """Moscow's 4 March runs from 3 March 21:00 UTC to 4 March 21:00 UTC."""
    start, end = local_day_bounds(datetime(2026, 3, 4).date(), "Europe/Moscow")
    assert (start, end) == (
        datetime(2026, 3, 3, 21, 0, tzinfo=UTC),
        datetime(2026, 3, 4, 21, 0, tzinfo=UTC),
    )


def test_contacts_today_are_the_officials_local_day_in_every_campaign(
    session: Session, world: dict[str, int]
) -> None:
    """At 10:00 UTC on 4 March: 21:30 UTC on the 3rd is already the 4th in Moscow and
    counts; 20:30 UTC on the 3rd (23:30 there) does not; both campaigns are listed."""
    day_before = _log(session, world, occurred_at=datetime(2026, 3, 3, 20, 30, tzinfo=UTC))
    after_midnight = _log(session, world, occurred_at=datetime(2026, 3, 3, 21, 30, tzinfo=UTC))
    other = _log(
        session,
        world,
        "second",
        occurred_at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC),
        outcome=Outcome.SPOKE_TO_STAFF,
    )
    seen = contacts_today(
        session, official_id=world["official"], now_utc=datetime(2026, 3, 4, 10, tzinfo=UTC)
    )
    assert [(c.attempt_id, c.campaign, c.outcome, c.coordinator) for c in seen] == [
        (other, "Second", Outcome.SPOKE_TO_STAFF, "Alex Coordinator"),
        (after_midnight, "First", Outcome.NO_ANSWER, "Alex Coordinator"),
    ]
    assert day_before not in {c.attempt_id for c in seen}


def test_the_daily_limit_refuses_the_attempt_past_it_and_says_why(
    session: Session, world: dict[str, int]
) -> None:
    """Limit 2: the third attempt today in that campaign is refused with "daily limit";
    nothing is saved; the other campaign (limit 3) still takes one."""
    _log(session, world)
    _log(session, world)
    with pytest.raises(InvalidInput, match="daily limit") as refused:
        _log(session, world)
    assert "already has 2 attempts today" in str(refused.value)
    assert "“First”" in str(refused.value)
    _log(session, world, "second")
    count = session.scalar(
        select(func.count(Attempt.id)).where(Attempt.campaign_id == world["first"])
    )
    assert count == 2


def test_a_repeated_key_at_the_limit_is_already_saved_not_refused(
    session: Session, world: dict[str, int]
) -> None:
    """A double click on the attempt that reached the limit returns it, created=False."""
    _log(session, world)
    second = make_attempt(
        session,
        campaign_id=world["first"],
        official_id=world["official"],
        actor_id=world["user"],
        occurred_at=datetime.now(UTC),
        key="same",
    )
    again = make_attempt(
        session,
        campaign_id=world["first"],
        official_id=world["official"],
        actor_id=world["user"],
        occurred_at=datetime.now(UTC),
        key="same",
    )
    assert (again.attempt_id, again.created) == (second.attempt_id, False)


def test_attempts_of_an_earlier_day_are_recorded_whatever_the_limit(
    session: Session, world: dict[str, int]
) -> None:
    """Logging three calls made two days ago records them: the limit guards today only."""
    earlier = datetime.now(UTC) - timedelta(days=2)
    ids = [_log(session, world, occurred_at=earlier + timedelta(minutes=n)) for n in range(3)]
    assert len(set(ids)) == 3


def test_a_deleted_attempt_does_not_count_toward_the_limit(
    session: Session, world: dict[str, int]
) -> None:
    """Two attempts, one soft-deleted: a third is allowed under the limit of 2."""
    first = _log(session, world)
    _log(session, world)
    row = session.get(Attempt, first)
    assert row is not None
    row.deleted_at = datetime.now(UTC)
    session.flush()
    assert _log(session, world) > 0


def test_the_limit_holds_when_coordinators_save_at_the_same_moment(
    engine: Engine, world: dict[str, int]
) -> None:
    """Six threads each log one attempt at once, limit 2: exactly two are saved, the
    other four are refused with "daily limit" (SQLite's single writer; PostgreSQL's
    advisory lock of the campaign and official)."""
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    guard = threading.Lock()

    def one(n: int) -> None:
        barrier.wait()
        try:
            run_write(
                engine,
                lambda s: make_attempt(
                    s,
                    campaign_id=world["first"],
                    official_id=world["official"],
                    actor_id=world["user"],
                    occurred_at=datetime.now(UTC),
                    key=f"thread-{n}",
                ),
            )
            result = "saved"
        except InvalidInput as exc:
            result = "refused" if "daily limit" in str(exc) else str(exc)
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 4 + ["saved"] * 2
    with session_scope(engine, write=False) as session:
        saved = session.scalar(select(func.count(Attempt.id)))
    assert saved == 2


def test_an_admin_set_limit_is_read_from_the_campaign(
    session: Session, world: dict[str, int]
) -> None:
    """A limit of 1 refuses the second attempt."""
    campaign = session.get(Campaign, world["second"])
    assert campaign is not None
    campaign.daily_cap = 1
    session.flush()
    _log(session, world, "second", channel=Channel.PHONE)
    with pytest.raises(InvalidInput, match="already has 1 attempt today"):
        _log(session, world, "second")
