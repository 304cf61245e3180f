"""models/campaigns.py: campaigns created, edited, closed and reopened; their targets and
tiers; names unique whatever their case; every change audited, coordinators refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.campaigns import (
    CampaignInput,
    add_target,
    create_campaign,
    find_campaign,
    remove_target,
    set_status,
    set_tier,
    update_campaign,
)
from models.commands import create_follow_up
from models.db import session_scope
from models.directory import archive_official
from models.permissions import PermissionDenied
from models.queries import campaign_list, campaign_options, campaign_targets, official_options
from models.tables import Attempt, AuditEvent, Campaign, FollowUp
from models.text import InvalidInput
from models.vocab import CampaignStatus, FollowUpStatus
from tests.factories import make_attempt, make_official, make_user
from tests.world import World, build_world, snapshot, without_audit

SCRIPT = "## Call script\n\nHello, my name is ___. " + "I am calling about the detainees. " * 40


def events(session: Session, after: int = 0) -> list[tuple[str, str, int | None, dict[str, Any]]]:
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.changes)
        .where(AuditEvent.id > after)
        .order_by(AuditEvent.id)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def last_id(session: Session) -> int:
    return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_create_stores_the_fields_and_audits_short_values_only(session: Session) -> None:
    """The campaign holds what was typed (trimmed); the event has the name, status and dates,
    the length of the alert text, and none of the free texts."""
    data = CampaignInput(
        name="  Free   the   prisoners ",
        description="Six men held since March.",
        ask="Release them.",
        call_script=SCRIPT,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 30),
        status=CampaignStatus.DRAFT,
    )
    campaign_id = create_campaign(session, data, actor_id=None, source_text="ALERT: call now")

    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    assert (campaign.name, campaign.name_key, campaign.status) == (
        "Free the prisoners",
        "free the prisoners",
        CampaignStatus.DRAFT,
    )
    assert (campaign.call_script, campaign.source_text) == (SCRIPT.strip(), "ALERT: call now")
    assert events(session)[-1] == (
        "create",
        "campaign",
        campaign_id,
        {
            "name": "Free the prisoners",
            "status": "draft",
            "starts_on": "2026-04-01",
            "ends_on": "2026-04-30",
            "source_text": "15 characters",
        },
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (CampaignInput(name="   "), "Name is required."),
        (CampaignInput(name="x" * 201), "Name is 201 characters long; the limit is 200."),
        (
            CampaignInput(name="Dates", starts_on=date(2026, 5, 2), ends_on=date(2026, 5, 1)),
            "Ends on (2026-05-01) is before Starts on (2026-05-02); "
            "a campaign cannot end before it starts.",
        ),
        (
            CampaignInput(name="NUL", ask="a\x00b"),
            "The ask contains a NUL character; remove it and try again.",
        ),
        (
            CampaignInput(name="Long", call_script="x" * 20_001),
            "Call script is 20,001 characters long; the limit is 20,000.",
        ),
    ],
    ids=["empty name", "long name", "ends before it starts", "NUL", "long script"],
)
def test_bad_input_is_refused_with_a_readable_message(
    session: Session, data: CampaignInput, message: str
) -> None:
    """Each mistake is named in words a person can act on; nothing is stored."""
    with pytest.raises(InvalidInput) as refused:
        create_campaign(session, data, actor_id=None)

    assert str(refused.value) == message
    assert session.scalars(select(Campaign)).all() == []


def test_a_campaign_may_end_on_the_day_it_starts(session: Session) -> None:
    """Ends on = Starts on is a one-day campaign, not an error."""
    day = date(2026, 5, 1)
    campaign_id = create_campaign(
        session, CampaignInput(name="One day", starts_on=day, ends_on=day), actor_id=None
    )
    assert find_campaign(session, "one DAY") == campaign_id


@pytest.mark.parametrize(
    ("first", "second"),
    [("Chechnya", "CHECHNYA"), ("Чечня: свобода", "ЧЕЧНЯ:   СВОБОДА"), ("Straße", "STRASSE")],
    ids=["latin", "cyrillic", "casefold"],
)
def test_names_are_unique_whatever_their_case(session: Session, first: str, second: str) -> None:
    """A name that differs only in case (or spacing) is refused, naming the existing one."""
    create_campaign(session, CampaignInput(name=first), actor_id=None)

    with pytest.raises(InvalidInput) as refused:
        create_campaign(session, CampaignInput(name=second), actor_id=None)

    assert str(refused.value) == f"A campaign named “{first}” already exists."
    assert find_campaign(session, second) == find_campaign(session, first)


def test_renaming_onto_another_campaigns_name_is_refused(session: Session) -> None:
    """An edit may change a campaign's own name's case, not take another's name."""
    create_campaign(session, CampaignInput(name="Чечня"), actor_id=None)
    other = create_campaign(session, CampaignInput(name="Other"), actor_id=None)

    with pytest.raises(InvalidInput) as refused:
        update_campaign(session, other, CampaignInput(name="чечня"), actor_id=None)
    assert str(refused.value) == "A campaign named “Чечня” already exists."
    assert update_campaign(session, other, CampaignInput(name="OTHER"), actor_id=None) is True


