"""Attempts import, step one: each row read into an entry, every cell checked.

The attempts export's columns (or a subset: official, occurred_at_utc, channel and
outcome are required). Channels and outcomes are DESIGN.md's labels, which are the
values the export writes, in any case. Times are ISO 8601; one without an offset is read
in the zone the importer names. ``responded`` with ``responded_at_utc`` recreates a
response (a live one when only ``responded`` is true), ``follow_up_on`` a follow-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.importing.cells import (
    CellProblem,
    date_cell,
    flag_cell,
    instant_cell,
    text_cell,
    vocab_cell,
    whole_cell,
)
from models.importing.headers import Columns
from models.importing.reading import Record
from models.vocab import OUTCOMES_BY_CHANNEL, Channel, Outcome, Stance

CLOCK_SKEW = timedelta(minutes=5)
T = TypeVar("T")


@dataclass(frozen=True)
class AttemptEntry:
    line: int
    campaign: str  # "" when the row names none
    official: str
    organization: str
    channel: Channel
    outcome: Outcome
    occurred_at: datetime  # aware UTC, to the second
    contact: str
    responded_at: datetime | None  # None: no response
    coordinator: str  # "" when the row names none
    duration_s: int | None
    follow_up_on: date | None
    notes: str
    stance: Stance | None = None  # the response's stance, when the file gives one
    response_summary: str = ""


class _Problems(list[str]):
    def check(self, read: Callable[[], T]) -> T | None:
        """What ``read`` returns, or None with its problem noted."""
        try:
            return read()
        except CellProblem as exc:
            self.append(str(exc))
            return None


def read_attempt(record: Record, columns: Columns, tz: ZoneInfo) -> AttemptEntry:
    """The entry of one row; raises :class:`CellProblem` naming every cell that is wrong."""
    problems = _Problems()

    def cell(name: str) -> str:
        return columns.cell(record.cells, name)

    def text(name: str, max_len: int = 10_000) -> str:
        return problems.check(lambda: text_cell(cell(name), name, max_len=max_len)) or ""

    channel = problems.check(lambda: vocab_cell(cell("channel"), Channel, "channel"))
    outcome = problems.check(lambda: vocab_cell(cell("outcome"), Outcome, "outcome"))
    occurred = problems.check(
        lambda: _utc(instant_cell(cell("occurred_at"), "occurred_at_utc", tz))
    )
    responded_at = problems.check(
        lambda: _response_time(cell("responded"), cell("responded_at"), tz, occurred)
    )
    duration = problems.check(lambda: whole_cell(cell("duration_s"), "duration_s"))
    follow_up = problems.check(lambda: date_cell(cell("follow_up_on"), "follow_up_on"))
    official = text("official", 200)
    lengths = {"campaign": 200, "organization": 300, "contact": 500, "coordinator": 80}
    texts = {name: text(name, max_len) for name, max_len in lengths.items()}
    notes = text("notes")
    stance = problems.check(
        lambda: vocab_cell(cell("stance"), Stance, "stance") if cell("stance").strip() else None
    )
    summary = text("response_summary", 2000)
    problems += _consistency(official, channel, outcome, occurred)
    if problems or channel is None or outcome is None or occurred is None:
        raise CellProblem("; ".join(problems))
    return AttemptEntry(
        record.line, texts["campaign"], official, texts["organization"], channel, outcome,
        occurred.replace(microsecond=0), texts["contact"], responded_at, texts["coordinator"],
        duration, follow_up, notes, stance, summary,
    )  # fmt: skip


def _consistency(
    official: str, channel: Channel | None, outcome: Outcome | None, when: datetime | None
) -> list[str]:
    problems = []
    if official == "":
        problems.append("the official is empty")
    if channel and outcome and outcome not in OUTCOMES_BY_CHANNEL[channel]:
        problems.append(f'outcome "{outcome}" is not possible by {channel}')
    if when is not None and when > utcnow() + CLOCK_SKEW:
        problems.append(f"occurred_at_utc {when.isoformat()} is in the future")
    return problems


def _response_time(
    responded: str, responded_at: str, tz: ZoneInfo, occurred: datetime | None
) -> datetime | None:
    answered = flag_cell(responded, "responded")
    if not responded_at.strip():
        return occurred if answered else None
    if responded.strip() and not answered:
        raise CellProblem("responded is false but responded_at_utc is given")
    when = instant_cell(responded_at, "responded_at_utc", tz)
    if occurred is not None and when < occurred:
        raise CellProblem("responded_at_utc is before occurred_at_utc")
    return _utc(when).replace(microsecond=0)


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC)
