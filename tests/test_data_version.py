"""Data versions: a write that changed rows moves them in its own transaction, nothing else
does, and every engine on the database (every app process) reads the same numbers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from models import data_version
from models.backup import backup_bytes, restore
from models.db import make_engine, migrate, run_write, session_scope
from models.tables import Official
from tests.factories import make_attempt, make_campaign, make_official, make_user


def versions(engine: Engine) -> dict[str, int]:
    with session_scope(engine, write=False) as session:
        return data_version.read(session)


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """A campaign with one target and a coordinator; then a known set of versions."""
    with session_scope(engine) as session:
        campaign = make_campaign(session)
        official = make_official(session, campaign_id=campaign)
        user = make_user(session)
    return {"campaign": campaign, "official": official, "user": user}


def _rename(official_id: int, name: str) -> Callable[[Session], None]:
    def work(session: Session) -> None:
        session.execute(update(Official).where(Official.id == official_id).values(full_name=name))

    return work


@pytest.mark.usefixtures("world")
def test_a_write_that_changed_rows_moves_every(engine: Engine) -> None:
    """A default write (the CLI's, an import's) gives ``every`` a new number."""
    before = versions(engine)
    with session_scope(engine) as session:
        make_official(session, "Someone New")
    after = versions(engine)
    assert set(after) == {"every"}
    assert after["every"] != before.get("every")


def test_a_read_only_session_moves_nothing(engine: Engine, world: dict[str, int]) -> None:
    """Reading, even through a write session that changes nothing, moves no number."""
    before = versions(engine)
    with session_scope(engine, write=False) as session:
        session.get(Official, world["official"])
    with session_scope(engine) as session:
        session.get(Official, world["official"])
    with session_scope(engine):
        pass
    assert versions(engine) == before


def test_a_rolled_back_write_moves_nothing(engine: Engine, world: dict[str, int]) -> None:
    """A write that fails is rolled back with its move: the numbers are as they were."""
    before = versions(engine)
    with pytest.raises(RuntimeError, match="refused"), session_scope(engine) as session:
        _rename(world["official"], "Renamed")(session)
        session.flush()
        raise RuntimeError("refused")
    assert versions(engine) == before


def test_an_update_that_matches_no_row_moves_nothing(engine: Engine) -> None:
    """UPDATE ... WHERE nothing matches changed no row, so no cache needs to forget."""
    before = versions(engine)
    run_write(engine, _rename(404, "Nobody"))
    assert versions(engine) == before


def test_bookkeeping_that_opts_out_moves_nothing(engine: Engine, world: dict[str, int]) -> None:
    """``moves=()``: a real change (a sign-in's last-seen time, an audit event) moves nothing."""
    before = versions(engine)
    with session_scope(engine, moves=()) as session:
        _rename(world["official"], "Renamed quietly")(session)
    assert versions(engine) == before


def test_an_attempt_moves_its_campaign_and_activity_only(
    engine: Engine, world: dict[str, int]
) -> None:
    """Logging in a named campaign moves ``activity`` and that campaign; the directory,
    people and ``every`` keep their numbers, and a repeat of the same key moves nothing."""
    before = versions(engine)
    moves = data_version.scopes_of([data_version.ACTIVITY], world["campaign"])

    def log(session: Session) -> None:
        make_attempt(
            session,
            campaign_id=world["campaign"],
            official_id=world["official"],
            actor_id=world["user"],
            key="one-key",
        )

    run_write(engine, log, moves=moves)
    after = versions(engine)
    run_write(engine, log, moves=moves)

    assert sorted(moves) == ["activity", f"campaign:{world['campaign']}"]
    assert {s for s in after if after[s] != before.get(s)} == set(moves)
    assert versions(engine) == after


def test_figures_of_other_campaigns_keep_their_key(engine: Engine, world: dict[str, int]) -> None:
    """An activity write in campaign 1 changes the keys of campaign 1 and of every
    campaign, not campaign 2's; a directory write changes them all."""
    with session_scope(engine) as session:
        other = make_campaign(session, "Other")
    views = {"one": (world["campaign"],), "two": (other,), "all": ()}

    def keys() -> dict[str, tuple[int, ...]]:
        now = versions(engine)
        return {name: data_version.figures_key(now, ids) for name, ids in views.items()}

    first = keys()
    with session_scope(engine, moves=data_version.scopes_of(["activity"], world["campaign"])) as s:
        make_attempt(
            s, campaign_id=world["campaign"], official_id=world["official"], actor_id=world["user"]
        )
    second = keys()
    with session_scope(engine, moves=data_version.scopes_of(["directory"])) as s:
        _rename(world["official"], "Renamed")(s)
    third = keys()

    assert {n: second[n] == first[n] for n in views} == {"one": False, "two": True, "all": False}
    assert {n: third[n] == second[n] for n in views} == {"one": False, "two": False, "all": False}


def test_a_second_engine_reads_the_first_ones_move(engine: Engine, db_url: str) -> None:
    """Two engines on one database, as two app processes: a write through one is seen at
    once by the other's next read of the versions."""
    other = make_engine(db_url)
    try:
        seen = versions(other)
        with session_scope(engine) as session:
            make_official(session, "Written elsewhere")
        assert versions(other) != seen
        assert versions(other) == versions(engine)
    finally:
        other.dispose()


def test_every_new_database_starts_from_its_own_number(tmp_path: Path) -> None:
    """The migration seeds ``every`` at random: two databases made alike start apart."""
    seen = []
    for name in ("first", "second"):
        made = make_engine(f"sqlite:///{tmp_path}/{name}.db")
        migrate(made)
        seen.append(versions(made))
        made.dispose()
    assert [set(v) for v in seen] == [{"every"}, {"every"}]
    assert seen[0]["every"] != seen[1]["every"]


@pytest.mark.usefixtures("world")
def test_a_restore_brings_back_no_number_a_cache_holds(engine: Engine) -> None:
    """Restoring a backup into the same database: the data is as backed up, but ``every``
    is new, neither the number at the backup nor the one before the restore."""
    at_backup = versions(engine)
    data = backup_bytes(engine, actor_id=None)
    with session_scope(engine) as session:
        make_official(session, "After the backup")
    before_restore = versions(engine)
    restore(engine, data, actor_id=None)
    restored = versions(engine)
    assert set(restored) == {"every"}
    assert restored["every"] not in (at_backup["every"], before_restore["every"])