def test_an_edit_audits_before_and_after_and_texts_as_changed(session: Session) -> None:
    """Short fields with both values; the call script and the ask only as "changed"."""
    campaign_id = create_campaign(session, CampaignInput(name="Before"), actor_id=None)
    after = last_id(session)
    edit = CampaignInput(
        name="After", ask="Release them.", call_script=SCRIPT, ends_on=date(2026, 6, 1)
    )

    assert update_campaign(session, campaign_id, edit, actor_id=None) is True
    assert events(session, after) == [
        (
            "update",
            "campaign",
            campaign_id,
            {
                "name": ["Before", "After"],
                "ask": "changed",
                "call_script": "changed",
                "ends_on": [None, "2026-06-01"],
            },
        )
    ]
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None and campaign.updated_at is not None
    assert campaign.name_key == "after"


def test_an_edit_that_changes_nothing_returns_false_and_writes_no_event(session: Session) -> None:
    """Saving the same values (spaces aside) is not a change."""
    data = CampaignInput(name="Same", ask="Release them.")
    campaign_id = create_campaign(session, data, actor_id=None)
    after = last_id(session)

    assert update_campaign(session, campaign_id, data, actor_id=None) is False
    assert (
        update_campaign(
            session, campaign_id, CampaignInput(name=" Same ", ask="Release them. "), actor_id=None
        )
        is False
    )
    assert events(session, after) == []


def test_close_and_reopen(session: Session) -> None:
    """Closing takes a campaign off Log outreach but not off the filters; reopening brings it
    back; closing a closed campaign is no change."""
    campaign_id = create_campaign(session, CampaignInput(name="Run it"), actor_id=None)
    after = last_id(session)

    closed = set_status(session, campaign_id, CampaignStatus.CLOSED, actor_id=None)
    again = set_status(session, campaign_id, CampaignStatus.CLOSED, actor_id=None)
    offered_closed = campaign_options(session, only_active=True)
    filtered_closed = campaign_options(session)
    reopened = set_status(session, campaign_id, CampaignStatus.ACTIVE, actor_id=None)

    assert (closed, again, reopened) == (True, False, True)
    assert offered_closed == []
    assert [o.id for o in filtered_closed] == [campaign_id]
    assert [o.id for o in campaign_options(session, only_active=True)] == [campaign_id]
    assert events(session, after) == [
        ("set_status", "campaign", campaign_id, {"status": ["active", "closed"]}),
        ("set_status", "campaign", campaign_id, {"status": ["closed", "active"]}),
    ]


