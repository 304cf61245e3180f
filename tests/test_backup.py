"""models/backup.py: a snapshot of every row, restored exactly; damaged files change nothing."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import accounts, backup
from models.backup import backup_bytes, check_backup, restore, save_backup
from models.backup_format import MANIFEST, BackupRejected, open_archive, read_manifest, table_rows
from models.base import UTCDateTime
from models.db import alembic_config, make_engine, session_scope
from models.insights.upkeep import rebuild_rollups
from models.permissions import PermissionDenied
from models.tables import Attempt, AuditEvent, Campaign, CampaignTarget, Official, UserSession
from models.vocab import Role
from tests.backup_world import (
    HEAD,
    Writers,
    fresh_database,
    populate,
    rows_without_backup_events,
    with_entry,
)
from tests.factories import DEFAULT_TIME, make_official
from tests.test_rollups import rollup_rows
from tests.world import PASSWORD, build_world, events_after, last_event_id, snapshot


@pytest.fixture
def fresh_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database (no tables) of the same kind as ``db_url``."""
    server = None if db_url.startswith("sqlite") else request.getfixturevalue("pg_url")
    with fresh_database(db_url, tmp_path, server) as url:
        yield url


def test_a_restore_into_an_empty_database_brings_back_every_row(
    engine: Engine, fresh_url: str
) -> None:
    """Every table holds rows; after a restore into an empty database every row of every
    table is equal, the backup's sign-in sessions are ended, and new ids follow the old."""
    populate(engine)
    data = backup_bytes(engine, actor_id=None)
    expected = rows_without_backup_events(engine)
    target = make_engine(fresh_url)
    try:
        report = restore(target, data, actor_id=None)
        restored = rows_without_backup_events(target)
        with session_scope(target) as session:
            reasons = list(session.scalars(select(UserSession.end_reason)))
            largest = session.scalar(select(func.max(Official.id)))
            newcomer = make_official(session, "Newcomer")
    finally:
        target.dispose()
    assert [name for name, rows in expected.items() if not rows] == []
    assert {"commitment_rollup", "follow_up_flow", "open_follow_up_total"} <= set(expected)
    assert restored == expected
    assert (report.sessions_ended, reasons) == (1, ["restored"])
    assert report.migrated_to is None
    assert newcomer == (largest or 0) + 1


