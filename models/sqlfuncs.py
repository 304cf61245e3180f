"""SQL constructs whose spelling differs between SQLite and PostgreSQL, in one place.

Instants are stored by ``UTCDateTime``: naive UTC text on SQLite, ``timestamptz`` on
PostgreSQL. Each construct gives the same answer on both, whatever the PostgreSQL
session's time zone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Date, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class week_start(FunctionElement[Any]):
    """The Monday (UTC) of the week an instant, or a date, falls in, as a date.

    Weeks are ISO weeks that start on Monday 00:00 UTC, for every user wherever they
    sit: one bucketing for everyone. Python's twin is ``models.insights.upkeep.monday``.
    """

    type = Date()
    inherit_cache = True
    name = "week_start"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    # 'weekday 0' moves forward to the next Sunday (or stays on one); six days back is Monday.
    # date() reads both the stored instant text and a plain 'YYYY-MM-DD' date.
    (arg,) = element.clauses
    return f"date({compiler.process(arg, **kw)}, 'weekday 0', '-6 days')"


@compiles(week_start, "postgresql")
def _week_start_pg(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    value = compiler.process(arg, **kw)
    if isinstance(arg.type, Date):
        # A date has no zone; as a plain timestamp it truncates without one.
        return f"CAST(date_trunc('week', CAST({value} AS TIMESTAMP)) AS DATE)"
    return f"CAST(date_trunc('week', {value} AT TIME ZONE 'UTC') AS DATE)"


class day_after_start(FunctionElement[Any]):
    """00:00 UTC of the day after a date: the end of that UTC day, as an instant.

    ``instant < day_after_start(d)`` is ``utc_date(instant) <= d`` in a form an index on
    the instant can range over. On SQLite it is the text 'YYYY-MM-DD' of the next day,
    which sorts after every stored instant of ``d`` and before every one of the next day.
    """

    inherit_cache = True
    name = "day_after_start"


@compiles(day_after_start, "sqlite")
def _day_after_start_sqlite(element: day_after_start, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"date({compiler.process(arg, **kw)}, '+1 day')"


@compiles(day_after_start, "postgresql")
def _day_after_start_pg(element: day_after_start, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"(CAST(({compiler.process(arg, **kw)} + 1) AS TIMESTAMP) AT TIME ZONE 'UTC')"


class utc_date(FunctionElement[Any]):
    """The UTC calendar day of an instant, as a date."""

    type = Date()
    inherit_cache = True
    name = "utc_date"


@compiles(utc_date, "sqlite")
def _utc_date_sqlite(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"date({compiler.process(arg, **kw)})"


@compiles(utc_date, "postgresql")
def _utc_date_pg(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"CAST({compiler.process(arg, **kw)} AT TIME ZONE 'UTC' AS DATE)"


class epoch_seconds(FunctionElement[Any]):
    """An instant as whole seconds since 1970-01-01 UTC, the fraction dropped.

    Differences of these are what ``models.insights.upkeep.whole_seconds_between`` computes in
    Python, so a delay falls in the same band whichever side computed it.
    """

    type = BigInteger()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"CAST(strftime('%s', {compiler.process(arg, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_seconds_pg(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    value = compiler.process(arg, **kw)
    return f"CAST(floor(EXTRACT(EPOCH FROM {value})) AS BIGINT)"


class unindexed(FunctionElement[Any]):
    """A column that SQLite must not pick an index for (SQLite's unary ``+``); PostgreSQL
    sees the plain column.

    SQLite without statistics takes an equality on an indexed column to be selective and
    prefers it to a narrow time range; wrapping the column leaves the range to lead.
    """

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return compiler.process(arg, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"+{compiler.process(arg, **kw)}"


def dialect_insert(dialect: str, table: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that can say ``ON CONFLICT``: SQLite's or PostgreSQL's (the same SQL)."""
    if dialect == "sqlite":
        return sqlite.insert(table)
    return postgresql.insert(table)
