"""The Campaigns page (AppTest): admins create, edit, close, reopen and target campaigns;
everyone else only reads; Log outreach offers only active campaigns, targets by tier."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.campaigns import CampaignInput, add_target, create_campaign, set_tier
from models.commands import create_follow_up
from models.db import session_scope
from models.tables import AuditEvent, Campaign, CampaignTarget, FollowUp, Official
from models.vocab import CampaignStatus, FollowUpStatus, Role
from pages.ui import state
from tests.apptest_helpers import button, open_app, texts
from tests.factories import make_official, make_user
from tests.visitors import CAMPAIGN, OFFICIALS

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")
NEW = state.NEW_CAMPAIGN_FORM
EDIT = state.EDIT_CAMPAIGN_FORM


def new_field(name: str, generation: int = 0) -> str:
    return f"{NEW}:new:{generation}:{name}"


def edit_field(campaign_id: int, name: str, generation: int = 0) -> str:
    return f"{EDIT}:{campaign_id}:{generation}:{name}"


def campaign(engine: Engine, name: str) -> Campaign | None:
    with Session(engine) as session:
        return session.scalars(select(Campaign).where(Campaign.name == name)).one_or_none()


def seed_id(engine: Engine) -> int:
    found = campaign(engine, CAMPAIGN)
    assert found is not None
    return found.id


def test_an_admin_creates_a_campaign(db: Engine) -> None:
    """The new form's values are saved once, the form empties, and the campaign is picked."""
    at = open_app("campaigns")
    at.text_input(key=new_field("name")).input("Free the six")
    at.text_area(key=new_field("description")).input("Six men held since March.")
    at.text_area(key=new_field("ask")).input("Release them & let lawyers in.")
    at.text_area(key=new_field("call_script")).input("## Say\n\n**Release** them.")
    at.date_input(key=new_field("starts_on")).set_value(date(2026, 4, 1))
    at.selectbox(key=new_field("status")).set_value(CampaignStatus.DRAFT)
    button(at, "Add campaign").click().run()

    saved = campaign(db, "Free the six")
    assert saved is not None
    assert (saved.status, saved.starts_on, saved.ask) == (
        CampaignStatus.DRAFT,
        date(2026, 4, 1),
        "Release them & let lawyers in.",
    )
    assert texts(at.success) == ["Added the campaign “Free the six” (draft)."]
    assert at.text_input(key=new_field("name", 1)).value == ""
    assert at.selectbox(key=state.CAMPAIGN_PICK).value == saved.id
    assert "Release them & let lawyers in." in texts(at.text)  # plain text, line breaks kept
    assert "## Say\n\n**Release** them\\." in [m.value for m in at.markdown]  # its safe subset


def test_a_repeated_submission_saves_once(db: Engine) -> None:
    """The same values submitted again (a double click) add no second campaign and no error."""
    at = open_app("campaigns")
    for generation in (0, 1):
        at.text_input(key=new_field("name", generation)).input("Twice")
        button(at, "Add campaign").click().run()

    assert texts(at.error) == []
    with Session(db) as session:
        assert len(session.scalars(select(Campaign).where(Campaign.name == "Twice")).all()) == 1


def test_bad_input_is_refused_and_every_typed_value_stays(db: Engine) -> None:
    """A name taken in another case: the message names the campaign; the form keeps it all."""
    at = open_app("campaigns")
    at.text_input(key=new_field("name")).input(CAMPAIGN.upper())
    at.text_area(key=new_field("ask")).input("Typed with care")
    at.date_input(key=new_field("ends_on")).set_value(date(2026, 5, 1))
    button(at, "Add campaign").click().run()

    assert texts(at.error) == [f"A campaign named “{CAMPAIGN}” already exists."]
    assert at.text_input(key=new_field("name")).value == CAMPAIGN.upper()
    assert at.text_area(key=new_field("ask")).value == "Typed with care"
    assert at.date_input(key=new_field("ends_on")).value == date(2026, 5, 1)
    with Session(db) as session:
        assert len(session.scalars(select(Campaign)).all()) == 1


