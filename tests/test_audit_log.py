"""The audit log as people read it: names not ids, actions in words, newest first, paged
in SQL; and its CSV export, admins only, neutralised and audited like every export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import accounts
from models.audit import record_event
from models.audit_labels import action_label, record_label
from models.audit_queries import AuditFilter, audit_count, audit_log, audit_vocabulary
from models.db import session_scope
from models.exports.audit_log import AUDIT_EXPORT_COLUMNS, audit_file_name, write_audit_log
from models.exports.audited import export_audit_log
from models.permissions import PermissionDenied
from models.tables import AuditEvent
from models.vocab import Role
from tests.world import PASSWORD, World, build_world, events_after, last_event_id

README = Path(__file__).resolve().parent.parent / "README.md"
EVERYTHING = AuditFilter()
HOSTILE = "=cmd|' /C calc'!A0 ![x](http://evil.example/x.png)"


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def log(engine: Engine, where: AuditFilter = EVERYTHING, **page: int) -> list[dict[str, object]]:
    with Session(engine) as session:
        frame = audit_log(session, where, **page)
    return frame.drop(columns=["occurred_at"]).to_dict("records")  # type: ignore[return-value]


def test_actions_read_as_words_and_unknown_ones_as_stored() -> None:
    """Known pairs have their words; exports name what was exported; the rest as stored."""
    assert action_label("sign_in", "user") == "signed in"
    assert action_label("create", "attempt") == "logged attempt"
    assert action_label("export", "attempts") == "exported attempts"
    assert action_label("export", "audit log") == "exported audit log"
    assert action_label("frobnicate", "widget") == "frobnicate widget"
    assert record_label("attempt", 12, None) == "attempt #12"
    assert record_label("database", None, None) == "database"


def test_the_log_names_actor_and_record_newest_first(engine: Engine, world: World) -> None:
    """A sign-in, a role change and an attempt: the actor as "name (user name)" when they
    differ, the action in words, the user or official by name, the attempt by id."""
    with session_scope(engine) as session:
        helper = accounts.create_account(
            session, name="ada", display_name="Ada Lovelace", password=PASSWORD,
            role=Role.VIEWER, actor_id=world.admin,
        )  # fmt: skip
        accounts.sign_in(session, "ada", PASSWORD)
        accounts.change_role(session, helper, Role.COORDINATOR, actor_id=world.admin)
        record_event(
            session, actor_id=world.admin, action="update", entity="official",
            entity_id=world.official, changes={"title": ["old", "new"]},
        )  # fmt: skip

    rows = log(engine, limit=4)

    assert [(r["actor"], r["action"], r["record"], r["changes"]) for r in rows] == [
        ("admin", "edited official", "official Ivan Petrov", "title: old → new"),
        ("admin", "changed role", "user Ada Lovelace (ada)", "role: viewer → coordinator"),
        ("Ada Lovelace (ada)", "signed in", "user Ada Lovelace (ada)", ""),
        ("admin", "added user", "user Ada Lovelace (ada)", "name: ada; role: viewer"),
    ]


@pytest.mark.usefixtures("world")
def test_events_without_an_actor_are_the_systems(engine: Engine) -> None:
    """A failed sign-in (nobody signed in) names the account tried, the actor "system"."""
    with session_scope(engine) as session:
        accounts.sign_in(session, "viewer", "not the passphrase")

    assert log(engine, limit=1) == [
        {
            "event_id": last_event_id(engine),
            "actor": "system",
            "action": "failed sign-in",
            "record": "user viewer",
            "changes": "name: viewer",
        }
    ]


@pytest.mark.usefixtures("world")
def test_the_log_is_paged_in_sql_and_counted(engine: Engine) -> None:
    """Pages of 3 cover every event once, newest first; the count is the filter's."""
    where = AuditFilter()
    with Session(engine) as session:
        total = audit_count(session, where)
        everything = list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc())))
    pages = [
        [r["event_id"] for r in log(engine, where, limit=3, offset=start)]
        for start in range(0, total, 3)
    ]

    assert total == len(everything)
    assert [event for page in pages for event in page] == everything
    assert all(len(page) == 3 for page in pages[:-1])


@pytest.mark.usefixtures("world")
def test_the_kinds_filter_picks_action_and_record_together(engine: Engine) -> None:
    """("create", "attempt") selects the attempts logged, not the users created."""
    where = AuditFilter(kinds=(("create", "attempt"),))
    with Session(engine) as session:
        kinds, entities = audit_vocabulary(session)
        count = audit_count(session, where)

    assert {r["action"] for r in log(engine, where)} == {"logged attempt"}
    assert count == 3  # the world logs three attempts (one deleted later)
    assert ("create", "attempt") in kinds and ("create", "user") in kinds
    assert "user" in entities


