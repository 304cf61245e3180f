"""models/from_alert.py: an action alert becomes a draft campaign with its officials, once."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.alerts import AlertDraft, DraftContact, DraftOfficial, alert_text, parse_alert
from models.db import session_scope
from models.from_alert import NoOfficialsFound, create_from_alert, plan_alert
from models.matching import fold_name
from models.permissions import PermissionDenied
from models.seed import SEED_FILE, seed
from models.tables import Campaign, CampaignTarget, ContactPoint, Official
from models.text import InvalidInput
from models.users import ensure_user
from models.vocab import CampaignStatus, ContactKind, Role
from tests.world import snapshot, without_audit

SEED_ALERT = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_6b96d70f58fc9d0a.txt"
ALERTS = Path(__file__).resolve().parent / "data" / "alerts"


def seed_alert() -> AlertDraft:
    return parse_alert(alert_text(SEED_ALERT.read_bytes(), SEED_ALERT.name))


def numbers_by_official(session: Session) -> dict[str, set[tuple[str, str]]]:
    rows = session.execute(
        select(Official.full_name, ContactPoint.kind, ContactPoint.value).join(
            ContactPoint, ContactPoint.official_id == Official.id
        )
    )
    found: dict[str, set[tuple[str, str]]] = {}
    for name, kind, value in rows:
        if kind in (ContactKind.PHONE, ContactKind.FAX):
            found.setdefault(fold_name(name), set()).add((str(kind), value))
    return found


def shipped_numbers(session: Session) -> dict[str, set[tuple[str, str]]]:
    """The seed's numbers, read by seeding a scratch transaction and rolling it back."""
    nested = session.begin_nested()
    seed(session)
    found = numbers_by_official(session)
    nested.rollback()
    return found


def test_the_seed_alert_in_an_empty_database_gives_the_shipped_officials(engine: Engine) -> None:
    """Pasted into an empty database, the seed alert yields the seed's four officials with the
    seed's phone and fax numbers (names compared folded: the alert writes them surname
    first), no press contact, and a draft campaign keeping the alert text."""
    draft = seed_alert()
    with session_scope(engine) as session:
        expected = shipped_numbers(session)
        report = create_from_alert(session, draft, name="Chechnya alert", actor_id=None)
    with session_scope(engine, write=False) as session:
        assert numbers_by_official(session) == expected
        assert session.scalar(select(func.count()).select_from(Official)) == 4
        campaign = session.scalars(select(Campaign)).one()
        targets = session.scalar(select(func.count()).select_from(CampaignTarget))
    assert (report.new, report.matched, targets) == (4, 0, 4)
    assert (campaign.name, campaign.status) == ("Chechnya alert", CampaignStatus.DRAFT)
    assert campaign.description == draft.description
    assert campaign.description.startswith("The Human Rights Foundation (HRF) calls on")
    assert campaign.source_text == draft.source_text
    # Contact points, counted by hand in the alert: Viktorov a phone and a fax; Zagaynov
    # an address, three phones and a fax; Strzhizhovskiy a phone and the same fax;
    # Casale an address and a phone: 2 + 5 + 2 + 2.
    assert report.summary() == (
        'campaign "Chechnya alert": 4 officials (4 new, 0 matched), 11 contact points'
    )


def test_the_seed_alert_over_the_seed_matches_every_official(engine: Engine) -> None:
    """With the seed loaded, the alert's four officials are the seed's four (by folded name),
    though two of them share a fax: nobody is duplicated, no number is added twice."""
    with session_scope(engine) as session:
        seed(session)
    before = snapshot(engine)
    with session_scope(engine) as session:
        report = create_from_alert(session, seed_alert(), name="Second wave", actor_id=None)
    after = snapshot(engine)
    assert (report.new, report.matched, report.added_contact_points) == (0, 4, 0)
    assert after["officials"] == before["officials"]
    assert after["contact_points"] == before["contact_points"]
    assert len(after["campaign_targets"]) == len(before["campaign_targets"]) + 4


def test_running_it_again_with_the_same_alert_and_name_changes_nothing(engine: Engine) -> None:
    """The second run reports the same officials, all matched, and writes no row at all."""
    with session_scope(engine) as session:
        create_from_alert(session, seed_alert(), name="Chechnya alert", actor_id=None)
    before = snapshot(engine)
    with session_scope(engine) as session:
        again = create_from_alert(session, seed_alert(), name="CHECHNYA  alert", actor_id=None)
    assert snapshot(engine) == before
    assert (again.changed, again.new, again.matched) == (False, 0, 4)


def test_a_name_taken_by_another_campaign_is_refused(engine: Engine) -> None:
    """A campaign of that name made from other text is not merged into: nothing changes."""
    with session_scope(engine) as session:
        create_from_alert(session, seed_alert(), name="Chechnya alert", actor_id=None)
    before = snapshot(engine)
    other = parse_alert((ALERTS / "senators.txt").read_text(encoding="utf-8"), region="US")
    with (
        pytest.raises(InvalidInput, match="already exists and was not made from this alert"),
        session_scope(engine) as session,
    ):
        create_from_alert(session, other, name="chechnya alert", actor_id=None)
    assert snapshot(engine) == before


