"""Queue health on SQLite and PostgreSQL: callable now, and why the others are not, against
a world built by hand where each target has exactly one reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from models.commands import create_follow_up, log_attempt
from models.directory import add_contact_point
from models.follow_up_work import snooze_follow_up
from models.queue_health import (
    ALL_SUSPECT,
    CAPPED,
    CLOSED,
    HOLIDAY,
    NO_CONTACT_POINT,
    REASONS,
    SNOOZED,
    queue_health,
)
from models.users import ensure_user
from models.vocab import Channel, ContactKind, Outcome, Role
from tests.factories import make_campaign, make_official, make_user

TODAY = date(2026, 3, 10)  # a Tuesday
# 12:00 UTC: 15:00 in Moscow (open, 09:00-18:00), 08:00 in New York (opens at 09:00).
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
YESTERDAY = date(2026, 3, 9)


def _phone(session: Session, official_id: int, number: str) -> int:
    return add_contact_point(
        session, official_id=official_id, kind=ContactKind.PHONE, value=number, actor_id=None
    )


def _world(session: Session) -> dict[str, int]:
    """Six targets in one campaign (limit 2 a day), each blocked for one reason but "open"."""
    campaign = make_campaign(session, daily_cap=2)
    w = {
        "campaign": campaign,
        "me": make_user(session, "Me"),
        "other": make_user(session, "Other"),
        "admin": ensure_user(session, "Admin", role=Role.ADMIN).id,
    }
    for name in ("Open", "Snoozed", "Suspect", "Capped", "No phone"):
        w[name] = make_official(session, name, campaign_id=campaign)
    w["Closed"] = make_official(
        session, "Closed", campaign_id=campaign, timezone="America/New_York", country="US"
    )
    for number, name in enumerate(("Open", "Closed", "Snoozed", "Capped")):
        _phone(session, w[name], f"+7495123456{number}")
    add_contact_point(
        session, official_id=w["No phone"], kind=ContactKind.EMAIL,
        value="no.phone@example.org", actor_id=None,
    )  # fmt: skip
    # Two dead-number results in a row yesterday make Suspect's only phone suspect.
    point = _phone(session, w["Suspect"], "+74951234569")
    for hour in (9, 10):
        _log(session, w, "Suspect", datetime(2026, 3, 9, hour, tzinfo=UTC), point)
    # Capped was called twice today (their day) in this campaign: the limit of 2.
    for minutes in (60, 30):
        _log(session, w, "Capped", NOW - timedelta(minutes=minutes), None, Outcome.NO_ANSWER)
    for name in ("Open", "Closed", "Snoozed", "Suspect", "Capped", "No phone"):
        _owe(session, w, name, YESTERDAY)
    snooze_follow_up(
        session, follow_up_id=w["Snoozed:due"], until=date(2026, 3, 12), actor_id=w["admin"]
    )
    return w


def _log(
    session: Session,
    w: dict[str, int],
    name: str,
    when: datetime,
    point: int | None,
    outcome: Outcome = Outcome.WRONG_NUMBER,
) -> None:
    log_attempt(
        session, campaign_id=w["campaign"], official_id=w[name], channel=Channel.PHONE,
        outcome=outcome, actor_id=w["me"], idempotency_key=f"{name}-{when.isoformat()}",
        occurred_at=when, contact_point_id=point,
    )  # fmt: skip


def _owe(session: Session, w: dict[str, int], name: str, due: date, who: str = "me") -> int:
    w[f"{name}:due"] = create_follow_up(
        session, campaign_id=w["campaign"], official_id=w[name], due_on=due,
        actor_id=w["admin"], assignee_id=w[who],
    )  # fmt: skip
    return w[f"{name}:due"]


def test_each_reason_counted_once_in_order(session: Session) -> None:
    w = _world(session)
    _owe(session, w, "Open", TODAY + timedelta(days=1))  # not due yet: not counted
    session.commit()
    health = queue_health(session, today=TODAY, now_utc=NOW)
    assert health.targets == 6
    assert health.callable_now == 1
    assert health.counts == {
        SNOOZED: 1, NO_CONTACT_POINT: 1, ALL_SUSPECT: 1, CAPPED: 1, HOLIDAY: 0, CLOSED: 1,
    }  # fmt: skip
    assert list(health.counts) == list(REASONS)
    assert [(b.official, b.reason, b.detail) for b in health.blocked] == [
        ("Snoozed", SNOOZED, "until Thu 12 Mar"),
        ("No phone", NO_CONTACT_POINT, ""),
        ("Suspect", ALL_SUSPECT, ""),
        ("Capped", CAPPED, "2 of 2 today"),
        ("Closed", CLOSED, "opens Tue 09:00"),
    ]
    assert health.first_opening() == "opens Tue 09:00"


def test_a_target_with_two_due_follow_ups_counts_once(session: Session) -> None:
    w = _world(session)
    _owe(session, w, "Open", date(2026, 3, 2))
    session.commit()
    health = queue_health(session, today=TODAY, now_utc=NOW)
    assert (health.targets, health.callable_now) == (6, 1)


def test_one_awake_follow_up_means_not_snoozed(session: Session) -> None:
    w = _world(session)
    _owe(session, w, "Snoozed", TODAY)  # a second one, not snoozed
    session.commit()
    health = queue_health(session, today=TODAY, now_utc=NOW)
    assert health.counts[SNOOZED] == 0
    assert health.callable_now == 2  # Open and Snoozed


def test_email_ignores_office_hours_and_counts_email_points(session: Session) -> None:
    """By email only No phone has a point; the office being closed does not matter."""
    _world(session)
    session.commit()
    health = queue_health(session, today=TODAY, now_utc=NOW, channel=Channel.EMAIL)
    assert health.callable_now == 1
    assert [b.official for b in health.blocked if b.reason == NO_CONTACT_POINT] == [
        "Capped", "Closed", "Open", "Suspect",
    ]  # fmt: skip
    assert health.counts[CLOSED] == 0


def test_mine_is_only_my_follow_ups(session: Session) -> None:
    w = _world(session)
    other = make_official(session, "Someone else's", campaign_id=w["campaign"])
    _phone(session, other, "+74951234500")
    w["Someone else's"] = other
    _owe(session, w, "Someone else's", YESTERDAY, who="other")
    session.commit()
    team = queue_health(session, today=TODAY, now_utc=NOW)
    mine = queue_health(session, today=TODAY, now_utc=NOW, assignee_id=w["me"])
    assert (team.targets, team.callable_now) == (7, 2)
    assert (mine.targets, mine.callable_now) == (6, 1)


def test_limit_counts_the_officials_local_day_only(session: Session) -> None:
    """At 20:59 UTC it is 23:59 on 10 March in Moscow: that day's two calls count; a minute
    later it is 11 March there, they no longer do, and the office is closed."""
    w = _world(session)
    session.commit()
    late = datetime(2026, 3, 10, 20, 59, tzinfo=UTC)  # 23:59 Moscow, still 10 March there
    health = queue_health(session, today=TODAY, now_utc=late)
    assert health.counts[CAPPED] == 1
    next_day = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)  # 00:00 on 11 March in Moscow
    health = queue_health(session, today=TODAY, now_utc=next_day)
    assert health.counts[CAPPED] == 0
    assert w["Capped"] in {b.official_id for b in health.blocked if b.reason == CLOSED}


def test_public_holiday_names_it_and_the_next_opening(session: Session) -> None:
    """Thanksgiving 2026 is Thursday 26 November; New York opens again on Friday at 09:00."""
    campaign = make_campaign(session)
    admin = ensure_user(session, "Admin", role=Role.ADMIN).id
    ny = make_official(
        session, "NY", campaign_id=campaign, timezone="America/New_York", country="US"
    )
    _phone(session, ny, "+12125550100")
    create_follow_up(
        session, campaign_id=campaign, official_id=ny, due_on=date(2026, 11, 26),
        actor_id=admin, assignee_id=admin,
    )  # fmt: skip
    session.commit()
    at = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # 11:00 in New York
    health = queue_health(session, today=date(2026, 11, 26), now_utc=at)
    assert [(b.reason, b.detail) for b in health.blocked] == [
        (HOLIDAY, "Thanksgiving Day, opens Fri 09:00")
    ]


def test_empty_queue(session: Session) -> None:
    make_campaign(session)
    session.commit()
    health = queue_health(session, today=TODAY, now_utc=NOW)
    assert (health.targets, health.callable_now, health.blocked) == (0, 0, [])
    assert set(health.counts.values()) == {0}