def export_rows(engine: Engine, where: AuditFilter = EVERYTHING) -> list[list[str]]:
    buffer = io.BytesIO()
    with Session(engine) as session:
        write_audit_log(session, buffer, where)
    return list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8"), newline="")))


def test_the_export_has_every_event_with_codes_words_and_json(engine: Engine, world: World) -> None:
    """Header, then one row per event newest first; stored codes beside the words; the
    changes as JSON; the actor's user and display names."""
    with session_scope(engine) as session:
        accounts.change_role(session, world.viewer, Role.COORDINATOR, actor_id=world.admin)
    rows = export_rows(engine)
    with Session(engine) as session:
        total = audit_count(session, AuditFilter())

    assert tuple(rows[0]) == AUDIT_EXPORT_COLUMNS
    assert len(rows) == total + 1
    newest = dict(zip(rows[0], rows[1], strict=True))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", newest.pop("occurred_at_utc"))
    assert newest == {
        "event_id": str(last_event_id(engine)),
        "actor_user": "admin",
        "actor_name": "admin",
        "what": "changed role",
        "action": "update",
        "entity": "user",
        "entity_id": str(world.viewer),
        "record": "user viewer",
        "changes": json.dumps({"role": ["viewer", "coordinator"]}),
    }


def test_the_export_neutralises_formulas_and_keeps_one_record_per_row(
    engine: Engine, world: World
) -> None:
    """A user named like a formula and a change holding CR/LF: the formula cell is
    prefixed with ', every row has every column."""
    with session_scope(engine) as session:
        hostile = accounts.create_account(
            session, name=HOSTILE, password=PASSWORD, role=Role.VIEWER, actor_id=None
        )
        accounts.sign_in(session, HOSTILE, PASSWORD)
        record_event(
            session, actor_id=hostile, action="update", entity="official",
            entity_id=world.official, changes={"notes": "line\r=1+1\nnext"},
        )  # fmt: skip
    rows = export_rows(engine)
    newest, signed_in = (dict(zip(rows[0], row, strict=True)) for row in rows[1:3])

    assert {len(row) for row in rows} == {len(AUDIT_EXPORT_COLUMNS)}
    assert newest["actor_user"] == "'" + HOSTILE.casefold()
    assert newest["actor_name"] == "'" + HOSTILE
    assert json.loads(newest["changes"]) == {"notes": "line\r=1+1\nnext"}
    assert signed_in["record"] == f"user {HOSTILE} ({HOSTILE.casefold()})"


def test_an_admins_export_is_audited_with_rows_and_sha256(engine: Engine, world: World) -> None:
    """The file's row count, size and SHA-256 are in the export event, with the filter."""
    where = AuditFilter(kinds=(("create", "attempt"),))
    buffer = io.BytesIO()
    written = export_audit_log(engine, buffer, where, actor_id=world.admin)
    data = buffer.getvalue()
    with Session(engine) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()

    assert (written.rows, written.size, written.sha256) == (
        3,
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    assert (event.actor_id, event.action, event.entity) == (world.admin, "export", "audit log")
    assert event.changes == {
        "rows": 3,
        "excel": False,
        "bytes": len(data),
        "sha256": written.sha256,
        "filters": where.describe(),
    }


@pytest.mark.parametrize("who", ["coordinator", "viewer"])
def test_only_admins_may_export_the_audit_log(engine: Engine, world: World, who: str) -> None:
    """A coordinator may export attempts but not the audit log: refused, nothing written,
    one `denied` event naming the audit permission."""
    actor = getattr(world, who)
    last = last_event_id(engine)
    buffer = io.BytesIO()
    with pytest.raises(PermissionDenied):
        export_audit_log(engine, buffer, AuditFilter(), actor_id=actor)
    with Session(engine) as session:
        denied = session.scalars(select(AuditEvent.changes).where(AuditEvent.id > last)).all()

    assert buffer.getvalue() == b""
    assert events_after(engine, last) == [(actor, "denied", "permission", None)]
    assert denied == [{"permission": "see the audit log"}]


def test_the_file_name_says_the_period() -> None:
    """From the filter's first day to today (or its last), or from the start."""
    today = date(2026, 3, 31)
    assert audit_file_name(AuditFilter(date_from=date(2026, 3, 1)), today) == (
        "audit-log-2026-03-01-to-2026-03-31.csv"
    )
    assert audit_file_name(AuditFilter(), today) == "audit-log-start-to-2026-03-31.csv"


def test_the_readme_lists_the_audit_export_columns() -> None:
    """README.md's audit log code block lists the export's columns in order."""
    section = README.read_text(encoding="utf-8").split("The audit log export", 1)
    assert len(section) == 2, "README.md does not describe the audit log export"
    block = re.search(r"```[^\n]*\n(.*?)\n```", section[1], re.DOTALL)
    assert block is not None
    assert tuple(block.group(1).strip().split(",")) == AUDIT_EXPORT_COLUMNS
