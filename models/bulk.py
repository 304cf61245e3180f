"""The fast path for writing many attempts, responses and follow-ups in one transaction.

For the demo history (``models/demo/``) and the coming imports (CSV of attempts and
follow-ups, a restore from a backup): typed rows in, the derived columns filled here,
the Insights rollups brought up to date through ``models.insights.upkeep`` at the end.

Decisions, measured on the 2-core reference machine:

* **Rows become plain tuples of the values the columns store** and go to the driver:
  ``executemany`` on SQLite, ``COPY`` on PostgreSQL. With SQLAlchemy Core's
  ``insert()`` executemany a million attempts took 36 s on SQLite, half of it in
  per-row parameter processing (the UTC type's ``astimezone``, SQLite's
  datetime-to-text); the ORM bulk path was slower still. This path took 15 s. On
  PostgreSQL, COPY made 200,000 attempts in 7-10 s against 10-14 s for the driver's
  executemany. :meth:`BulkWriter.stamp` and :meth:`BulkWriter.day` produce the stored
  forms, and ``tests/test_demo.py`` pins them to what the column types store.
* **Derived columns are filled as rows are written**: the outcome's class, the reply's
  time (from the responses written in the same call; :func:`~models.insights.upkeep.rebuild`
  fixes any other), and the local weekday and hour from the zone's UTC offset, looked
  up once per hour (:class:`LocalClock`).
* **Attempt ids are the caller's**, from :attr:`BulkWriter.first_attempt_id` on, so
  responses and follow-ups can point at attempts without reading ids back. On
  PostgreSQL the attempts table is locked against other writers until the transaction
  ends and its sequence is moved past the new ids afterwards.
* **The rollups are rebuilt once at the end** (``upkeep.rebuild``, about 7 s of the 30 s a
  million demo attempts take), not event by event.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import data_version
from models.insights import upkeep
from models.localtime import zone
from models.tables import Attempt, Official
from models.vocab import Channel, FollowUpStatus, Outcome, Stance

DAY = 86_400


class AttemptRow(NamedTuple):
    """One attempt; ``id`` from :attr:`BulkWriter.first_attempt_id` on, instants aware."""

    id: int
    campaign_id: int
    official_id: int
    channel: Channel
    outcome: Outcome
    occurred_at: datetime
    coordinator_id: int
    idempotency_key: str
    contact_point_id: int | None = None
    contact_value: str = ""
    duration_s: int | None = None
    notes: str = ""
    created_at: datetime | None = None  # None: occurred_at


class ResponseRow(NamedTuple):
    attempt_id: int
    stance: Stance
    responded_at: datetime
    recorded_by_id: int
    summary: str = ""
    commitment_on: date | None = None
    created_at: datetime | None = None  # None: responded_at


class FollowUpRow(NamedTuple):
    campaign_id: int
    official_id: int
    due_on: date
    created_by_id: int
    created_at: datetime
    reason: str = ""
    assignee_id: int | None = None
    status: FollowUpStatus = FollowUpStatus.OPEN
    source_attempt_id: int | None = None
    completed_by_attempt_id: int | None = None
    completed_at: datetime | None = None


# The columns each stored tuple fills, in its order.
ATTEMPT_COLUMNS = (
    "id", "campaign_id", "official_id", "contact_point_id", "contact_value", "channel",
    "outcome", "outcome_class", "occurred_at", "duration_s", "notes", "coordinator_id",
    "idempotency_key", "created_at", "responded_at", "local_weekday", "local_hour",
)  # fmt: skip
RESPONSE_COLUMNS = (
    "attempt_id", "stance", "summary", "responded_at", "commitment_on", "recorded_by_id",
    "created_at",
)  # fmt: skip
FOLLOW_UP_COLUMNS = (
    "campaign_id", "official_id", "due_on", "assignee_id", "reason", "status",
    "source_attempt_id", "completed_by_attempt_id", "completed_at", "created_by_id",
    "created_at",
)  # fmt: skip


class LocalClock:
    """Weekday and hour in one zone, with the zone's UTC offset looked up once per UTC hour.

    An hour in which the offset changes (a daylight-saving switch) is looked up instant
    by instant instead. :meth:`of` shares one clock per zone in the process, so the demo's
    planner and this writer look each hour up once.
    """

    def __init__(self, timezone: str) -> None:
        self.tz = zone(timezone)
        self._starts: dict[int, int] = {}  # the offset at the start of each UTC hour
        self._offsets: dict[int, int | None] = {}  # by UTC hour since 1970; None: it changes

    @staticmethod
    @functools.cache
    def of(timezone: str) -> LocalClock:
        return LocalClock(timezone)

    def _offset_at(self, slot: int) -> int:
        offset = self._starts.get(slot)
        if offset is None:
            delta = datetime.fromtimestamp(slot * 3600, self.tz).utcoffset()
            offset = self._starts[slot] = int(delta.total_seconds()) if delta is not None else 0
        return offset

    def weekday_hour(self, ts: int) -> tuple[int, int]:
        """(weekday with 0 = Monday, hour) of the instant ``ts`` (epoch seconds) locally."""
        slot = ts // 3600
        if slot not in self._offsets:
            start, end = self._offset_at(slot), self._offset_at(slot + 1)
            self._offsets[slot] = start if start == end else None
        offset = self._offsets[slot]
        if offset is None:
            local = datetime.fromtimestamp(ts, self.tz)
            return local.weekday(), local.hour
        local_ts = ts + offset
        return (local_ts // DAY + 3) % 7, local_ts % DAY // 3600  # 1 January 1970: a Thursday


class BulkWriter:
    """Writes rows straight to the driver in the caller's transaction; see the module notes."""

    def __init__(self, session: Session, first_attempt_id: int) -> None:
        self.connection = session.connection()
        self.sqlite = self.connection.dialect.name == "sqlite"
        self.first_attempt_id = first_attempt_id
        self.attempts = self.responses = self.follow_ups = 0
        self._days: dict[date, Any] = {}
        self._clocks = {  # by official id
            official_id: LocalClock.of(tz)
            for official_id, tz in session.execute(select(Official.id, Official.timezone))
        }

    def day(self, value: date) -> Any:
        """A ``Date`` column's stored value: ISO text on SQLite, the date on PostgreSQL."""
        stored = self._days.get(value)
        if stored is None:
            stored = self._days[value] = value.isoformat() if self.sqlite else value
        return stored

    def stamp(self, value: datetime) -> Any:
        """A ``UTCDateTime`` stored value: SQLAlchemy's SQLite text of naive UTC, else aware UTC."""
        if value.utcoffset() is None:
            raise ValueError(f"{value!r} has no time zone")
        if not self.sqlite:
            return value
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        # "YYYY-MM-DD HH:MM:SS.ffffff" without the "+00:00": a third faster than strftime.
        return value.isoformat(" ", "microseconds")[:26]

    def write(
        self,
        attempts: Sequence[AttemptRow],
        responses: Sequence[ResponseRow] = (),
        follow_ups: Sequence[FollowUpRow] = (),
    ) -> None:
        """Attempts, then responses, then follow-ups; each may point only at attempts
        written by this call or an earlier one."""
        answered = {r.attempt_id: r.responded_at for r in responses}
        self._copy("attempts", ATTEMPT_COLUMNS, [self._attempt(a, answered) for a in attempts])
        self._copy("responses", RESPONSE_COLUMNS, [self._response(r) for r in responses])
        self._copy("follow_ups", FOLLOW_UP_COLUMNS, [self._follow_up(f) for f in follow_ups])
        self.attempts += len(attempts)
        self.responses += len(responses)
        self.follow_ups += len(follow_ups)

    def _attempt(self, row: AttemptRow, answered: dict[int, datetime]) -> tuple[Any, ...]:
        when, responded_at = self.stamp(row.occurred_at), answered.get(row.id)
        weekday, hour = self._clocks[row.official_id].weekday_hour(
            math.floor(row.occurred_at.timestamp())
        )
        return (
            row.id, row.campaign_id, row.official_id, row.contact_point_id, row.contact_value,
            row.channel.value, row.outcome.value, row.outcome.outcome_class.value, when,
            row.duration_s, row.notes, row.coordinator_id, row.idempotency_key,
            when if row.created_at is None else self.stamp(row.created_at),
            None if responded_at is None else self.stamp(responded_at), weekday, hour,
        )  # fmt: skip

    def _response(self, row: ResponseRow) -> tuple[Any, ...]:
        when = self.stamp(row.responded_at)
        return (
            row.attempt_id, row.stance.value, row.summary, when,
            None if row.commitment_on is None else self.day(row.commitment_on),
            row.recorded_by_id, when if row.created_at is None else self.stamp(row.created_at),
        )  # fmt: skip

    def _follow_up(self, row: FollowUpRow) -> tuple[Any, ...]:
        return (
            row.campaign_id, row.official_id, self.day(row.due_on), row.assignee_id, row.reason,
            row.status.value, row.source_attempt_id, row.completed_by_attempt_id,
            None if row.completed_at is None else self.stamp(row.completed_at),
            row.created_by_id, self.stamp(row.created_at),
        )  # fmt: skip

    def _copy(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        data_version.note_driver_write(self.connection)  # COPY is out of SQLAlchemy's sight
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@contextmanager
def bulk_writer(session: Session) -> Iterator[BulkWriter]:
    """A :class:`BulkWriter` whose attempt ids are kept ours for the transaction.

    On leaving without an error, PostgreSQL's attempt id sequence is moved past the new
    ids and the rollups are rebuilt (``upkeep.rebuild``) for everything written.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Other writers of attempts wait until we commit, so the ids we hand out stay ours.
        session.execute(text("LOCK TABLE attempts IN SHARE ROW EXCLUSIVE MODE"))
    first_id = (session.scalar(select(func.max(Attempt.id))) or 0) + 1
    yield BulkWriter(session, first_id)
    if postgres:
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('attempts', 'id'), "
                "(SELECT max(id) FROM attempts))"
            )
        )
    upkeep.rebuild(session)