def test_only_active_campaigns_are_offered_for_logging(session: Session) -> None:
    """Drafts, paused and closed campaigns are not offered on Log outreach; all are listed."""
    ids = {
        status: create_campaign(
            session, CampaignInput(name=f"{status} one", status=status), actor_id=None
        )
        for status in CampaignStatus
    }

    assert [o.id for o in campaign_options(session, only_active=True)] == [
        ids[CampaignStatus.ACTIVE]
    ]
    assert list(campaign_list(session)["campaign"]) == [
        "active one",
        "paused one",
        "draft one",
        "closed one",
    ]


def test_targets_have_tiers_and_log_outreach_lists_them_in_tier_order(session: Session) -> None:
    """Tier 1 first, then tier 2; by name within a tier; the list counts three targets."""
    campaign_id = create_campaign(session, CampaignInput(name="Tiers"), actor_id=None)
    zeta = make_official(session, "Zeta Leader")
    alpha = make_official(session, "Alpha Deputy")
    beta = make_official(session, "Beta Deputy")
    outside = make_official(session, "Olga Outsider")
    assert add_target(session, campaign_id, alpha, tier=2, actor_id=None) is True
    assert add_target(session, campaign_id, beta, tier=2, actor_id=None) is True
    assert add_target(session, campaign_id, zeta, actor_id=None) is True
    assert add_target(session, campaign_id, zeta, tier=3, actor_id=None) is False

    assert [o.id for o in official_options(session, campaign_id)] == [zeta, alpha, beta]
    assert [o.id for o in official_options(session, not_in_campaign=campaign_id)] == [outside]
    assert list(campaign_targets(session, campaign_id)["tier"]) == [1, 2, 2]
    assert list(campaign_list(session)["targets"]) == [3]

    assert set_tier(session, campaign_id, beta, 1, actor_id=None) is True
    assert set_tier(session, campaign_id, beta, 1, actor_id=None) is False
    assert [o.id for o in official_options(session, campaign_id)] == [beta, zeta, alpha]


@pytest.mark.parametrize("tier", [0, 100, -1])
def test_a_tier_outside_1_to_99_is_refused(session: Session, tier: int) -> None:
    campaign_id = create_campaign(session, CampaignInput(name="Tiers"), actor_id=None)
    official = make_official(session)

    with pytest.raises(InvalidInput) as refused:
        add_target(session, campaign_id, official, tier=tier, actor_id=None)
    assert str(refused.value) == "Tier must be a whole number from 1 (call first) to 99."


def test_a_target_tier_change_and_removal_are_audited(session: Session) -> None:
    campaign_id = create_campaign(session, CampaignInput(name="Audit"), actor_id=None)
    official = make_official(session)
    after = last_id(session)

    add_target(session, campaign_id, official, tier=2, actor_id=None)
    set_tier(session, campaign_id, official, 1, actor_id=None)
    remove_target(session, campaign_id, official, actor_id=None)

    assert events(session, after) == [
        ("add_target", "campaign", campaign_id, {"official_id": official, "tier": 2}),
        ("set_tier", "campaign", campaign_id, {"official_id": official, "tier": [2, 1]}),
        (
            "remove_target",
            "campaign",
            campaign_id,
            {"official_id": official, "tier": 1, "cancelled_follow_up_ids": []},
        ),
    ]
    assert remove_target(session, campaign_id, official, actor_id=None) is False


