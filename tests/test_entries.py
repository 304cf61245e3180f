"""The Log form's rules in the model layer: the attempt's time and the entry's bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from models.entries import AttemptEntry, attempt_time
from models.text import InvalidInput
from models.vocab import Channel, Outcome

NOW = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)  # 22:00 in Berlin, 00:00 on 2 Dec in Moscow


def entry(**changes: object) -> AttemptEntry:
    values: dict[str, object] = {
        "campaign_id": 1,
        "official_id": 1,
        "channel": Channel.PHONE,
        "contact_point_id": None,
        "outcome": Outcome.NO_ANSWER,
        "occurred_at": None,
        "duration_s": None,
        "notes": "",
        "follow_up_on": None,
        "responded": False,
        "stance": None,
        "summary": "",
        "commitment_on": None,
        "actor_id": 1,
    }
    return AttemptEntry(**(values | changes))  # type: ignore[arg-type]


def test_no_time_today_means_now_and_a_given_time_is_read_in_the_coordinators_zone() -> None:
    """Today without a time is "now" (None); 15:30 in Berlin in December is 14:30 UTC."""
    assert attempt_time(date(2026, 12, 1), None, "Europe/Berlin", NOW) is None
    assert attempt_time(date(2026, 12, 1), time(15, 30), "Europe/Berlin", NOW) == datetime(
        2026, 12, 1, 14, 30, tzinfo=UTC
    )


def test_today_is_the_coordinators_day_not_the_servers() -> None:
    """At 21:00 UTC it is already 2 December in Moscow: there, 1 December needs a time."""
    assert attempt_time(date(2026, 12, 2), None, "Europe/Moscow", NOW) is None
    with pytest.raises(InvalidInput, match="give the time of the attempt on 2026-12-01"):
        attempt_time(date(2026, 12, 1), None, "Europe/Moscow", NOW)


def test_a_time_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidInput, match="is in the future"):
        attempt_time(date(2026, 12, 1), time(23, 30), "Europe/Berlin", NOW)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outcome": None}, "Pick the outcome"),
        ({"occurred_at": NOW - timedelta(days=367)}, "at most a year back"),
        ({"follow_up_on": date(2027, 12, 3)}, "Follow up on \\(2027-12-03\\) is more than a year"),
        ({"commitment_on": date(2028, 1, 1)}, "commitment date \\(2028-01-01\\) is more than"),
    ],
    ids=["no-outcome", "too-old", "follow-up-too-far", "commitment-too-far"],
)
def test_an_entry_out_of_bounds_is_refused_with_a_message(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        entry(**changes).check(NOW)


def test_an_entry_in_bounds_gives_its_time_in_utc() -> None:
    """A back-dated entry keeps its instant; none means now."""
    earlier = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert (entry(occurred_at=earlier).check(NOW), entry().check(NOW)) == (earlier, NOW)
