"""The data versions: random numbers in the database that move with every write, so that
each app process knows, with one small read, whether what it cached is still current.

Several app processes may share one PostgreSQL, each with its own caches
(``pages/ui/cache.py``). Those caches are keyed by the numbers of the scopes a read
depends on, read from the ``data_version`` table once per page run (:func:`read`). A
write transaction that changed rows gives the scopes it changed new numbers just before
COMMIT (:func:`models.db.session_scope`), in the same transaction: whoever reads the new
numbers sees the write, so the next page run of every process misses the stale entries.

The numbers are random (63 bits), not counters: a database restored from a backup or
rebuilt never brings back a number that a cache somewhere still holds.

Scopes:

* ``every``: moved by a write that does not say what it changed (``cli.py``, imports, a
  restore); every key holds it.
* ``activity`` (attempts, responses, follow-ups), ``directory`` (campaigns, officials,
  contact points), ``people`` (users): moved by the app's writes, which say which
  (``changes`` of ``pages/ui/cache.write``).
* ``campaign:N``: moved by an activity write in campaign N, and ``campaign:?`` by one in a
  campaign not named; the figures of campaign 5 outlive an attempt logged in campaign 3.

A write that says it changed nothing cached (``changes=()``: a sign-in, a session's
last-seen time, an audit event alone) moves nothing. Writes that bypass the model layer
(``psql``) move nothing either.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Connection,
    String,
    Table,
    bindparam,
    column,
    func,
    select,
    values,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.sqlfuncs import dialect_insert

EVERY = "every"
ACTIVITY = "activity"  # attempts, responses, follow-ups
DIRECTORY = "directory"  # campaigns, officials, contact points
PEOPLE = "people"  # users
EVERYTHING = frozenset({ACTIVITY, DIRECTORY, PEOPLE})
UNNAMED_CAMPAIGN = "campaign:?"
# Keys of Connection.info (the DBAPI connection's), set at BEGIN and read before COMMIT.
_CHANGES_AT_BEGIN = "data_version_changes_at_begin"
_SENT_WRITE = "data_version_sent_write"
# How statements that change no row begin (their first six letters, upper case).
_READING = frozenset({"SELECT", "SHOW", "SET", "SAVEPO", "RELEAS", "ROLLBA"})

Versions = Mapping[str, int]


class DataVersion(Base):
    """One scope's current number (random; see the module docstring)."""

    __tablename__ = "data_version"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


_TABLE = cast(Table, DataVersion.__table__)


def new_value() -> int:
    """A random 63-bit number: fits a signed BIGINT, never repeats in practice."""
    return secrets.randbits(63)


def campaign_scope(campaign_id: int | None) -> str:
    return UNNAMED_CAMPAIGN if campaign_id is None else f"campaign:{campaign_id}"


def scopes_of(changes: Iterable[str], campaign_id: int | None = None) -> frozenset[str]:
    """The scopes a write of ``changes`` (kinds of data) moves; ``campaign_id``: the one
    campaign whose activity it changed, if known. No changes: no scope."""
    kinds = frozenset(changes)
    if kinds >= EVERYTHING:
        return frozenset({EVERY})
    if ACTIVITY in kinds:
        return kinds | {campaign_scope(campaign_id)}
    return kinds


def read(session: Session) -> dict[str, int]:
    """Every scope's number (one small read). A scope never moved is absent."""
    rows = session.execute(select(DataVersion.scope, DataVersion.value))
    return {scope: value for scope, value in rows}


def key(versions: Versions, *scopes: str) -> tuple[int, ...]:
    """The cache key of a read that depends on ``scopes``: their numbers and ``every``'s."""
    return tuple(versions.get(scope, 0) for scope in (EVERY, *scopes))


def figures_key(versions: Versions, campaign_ids: Iterable[int]) -> tuple[int, ...]:
    """The key of a figure over ``campaign_ids`` (none: every campaign), which counts
    activity and names the directory's campaigns and officials."""
    named = tuple(campaign_ids)
    if not named:
        return key(versions, DIRECTORY, ACTIVITY)
    return key(versions, DIRECTORY, UNNAMED_CAMPAIGN, *map(campaign_scope, named))


def move(connection: Connection, scopes: Iterable[str]) -> None:
    """Give ``scopes`` new numbers, in the caller's transaction (one statement)."""
    rows = _rows(scopes)
    if rows:
        connection.execute(_upsert(connection.dialect.name), rows)


@functools.cache
def _upsert(dialect: str) -> Any:
    """``INSERT ... ON CONFLICT (scope) DO UPDATE``, built once per dialect: building it
    (its ``excluded`` columns, its cache key) cost more than running it, on every write."""
    insert = dialect_insert(dialect, _TABLE)
    return insert.on_conflict_do_update(
        index_elements=["scope"], set_={"value": insert.excluded.value}
    )


def move_if_changed(connection: Connection, scopes: Iterable[str]) -> None:
    """Give ``scopes`` new numbers if the connection's transaction changed any row.

    SQLite: its count of changed rows (``total_changes``, free to read) has moved since
    BEGIN. PostgreSQL: the transaction sent a writing statement (else nothing is asked),
    and was given a transaction id, which happens at its first change; the move's own
    INSERT asks, so this is one statement either way. (An id also comes with ``SELECT
    ... FOR UPDATE``: a needless move then, never a missed one.)
    """
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        began = connection.info.get(_CHANGES_AT_BEGIN)
        if began is None or getattr(driver, "total_changes", None) != began:
            move(connection, scopes)
        return
    if not connection.info.get(_SENT_WRITE, True):
        return
    rows = _rows(scopes)
    if rows:
        connection.execute(_guarded_upsert(len(rows)), _numbered(rows))


def note_begin(connection: Connection) -> None:
    """At BEGIN: what :func:`move_if_changed` compares with (SQLite: the count of changed
    rows so far; PostgreSQL: no writing statement sent yet)."""
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        connection.info[_CHANGES_AT_BEGIN] = getattr(driver, "total_changes", None)
    else:
        connection.info[_SENT_WRITE] = False


def note_statement(connection: Connection, statement: str) -> None:
    """PostgreSQL, before each statement: remember that a writing one was sent."""
    if statement.lstrip()[:6].upper() not in _READING:
        connection.info[_SENT_WRITE] = True


def note_driver_write(connection: Connection) -> None:
    """A write sent to the driver directly (``COPY``), which SQLAlchemy does not see."""
    connection.info[_SENT_WRITE] = True


def _rows(scopes: Iterable[str]) -> list[dict[str, Any]]:
    # Sorted: concurrent writers on PostgreSQL lock the rows in one order and never
    # deadlock on them; each holds them only until the COMMIT that follows at once.
    return [{"scope": s, "value": new_value()} for s in sorted(set(scopes))]


def _numbered(rows: list[dict[str, Any]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for n, row in enumerate(rows):
        params[f"s{n}"], params[f"v{n}"] = row["scope"], row["value"]
    return params


@functools.cache
def _guarded_upsert(count: int) -> Any:
    """PostgreSQL's move of ``count`` scopes that writes only if the transaction has an id."""
    given = values(column("scope", String), column("value", BigInteger), name="given").data(
        [(bindparam(f"s{n}"), bindparam(f"v{n}")) for n in range(count)]
    )
    chosen = select(given.c.scope, given.c.value).where(
        func.pg_current_xact_id_if_assigned().is_not(None)
    )
    insert = postgresql.insert(_TABLE).from_select(["scope", "value"], chosen)
    return insert.on_conflict_do_update(
        index_elements=["scope"], set_={"value": insert.excluded.value}
    )
