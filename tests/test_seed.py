"""The shipped campaign: every fact from the alert, loaded once however often seed runs."""

from __future__ import annotations

from datetime import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.seed import seed
from models.tables import AuditEvent, Campaign, CampaignTarget, ContactPoint, OfficeRange, Official

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
