"""The open/overdue follow-up tiles, now (from the rollup) and at an earlier instant
(from now, through the follow-ups created or closed since), against hand-counted values.

Four follow-ups of one official in one campaign (2026, UTC); now is 10 March 12:00:

| id | created     | closed          | due     |
|----|-------------|-----------------|---------|
| A  | 1 Mar 10:00 | still open      | 5 Mar   |
| B  | 1 Mar 10:00 | done 8 Mar 12:00| 4 Mar   |
| C  | 6 Mar 12:00 | still open      | 7 Mar   |
| D  | 2 Mar 10:00 | done 3 Mar 09:00| 10 Mar  |

At 5 March 00:00, A and B were open (C did not exist, D was done): 2 open, of which B
(due the 4th) was overdue. Now A and C are open, both due before the 10th: 2 and 2.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from models import insights
from models.commands import create_follow_up
from models.filters import Filters
from models.insights.follow_up_tiles import open_follow_ups
from models.tables import FollowUp
from models.vocab import Channel, FollowUpStatus
from tests.factories import make_campaign, make_official, make_user

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def _t(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def ids(session: Session) -> dict[str, int]:
    actor = make_user(session, "Alex")
    campaign = make_campaign(session, "C")
    official = make_official(session, "Official One", campaign_id=campaign)
    rows = (
        (_t(1, 10), None, date(2026, 3, 5)),
        (_t(1, 10), _t(8, 12), date(2026, 3, 4)),
        (_t(6, 12), None, date(2026, 3, 7)),
        (_t(2, 10), _t(3, 9), date(2026, 3, 10)),
    )
    for created, closed, due in rows:
        made = create_follow_up(
            session, campaign_id=campaign, official_id=official, due_on=due, actor_id=actor,
            assignee_id=actor,
        )  # fmt: skip
        done = {"status": FollowUpStatus.DONE, "completed_at": closed} if closed else {}
        session.execute(
            update(FollowUp).where(FollowUp.id == made).values(created_at=created, **done)
        )
    insights.rebuild(session)
    session.flush()
    return {"campaign": campaign, "actor": actor}


def test_open_and_overdue_now_come_from_the_rollup(session: Session, ids: dict[str, int]) -> None:
    """Now: A and C open, both overdue on the 10th."""
    filters = Filters(campaign_ids=(ids["campaign"],))
    assert open_follow_ups(session, filters, NOW, now=NOW) == (2, 2)


def test_open_and_overdue_at_an_earlier_instant(session: Session, ids: dict[str, int]) -> None:
    """At 5 March 00:00: A and B open, B overdue."""
    filters = Filters(campaign_ids=(ids["campaign"],))
    assert open_follow_ups(session, filters, _t(5, 0), now=NOW) == (2, 1)


def test_by_coordinator_the_raw_table_gives_the_same(session: Session, ids: dict[str, int]) -> None:
    """A coordinator filter (the assignee of all four) counts the same from the raw table."""
    filters = Filters(coordinator_ids=(ids["actor"],))
    assert open_follow_ups(session, filters, NOW, now=NOW) == (2, 2)
    assert open_follow_ups(session, filters, _t(5, 0), now=NOW) == (2, 1)


def test_a_channel_filter_leaves_the_tiles_out(session: Session, ids: dict[str, int]) -> None:
    """Follow-ups have no channel."""
    filters = Filters(campaign_ids=(ids["campaign"],), channels=(Channel.PHONE,))
    assert open_follow_ups(session, filters, NOW, now=NOW) == (None, None)
