"""Campaigns → From an alert (AppTest): paste, check the preview, correct it, create once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.tables import Campaign, CampaignTarget, ContactPoint, Official
from models.vocab import CampaignStatus, ContactKind, Role
from pages.ui import alert_import, state
from tests.apptest_helpers import button, open_app, texts, widget_labels
from tests.visitors import CAMPAIGN

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")
ALERTS = Path(__file__).resolve().parent / "data" / "alerts"
SEED_ALERT = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_6b96d70f58fc9d0a.txt"


def key(name: str, generation: int = 1) -> str:
    return f"{alert_import.FORM}::{generation}:{name}"


def read(at: AppTest, text: str, region: str = "RU") -> AppTest:
    at.text_area(key=f"{alert_import.FORM}:text").input(text)
    at.selectbox(key=f"{alert_import.FORM}:region").set_value(region)
    return button(at, "Read the alert").click().run()


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Campaign)) or 0,
            session.scalar(select(func.count()).select_from(Official)) or 0,
            session.scalar(select(func.count()).select_from(ContactPoint)) or 0,
            session.scalar(select(func.count()).select_from(CampaignTarget)) or 0,
        )


def test_a_pasted_alert_is_previewed_and_created_once(db: Engine) -> None:
    """The senators alert: two new officials shown with their offices; Create campaign makes
    one draft campaign with them as targets; pressing it again saves nothing more."""
    at = read(open_app("campaigns"), (ALERTS / "senators.txt").read_text(encoding="utf-8"), "US")
    names = [at.text_input(key=key(f"o{i}:name")).value for i in range(2)]
    assert names == ["Margaret Ellison", "Daniel Okafor"]
    at.text_input(key=key("name")).input("Senate vote on the detention bill")
    before = counts(db)
    button(at, "Create campaign").click().run()

    assert texts(at.error) == []
    with Session(db) as session:
        campaign = session.scalars(
            select(Campaign).where(Campaign.name == "Senate vote on the detention bill")
        ).one()
        targets = set(
            session.scalars(
                select(Official.full_name)
                .join(CampaignTarget, CampaignTarget.official_id == Official.id)
                .where(CampaignTarget.campaign_id == campaign.id)
            )
        )
        phones = session.scalar(
            select(func.count())
            .select_from(ContactPoint)
            .join(Official, Official.id == ContactPoint.official_id)
            .where(Official.full_name == "Margaret Ellison", ContactPoint.kind == ContactKind.PHONE)
        )
    assert campaign.status == CampaignStatus.DRAFT
    assert targets == {"Margaret Ellison", "Daniel Okafor"}
    assert phones == 3  # her Washington, Boston and Springfield offices
    assert any(t.startswith("Created campaign ") for t in texts(at.success))
    assert campaign.source_text.startswith("Tell the Senate: pass the Press Freedom Abroad Act")
    after = counts(db)
    assert (after[0] - before[0], after[1] - before[1], after[3] - before[3]) == (1, 2, 2)

    at.selectbox(key=state.CAMPAIGN_PICK).set_value(campaign.id).run()
    assert "The alert it was made from" in [e.label for e in at.expander]
    assert campaign.source_text in [t.value for t in at.text]  # shown as plain text


def test_the_seed_alert_over_the_seed_matches_everyone(db: Engine) -> None:
    """Pasted into the seeded app, the seed alert's four officials are shown as already in
    the directory, and creating the campaign adds targets but no official."""
    at = read(open_app("campaigns"), SEED_ALERT.read_text(encoding="utf-8"))
    captions = " ".join(texts(at.caption))
    assert captions.count("Already in the directory") == 4
    assert "New to the directory" not in captions
    at.text_input(key=key("name")).input("Chechnya: second wave")
    before = counts(db)
    button(at, "Create campaign").click().run()
    after = counts(db)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (1, 0, 0)
    assert after[3] - before[3] == 4


def test_a_dropped_official_a_moved_number_and_a_fixed_name_are_what_is_saved(
    db: Engine,
) -> None:
    """Untick one official, retype a name, move a number to the other official, retype an
    invalid number: the campaign holds exactly the corrected preview."""
    text = (ALERTS / "invalid_number.txt").read_text(encoding="utf-8")
    at = read(open_app("campaigns"), text)
    first = at.text_input(key=key("o0:name")).value
    at.checkbox(key=key("o1:keep")).uncheck()
    at.text_input(key=key("o0:name")).input(f"{first} Jr")
    at.text_input(key=key("name")).input("Forests appeal")
    raws = [at.text_input(key=key(f"c{j}:raw")).value for j in range(6)]
    broken = raws.index("+353 1 678 20")
    at.text_input(key=key(f"c{broken}:raw")).input("+353 1 678 2011")
    moved = raws.index("+48 22 185 50 00")
    at.selectbox(key=key(f"c{moved}:owner")).set_value(0)
    button(at, "Create campaign").click().run()

    assert texts(at.error) == []
    with Session(db) as session:
        official = session.scalars(
            select(Official).where(Official.full_name == f"{first} Jr")
        ).one()
        values = {p.value for p in official.contact_points}
        dropped = session.scalar(
            select(func.count())
            .select_from(Official)
            .where(Official.full_name == "Tomasz Wierzbicki")
        )
    assert {"+35316782011", "+48221855000"} <= values
    assert dropped == 0


def test_bad_input_keeps_everything_typed(db: Engine) -> None:
    """A name already taken: a message under the form, nothing saved, the preview as typed."""
    at = read(open_app("campaigns"), (ALERTS / "senators.txt").read_text(encoding="utf-8"), "US")
    at.text_input(key=key("name")).input(CAMPAIGN.upper())
    at.text_input(key=key("o0:title")).input("Senator (D)")
    before = counts(db)
    button(at, "Create campaign").click().run()
    assert counts(db) == before
    assert any("already exists" in t for t in texts(at.error))
    assert at.text_input(key=key("o0:title")).value == "Senator (D)"
    assert at.text_input(key=key("name")).value == CAMPAIGN.upper()


@pytest.mark.usefixtures("db")
def test_text_naming_nobody_says_so() -> None:
    """Prose with no one to contact: a clear message and no preview."""
    at = read(open_app("campaigns"), "We are outraged.\n\nShare this page with your friends.")
    assert texts(at.error) == [
        "No officials to contact were found in this text: nothing to preview."
    ]
    assert "Create campaign" not in widget_labels(at)


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.VIEWER])
def test_only_admins_see_from_an_alert(role: Role) -> None:
    """Coordinators and viewers read campaigns; the alert import is not offered to them."""
    at = open_app("campaigns", role=role)
    assert "Read the alert" not in widget_labels(at)
    assert "From an alert" not in [t.label for t in at.tabs]