@pytest.mark.postgres
def test_a_sqlite_backup_restores_into_postgresql(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """The format is the same for both databases: SQLite's rows come back in PostgreSQL."""
    source = make_engine(sqlite_url)
    populate(source)
    data = backup_bytes(source, actor_id=None)
    expected = rows_without_backup_events(source)
    source.dispose()
    with fresh_database("postgresql://", tmp_path, pg_url) as url:
        target = make_engine(url)
        try:
            restore(target, data, actor_id=None)
            assert rows_without_backup_events(target) == expected
        finally:
            target.dispose()


def test_a_restore_puts_back_the_state_of_the_backup(engine: Engine) -> None:
    """What was added and deleted after the backup is undone by restoring it."""
    world = build_world(engine)
    data = backup_bytes(engine, actor_id=None)
    expected = rows_without_backup_events(engine)
    with session_scope(engine) as session:
        make_official(session, "Added after the backup")
        accounts.set_active(session, world.viewer, False, actor_id=None)
    restore(engine, data, actor_id=None)
    assert rows_without_backup_events(engine) == expected


def _member_offset(data: bytes, name: str) -> tuple[int, int]:
    """Where the stored bytes of archive member ``name`` start, and how many there are."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    return info.header_offset + 30 + name_len + extra_len, info.compress_size


def _flip_in(name: str) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        start, size = _member_offset(data, name)
        at = start + size // 2
        return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]

    return damage


def _manifest_with(**changes: Any) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read(MANIFEST))
        return with_entry(data, MANIFEST, json.dumps({**manifest, **changes}).encode())

    return damage


def _plain_zip(_data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("holiday.jpg", b"not a backup")
    return out.getvalue()


def _extra_user_row(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        users = archive.read("tables/users.jsonl")
    return with_entry(data, "tables/users.jsonl", users + users.splitlines(keepends=True)[0])


DAMAGED = {
    "a flipped bit in the attempts": (_flip_in("tables/attempts.jsonl"), "the backup is damaged"),
    "a flipped bit in the manifest": (_flip_in(MANIFEST), "the backup is damaged"),
    "cut in half": (lambda d: d[: len(d) // 2], "not an Outreach Tracker backup: the file is"),
    "an empty file": (lambda _d: b"", "not an Outreach Tracker backup: the file is not a zip"),
    "a text file": (lambda _d: b"id,name\n1,Ivan\n", "not an Outreach Tracker backup: the file"),
    "a zip of something else": (_plain_zip, "not an Outreach Tracker backup: it has no manifest"),
    "another app's manifest": (_manifest_with(app="other"), "not an Outreach Tracker backup: its"),
    "a row added to a table": (_extra_user_row, "the backup is damaged: table users does not"),
    "a newer format": (_manifest_with(format=2), "the backup is in format 2; this app reads"),
    "a newer schema": (_manifest_with(revision="0099"), "the backup is at schema revision 0099,"),
    "tables unlike its revision": (
        _manifest_with(revision="0003"),
        "the backup's table campaigns does not match schema revision 0003",
    ),
}


@pytest.mark.parametrize("kind", list(DAMAGED))
def test_a_damaged_or_foreign_file_is_refused_and_changes_nothing(
    engine: Engine, kind: str
) -> None:
    """Each is refused with its one-line reason; every row stays as it was."""
    damage, reason = DAMAGED[kind]
    build_world(engine)
    damaged = damage(backup_bytes(engine, actor_id=None))
    with session_scope(engine) as session:
        make_official(session, "Added after the backup")
    before = snapshot(engine)
    with pytest.raises(BackupRejected) as refused:
        restore(engine, damaged, actor_id=None)
    assert str(refused.value).startswith(reason), str(refused.value)
    assert "\n" not in str(refused.value)
    assert snapshot(engine) == before


def _contents(data: bytes) -> dict[str, list[Any]]:
    with open_archive(io.BytesIO(data)) as archive:
        manifest = read_manifest(archive)
        return {t.name: list(table_rows(archive, t)) for t in manifest.tables}


def test_any_flipped_byte_is_refused_or_changes_no_value(sqlite_url: str) -> None:
    """Every byte of a backup flipped in turn: the file is refused, or (a zip header's
    timestamp, the padding bits that end a deflate stream) every value is still the same."""
    source = make_engine(sqlite_url)
    build_world(source)
    data = backup_bytes(source, actor_id=None)
    source.dispose()
    original = _contents(data)
    for at in range(len(data)):
        flipped = data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1 :]
        try:
            check_backup(flipped)
        except BackupRejected:
            continue
        assert _contents(flipped) == original, f"byte {at}"


def test_a_backup_file_is_readable_by_its_owner_only(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mode 0600, by default under data/backups/ with the UTC time in its name; an
    existing file is never overwritten, and no temporary file is left behind."""
    folder = tmp_path / "out"
    monkeypatch.setattr(backup, "BACKUP_DIR", folder / "backups")
    build_world(engine)
    path, manifest = save_backup(engine, actor_id=None)
    chosen = folder / "chosen.zip"
    chosen.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        save_backup(engine, chosen, actor_id=None)
    assert path.parent == folder / "backups"
    assert re.fullmatch(r"outreach-\d{8}-\d{6}Z\.zip", path.name)
    assert path.stat().st_mode & 0o777 == 0o600
    assert check_backup(path) == manifest
    assert chosen.read_bytes() == b"keep me"
    assert sorted(p.name for p in folder.iterdir()) == ["backups", "chosen.zip"]
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_backup_and_restore_are_audited(engine: Engine) -> None:
    """Each writes one event; the restore's is in the restored data, by the admin's
    account when the backup has it, else by name only."""
    world = build_world(engine)
    start = last_event_id(engine)
    data = backup_bytes(engine, actor_id=world.admin)
    backed_up = events_after(engine, start)
    with session_scope(engine) as session:
        newcomer = accounts.create_account(
            session, name="new admin", password=PASSWORD, role=Role.ADMIN, actor_id=None
        )
    restore(engine, data, actor_id=newcomer)  # the backup does not know this account
    by_newcomer = events_after(engine, start)
    with Session(engine) as session:
        changes = session.scalars(select(AuditEvent.changes).order_by(AuditEvent.id)).all()[-1]
    restore(engine, data, actor_id=world.admin)
    by_admin = events_after(engine, start)
    # The backup's own event is written after its snapshot, so a restore does not keep it.
    assert backed_up == [(world.admin, "backup", "database", None)]
    assert by_newcomer == [(None, "restore", "database", None)]
    assert by_admin == [(world.admin, "restore", "database", None)]
    assert (changes["by"], changes["backup_revision"], changes["migrated"]) == (
        "new admin", HEAD, False,
    )  # fmt: skip


def test_only_admins_may_back_up_or_restore(engine: Engine) -> None:
    """A coordinator is refused both, audited, and nothing changes."""
    world = build_world(engine)
    data = backup_bytes(engine, actor_id=None)
    start, before = last_event_id(engine), snapshot(engine)
    with pytest.raises(PermissionDenied):
        backup_bytes(engine, actor_id=world.coordinator)
    with pytest.raises(PermissionDenied):
        restore(engine, data, actor_id=world.coordinator)
    denied = (world.coordinator, "denied", "permission", None)
    assert events_after(engine, start) == [denied, denied]
    assert {k: v for k, v in snapshot(engine).items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"
    }


def _write_at_revision_0003(url: str) -> None:
    """A campaign targeting an official, written as the app stored them at revision 0003."""
    command.upgrade(alembic_config(url), "0003")
    campaigns = sa.table(
        "campaigns", *map(sa.column, ("id", "name", "description", "ask", "call_script")),
        *map(sa.column, ("status", "source")), sa.column("is_demo", sa.Boolean()),
        sa.column("created_at", UTCDateTime()),
    )  # fmt: skip
    officials = sa.table(
        "officials", *map(sa.column, ("id", "full_name", "given_name", "patronymic")),
        *map(sa.column, ("family_name", "title", "organization", "country", "timezone")),
        sa.column("office_days"), sa.column("office_opens", sa.Time()),
        sa.column("office_closes", sa.Time()), sa.column("office_hours_assumed", sa.Boolean()),
        sa.column("notes"), sa.column("is_demo", sa.Boolean()),
        sa.column("created_at", UTCDateTime()),
    )  # fmt: skip
    targets = sa.table("campaign_targets", sa.column("campaign_id"), sa.column("official_id"))
    old = make_engine(url)
    with old.begin() as conn:
        conn.execute(campaigns.insert().values(
            id=1, name="Chechnya:  Stop  The Persecution", description="", ask="",
            call_script="", status="active", source="", is_demo=False, created_at=DEFAULT_TIME,
        ))  # fmt: skip
        conn.execute(officials.insert().values(
            id=1, full_name="Ivan Petrov", given_name="", patronymic="", family_name="",
            title="", organization="MFA", country="RU", timezone="Europe/Moscow",
            office_days=31, office_opens=time(9), office_closes=time(18),
            office_hours_assumed=True, notes="", is_demo=False, created_at=DEFAULT_TIME,
        ))  # fmt: skip
        conn.execute(targets.insert().values(campaign_id=1, official_id=1))
    old.dispose()


def test_a_backup_from_an_older_schema_is_migrated_forward(
    empty_db_url: str, engine: Engine
) -> None:
    """A backup of a database at revision 0003 restores into this app and is migrated to
    head: the campaign gets its case-folded name key and its target tier 1."""
    _write_at_revision_0003(empty_db_url)
    old = make_engine(empty_db_url)
    data = backup_bytes(old, actor_id=None)
    old.dispose()
    report = restore(engine, data, actor_id=None)
    with Session(engine) as session:
        campaign = session.get(Campaign, 1)
        target = session.get(CampaignTarget, (1, 1))
        version = session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert (report.manifest.revision, report.migrated_to, version) == ("0003", HEAD, HEAD)
    assert campaign is not None and target is not None
    assert (campaign.name, campaign.name_key) == (
        "Chechnya:  Stop  The Persecution", "chechnya: stop the persecution",
    )  # fmt: skip
    assert target.tier == 1


def test_restore_drill_keeps_every_acknowledged_attempt(engine: Engine, fresh_url: str) -> None:
    """Four writers log attempts while a backup is taken. Restored into a fresh database,
    every attempt acknowledged before the backup began is there, and the rollups equal a
    rebuild: the snapshot caught no write half done."""
    writers = Writers(engine)
    for thread in writers.threads:
        thread.start()
    try:
        before = writers.acknowledged_so_far(at_least=40)
        data = backup_bytes(engine, actor_id=None)
    finally:
        writers.stop.set()
        for thread in writers.threads:
            thread.join()
    target = make_engine(fresh_url)
    try:
        restore(target, data, actor_id=None)
        with Session(target) as session:
            restored = set(session.scalars(select(Attempt.idempotency_key)))
            as_restored = rollup_rows(session)
            rebuild_rollups(session)
            rebuilt = rollup_rows(session)
    finally:
        target.dispose()
    assert writers.errors == []
    assert set(before) - restored == set()
    assert as_restored == rebuilt
    assert len(rebuilt["attempt_rollup"]) > 0