def test_a_dry_run_reports_the_same_and_writes_nothing(engine: Engine) -> None:
    """--dry-run's report equals the real run's, and the database is untouched."""
    before = snapshot(engine)
    with session_scope(engine) as session:
        planned = create_from_alert(
            session, seed_alert(), name="Chechnya alert", actor_id=None, dry_run=True
        )
    assert snapshot(engine) == before
    with session_scope(engine) as session:
        done = create_from_alert(session, seed_alert(), name="Chechnya alert", actor_id=None)
    assert planned.summary() == done.summary()
    assert planned.campaign_id is None


def test_an_alert_naming_nobody_changes_nothing(engine: Engine) -> None:
    """Prose without anyone to contact is refused with a clear message."""
    before = snapshot(engine)
    empty = parse_alert("We are outraged.\n\nPlease share this page with your friends.")
    with (
        pytest.raises(NoOfficialsFound, match="No officials to contact were found"),
        session_scope(engine) as session,
    ):
        create_from_alert(session, empty, name="Nothing", actor_id=None)
    assert snapshot(engine) == before


def test_a_number_that_fails_validation_is_reported_not_stored(engine: Engine) -> None:
    """The invalid numbers come back named in the report; only valid contacts are stored."""
    draft = parse_alert((ALERTS / "invalid_number.txt").read_text(encoding="utf-8"))
    flagged = [(o.full_name, c.raw) for o in draft.officials for c in draft_problems(o)]
    with session_scope(engine) as session:
        report = create_from_alert(session, draft, name="Appeal", actor_id=None)
        stored = set(session.scalars(select(ContactPoint.raw)))
    assert flagged, "the fixture holds numbers that fail validation"
    assert len(report.not_saved) == len(flagged)
    for name, raw in flagged:
        assert any(name in line and raw in line for line in report.not_saved)
        assert raw not in stored
    assert "" not in set(stored)


def draft_problems(official: DraftOfficial) -> list[DraftContact]:
    return [c for c in official.contacts if c.problem]


def test_the_corrected_preview_is_what_is_created(engine: Engine) -> None:
    """A row dropped and a name fixed in the preview: the campaign gets exactly those."""
    draft = seed_alert()
    kept = [replace(draft.officials[0], full_name="Anatoly Dmitrievich Viktorov")]
    kept += draft.officials[2:]
    with session_scope(engine) as session:
        report = create_from_alert(session, draft, name="Fixed", actor_id=None, officials=kept)
        names = set(session.scalars(select(Official.full_name)))
    assert report.new == 3
    assert names == {
        "Anatoly Dmitrievich Viktorov",
        draft.officials[2].full_name,
        draft.officials[3].full_name,
    }


def test_the_same_person_twice_in_one_alert_is_created_once(engine: Engine) -> None:
    """A second block for someone already listed matches the first, not a new official."""
    draft = seed_alert()
    twice = [*draft.officials, replace(draft.officials[1], full_name="ZAGAYNOV Evgeniy")]
    with session_scope(engine) as session:
        report = create_from_alert(session, draft, name="Twice", actor_id=None, officials=twice)
        count = session.scalar(select(func.count()).select_from(Official))
    assert (len(report.officials), count) == (4, 4)


def test_a_bad_correction_rolls_everything_back(engine: Engine) -> None:
    """A time zone typed wrong in the preview: a clear message and no campaign, no official."""
    draft = seed_alert()
    broken = [*draft.officials[:3], replace(draft.officials[3], timezone="Moscow time")]
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="Moscow time"), session_scope(engine) as session:
        create_from_alert(session, draft, name="Broken", actor_id=None, officials=broken)
    assert snapshot(engine) == before


def test_only_admins_create_campaigns_from_alerts(engine: Engine) -> None:
    """A coordinator is refused; only the refusal is recorded."""
    with session_scope(engine) as session:
        coordinator = ensure_user(session, "Cora", role=Role.COORDINATOR).id
    before = without_audit(snapshot(engine))
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        create_from_alert(session, seed_alert(), name="Mine", actor_id=coordinator)
    assert without_audit(snapshot(engine)) == before


def test_the_plan_shows_who_is_matched_and_how(session: Session) -> None:
    """The preview's plan: seeded officials matched by name, a stranger new."""
    seed(session)
    stranger = DraftOfficial(full_name="Irina Volkova", organization="Elsewhere")
    planned = plan_alert(session, [*seed_alert().officials, stranger])
    assert [p.match.by if p.match else "new" for p in planned] == ["name"] * 4 + ["new"]


def test_the_shipped_seed_file_and_the_alert_agree_on_titles() -> None:
    """The alert reader and data/seed_chechnya.json name the same four titles."""
    spec = json.loads(SEED_FILE.read_text(encoding="utf-8"))["campaign"]["targets"]
    assert sorted(o.title for o in seed_alert().officials) == sorted(t["title"] for t in spec)
