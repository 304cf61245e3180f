"""Helpers for the backup tests: a database with a row in every table, and fresh databases."""

from __future__ import annotations

import io
import os
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from time import monotonic, sleep

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import accounts
from models.commands import ResponseInput, log_attempt
from models.db import alembic_config, session_scope
from models.seed import seed
from models.tables import AuditEvent, Campaign, CampaignCadence, UserSession
from models.vocab import Channel, Outcome, OutcomeClass, Stance
from reliability.pg import database as pg_database
from tests.factories import DEFAULT_TIME, make_campaign, make_official, make_user
from tests.test_rollups import Scenario
from tests.world import PASSWORD, Snapshot, World, build_world, snapshot

# The newest schema revision, as the migrations folder says: what a restore migrates to.
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def populate(engine: Engine) -> World:
    """The permission tests' world, the seed, a seeded mix of 80 user actions and a sign-in:
    every table holds rows (the rollups included)."""
    world = build_world(engine)
    with session_scope(engine) as session:
        seed(session)
        Scenario(session, seed=7).run(80)
        accounts.sign_in(session, "admin", PASSWORD)
        campaign = session.scalars(select(Campaign.id).order_by(Campaign.id)).first()
        session.add(
            CampaignCadence(
                campaign_id=campaign, outcome_class=OutcomeClass.REACHED, business_days=4
            )
        )
    return world


def rows_without_backup_events(engine: Engine) -> Snapshot:
    """Every row, less the audit events of backups and restores, the sessions' end
    (which a restore sets) and the data versions (which it makes anew): what a restore
    must bring back exactly."""
    shot = snapshot(engine)
    del shot["data_version"]
    with Session(engine) as session:
        events = set(
            session.scalars(
                select(AuditEvent.id).where(
                    AuditEvent.entity == "database", AuditEvent.action.in_(("backup", "restore"))
                )
            )
        )
    shot["audit_events"] = [row for row in shot["audit_events"] if row[0] not in events]
    ended = {"ended_at", "end_reason"}
    keep = [i for i, c in enumerate(UserSession.__table__.columns) if c.name not in ended]
    shot["user_sessions"] = [tuple(row[i] for i in keep) for row in shot["user_sessions"]]
    return shot


@contextmanager
def fresh_database(like_url: str, tmp_path: Path, pg_server: str | None) -> Iterator[str]:
    """The URL of a new, empty database (no tables) of the same kind as ``like_url``."""
    if like_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/fresh.db"
        return
    assert pg_server is not None
    with pg_database(pg_server, f"outreach_fresh_{os.getpid()}") as url:
        yield url


def with_entry(backup: bytes, name: str, data: bytes) -> bytes:
    """The backup with one archive member replaced (the others copied as they are)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(backup)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, data if info.filename == name else old.read(info))
    return out.getvalue()


WRITERS = 4


class Writers:
    """Threads logging attempts through log_attempt, each in its own unit of work, and the
    idempotency keys of those whose commit has returned (acknowledged to the user)."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.lock, self.stop = engine, threading.Lock(), threading.Event()
        self.acknowledged: list[str] = []
        self.errors: list[BaseException] = []
        with session_scope(engine) as session:
            self.campaign = make_campaign(session)
            self.people = [
                (make_user(session, f"Writer {n}"),
                 make_official(session, f"Official {n}", campaign_id=self.campaign))
                for n in range(WRITERS)
            ]  # fmt: skip
        self.threads = [threading.Thread(target=self.write, args=(n,)) for n in range(WRITERS)]

    def write(self, n: int) -> None:
        user, official = self.people[n]
        i = 0
        try:
            while not self.stop.is_set():
                key, replied = f"drill-{n}-{i}", i % 3 == 0
                with session_scope(self.engine) as session:
                    log_attempt(
                        session, campaign_id=self.campaign, official_id=official,
                        channel=Channel.PHONE,
                        outcome=Outcome.SPOKE_TO_STAFF if replied else Outcome.NO_ANSWER,
                        actor_id=user, idempotency_key=key,
                        occurred_at=DEFAULT_TIME + timedelta(minutes=i),
                        follow_up_on=date(2026, 3, 10) if i % 2 else None,
                        response=ResponseInput(Stance.NONCOMMITTAL) if replied else None,
                    )  # fmt: skip
                with self.lock:
                    self.acknowledged.append(key)
                i += 1
        except BaseException as exc:
            self.errors.append(exc)

    def acknowledged_so_far(self, at_least: int) -> list[str]:
        deadline = monotonic() + 30
        while monotonic() < deadline:
            with self.lock:
                if len(self.acknowledged) >= at_least:
                    return list(self.acknowledged)
            sleep(0.005)
        raise AssertionError(f"the writers acknowledged fewer than {at_least}: {self.errors}")
