"""Migrations: from empty to head, the head schema is what the models say, backfills are right."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from models.base import Base
from models.db import alembic_config, make_engine, migrate
from models.directory import office_hours_of
from models.insights import upkeep
from models.insights.counting import local_slot
from models.tables import Attempt, Official
from models.vocab import Channel, Outcome
from tests.test_rollups import rollup_rows


def test_migration_from_empty_to_head_on_sqlite(tmp_path: object) -> None:
    """An empty SQLite file migrates to head and then to head again without change."""
    engine = make_engine(f"sqlite:///{tmp_path}/empty.db")
    migrate(engine)
    migrate(engine)
    assert set(inspect(engine).get_table_names()) == {
        *Base.metadata.tables,
        "alembic_version",
    }
    engine.dispose()


def test_database_is_at_head(engine: Engine) -> None:
    """The migrated test database (SQLite and PostgreSQL) records the newest revision."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_models_match_the_migrated_schema(engine: Engine) -> None:
    """Autogenerate finds nothing to do: no model change is missing a migration."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


# Rows as a database at revision 0002 held them, before the rollups existed. Three zones
# (one crossing DST in the span), two campaigns, answered and deleted attempts,
# follow-ups open, done on time, done late and cancelled.
OFFICIALS = [(1, "America/New_York"), (2, "Europe/Moscow"), (3, "Australia/Sydney")]
# The office hours each official had before 0005: days mask (bit 0 = Monday), opens, closes.
# Official 4 has opening and closing the wrong way round, which 0001 allowed.
OLD_HOURS = {1: (31, time(9), time(18)), 2: (0b1000001, time(10), time(12, 30)),
             3: (0, time(9), time(18)), 4: (31, time(18), time(9))}  # fmt: skip
BASE = datetime(2026, 2, 23, 8, 15, 30, tzinfo=UTC)  # a Monday; New York moves on 8 March
CHANNELS = [(Channel.PHONE, Outcome.SPOKE_TO_STAFF), (Channel.PHONE, Outcome.NO_ANSWER),
            (Channel.FAX, Outcome.SENT), (Channel.PHONE, Outcome.REFUSED),
            (Channel.EMAIL, Outcome.SENT)]  # fmt: skip


def _old_rows() -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = [
        ("users", {"id": 1, "name": "a", "display_name": "A", "role": "admin", "is_active": True,
                   "is_demo": False, "created_at": BASE, "failed_sign_ins": 0}),
    ]  # fmt: skip
    for campaign in (1, 2):
        rows.append(("campaigns", {"id": campaign, "name": f"C{campaign}", "description": "",
                     "ask": "", "call_script": "", "status": "active", "source": "",
                     "is_demo": False, "created_at": BASE}))  # fmt: skip
    for official, tz in [*OFFICIALS, (4, "UTC")]:
        days, opens, closes = OLD_HOURS[official]
        rows.append(("officials", {"id": official, "full_name": f"O{official}", "given_name": "",
                     "patronymic": "", "family_name": "", "title": "", "organization": "",
                     "country": "US", "timezone": tz, "office_days": days,
                     "office_opens": opens, "office_closes": closes,
                     "office_hours_assumed": official != 2, "notes": "", "is_demo": False,
                     "created_at": BASE}))  # fmt: skip
    for n in range(40):
        occurred = BASE + timedelta(hours=29 * n, minutes=7 * n, microseconds=250_000 * (n % 3))
        channel, outcome = CHANNELS[n % len(CHANNELS)]
        deleted = occurred + timedelta(days=1) if n % 7 == 3 else None
        rows.append(("attempts", {"id": n + 1, "campaign_id": 1 + n % 2,
                     "official_id": 1 + n % 3, "contact_value": "", "channel": channel.value,
                     "outcome": outcome.value, "outcome_class": outcome.outcome_class.value,
                     "occurred_at": occurred, "notes": "", "coordinator_id": 1,
                     "idempotency_key": f"k{n}", "created_at": occurred,
                     "deleted_at": deleted}))  # fmt: skip
        if n % 3 != 1:
            delay = timedelta(seconds=(59, 60, 3_599, 90_000, 10**6)[n % 5], microseconds=400_000)
            # every other response commits, up to 9 days on: the same target's next
            # response (6 attempts later, about 7 days) keeps some of them (0011)
            promise = (occurred + delay).date() + timedelta(days=n % 10) if n % 2 == 0 else None
            rows.append(("responses", {"id": n + 1, "attempt_id": n + 1, "stance": "supportive",
                         "summary": "", "responded_at": occurred + delay, "recorded_by_id": 1,
                         "created_at": occurred + delay, "commitment_on": promise}))  # fmt: skip
    for n in range(12):
        due = (BASE + timedelta(days=3 * n)).date()
        status = ("open", "done", "done", "cancelled")[n % 4]
        completed = BASE + timedelta(days=3 * n + (n % 3) - 1) if status != "open" else None
        rows.append(("follow_ups", {"id": n + 1, "campaign_id": 1 + n % 2,
                     "official_id": 1 + n % 3, "due_on": due, "reason": "", "status": status,
                     "completed_at": completed, "created_by_id": 1,
                     "created_at": BASE}))  # fmt: skip
    return rows


def _stored(value: Any, dialect: str) -> Any:
    """What a column at 0002 stores: on SQLite naive UTC text, ISO dates and times."""
    if dialect != "sqlite":
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def test_the_rollup_migration_fills_what_a_rebuild_computes(empty_db_url: str) -> None:
    """A database at 0002 with attempts, responses, deletions and follow-ups, upgraded to
    head: its rollups and derived columns equal upkeep.rebuild() and local_slot()."""
    config = alembic_config(empty_db_url)
    command.upgrade(config, "0002")
    engine = make_engine(empty_db_url)
    with engine.begin() as conn:
        for table, row in _old_rows():
            values = {name: _stored(value, conn.dialect.name) for name, value in row.items()}
            columns = ", ".join(values)
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES (:{', :'.join(values)})"),
                         values)  # fmt: skip
    engine.dispose()
    command.upgrade(config, "head")
    engine = make_engine(empty_db_url)
    try:
        _compare_with_a_rebuild(engine)
        _check_office_hours(engine)
    finally:
        engine.dispose()


def _check_office_hours(engine: Engine) -> None:
    """0005 made one range per office day from the old columns, kept "assumed", and dropped
    the old columns."""
    with Session(engine) as session:
        hours = {o: office_hours_of(session.get_one(Official, o)) for o in OLD_HOURS}
        assumed = dict(session.execute(select(Official.id, Official.office_hours_assumed)).all())
    assert list(hours[1].ranges()) == [(day, time(9), time(18)) for day in range(5)]
    assert hours[1].describe() == "Mon–Fri 09:00–18:00"
    assert list(hours[2].ranges()) == [(0, time(10), time(12, 30)), (6, time(10), time(12, 30))]
    assert list(hours[3].ranges()) == list(hours[4].ranges()) == []
    assert assumed == {1: True, 2: False, 3: True, 4: True}
    columns = {c["name"] for c in inspect(engine).get_columns("officials")}
    assert not columns & {"office_days", "office_opens", "office_closes"}


def test_office_hours_go_back_to_one_range_on_downgrade(empty_db_url: str) -> None:
    """Downgrading 0005 restores the days mask and the widest range of the week; upgrading
    again gives the same rows for a plain working week."""
    config = alembic_config(empty_db_url)
    command.upgrade(config, "0004")
    engine = make_engine(empty_db_url)
    row = next(row for table, row in _old_rows() if table == "officials")
    with engine.begin() as conn:
        values = {name: _stored(value, conn.dialect.name) for name, value in row.items()}
        conn.execute(
            text(f"INSERT INTO officials ({', '.join(values)}) VALUES (:{', :'.join(values)})"),
            values,
        )
    command.upgrade(config, "0005")
    command.downgrade(config, "0004")
    with engine.connect() as conn:
        old = conn.execute(text("SELECT office_days, office_opens, office_closes FROM officials"))
        restored = [(days, str(opens)[:5], str(closes)[:5]) for days, opens, closes in old]
    command.upgrade(config, "head")
    with Session(engine) as session:
        hours = office_hours_of(session.get_one(Official, 1))
    engine.dispose()
    assert restored == [(31, "09:00", "18:00")]
    assert hours.describe() == "Mon–Fri 09:00–18:00"


def _compare_with_a_rebuild(engine: Engine) -> None:
    with Session(engine) as session:
        migrated = rollup_rows(session)
        derived = session.execute(
            select(
                Attempt.id, Attempt.responded_at, Attempt.local_weekday, Attempt.local_hour
            ).order_by(Attempt.id)
        ).all()
        upkeep.rebuild(session)
        assert rollup_rows(session) == migrated
        assert all(migrated.values()), "every rollup table has rows"
        zones = dict(OFFICIALS)
        for attempt in session.scalars(select(Attempt).order_by(Attempt.id)):
            assert (attempt.local_weekday, attempt.local_hour) == local_slot(
                attempt.occurred_at, zones[attempt.official_id]
            )
        rebuilt = session.execute(
            select(
                Attempt.id, Attempt.responded_at, Attempt.local_weekday, Attempt.local_hour
            ).order_by(Attempt.id)
        ).all()
        assert rebuilt == derived