def test_an_admin_edits_a_campaign(db: Engine) -> None:
    """Saving the edit form changes the campaign and audits the change."""
    campaign_id = seed_id(db)
    at = open_app("campaigns")
    at.text_area(key=edit_field(campaign_id, "ask")).input("A new ask")
    at.date_input(key=edit_field(campaign_id, "ends_on")).set_value(date(2026, 12, 31))
    button(at, "Save campaign").click().run()

    saved = campaign(db, CAMPAIGN)
    assert saved is not None
    assert (saved.ask, saved.ends_on) == ("A new ask", date(2026, 12, 31))
    assert texts(at.success) == ["Campaign saved."]
    with Session(db) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity == "campaign")
        ).one()
    assert event.changes == {"ask": "changed", "ends_on": [None, "2026-12-31"]}


def test_an_edit_with_dates_the_wrong_way_round_keeps_the_typed_values(db: Engine) -> None:
    campaign_id = seed_id(db)
    at = open_app("campaigns")
    at.date_input(key=edit_field(campaign_id, "starts_on")).set_value(date(2026, 5, 2))
    at.date_input(key=edit_field(campaign_id, "ends_on")).set_value(date(2026, 5, 1))
    button(at, "Save campaign").click().run()

    assert texts(at.error) == [
        "Ends on (2026-05-01) is before Starts on (2026-05-02); "
        "a campaign cannot end before it starts."
    ]
    assert at.date_input(key=edit_field(campaign_id, "starts_on")).value == date(2026, 5, 2)
    saved = campaign(db, CAMPAIGN)
    assert saved is not None and saved.starts_on is None


def test_close_and_reopen(db: Engine) -> None:
    """Closed, the campaign leaves Log outreach; reopened, it is back."""
    at = open_app("campaigns")
    button(at, "Close campaign").click().run()
    closed = campaign(db, CAMPAIGN)
    log_when_closed = open_app("log")

    assert closed is not None and closed.status is CampaignStatus.CLOSED
    status_buttons = {"Activate campaign", "Pause campaign", "Close campaign", "Reopen campaign"}
    assert {b.label for b in at.button} & status_buttons == {"Reopen campaign"}
    assert texts(log_when_closed.info)[0].startswith("There is no active campaign.")
    # The Edit form shows the new status, not the one it was drawn with.
    assert at.selectbox(key=edit_field(closed.id, "status", 1)).value == CampaignStatus.CLOSED

    button(at, "Reopen campaign").click().run()
    reopened = campaign(db, CAMPAIGN)
    assert reopened is not None and reopened.status is CampaignStatus.ACTIVE
    assert texts(at.success)[-1] == f"“{CAMPAIGN}” is now active: offered on Log outreach."


def test_an_admin_adds_a_target_in_a_tier_and_removes_one(db: Engine) -> None:
    """The added official is a tier-2 target; the removed one is gone, its follow-up cancelled."""
    campaign_id = seed_id(db)
    with session_scope(db) as session:
        newcomer = make_official(session, "Nina Newcomer")
        viktorov = session.scalars(select(Official.id).where(Official.full_name == OFFICIALS[0]))
        viktorov_id = viktorov.one()
        user = make_user(session)
        follow_up = create_follow_up(
            session,
            campaign_id=campaign_id,
            official_id=viktorov_id,
            due_on=date(2026, 3, 9),
            actor_id=user,
        )
    at = open_app("campaigns")
    adding = f"{state.ADD_TARGETS_FORM}:{campaign_id}:0"
    at.multiselect(key=f"{adding}:officials").set_value([newcomer])
    at.number_input(key=f"{adding}:tier").set_value(2)
    button(at, "Add targets").click().run()

    assert texts(at.success) == ["Added 1 target(s) in tier 2."]
    assert "**Targets (5)**" in texts(at.markdown)
    with Session(db) as session:
        assert session.get(CampaignTarget, (campaign_id, newcomer)).tier == 2  # type: ignore[union-attr]

    at.selectbox(key=state.TARGET_PICK).set_value(viktorov_id).run()
    removing = f"{state.EDIT_TARGET_FORM}:{viktorov_id}:0"
    button(at, "Remove target").click().run()
    assert texts(at.warning) == ["Tick the box to confirm the removal."]
    at.checkbox(key=f"{removing}:confirm_remove").check()
    button(at, "Remove target").click().run()

    assert "**Targets (4)**" in texts(at.markdown)
    with Session(db) as session:
        assert session.get(CampaignTarget, (campaign_id, viktorov_id)) is None
        assert session.get(FollowUp, follow_up).status is FollowUpStatus.CANCELLED  # type: ignore[union-attr]


