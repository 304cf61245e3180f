"""The read side's lookups and lists, checked against small tables worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial

from sqlalchemy.orm import Session

from models.queries import follow_up_queue
from tests.factories import make_attempt, make_campaign, make_official, make_user


def _t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_follow_up_queue_buckets(session: Session) -> None:
    """Overdue, due today and upcoming within the horizon; done and far-off ones left out."""
    campaign = make_campaign(session)
    user = make_user(session)
    officials = [make_official(session, f"O{i}", campaign_id=campaign) for i in range(5)]
    log = partial(make_attempt, session, campaign_id=campaign, actor_id=user)
    for official, due in zip(
        officials,
        [
            date(2026, 3, 9),
            date(2026, 3, 10),
            date(2026, 3, 12),
            date(2026, 5, 1),
            date(2026, 3, 5),
        ],
        strict=True,
    ):
        log(official_id=official, follow_up_on=due)
    # The last one is done: a new attempt to O4 completes it.
    make_attempt(
        session, campaign_id=campaign, actor_id=user, official_id=officials[4], occurred_at=_t(2, 9)
    )
    session.commit()
    frame = follow_up_queue(session, today=date(2026, 3, 10))
    assert list(frame[["official", "bucket", "due_on"]].itertuples(index=False, name=None)) == [
        ("O0", "overdue", date(2026, 3, 9)),
        ("O1", "due today", date(2026, 3, 10)),
        ("O2", "upcoming", date(2026, 3, 12)),
    ]