def test_removing_a_target_keeps_attempts_and_cancels_open_follow_ups(session: Session) -> None:
    """Two attempts stay; the two open follow-ups in this campaign are cancelled (each
    audited), the done one and the one in another campaign are left alone."""
    user = make_user(session)
    here = create_campaign(session, CampaignInput(name="Here"), actor_id=None)
    there = create_campaign(session, CampaignInput(name="There"), actor_id=None)
    official = make_official(session, campaign_id=here)
    add_target(session, there, official, actor_id=None)
    make_attempt(session, campaign_id=here, official_id=official, actor_id=user,
                 follow_up_on=date(2026, 3, 5))  # fmt: skip
    done_by = make_attempt(session, campaign_id=here, official_id=official, actor_id=user)
    open_ids = [
        create_follow_up(session, campaign_id=here, official_id=official, due_on=day, actor_id=user)
        for day in (date(2026, 3, 9), date(2026, 3, 10))
    ]
    elsewhere = create_follow_up(
        session, campaign_id=there, official_id=official, due_on=date(2026, 3, 9), actor_id=user
    )
    after = last_id(session)

    assert remove_target(session, here, official, actor_id=None) is True

    statuses = {row.id: row.status for row in session.execute(select(FollowUp.id, FollowUp.status))}
    assert done_by.completed_follow_up_ids != ()
    assert statuses == {
        done_by.completed_follow_up_ids[0]: FollowUpStatus.DONE,
        open_ids[0]: FollowUpStatus.CANCELLED,
        open_ids[1]: FollowUpStatus.CANCELLED,
        elsewhere: FollowUpStatus.OPEN,
    }
    assert len(session.scalars(select(Attempt.id)).all()) == 2
    assert [(e[0], e[1], e[2]) for e in events(session, after)] == [
        ("cancel", "follow_up", open_ids[0]),
        ("cancel", "follow_up", open_ids[1]),
        ("remove_target", "campaign", here),
    ]
    assert events(session, after)[-1][3]["cancelled_follow_up_ids"] == open_ids
    assert [o.id for o in official_options(session, here)] == []


def test_an_archived_official_cannot_become_a_target(session: Session) -> None:
    campaign_id = create_campaign(session, CampaignInput(name="Archive"), actor_id=None)
    official = make_official(session)
    archive_official(session, official, actor_id=None)

    with pytest.raises(InvalidInput) as refused:
        add_target(session, campaign_id, official, actor_id=None)
    assert str(refused.value) == "Ivan Petrov is archived; restore them before adding."


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


COORDINATOR_REFUSED: dict[str, Callable[[Session, World, int], object]] = {
    "create_campaign": lambda s, w, a: create_campaign(s, CampaignInput(name="Mine"), actor_id=a),
    "update_campaign": lambda s, w, a: update_campaign(
        s, w.campaign, CampaignInput(name="Renamed"), actor_id=a
    ),
    "set_status": lambda s, w, a: set_status(s, w.campaign, CampaignStatus.CLOSED, actor_id=a),
    "add_target": lambda s, w, a: add_target(s, w.campaign, w.outsider, actor_id=a),
    "set_tier": lambda s, w, a: set_tier(s, w.campaign, w.official, 2, actor_id=a),
    "remove_target": lambda s, w, a: remove_target(s, w.campaign, w.official, actor_id=a),
}


@pytest.mark.parametrize("name", list(COORDINATOR_REFUSED))
def test_a_coordinator_may_not_manage_campaigns(engine: Engine, world: World, name: str) -> None:
    """Refused with the permission's words; nothing but the refusal's event is written."""
    before = without_audit(snapshot(engine))
    with pytest.raises(PermissionDenied) as refused, session_scope(engine) as session:
        COORDINATOR_REFUSED[name](session, world, world.coordinator)

    assert str(refused.value) == "You are not allowed to manage officials and campaigns."
    assert without_audit(snapshot(engine)) == before


def test_an_admin_acts_as_themself(engine: Engine, world: World) -> None:
    """The admin's id is on the event."""
    with session_scope(engine) as session:
        campaign_id = create_campaign(session, CampaignInput(name="Admin's"), actor_id=world.admin)
    with Session(engine) as session:
        actor = session.scalar(
            select(AuditEvent.actor_id).where(
                AuditEvent.entity == "campaign", AuditEvent.entity_id == campaign_id
            )
        )
    assert actor == world.admin
