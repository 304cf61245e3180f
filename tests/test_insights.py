"""The Insights figures, checked against a small data set worked out by hand.

Campaign C; officials NY (America/New_York) and MO (Europe/Moscow); coordinators A, B.
Weeks start on Monday (UTC). "Local" is the official's own clock.

| id | when (UTC)      | to | by | channel | outcome (class)             | local      | response   |
|----|-----------------|----|----|---------|-----------------------------|------------|------------|
| a1 | Wed 12-31 10:00 | NY | A  | phone   | no answer (no contact)      | Wed 05 EST |            |
| a2 | Wed 12-31 15:00 | NY | A  | phone   | spoke to staff (reached)    | Wed 10 EST | live, 0 s  |
| a3 | Fri 01-02 09:00 | MO | B  | fax     | sent (delivered)            |            | 01-09, 7 d |
| a4 | Mon 01-05 12:00 | MO | A  | phone   | refused/hung up (refused)   | Mon 15 MSK |            |
| a5 | Mon 01-05 13:00 | MO | B  | email   | sent (delivered), DELETED   |            | 01-06      |
| a6 | Fri 03-06 13:30 | NY | A  | phone   | spoke to official (reached) | Fri 08 EST |            |
| a7 | Mon 03-09 13:30 | NY | B  | phone   | no answer (no contact)      | Mon 09 EDT |            |
| a8 | Mon 03-09 13:45 | NY | A  | phone   | call back (reached)         | Mon 09 EDT | 03-10, 26h |
| a9 | Tue 03-10 14:00 | NY | A  | phone   | busy, in campaign D         | Tue 10 EDT |            |

Weeks (C): W1 = 2025-12-29 holds a1, a2, a3 across the new year (3 attempts, 2
answered: a3's late reply counts for W1); W2 = 01-05 holds a4 (a5 is deleted: 1, 0);
W3 = 03-02 holds a6 (1, 0); W4 = 03-09 holds a7, a8 (2, 1). US clocks went forward on
Sun 03-08, so 13:30 UTC is 08:30 local on 03-06 and 09:30 local on 03-09.

Totals (C): 7 attempts, 4 contacted (a2 a4 a6 a8), 3 answered (a2 a3 a8): response rate
3/7, 95% Wilson (0.1582, 0.7495). Delays 0 s, 26 h, 7 d: bands "under 1 minute",
"1–2 days", "7–14 days"; the median (2nd of 3) is "1–2 days".

Follow-ups (C): f1 set by a2, due Fri 01-02, done by a6 on 03-06 (late, W1); f2 set by
a4, due 01-07, done by a5 on 01-05 (on time, W2; a5's later deletion leaves it done);
f5 set by a6, due 03-09, done by a7 the same day (on time, W4); f3 for MO due 03-11,
assigned to B, never done (open and overdue, W4); f4 for NY due 03-10, cancelled (left
out). Open now: f3 alone, and it is overdue.

Per official (C): NY 5 attempts, 3 contacted, 2 answered (Wilson 0.1176–0.7693), last
contact a8 (03-09 13:45), first attempt a1 (12-31 10:00), first response a2 (15:00):
5 h. MO 2 attempts, 1 contacted, 1 answered, last contact a4, first attempt a3, first
response a3's reply 01-09 09:00 (a5's earlier reply is deleted with it): 7 days.

Best time to call (C, phone only): 6 calls, 4 live, prior p = 2/3, k = 10: Mon 09 2 calls
1 live → (1 + 20/3) / 12 = 23/36; Mon 15, Wed 10 and Fri 08: 1 of 1 → 23/33; Wed 05:
0 of 1 → 20/33.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from models import insights
from models.base import utcnow
from models.campaigns import add_target
from models.commands import ResponseInput, cancel_follow_up, create_follow_up, record_response
from models.corrections import delete_attempt
from models.filters import Filters
from models.tables import User
from models.vocab import Channel, Outcome, Role, Stance
from tests.factories import make_attempt, make_campaign, make_official, make_user

W1, W2, W3, W4 = date(2025, 12, 29), date(2026, 1, 5), date(2026, 3, 2), date(2026, 3, 9)


def _t(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def ids(session: Session) -> dict[str, int]:
    c, d = make_campaign(session, "C"), make_campaign(session, "D")
    ny = make_official(session, "NY", campaign_id=c, timezone="America/New_York", country="US")
    mo = make_official(session, "MO", campaign_id=c, timezone="Europe/Moscow")
    add_target(session, d, ny, actor_id=None)
    a, b = make_user(session, "A"), make_user(session, "B")
    admin = session.get(User, a)
    assert admin is not None
    admin.role = Role.ADMIN
    log = partial(make_attempt, session, campaign_id=c)
    live = ResponseInput(Stance.NONCOMMITTAL, "Will pass it on")
    later = partial(record_response, session, actor_id=a)

    log(official_id=ny, actor_id=a, occurred_at=_t(2025, 12, 31, 10))
    log(official_id=ny, actor_id=a, occurred_at=_t(2025, 12, 31, 15),
        outcome=Outcome.SPOKE_TO_STAFF, response=live, follow_up_on=date(2026, 1, 2))  # fmt: skip
    a3 = log(official_id=mo, actor_id=b, occurred_at=_t(2026, 1, 2, 9),
             channel=Channel.FAX, outcome=Outcome.SENT).attempt_id  # fmt: skip
    log(official_id=mo, actor_id=a, occurred_at=_t(2026, 1, 5, 12), outcome=Outcome.REFUSED,
        follow_up_on=date(2026, 1, 7))  # fmt: skip
    a5 = log(official_id=mo, actor_id=b, occurred_at=_t(2026, 1, 5, 13),
             channel=Channel.EMAIL, outcome=Outcome.SENT).attempt_id  # fmt: skip
    later(attempt_id=a5, response=ResponseInput(Stance.SUPPORTIVE, responded_at=_t(2026, 1, 6, 0)))
    later(attempt_id=a3, response=ResponseInput(Stance.OPPOSED, responded_at=_t(2026, 1, 9, 9)))
    log(official_id=ny, actor_id=a, occurred_at=_t(2026, 3, 6, 13, 30),
        outcome=Outcome.SPOKE_TO_OFFICIAL, follow_up_on=date(2026, 3, 9))  # fmt: skip
    log(official_id=ny, actor_id=b, occurred_at=_t(2026, 3, 9, 13, 30))
    a8 = log(official_id=ny, actor_id=a, occurred_at=_t(2026, 3, 9, 13, 45),
             outcome=Outcome.ASKED_TO_CALL_BACK).attempt_id  # fmt: skip
    reply = ResponseInput(Stance.WILL_FORWARD, responded_at=_t(2026, 3, 10, 15, 45))
    later(attempt_id=a8, response=reply)
    make_attempt(session, campaign_id=d, official_id=ny, actor_id=a,
                 occurred_at=_t(2026, 3, 10, 14), outcome=Outcome.BUSY)  # fmt: skip
    create_follow_up(session, campaign_id=c, official_id=mo, due_on=date(2026, 3, 11), actor_id=a,
                     assignee_id=b)  # fmt: skip
    f4 = create_follow_up(session, campaign_id=c, official_id=ny, due_on=date(2026, 3, 10),
                          actor_id=a)  # fmt: skip
    cancel_follow_up(session, follow_up_id=f4, actor_id=a)
    delete_attempt(session, a5, actor_id=a)
    session.commit()
    return {"C": c, "D": d, "NY": ny, "MO": mo, "A": a, "B": b}


def _c(ids: dict[str, int], **kwargs: object) -> Filters:
    return Filters(campaign_ids=(ids["C"],), **kwargs)  # type: ignore[arg-type]


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple[object, ...]]:
    return [tuple(row) for row in frame[columns].itertuples(index=False, name=None)]


def test_headline_counts_rates_and_median_band(session: Session, ids: dict[str, int]) -> None:
    """Campaign C, all time: 7 attempts, 4 contacted, 3 answered, median band "1–2 days"."""
    now = utcnow()
    current = insights.headline(session, _c(ids), now=now).current
    assert (current.attempts, current.contacted, current.responded) == (7, 4, 3)
    assert current.contact_rate == pytest.approx(4 / 7)
    assert current.response_rate == pytest.approx(3 / 7)
    assert current.median_label == "1–2 days"
    # f3, and f2: deleting a5, the attempt that completed it, reopened it.
    assert (current.open_follow_ups, current.overdue_follow_ups) == (2, 2)


def test_headline_compares_with_the_period_just_before(
    session: Session, ids: dict[str, int]
) -> None:
    """01-05..03-08 holds a4, a6; the 63 days before hold a1, a2, a3 (a3's reply in W1)."""
    filters = _c(ids, date_from=date(2026, 1, 5), date_to=date(2026, 3, 8))
    result = insights.headline(session, filters, now=utcnow())
    current, previous = result.current, result.previous
    assert previous is not None
    assert (current.attempts, current.contacted, current.responded) == (2, 2, 0)
    assert current.median_band is None
    assert (previous.start, previous.end) == (date(2025, 11, 3), date(2026, 1, 4))
    assert (previous.attempts, previous.contacted, previous.responded) == (3, 1, 2)
    assert previous.median_label == "under 1 minute"  # 0 s and 7 d: the lower middle


def test_weeks_cross_the_year_boundary_and_later_replies_count_for_their_week(
    session: Session, ids: dict[str, int]
) -> None:
    """Wed 12-31 and Fri 01-02 share the week of Mon 12-29; a3's reply of 01-09 counts there."""
    frame = insights.response_rate_by_week(session, _c(ids))
    assert _rows(frame, ["week", "attempts", "responded", "uncertain"]) == [
        (W1, 3, 2, True), (W2, 1, 0, True), (W3, 1, 0, True), (W4, 2, 1, True),
    ]  # fmt: skip
    assert frame.response_rate.tolist() == pytest.approx([2 / 3, 0, 0, 1 / 2])
    assert (frame.ci_low[3], frame.ci_high[3]) == pytest.approx((0.0945, 0.9055), abs=1e-4)


def test_attempts_per_week_by_channel(session: Session, ids: dict[str, int]) -> None:
    """W1: 2 calls and a fax; W2-W4: calls only (the deleted email is left out)."""
    frame = insights.attempts_by_week_channel(session, _c(ids))
    assert _rows(frame, ["week", "channel", "attempts"]) == [
        (W1, "fax", 1), (W1, "phone", 2), (W2, "phone", 1), (W3, "phone", 1), (W4, "phone", 2),
    ]  # fmt: skip


def test_a_date_range_that_cuts_weeks_counts_only_its_days(
    session: Session, ids: dict[str, int]
) -> None:
    """Thu 01-01..Mon 03-09: a3 (Fri) and a7, a8 (Mon) come from the edges, a1 and a2 fall out."""
    filters = _c(ids, date_from=date(2026, 1, 1), date_to=date(2026, 3, 9))
    frame = insights.response_rate_by_week(session, filters)
    assert _rows(frame, ["week", "attempts", "responded"]) == [
        (W1, 1, 1), (W2, 1, 0), (W3, 1, 0), (W4, 2, 1),
    ]  # fmt: skip
    within_a_week = _c(ids, date_from=date(2025, 12, 31), date_to=date(2026, 1, 2))
    assert insights.headline(session, within_a_week, now=utcnow()).current.attempts == 3


def test_follow_ups_per_week_by_due_week(session: Session, ids: dict[str, int]) -> None:
    """f1 late (W1), f2 overdue again (W2: a5, which completed it, is deleted), f5 on time
    and f3 overdue (W4); f4 cancelled."""
    frame = insights.follow_ups_by_week(session, _c(ids), today=utcnow().date())
    assert _rows(frame, insights.FOLLOW_UP_WEEK_COLUMNS) == [
        (W1, 1, 0, 1, 0, 0), (W2, 1, 0, 0, 1, 0), (W4, 2, 1, 0, 1, 0),
    ]  # fmt: skip
    before_due = insights.follow_ups_by_week(session, _c(ids), today=date(2026, 3, 11))
    assert _rows(before_due, ["week", "open_overdue", "open_not_due"])[-1] == (W4, 0, 1)


def test_per_official_rates_last_contact_and_time_to_first_response(
    session: Session, ids: dict[str, int]
) -> None:
    """NY: 5 attempts, first response after 5 h; MO: 2 attempts, 7 days (a5's reply is deleted)."""
    frame = insights.per_official(session, _c(ids))
    columns = ["official", "attempts", "contacted", "responded", "last_contact"]
    assert _rows(frame, columns) == [
        ("NY", 5, 3, 2, _t(2026, 3, 9, 13, 45)), ("MO", 2, 1, 1, _t(2026, 1, 5, 12)),
    ]  # fmt: skip
    assert frame.time_to_first_response_s.tolist() == [5 * 3600, 7 * 86_400]
    assert (frame.ci_low[0], frame.ci_high[0]) == pytest.approx((0.1176, 0.7693), abs=1e-4)
    assert frame.contact_rate.tolist() == pytest.approx([3 / 5, 1 / 2])


def test_outcome_mix_by_channel(session: Session, ids: dict[str, int]) -> None:
    """Each outcome's share of its channel's attempts: 2 of 6 calls went unanswered."""
    frame = insights.outcome_mix(session, _c(ids))
    rows = frame[["channel", "outcome", "attempts", "share"]].itertuples(index=False, name=None)
    got = {(ch, out): (n, round(float(share), 4)) for ch, out, n, share in rows}
    assert got == {
        ("fax", "sent"): (1, 1.0),
        ("phone", "asked to call back"): (1, round(1 / 6, 4)),
        ("phone", "no answer"): (2, round(2 / 6, 4)),
        ("phone", "refused / hung up"): (1, round(1 / 6, 4)),
        ("phone", "spoke to staff"): (1, round(1 / 6, 4)),
        ("phone", "spoke to the official"): (1, round(1 / 6, 4)),
    }


def test_best_time_to_call_uses_local_time_across_dst(
    session: Session, ids: dict[str, int]
) -> None:
    """13:30 UTC is Fri 08 (EST) on 03-06 and Mon 09 (EDT) on 03-09; smoothed towards 2/3."""
    frame = insights.best_time_to_call(session, _c(ids))
    assert _rows(frame, ["weekday", "hour", "attempts", "live_contacts"]) == [
        (0, 9, 2, 1), (0, 15, 1, 1), (2, 5, 1, 0), (2, 10, 1, 1), (4, 8, 1, 1),
    ]  # fmt: skip
    assert frame.smoothed_rate.tolist() == pytest.approx(
        [23 / 36, 23 / 33, 20 / 33, 23 / 33, 23 / 33]
    )
    no_phone = insights.best_time_to_call(session, _c(ids, channels=(Channel.FAX,)))
    assert no_phone.empty


def test_coordinator_filter_reads_the_raw_attempts(session: Session, ids: dict[str, int]) -> None:
    """B made a3 (W1, answered) and a7 (W4); f3 is assigned to B."""
    filters = _c(ids, coordinator_ids=(ids["B"],))
    frame = insights.response_rate_by_week(session, filters)
    assert _rows(frame, ["week", "attempts", "responded"]) == [(W1, 1, 1), (W4, 1, 0)]
    follow_ups = insights.follow_ups_by_week(session, filters, today=utcnow().date())
    assert _rows(follow_ups, ["week", "due", "open_overdue"]) == [(W4, 1, 1)]


def test_campaign_filter_and_no_filter(session: Session, ids: dict[str, int]) -> None:
    """Campaign D holds a9 alone; with no filter all 8 live attempts count."""
    now = utcnow()
    assert (
        insights.headline(session, Filters(campaign_ids=(ids["D"],)), now=now).current.attempts == 1
    )
    assert insights.headline(session, Filters(), now=now).current.attempts == 8


@pytest.mark.parametrize(
    "filters",
    [
        Filters(date_from=date(2020, 1, 1), date_to=date(2020, 12, 31)),
        Filters(channels=(Channel.LETTER,)),
    ],
    ids=["no attempts in the range", "no letters"],
)
@pytest.mark.usefixtures("ids")
def test_an_empty_result_gives_empty_frames_and_no_rates(
    session: Session, filters: Filters
) -> None:
    """Every frame keeps its columns; tiles have no rate, no median; nothing raises."""
    now = utcnow()
    current = insights.headline(session, filters, now=now).current
    assert (current.attempts, current.contact_rate, current.response_rate) == (0, None, None)
    assert current.median_band is None
    frames = {
        tuple(insights.WEEK_CHANNEL_COLUMNS): insights.attempts_by_week_channel(session, filters),
        tuple(insights.RESPONSE_WEEK_COLUMNS): insights.response_rate_by_week(session, filters),
        tuple(insights.OFFICIAL_COLUMNS): insights.per_official(session, filters),
        tuple(insights.OUTCOME_MIX_COLUMNS): insights.outcome_mix(session, filters),
        tuple(insights.HOUR_COLUMNS): insights.best_time_to_call(session, filters),
    }
    for columns, frame in frames.items():
        assert frame.empty
        assert tuple(frame.columns) == columns
    follow_ups = insights.follow_ups_by_week(session, filters, today=now.date())
    assert tuple(follow_ups.columns) == tuple(insights.FOLLOW_UP_WEEK_COLUMNS)


def test_follow_ups_are_not_shown_under_a_channel_filter(
    session: Session, ids: dict[str, int]
) -> None:
    """Follow-ups have no channel: with a channel filter their figures are absent, not wrong."""
    filters = _c(ids, channels=(Channel.PHONE,))
    current = insights.headline(session, filters, now=utcnow()).current
    assert (current.open_follow_ups, current.overdue_follow_ups) == (None, None)
    assert insights.follow_ups_by_week(session, filters, today=utcnow().date()).empty


def test_open_follow_ups_at_the_end_of_an_earlier_period(
    session: Session, ids: dict[str, int]
) -> None:
    """A period that ended before the follow-ups were created had none open."""
    yesterday = utcnow().date() - timedelta(days=1)
    filters = _c(ids, date_from=yesterday - timedelta(days=6), date_to=yesterday)
    result = insights.headline(session, filters, now=utcnow())
    assert (result.current.open_follow_ups, result.current.overdue_follow_ups) == (0, 0)
    assert result.previous is not None
    assert result.previous.open_follow_ups == 0


@pytest.mark.parametrize("figure", insights.FIGURES, ids=lambda figure: figure.key)
def test_each_registered_figure_reads_the_same_frame_as_its_function(
    session: Session, ids: dict[str, int], figure: insights.Figure
) -> None:
    """The registry's query of a figure gives its function's frame, with the figure's columns."""
    today = date(2026, 3, 11)
    functions: dict[str, Callable[[Session, Filters], pd.DataFrame]] = {
        "attempts_by_week_channel": insights.attempts_by_week_channel,
        "response_rate_by_week": insights.response_rate_by_week,
        "follow_ups_by_week": partial(insights.follow_ups_by_week, today=today),
        "per_official": insights.per_official,
        "outcome_mix": insights.outcome_mix,
        "best_time_to_call": insights.best_time_to_call,
    }
    frame = figure.query(session, _c(ids), today)
    assert tuple(frame.columns) == figure.columns
    assert not frame.empty
    pd.testing.assert_frame_equal(frame, functions[figure.key](session, _c(ids)))
