"""The cadence in AppTest: admins set it on Campaigns → Cadence and limits; Log outreach
proposes from it; "asked to call back" takes the time they gave."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.cadence import propose_follow_up
from models.cadence_rules import cadence_rules
from models.queries import official_card
from models.tables import Campaign, FollowUp
from models.vocab import Outcome, OutcomeClass
from pages.ui.cadence_form import CAP_LABEL, days_label
from tests.apptest_helpers import button, go, open_app, texts
from tests.test_log_form import VIKTOROV, field, official_id, pick_outcome, submit

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def test_an_admin_sets_the_cadence_and_log_outreach_proposes_from_it(db: Engine) -> None:
    """Reached → 1 business day and a limit of 2, saved on the Campaigns page; Log
    outreach then proposes one business day (office open) after the official's today."""
    at = open_app("campaigns")
    field(at, "number_input", days_label(OutcomeClass.REACHED)).set_value(1)
    field(at, "number_input", CAP_LABEL).set_value(2)
    button(at, "Save cadence").click().run()

    assert "Cadence and limits saved." in texts(at.success)
    with Session(db) as session:
        campaign_id = session.scalars(select(Campaign.id)).first()
        assert campaign_id is not None
        rules = cadence_rules(session, campaign_id)
        card = official_card(session, official_id(db, VIKTOROV))
    assert rules is not None and card is not None
    assert (rules.as_dict()[OutcomeClass.REACHED], rules.daily_cap) == (1, 2)

    go(at, "log")
    pick_outcome(at, Outcome.SPOKE_TO_STAFF)
    moscow_today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Moscow")).date()
    expected = propose_follow_up(
        OutcomeClass.REACHED, moscow_today, "RU", days={OutcomeClass.REACHED: 1}, hours=card.hours
    )
    assert field(at, "date_input", "Follow up on").value == expected


def test_asked_to_call_back_saves_the_time_they_gave_on_the_follow_up(db: Engine) -> None:
    """Call back at 10:00 their time tomorrow (Moscow): the follow-up is due that day at
    07:00 UTC, and the confirmation says so."""
    at = open_app()
    assert "Call back at" not in {w.label for w in at.time_input}
    pick_outcome(at, Outcome.ASKED_TO_CALL_BACK)
    moscow = ZoneInfo("Europe/Moscow")
    today = datetime.now(UTC).astimezone(moscow).date()
    assert field(at, "date_input", "Follow up on").value == today
    tomorrow = today + timedelta(days=1)
    field(at, "date_input", "Follow up on").set_value(tomorrow)
    field(at, "time_input", "Call back at").set_value(time(10, 0))
    submit(at)

    assert texts(at.success)[0].endswith(
        f"Follow-up #1 due {tomorrow.isoformat()} at 10:00 their time."
    )
    with Session(db) as session:
        follow_up = session.scalars(select(FollowUp)).one()
    assert (follow_up.due_on, follow_up.due_at) == (
        tomorrow,
        datetime.combine(tomorrow, time(10), tzinfo=moscow).astimezone(UTC),
    )
