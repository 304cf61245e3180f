"""The shipped campaign: every fact from the alert, loaded once however often seed runs."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.db import session_scope
from models.seed import seed
from models.tables import AuditEvent, Campaign, CampaignTarget, ContactPoint, OfficeRange, Official
from models.text import InvalidInput

EXPECTED_CONTACTS = {
    ("Anatoly Dmitrievich Viktorov", "phone", "+74992443025"),
    ("Anatoly Dmitrievich Viktorov", "fax", "+74992443045"),
    ("Evgeniy Zagaynov", "phone", "+12128614900"),
    ("Evgeniy Zagaynov", "phone", "+12128614901"),
    ("Evgeniy Zagaynov", "phone", "+12128614902"),
    ("Evgeniy Zagaynov", "fax", "+12126280252"),
    ("Evgeniy Zagaynov", "address", "136 East 67 Street, New York, N.Y. 10065"),
    ("Fedor Strzhizhovskiy", "phone", "+12128614903"),
    ("Fedor Strzhizhovskiy", "fax", "+12126280252"),
    ("Davide Casale", "phone", "+74957212011"),
    (
        "Davide Casale",
        "address",
        "14/1, Kadashevskaya embankment, Moscow, 119017, Russian Federation",
    ),
}


def _contacts(session: Session) -> set[tuple[str, str, str]]:
    rows = session.execute(
        select(Official.full_name, ContactPoint.kind, ContactPoint.value).join(ContactPoint)
    )
    return {(name, kind.value, value) for name, kind, value in rows}


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(table)) or 0
        for table in (Campaign, Official, CampaignTarget, ContactPoint, AuditEvent)
    )


def test_seed_loads_every_contact_point_of_the_alert(session: Session) -> None:
    """Four officials, eleven contact points, phones and faxes in E.164."""
    report = seed(session)
    session.commit()
    assert (report.campaigns_added, report.officials_added, report.contacts_added) == (1, 4, 11)
    assert _contacts(session) == EXPECTED_CONTACTS


def test_seed_officials_have_zones_and_assumed_office_hours(session: Session) -> None:
    """Moscow and New York zones; Mon–Fri 09:00–18:00, marked as assumed."""
    seed(session)
    rows = session.execute(
        select(
            Official.id, Official.full_name, Official.timezone, Official.office_hours_assumed
        ).order_by(Official.full_name)
    ).all()
    ranges = session.execute(
        select(
            OfficeRange.official_id, OfficeRange.weekday, OfficeRange.opens, OfficeRange.closes
        ).order_by(OfficeRange.weekday)
    ).all()
    for official_id, *_ in rows:
        mine = [tuple(r[1:]) for r in ranges if r[0] == official_id]
        assert mine == [(day, time(9), time(18)) for day in range(5)]
    weekdays = (True,)
    assert [tuple(r[1:]) for r in rows] == [
        ("Anatoly Dmitrievich Viktorov", "Europe/Moscow", *weekdays),
        ("Davide Casale", "Europe/Moscow", *weekdays),
        ("Evgeniy Zagaynov", "America/New_York", *weekdays),
        ("Fedor Strzhizhovskiy", "America/New_York", *weekdays),
    ]


def test_seed_targets_all_four_officials(session: Session) -> None:
    """The seeded campaign targets each seeded official and has a script of its own."""
    report = seed(session)
    campaign = session.get(Campaign, report.campaign_id)
    assert campaign is not None
    assert [o.family_name for o in campaign.targets] == [
        "Viktorov",
        "Zagaynov",
        "Strzhizhovskiy",
        "Casale",
    ]
    assert "Chechnya" in campaign.call_script


def test_seed_is_idempotent(session: Session) -> None:
    """A second run adds nothing, not even an audit event."""
    seed(session)
    session.commit()
    before = _counts(session)
    report = seed(session)
    session.commit()
    assert not report.changed
    assert _counts(session) == before


def test_seed_leaves_edits_alone(session: Session) -> None:
    """A label changed in the app is not reverted by seeding again."""
    seed(session)
    point = session.scalars(select(ContactPoint).where(ContactPoint.value == "+74957212011")).one()
    point.label = "Reception (changed)"
    session.commit()
    seed(session)
    session.commit()
    session.refresh(point)
    assert point.label == "Reception (changed)"


# --- A hostile seed file ------------------------------------------------------------

GOOD_TARGET = {
    "full_name": "Ivan Petrov",
    "title": "Head of department",
    "organization": "Ministry",
    "country": "RU",
    "timezone": "Europe/Moscow",
    "contacts": [{"kind": "phone", "raw": "8 (499) 244-30-25", "label": "Office"}],
}


def _seed_file(tmp_path: Path, campaign: dict[str, Any] | None = None, **target: Any) -> Path:
    spec = {"name": "A campaign", "targets": [GOOD_TARGET | target]} | (campaign or {})
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps({"campaign": spec}), encoding="utf-8")
    return path


def _nothing_stored(engine: Engine) -> bool:
    with session_scope(engine, write=False) as session:
        return _counts(session) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("campaign", "target", "message"),
    [
        ({"name": "Bad\x00name"}, {}, "hostile.json, the campaign: Name contains a NUL"),
        ({"name": "  \u202e "}, {}, "hostile.json, the campaign: Name is required."),
        (
            {},
            {"full_name": "x" * 20_000},
            "target 1: Full name is 20,000 characters long; the limit is 200.",
        ),
        ({}, {"full_name": ""}, "hostile.json, target 1: Full name is required."),
        ({}, {"title": "a\x00b"}, "target 1: Title contains a NUL character"),
        ({}, {"contacts": [{"kind": "phone", "raw": "8 (499) 244-30-2"}]}, "target 1: contact 1:"),
        ({}, {"contacts": [{"kind": "pigeon", "raw": "x"}]}, "contact 1 has no known kind."),
        ({"call_script": 42}, {}, "Call script must be text, not int."),
        ({"targets": "everyone"}, {}, "“targets” must be a list of JSON objects."),
    ],
    ids=[
        "nul",
        "only-bidi",
        "20000-chars",
        "empty-name",
        "nul-title",
        "bad-phone",
        "kind",
        "not-text",
        "not-a-list",
    ],
)
def test_a_hostile_seed_file_is_refused_with_a_clear_message_and_stores_nothing(
    engine: Engine, tmp_path: Path, campaign: dict[str, Any], target: dict[str, Any], message: str
) -> None:
    """On SQLite and PostgreSQL alike: an InvalidInput saying where and what, never a
    database error, and not one row written."""
    path = _seed_file(tmp_path, campaign, **target)
    with pytest.raises(InvalidInput) as refused, session_scope(engine) as session:
        seed(session, path)
    assert message in str(refused.value)
    assert _nothing_stored(engine)


def test_a_seed_file_that_is_not_json_is_refused(engine: Engine, tmp_path: Path) -> None:
    """Not JSON at all: a clear refusal naming the file."""
    path = tmp_path / "broken.json"
    path.write_text('{"campaign": {', encoding="utf-8")
    with pytest.raises(InvalidInput) as refused, session_scope(engine) as session:
        seed(session, path)
    assert str(refused.value).startswith("broken.json is not a seed file")
    assert _nothing_stored(engine)


def test_invisible_controls_in_a_seed_file_are_stripped_and_seeding_stays_idempotent(
    engine: Engine, tmp_path: Path
) -> None:
    """A bidi override and a zero-width space are removed as the forms remove them, and
    seeding the same file again finds the official it stored."""
    path = _seed_file(tmp_path, {"name": "A\u200b campaign"}, full_name="Ivan\u202e Petrov")
    with session_scope(engine) as session:
        first = seed(session, path)
    with session_scope(engine) as session:
        again = seed(session, path)
        stored = [
            *session.scalars(select(Campaign.name)),
            *session.scalars(select(Official.full_name)),
        ]
    assert (first.officials_added, again.changed) == (1, False)
    assert stored == ["A campaign", "Ivan Petrov"]
