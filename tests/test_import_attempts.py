"""Attempts import: campaigns, officials and vocabularies resolved, every bad row reported,
responses and follow-ups recreated, identity-based re-import, rollups kept right."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.importing.attempts import IMPORTED_SUMMARY, import_attempts
from models.importing.report import ImportRejected
from models.insights.upkeep import rebuild
from models.seed import seed
from models.tables import Attempt, AuditEvent, Campaign, FollowUp, Response, User
from models.vocab import CampaignStatus, Channel, FollowUpStatus, Outcome, Stance
from tests.factories import make_campaign
from tests.test_rollups import rollup_rows

SEED_CAMPAIGN = "Chechnya: stop the persecution of gay men"
HEADER = "official,occurred_at_utc,channel,outcome"


def file_bytes(tmp_path: Path, text: str) -> bytes:
    path = tmp_path / "attempts.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path.read_bytes()


@pytest.fixture
def seeded(session: Session) -> Session:
    seed(session)
    return session


def attempts(session: Session) -> list[tuple[object, ...]]:
    stmt = select(Campaign.name, Attempt.occurred_at, Attempt.channel, Attempt.outcome).join(
        Campaign
    )
    return [tuple(r) for r in session.execute(stmt.order_by(Attempt.occurred_at))]


def test_the_required_subset_goes_to_the_only_active_campaign(
    seeded: Session, tmp_path: Path
) -> None:
    """Labels in any case; a time without an offset is read in the given zone."""
    data = file_bytes(
        tmp_path,
        f"{HEADER}\nDavide Casale,2026-03-04T10:00:00+00:00,Phone,No Answer\n"
        "Casale Davide,2026-03-04 13:30,FAX,SENT\n",
    )
    report = import_attempts(seeded, data, actor_id=None, tz=ZoneInfo("Europe/Moscow"))
    assert report.summary() == "attempts: 2 new, 0 updated, 0 unchanged"
    assert attempts(seeded) == [
        (SEED_CAMPAIGN, datetime(2026, 3, 4, 10, 0, tzinfo=UTC), Channel.PHONE, Outcome.NO_ANSWER),
        (SEED_CAMPAIGN, datetime(2026, 3, 4, 10, 30, tzinfo=UTC), Channel.FAX, Outcome.SENT),
    ]


def test_every_bad_row_is_reported_and_nothing_is_written(seeded: Session, tmp_path: Path) -> None:
    data = file_bytes(
        tmp_path,
        f"{HEADER},duration_s\n"
        "Nobody Known,2026-03-04T10:00:00+00:00,phone,no answer,\n"
        "Davide Casale,04/03/2026 10:00,phone,no answer,\n"
        "Davide Casale,2026-03-04T10:00:00+00:00,pigeon,no answer,\n"
        "Davide Casale,2026-03-04T10:00:00+00:00,letter,busy,ten\n"
        "Davide Casale,2026-03-04T11:00:00+00:00,phone,no answer,\n",
    )
    with pytest.raises(ImportRejected) as caught:
        import_attempts(seeded, data, actor_id=None)
    assert caught.value.problems == [
        'line 2: official "Nobody Known" is not in the directory (import officials first)',
        'line 3: occurred_at_utc "04/03/2026 10:00" is not an ISO 8601 time '
        "(2026-03-04T10:00:00+00:00)",
        'line 4: channel "pigeon" is not one of: phone, fax, email, letter, in person, '
        "social media",
        'line 5: duration_s "ten" is not a whole number of seconds; '
        'outcome "busy" is not possible by letter',
    ]
    assert seeded.scalar(select(func.count()).select_from(Attempt)) == 0


def test_without_a_campaign_and_two_active_ones_it_asks_for_campaign(
    seeded: Session, tmp_path: Path
) -> None:
    make_campaign(seeded, "Second", status=CampaignStatus.ACTIVE)
    data = file_bytes(tmp_path, f"{HEADER}\nDavide Casale,2026-03-04T10:00:00Z,phone,busy\n")
    with pytest.raises(ImportRejected) as caught:
        import_attempts(seeded, data, actor_id=None)
    assert caught.value.problems == [
        "line 2: no campaign, and there are 2 active campaigns: give --campaign NAME"
    ]
    report = import_attempts(seeded, data, actor_id=None, campaign="second")
    assert attempts(seeded)[0][0] == "Second"
    assert report.new == 1


def test_an_unknown_campaign_is_rejected_unless_it_may_be_created(
    seeded: Session, tmp_path: Path
) -> None:
    data = file_bytes(
        tmp_path, f"campaign,{HEADER}\nWinter,Davide Casale,2026-03-04T10:00:00Z,phone,busy\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_attempts(seeded, data, actor_id=None)
    assert caught.value.problems == [
        'line 2: campaign "Winter" does not exist (give --create-campaigns to create it)'
    ]
    with pytest.raises(ImportRejected):
        import_attempts(seeded, data, actor_id=None, campaign="Nope")
    import_attempts(seeded, data, actor_id=None, create_campaigns=True)
    assert attempts(seeded)[0][0] == "Winter"


def test_responses_follow_ups_and_coordinators_are_recreated(
    seeded: Session, tmp_path: Path
) -> None:
    """A response with the neutral stance; a follow-up done by the next attempt; a
    coordinator without an account kept as a name that cannot sign in."""
    data = file_bytes(
        tmp_path,
        f"{HEADER},responded,responded_at_utc,coordinator,follow_up_on\n"
        "Davide Casale,2026-03-02T10:00:00Z,phone,spoke to staff,true,,Olga K,2026-03-04\n"
        "Davide Casale,2026-03-04T10:00:00Z,email,sent,,2026-03-05T08:00:00Z,Olga K,2026-03-09\n",
    )
    import_attempts(seeded, data, actor_id=None)
    responses = seeded.execute(select(Response.stance, Response.responded_at, Response.summary))
    assert [tuple(r) for r in responses] == [
        (Stance.NONCOMMITTAL, datetime(2026, 3, 2, 10, tzinfo=UTC), IMPORTED_SUMMARY),
        (Stance.NONCOMMITTAL, datetime(2026, 3, 5, 8, tzinfo=UTC), IMPORTED_SUMMARY),
    ]
    follow_ups = seeded.execute(select(FollowUp.due_on, FollowUp.status).order_by(FollowUp.due_on))
    assert [tuple(r) for r in follow_ups] == [
        (date(2026, 3, 4), FollowUpStatus.DONE),
        (date(2026, 3, 9), FollowUpStatus.OPEN),
    ]
    olga = seeded.scalars(select(User).where(User.display_name == "Olga K")).one()
    assert (olga.is_active, olga.password_hash) == (False, None)


def test_reimport_is_a_no_op_and_a_changed_row_updates_audited(
    seeded: Session, tmp_path: Path
) -> None:
    first = f"{HEADER},notes\nDavide Casale,2026-03-04T10:00:00Z,phone,busy,\n"
    import_attempts(seeded, file_bytes(tmp_path, first), actor_id=None)
    again = import_attempts(seeded, file_bytes(tmp_path, first), actor_id=None)
    changed = f"{HEADER},notes\nDavide Casale,2026-03-04T10:00:00Z,phone,no answer,rang out\n"
    updated = import_attempts(seeded, file_bytes(tmp_path, changed), actor_id=None)
    assert (again.summary(), updated.summary()) == (
        "attempts: 0 new, 0 updated, 1 unchanged",
        "attempts: 0 new, 1 updated, 0 unchanged",
    )
    attempt = seeded.scalars(select(Attempt)).one()
    assert (attempt.outcome, attempt.notes) == (Outcome.NO_ANSWER, "rang out")
    event = seeded.scalars(select(AuditEvent).where(AuditEvent.entity == "attempt")).one()
    assert event.changes == {
        "outcome": ["busy", "no answer"],
        "notes": "changed",
        "source": "import",
    }


def test_rollups_after_an_import_equal_a_rebuild(seeded: Session, tmp_path: Path) -> None:
    lines = [f"{HEADER},responded"]
    for day in range(1, 29):
        lines.append(f"Davide Casale,2026-02-{day:02d}T09:00:00Z,phone,spoke to staff,{day % 2}")
        lines.append(f"Fedor Strzhizhovskiy,2026-02-{day:02d}T15:00:00Z,fax,sent,false")
    import_attempts(seeded, file_bytes(tmp_path, "\n".join(lines) + "\n"), actor_id=None)
    # An unanswered day (one with a response cannot become "busy": models.response_rules).
    changed = f"{HEADER}\nDavide Casale,2026-02-02T09:00:00Z,phone,busy\n"
    import_attempts(seeded, file_bytes(tmp_path, changed), actor_id=None)
    after_import = rollup_rows(seeded)
    rebuild(seeded)
    assert rollup_rows(seeded) == after_import
    assert after_import["attempt_rollup"], "the rollups hold the imported attempts"


def test_two_calls_in_one_second_are_two_attempts_and_reimport_as_such(
    seeded: Session, tmp_path: Path
) -> None:
    """The export keeps whole seconds: rows of one identity are matched in order."""
    text = f"{HEADER}\n" + "Davide Casale,2026-03-04T10:00:00Z,phone,busy\n" * 2
    first = import_attempts(seeded, file_bytes(tmp_path, text), actor_id=None)
    again = import_attempts(seeded, file_bytes(tmp_path, text), actor_id=None)
    assert (first.summary(), again.summary()) == (
        "attempts: 2 new, 0 updated, 0 unchanged",
        "attempts: 0 new, 0 updated, 2 unchanged",
    )
