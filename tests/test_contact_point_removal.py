"""Removing a contact point is soft: it leaves every reader, can be restored, both audited;
re-adding or re-importing it brings the same row back; the migration goes up and down."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from functools import partial

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from models.commands import create_follow_up, log_attempt
from models.corrections import AttemptEdit, update_attempt
from models.db import alembic_config, make_engine
from models.directory import (
    add_contact_point,
    remove_contact_point,
    removed_contact_points,
    restore_contact_point,
    update_contact_point,
)
from models.exports.officials import write_officials
from models.freshness import suspect_points
from models.importing.officials import import_officials
from models.matching import Directory
from models.permissions import PermissionDenied
from models.queries import contact_points_frame, official_card, officials_directory
from models.queue_health import NO_CONTACT_POINT, queue_health
from models.tables import Attempt, AuditEvent, ContactPoint
from models.text import InvalidInput
from models.vocab import Channel, ContactKind, Outcome
from tests.factories import DEFAULT_TIME, make_campaign, make_official, make_user

PHONE, FAX = "+74992443025", "+74992443045"


@pytest.fixture
def ids(session: Session) -> dict[str, int]:
    campaign = make_campaign(session)
    official = make_official(session, campaign_id=campaign)
    phone = add_contact_point(
        session, official_id=official, kind=ContactKind.PHONE, value=PHONE, actor_id=None,
        label="Reception", is_primary=True,
    )  # fmt: skip
    fax = add_contact_point(
        session, official_id=official, kind=ContactKind.FAX, value=FAX, actor_id=None
    )
    coordinator = make_user(session, "Coordinator")
    session.commit()
    return {"campaign": campaign, "official": official, "phone": phone, "fax": fax,
            "coordinator": coordinator}  # fmt: skip


def _events(session: Session, entity_id: int) -> list[tuple[str, dict[str, object]]]:
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.changes)
        .where(AuditEvent.entity == "contact_point", AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)
    )
    return [(action, changes) for action, changes in rows]


def test_remove_then_restore_keeps_the_row_and_audits_both(
    session: Session, ids: dict[str, int]
) -> None:
    """Removed: the row stays, off the card, listed as removed; restored: back on the card
    (not primary), the same id; "delete" then "restore" events."""
    remove_contact_point(session, ids["phone"], actor_id=None)
    card = official_card(session, ids["official"])
    assert card is not None
    assert [c.id for c in card.contacts] == [ids["fax"]]
    assert removed_contact_points(session, ids["official"]) == [
        (ids["phone"], f"phone: {PHONE} (Reception)")
    ]
    restore_contact_point(session, ids["phone"], actor_id=None)
    card = official_card(session, ids["official"])
    assert card is not None
    assert sorted(c.id for c in card.contacts) == sorted([ids["phone"], ids["fax"]])
    assert removed_contact_points(session, ids["official"]) == []
    point = session.get_one(ContactPoint, ids["phone"])
    assert (point.removed_at, point.removed_by_id, point.is_primary) == (None, None, False)
    actions = [action for action, _ in _events(session, ids["phone"])]
    assert actions == ["create", "delete", "restore"]


def test_removed_twice_or_restored_when_live_is_refused(
    session: Session, ids: dict[str, int]
) -> None:
    """Each says why; a removed point cannot be edited either."""
    with pytest.raises(InvalidInput, match="not removed"):
        restore_contact_point(session, ids["fax"], actor_id=None)
    remove_contact_point(session, ids["fax"], actor_id=None)
    with pytest.raises(InvalidInput, match="no longer exists"):
        remove_contact_point(session, ids["fax"], actor_id=None)
    with pytest.raises(InvalidInput, match="no longer exists"):
        update_contact_point(
            session, ids["fax"], value=FAX, label="x", is_primary=False, actor_id=None
        )


def test_a_coordinator_may_neither_remove_nor_restore(
    session: Session, ids: dict[str, int]
) -> None:
    """Managing the directory is for admins: both are refused (and the refusal audited)."""
    with pytest.raises(PermissionDenied):
        remove_contact_point(session, ids["fax"], actor_id=ids["coordinator"])
    session.commit()
    remove_contact_point(session, ids["fax"], actor_id=None)
    with pytest.raises(PermissionDenied):
        restore_contact_point(session, ids["fax"], actor_id=ids["coordinator"])


def test_every_reader_ignores_a_removed_point(session: Session, ids: dict[str, int]) -> None:
    """Directory count, contact list, officials export, queue health, suspects, matching."""
    session.get_one(ContactPoint, ids["phone"]).failures_in_a_row = 3  # suspect
    create_follow_up(
        session, campaign_id=ids["campaign"], official_id=ids["official"],
        due_on=date(2026, 3, 4), actor_id=ids["coordinator"],
    )  # fmt: skip
    session.flush()
    assert [p.contact_point_id for p in suspect_points(session)] == [ids["phone"]]
    remove_contact_point(session, ids["phone"], actor_id=None)
    assert officials_directory(session)["contact_points"].tolist() == [1]
    assert contact_points_frame(session)["value"].tolist() == [FAX]
    out = io.BytesIO()
    assert write_officials(session, out) == 1
    assert PHONE not in out.getvalue().decode()
    health = queue_health(
        session, today=date(2026, 3, 4), now_utc=DEFAULT_TIME, channel=Channel.PHONE
    )
    assert [b.reason for b in health.blocked] == [NO_CONTACT_POINT]
    assert suspect_points(session) == []
    directory = Directory(session)
    assert PHONE not in directory._by_number
    assert FAX in directory._by_number


def test_logging_through_a_removed_point_is_refused_but_an_edit_keeps_it(
    session: Session, ids: dict[str, int]
) -> None:
    """A new attempt cannot use it; an attempt made through it before keeps its link when
    corrected, and cannot be moved onto another removed point."""
    log = partial(
        log_attempt, session, campaign_id=ids["campaign"], official_id=ids["official"],
        actor_id=ids["coordinator"],
    )  # fmt: skip
    made = log(
        channel=Channel.PHONE, outcome=Outcome.BUSY, idempotency_key="before-removal",
        occurred_at=DEFAULT_TIME, contact_point_id=ids["phone"],
    ).attempt_id  # fmt: skip
    faxed = log(
        channel=Channel.FAX, outcome=Outcome.BUSY, idempotency_key="fax",
        occurred_at=DEFAULT_TIME + timedelta(minutes=1),
    ).attempt_id  # fmt: skip
    remove_contact_point(session, ids["phone"], actor_id=None)
    remove_contact_point(session, ids["fax"], actor_id=None)
    session.commit()
    with pytest.raises(InvalidInput, match="was removed"):
        log(
            channel=Channel.PHONE, outcome=Outcome.BUSY, idempotency_key="after-removal",
            occurred_at=DEFAULT_TIME + timedelta(minutes=5), contact_point_id=ids["phone"],
        )  # fmt: skip
    session.rollback()
    edit = AttemptEdit(
        Channel.PHONE, Outcome.NO_ANSWER, DEFAULT_TIME, contact_point_id=ids["phone"]
    )
    assert update_attempt(session, made, edit, actor_id=ids["coordinator"]) == {
        "outcome": ["busy", "no answer"]
    }
    assert session.get_one(Attempt, made).contact_point_id == ids["phone"]
    onto_removed = AttemptEdit(
        Channel.FAX, Outcome.BUSY, DEFAULT_TIME + timedelta(minutes=1), contact_point_id=ids["fax"]
    )
    with pytest.raises(InvalidInput, match="was removed"):
        update_attempt(session, faxed, onto_removed, actor_id=ids["coordinator"])


def test_adding_a_removed_number_again_restores_the_same_point(
    session: Session, ids: dict[str, int]
) -> None:
    """By the form: the same id comes back with the new label, audited as a restore."""
    remove_contact_point(session, ids["fax"], actor_id=None)
    again = add_contact_point(
        session, official_id=ids["official"], kind=ContactKind.FAX, value="8 (499) 244-30-45",
        actor_id=None, label="Main fax",
    )  # fmt: skip
    assert again == ids["fax"]
    point = session.get_one(ContactPoint, ids["fax"])
    assert (point.removed_at, point.label) == (None, "Main fax")
    assert [a for a, _ in _events(session, ids["fax"])] == ["create", "delete", "restore"]


def test_reimporting_a_removed_number_restores_it(session: Session, ids: dict[str, int]) -> None:
    """An officials file naming the removed fax brings that row back (one row, restored)."""
    remove_contact_point(session, ids["fax"], actor_id=None)
    session.commit()
    data = (
        "Full Name,Organisation,Country,Phones,Fax\n"
        f"Ivan Petrov,Ministry of Examples,RU,{PHONE},{FAX}\n"
    ).encode()
    import_officials(session, data, actor_id=None)
    rows = session.execute(
        select(ContactPoint.id, ContactPoint.removed_at).where(ContactPoint.kind == ContactKind.FAX)
    ).all()
    assert [tuple(r) for r in rows] == [(ids["fax"], None)]


def test_the_migration_adds_and_drops_the_columns(empty_db_url: str) -> None:
    """0009 adds removed_at and removed_by_id (existing points stay live); downgrading to
    0008 deletes the removed points and drops the columns."""
    config = alembic_config(empty_db_url)
    command.upgrade(config, "0008")
    engine = make_engine(empty_db_url)
    when = "2026-03-04 10:00:00"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, name, display_name, role, is_active, is_demo, created_at, "
            "failed_sign_ins) VALUES (1, 'a', 'A', 'admin', true, false, :t, 0)"
        ), {"t": when})  # fmt: skip
        conn.execute(text(
            "INSERT INTO officials (id, full_name, given_name, patronymic, family_name, title, "
            "organization, country, timezone, office_hours_assumed, notes, is_demo, created_at) "
            "VALUES (1, 'O', '', '', '', '', '', 'RU', 'UTC', true, '', false, :t)"
        ), {"t": when})  # fmt: skip
        for point, value in ((1, PHONE), (2, FAX)):
            conn.execute(text(
                "INSERT INTO contact_points (id, official_id, kind, value, raw, extension, label, "
                "is_primary, position, failures_in_a_row) "
                "VALUES (:i, 1, 'phone', :v, '', '', '', false, 0, 0)"
            ), {"i": point, "v": value})  # fmt: skip
    command.upgrade(config, "0009")
    with engine.begin() as conn:
        live = conn.execute(text("SELECT count(*) FROM contact_points WHERE removed_at IS NULL"))
        assert live.scalar() == 2
        conn.execute(
            text("UPDATE contact_points SET removed_at = :t, removed_by_id = 1 WHERE id = 2"),
            {"t": datetime(2026, 3, 5, 10)},
        )
    command.downgrade(config, "0008")
    with engine.connect() as conn:
        left = conn.execute(text("SELECT id FROM contact_points ORDER BY id")).scalars().all()
    columns = {c["name"] for c in inspect(engine).get_columns("contact_points")}
    command.upgrade(config, "head")
    engine.dispose()
    assert left == [1]
    assert not columns & {"removed_at", "removed_by_id"}
