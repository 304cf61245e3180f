"""The summary exports carry the Insights figures for the same filters: checked against
the insights functions and against counts worked out by hand."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy.orm import Session

from models import insights
from models.exports import SUMMARY_COLUMNS, SummaryKind, write_summary
from models.filters import Filters
from models.vocab import Channel
from tests import test_exports

history = test_exports.history  # the hand-built history, as a fixture of this module too
TODAY = date(2026, 3, 12)


@pytest.fixture
def rebuilt(session: Session, history: dict[str, int]) -> dict[str, int]:
    """The history with its rollups rebuilt (its fixture deletes a5 with a bare UPDATE)."""
    insights.rebuild(session)
    session.commit()
    return history


def summary(session: Session, kind: SummaryKind, filters: Filters | None = None) -> list[list[str]]:
    out = io.BytesIO()
    count = write_summary(session, out, kind, filters or Filters(), today=TODAY)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode(), newline="")))
    assert rows[0] == list(SUMMARY_COLUMNS[kind])
    assert count == len(rows) - 1
    return rows[1:]


@pytest.mark.usefixtures("rebuilt")
def test_per_week_is_the_response_cohort_figure(session: Session) -> None:
    """Week of 23 Feb: a0 alone; week of 2 March: a1, a4, a2, a3 with two responses."""
    rows = summary(session, SummaryKind.WEEK)
    assert [r[:4] for r in rows] == [
        ["2026-02-23", "1", "0", "0.0000"],
        ["2026-03-02", "4", "2", "0.5000"],
    ]
    frame = insights.response_rate_by_week(session, Filters())
    assert [float(r[5]) for r in rows] == [round(v, 4) for v in frame.ci_high]
    assert [int(r[1]) for r in rows] == list(frame.attempts)


@pytest.mark.usefixtures("rebuilt")
def test_follow_ups_per_week_on_a_given_day(session: Session) -> None:
    """a1's follow-up (due 5 March) was done on time by a2; a2's next call (10th) is open
    and overdue on the 12th; its commitment (Friday the 20th) is followed up on the first
    business day after it, Monday the 23rd: open and not yet due."""
    assert summary(session, SummaryKind.FOLLOWUPS) == [
        ["2026-03-02", "1", "1", "0", "0", "0"],
        ["2026-03-09", "1", "0", "0", "1", "0"],
        ["2026-03-23", "1", "0", "0", "0", "1"],
    ]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 4)),
        Filters(channels=(Channel.PHONE, Channel.LETTER)),
    ],
)
def test_per_official_equals_insights_for_the_same_filters(
    session: Session, rebuilt: dict[str, int], filters: Filters
) -> None:
    """Attempts, responses and both rates are what Insights' per-official figure says."""
    campaign = Filters(campaign_ids=(rebuilt["campaign"],))
    for chosen in (filters, campaign):
        frame = insights.per_official(session, chosen)
        expected = [
            [name, str(n), str(r), f"{rate:.4f}", f"{contact:.4f}"]
            for name, n, r, rate, contact in zip(
                frame.official, frame.attempts, frame.responded, frame.response_rate,
                frame.contact_rate, strict=True,
            )
        ]  # fmt: skip
        rows = summary(session, SummaryKind.OFFICIAL, chosen)
        assert [[r[0], r[2], r[3], r[4], r[5]] for r in rows] == expected
