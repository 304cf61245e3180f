"""Demo data never mixes silently with real work: it is labelled in every list, and
``remove_demo`` deletes exactly the demo records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.accounts import create_account
from models.base import Base
from models.campaigns import add_target
from models.commands import ResponseInput
from models.demo import DEMO_CAMPAIGN_NAME, DEMO_OFFICIALS, make_demo, remove_demo
from models.insights import upkeep
from models.permissions import PermissionDenied
from models.queries import campaign_options, coordinator_options, official_options
from models.seed import seed
from models.tables import Attempt, AuditEvent, Campaign, Official, User
from models.vocab import Outcome, Role, Stance
from tests.factories import DEFAULT_TIME, make_attempt, make_user
from tests.test_rollups import rollup_rows

PAST_DAY = date(2026, 3, 1)
SEED_CAMPAIGN = "Chechnya: stop the persecution of gay men"


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit log and the data versions, sorted, per table."""
    session.flush()
    return {
        table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
        for table in Base.metadata.sorted_tables
        if table.name not in ("audit_events", "data_version")  # the log; moved by every write
    }


def real_work(session: Session) -> int:
    """The seed campaign and a real coordinator's answered call with a follow-up."""
    report = seed(session)
    coordinator = make_user(session, "Real Coordinator")
    official = session.scalars(select(Official.id).order_by(Official.id)).first()
    assert official is not None
    make_attempt(
        session, campaign_id=report.campaign_id, official_id=official, actor_id=coordinator,
        outcome=Outcome.SPOKE_TO_STAFF, response=ResponseInput(stance=Stance.SUPPORTIVE),
        follow_up_on=DEFAULT_TIME.date() + timedelta(days=3),
    )  # fmt: skip
    session.commit()
    return coordinator


def demo_campaign(session: Session) -> int:
    found = session.scalar(select(Campaign.id).where(Campaign.name == DEMO_CAMPAIGN_NAME))
    assert found is not None
    return found


def test_remove_deletes_exactly_what_the_demo_added(engine: Engine) -> None:
    """Every table but the audit log is row for row as it was before the demo, real
    attempt, response, follow-up and rollups included; a real coordinator's call on the
    demo campaign goes with it and is counted."""
    with Session(engine) as session:
        coordinator = real_work(session)
        before = snapshot(session)
        events_before = session.scalars(select(AuditEvent.id)).all()
    make_demo(engine, attempts=400, seed=3, weeks=4, today=PAST_DAY)
    with Session(engine) as session:
        official = session.scalar(select(Official.id).where(Official.is_demo))
        assert official is not None
        make_attempt(
            session, campaign_id=demo_campaign(session), official_id=official,
            actor_id=coordinator,
        )  # fmt: skip
        session.commit()
        assert snapshot(session) != before
        report = remove_demo(session, actor_id=None)
        session.commit()
        after = snapshot(session)
        events_after = session.scalars(select(AuditEvent.id)).all()
    assert after == before
    assert set(events_before) < set(events_after)
    assert (report.campaigns, report.attempts, report.attempts_by_real_users) == (1, 401, 1)
    assert (report.officials, report.contact_points) == (8, 5 * len(DEMO_OFFICIALS))
    assert report.office_hours == 5 * len(DEMO_OFFICIALS)  # the assumed Mon–Fri
    assert report.targets == len(DEMO_OFFICIALS) + 4  # the seeded officials were targeted too
    assert 20 <= report.users <= 50
    assert (report.officials_kept, report.users_kept) == (0, 0)


def test_remove_is_one_audit_event_with_the_counts(engine: Engine) -> None:
    """One "demo_remove" event holds the counts it printed; the rollups equal a rebuild."""
    make_demo(engine, attempts=200, seed=1, weeks=2, today=PAST_DAY)
    with Session(engine) as session:
        report = remove_demo(session, actor_id=None)
        session.commit()
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "demo_remove"))
        [event] = events.all()
        kept = rollup_rows(session)
        upkeep.rebuild(session)
        assert rollup_rows(session) == kept
    assert event.changes["attempts"] == report.attempts == 200
    assert event.changes["responses"] == report.responses
    assert all(rows == [] for rows in kept.values())


def test_demo_records_that_real_work_refers_to_are_kept(engine: Engine) -> None:
    """A demo official that a real campaign targets, and a demo coordinator who logged a
    real attempt, stay (counted as kept), and so does that attempt."""
    with Session(engine) as session:
        real_work(session)
    make_demo(engine, attempts=100, seed=1, weeks=2, today=PAST_DAY)
    with Session(engine) as session:
        real = session.scalar(select(Campaign.id).where(Campaign.name == SEED_CAMPAIGN))
        demo_official = session.scalars(select(Official.id).where(Official.is_demo)).first()
        demo_user = session.scalars(select(User.id).where(User.is_demo)).first()
        assert real is not None and demo_official is not None and demo_user is not None
        add_target(session, real, demo_official, actor_id=None)
        kept_attempt = make_attempt(
            session, campaign_id=real, official_id=demo_official, actor_id=demo_user
        ).attempt_id
        session.commit()
        report = remove_demo(session, actor_id=None)
        session.commit()
        officials = session.scalars(select(Official.id).where(Official.is_demo)).all()
        users = session.scalars(select(User.id).where(User.is_demo)).all()
        attempts = session.scalars(select(Attempt.id)).all()
    assert (report.officials_kept, report.users_kept) == (1, 1)
    assert (report.officials, officials, users) == (len(DEMO_OFFICIALS) - 1, [demo_official],
                                                     [demo_user])  # fmt: skip
    assert sorted(attempts) == [1, kept_attempt]


def test_nothing_to_remove_removes_nothing(engine: Engine) -> None:
    """Without demo data, the real rows stay and the report is all zeros."""
    with Session(engine) as session:
        real_work(session)
        before = snapshot(session)
        report = remove_demo(session, actor_id=None)
        assert snapshot(session) == before
    assert not report.removed_anything


def test_only_admins_remove_the_demo(engine: Engine) -> None:
    """A coordinator is refused and the demo stays."""
    make_demo(engine, attempts=50, seed=1, weeks=1, today=PAST_DAY)
    with Session(engine) as session:
        coordinator = create_account(
            session, name="coord", password="a long enough password", role=Role.COORDINATOR,
            actor_id=None,
        )  # fmt: skip
        session.commit()
        with pytest.raises(PermissionDenied):
            remove_demo(session, actor_id=coordinator)
        session.rollback()
        assert session.scalar(select(Campaign.id).where(Campaign.is_demo)) is not None


def test_demo_records_are_labelled_in_every_pick_list(engine: Engine) -> None:
    """Campaign, official and coordinator pickers end demo entries in "(demo)", real ones not."""
    with Session(engine) as session:
        real_work(session)
    make_demo(engine, attempts=50, seed=1, weeks=1, today=PAST_DAY)
    with Session(engine) as session:
        campaigns = [o.label for o in campaign_options(session)]
        officials = {o.label for o in official_options(session)}
        coordinators = {o.label for o in coordinator_options(session)}
    assert campaigns == [SEED_CAMPAIGN, f"{DEMO_CAMPAIGN_NAME} (demo)"]
    assert "Margaret Ellison — Office of the Example Envoy (demo) (demo)" in officials
    assert "Davide Casale — Delegation of the European Union to Russia" in officials
    assert "Demo coordinator 01 (demo)" in coordinators
    assert "Real Coordinator" in coordinators
    demo_officials = [label for label in officials if label.endswith(" (demo)")]
    assert len(demo_officials) == len(DEMO_OFFICIALS)
