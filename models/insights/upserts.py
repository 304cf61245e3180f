"""How the rollup upkeep writes its changes: deltas per table and key, applied as atomic
upserts (``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n``); rows whose counts
all fall to zero are deleted, as a rebuild would leave them out. Used by
``models/insights/upkeep.py`` and ``models/insights/commitment_upkeep.py``."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete
from sqlalchemy.orm import Session

from models.insights.counting import (
    _ATTEMPTS,
    ALL_TIME,
    ALL_TIME_START,
    DAY_PERIOD,
    ROLLUP_TABLES,
    WEEK,
    week_of,
)
from models.sqlfuncs import dialect_insert
from models.vocab import Outcome

Key = tuple[Any, ...]
# table -> primary key values -> counter name -> change
Deltas = dict[Table, dict[Key, dict[str, int]]]


def periods(instant: datetime) -> tuple[tuple[int, date], ...]:
    """(period_days, period_start) of the rows an instant counts in: its week, its UTC day
    and all time."""
    day = instant.astimezone(UTC).date()
    return (WEEK, week_of(instant)), (DAY_PERIOD, day), (ALL_TIME, ALL_TIME_START)


def add(rows: dict[Key, dict[str, int]], key: Key, counts: dict[str, int]) -> None:
    row = rows.setdefault(key, defaultdict(int))
    for name, change in counts.items():
        row[name] += change


def merge(into: Deltas, other: Deltas) -> None:
    for table, rows in other.items():
        for key, counts in rows.items():
            add(into.setdefault(table, {}), key, counts)


# --- Applying deltas: atomic upserts -------------------------------------------------


def apply(session: Session, deltas: Deltas) -> None:
    """Upsert every changed row, one statement per table and set of counters changed."""
    dialect = session.get_bind().dialect.name
    for table, rows in deltas.items():
        batches: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        fallen = []
        for key, counts in rows.items():
            changes = {name: n for name, n in counts.items() if n}
            if not changes:
                continue
            values = _row(table, key, changes)
            batches.setdefault(tuple(sorted(changes)), []).append(values)
            if any(n < 0 for n in changes.values()):
                fallen.append({f"b_{name}": values[name] for name in _keys(table)})
        for changed, params in batches.items():
            session.execute(_upsert_statement(dialect, table.name, changed), params)
        if fallen:
            # A count fell: drop the rows with nothing left in them, as a rebuild would.
            session.execute(_drop_empty_statement(table.name), fallen)


def _keys(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _counters(table: Table) -> list[str]:
    return [c.name for c in table.columns if not c.primary_key and c.name != "outcome_class"]


def _row(table: Table, key: Key, changes: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = dict(zip(_keys(table), key, strict=True))
    values |= {name: changes.get(name, 0) for name in _counters(table)}
    if table is _ATTEMPTS:
        values["outcome_class"] = Outcome(values["outcome"]).outcome_class
    return values


_BY_NAME = {table.name: table for table in ROLLUP_TABLES}


@functools.cache
def _upsert_statement(dialect: str, name: str, changed: tuple[str, ...]) -> Any:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`` for ``changed``.

    Made once per process and reused: building the statement costs more than running it.
    """
    table = _BY_NAME[name]
    stmt = dialect_insert(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=_keys(table),
        set_={column: table.c[column] + stmt.excluded[column] for column in changed},
    )


@functools.cache
def _drop_empty_statement(name: str) -> Any:
    table = _BY_NAME[name]
    where = [table.c[key] == bindparam(f"b_{key}") for key in _keys(table)]
    return delete(table).where(*where, *(table.c[n] == 0 for n in _counters(table)))