def test_a_tier_change_reorders_the_targets(db: Engine) -> None:
    campaign_id = seed_id(db)
    at = open_app("campaigns")
    last = OFFICIALS[-1]
    with Session(db) as session:
        last_id = session.scalars(select(Official.id).where(Official.full_name == last)).one()
    at.selectbox(key=state.TARGET_PICK).set_value(last_id).run()
    at.number_input(key=f"{state.EDIT_TARGET_FORM}:{last_id}:0:tier").set_value(3)
    button(at, "Set tier").click().run()

    bullets = [t for t in texts(at.markdown) if t.startswith("- ")]
    assert bullets[-1].startswith(f"- {last}")
    assert bullets[-1].endswith("· tier 3")
    with Session(db) as session:
        assert session.get(CampaignTarget, (campaign_id, last_id)).tier == 3  # type: ignore[union-attr]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COORDINATOR])
def test_viewers_and_coordinators_read_without_write_controls(db: Engine, role: Role) -> None:
    """The list, the details and the targets; no form, no button but Sign out."""
    with session_scope(db) as session:
        create_campaign(
            session, CampaignInput(name="Closed one", status=CampaignStatus.CLOSED), actor_id=None
        )
    at = open_app("campaigns", role)

    assert [e.value for e in at.exception] == []
    assert [b.label for b in at.button] == ["Sign out"]
    assert [w.label for w in at.text_input] + [w.label for w in at.text_area] == []
    assert [t.label for t in at.tabs] == []
    assert "**Targets (4)**" in texts(at.markdown)
    assert at.selectbox(key=state.CAMPAIGN_PICK).options == [CAMPAIGN, "Closed one"]


def test_log_outreach_offers_only_active_campaigns_and_targets_by_tier(db: Engine) -> None:
    """Drafts, paused and closed campaigns are not offered; officials come tier 1 first."""
    campaign_id = seed_id(db)
    with session_scope(db) as session:
        for status in (CampaignStatus.DRAFT, CampaignStatus.PAUSED, CampaignStatus.CLOSED):
            other = create_campaign(
                session, CampaignInput(name=f"A {status} one", status=status), actor_id=None
            )
            add_target(session, other, 1, actor_id=None)
        ids = {r.full_name: r.id for r in session.execute(select(Official.full_name, Official.id))}
        for name in OFFICIALS[:2]:
            set_tier(session, campaign_id, ids[name], 2, actor_id=None)
    at = open_app("log")

    assert at.selectbox(key=state.LOG_CAMPAIGN).options == [CAMPAIGN]
    officials = at.selectbox(key=f"{state.LOG_OFFICIAL}:{campaign_id}").options
    tier_one = sorted(OFFICIALS[2:])
    tier_two = sorted(OFFICIALS[:2])
    assert [o.split(" — ")[0] for o in officials] == tier_one + tier_two


def test_the_page_renders_with_no_campaign_for_an_admin(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty database: the list says so; the New campaign and From an alert tabs are there."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    at: AppTest = open_app("campaigns")
    assert [e.value for e in at.exception] == []
    assert [t.label for t in at.tabs] == ["Campaigns", "New campaign", "From an alert"]
    assert texts(at.info)[0].startswith("There are no campaigns yet.")
