"""An official's timeline: attempts, responses and follow-ups across campaigns and
channels, newest first; on Officials and one click from Log outreach."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from models.campaigns import add_target
from models.commands import ResponseInput, record_response
from models.tables import Attempt
from models.timeline import official_timeline
from models.vocab import Channel, Outcome, Stance
from pages.ui.timeline_view import line
from tests.apptest_helpers import button, open_app, texts
from tests.factories import make_attempt, make_campaign, make_official, make_user
from tests.test_log_form import VIKTOROV, fill, submit

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def test_the_timeline_is_every_event_of_the_official_newest_first(session: Session) -> None:
    """A call in A asking for a follow-up, a fax in B answered two days later; another
    official's call and a deleted attempt are left out."""
    a, b = make_campaign(session, "A"), make_campaign(session, "B")
    petrov = make_official(session, "Petrov", campaign_id=a)
    other = make_official(session, "Other", campaign_id=a)
    add_target(session, b, petrov, actor_id=None)
    user = make_user(session)
    call = make_attempt(
        session, campaign_id=a, official_id=petrov, actor_id=user, notes="No one there",
        occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC), follow_up_on=date(2026, 3, 3),
    )  # fmt: skip
    fax = make_attempt(
        session, campaign_id=b, official_id=petrov, actor_id=user, channel=Channel.FAX,
        outcome=Outcome.SENT, occurred_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
    )  # fmt: skip
    reply = record_response(
        session, attempt_id=fax.attempt_id, actor_id=user,
        response=ResponseInput(Stance.NONCOMMITTAL, "Letter", datetime(2026, 3, 5, 8, tzinfo=UTC)),
    )  # fmt: skip
    make_attempt(session, campaign_id=a, official_id=other, actor_id=user)
    deleted = make_attempt(session, campaign_id=b, official_id=petrov, actor_id=user)
    row = session.get(Attempt, deleted.attempt_id)
    assert row is not None
    row.deleted_at = datetime(2026, 3, 6, tzinfo=UTC)
    session.flush()

    events = official_timeline(session, petrov)
    # The follow-up was created when the (back-dated) call was logged, now: so it is first.
    assert [(e.kind, e.ref_id, e.campaign) for e in events] == [
        ("follow-up", call.follow_up_id, "A"),
        ("response", reply, "B"),
        ("attempt", fax.attempt_id, "B"),
        ("attempt", call.attempt_id, "A"),
    ]
    assert line(events[0]) == (
        f"follow-up #{call.follow_up_id} due 2026-03-03 · open · assigned to Alex Coordinator"
        " · in “A”"
    )
    assert line(events[1]) == (
        f"response #{reply} · noncommittal · recorded by Alex Coordinator · in “B”"
    )
    assert (events[1].text, events[3].text) == ("Letter", "No one there")


@pytest.mark.usefixtures("db")
def test_log_outreach_opens_the_officials_timeline() -> None:
    """After a call, "Open this official's timeline" shows Officials with that official
    picked and the call at the top of the timeline, with both local times."""
    at = submit(fill(open_app(), outcome=Outcome.NO_ANSWER, notes="nobody"))
    button(at, "Open this official's timeline").click().run()

    assert [t.value for t in at.title] == ["Officials"]
    lines = texts(at.text)
    assert any(t.startswith("attempt #1 · phone · no answer · by test admin") for t in lines)
    assert any("your time" in c and "theirs" in c for c in texts(at.caption))
    assert VIKTOROV in at.selectbox(key="official_pick").format_func(
        at.selectbox(key="official_pick").value
    )
