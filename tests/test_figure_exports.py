"""A figure's download: its frame as neutralised CSV, audited with the figure and filters."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import accounts
from models.db import session_scope
from models.figure_exports import audited_figure, figure_csv
from models.filters import Filters
from models.permissions import PermissionDenied
from models.tables import AuditEvent
from models.vocab import Role


def test_figure_csv_neutralises_formulas_and_keeps_one_record_per_row() -> None:
    """A name starting with "=" gets a leading quote; a CR/LF inside a cell becomes a space."""
    frame = pd.DataFrame(
        [("=HYPERLINK(1)", 3, 0.5, None), ("Line\r\nbreak", 1, 1.0, pd.Timestamp("2026-03-02"))],
        columns=["official", "attempts", "rate", "week"],
    )

    assert figure_csv(frame).decode("utf-8").splitlines() == [
        "official,attempts,rate,week",
        "'=HYPERLINK(1),3,0.5,",
        "Line break,1,1.0,2026-03-02T00:00:00",
    ]


def _user(engine: Engine, role: Role) -> int:
    with session_scope(engine) as session:
        return accounts.create_account(
            session, name=f"u {role}", password="a long test passphrase", role=role, actor_id=None
        )


def test_a_download_is_audited_with_its_figure_rows_and_filters(engine: Engine) -> None:
    """One audit event: action export, entity "figure outcome_mix csv", 2 rows, the dates,
    the file's size and SHA-256."""
    actor = _user(engine, Role.COORDINATOR)
    filters = Filters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 8))

    body = audited_figure(
        engine, lambda: b"x", figure="outcome_mix", kind="csv", rows=2, filters=filters,
        actor_id=actor,
    )  # fmt: skip

    assert body == b"x"
    with Session(engine) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.actor_id, event.entity) == (actor, "figure outcome_mix csv")
    assert (event.changes["rows"], event.changes["filters"]["from"]) == (2, "2026-03-02")
    assert (event.changes["bytes"], event.changes["sha256"]) == (
        1,
        hashlib.sha256(b"x").hexdigest(),
    )


def test_a_viewer_may_not_download_a_figure(engine: Engine) -> None:
    """A viewer holds no export right: refused before the file is built, nothing exported."""
    viewer = _user(engine, Role.VIEWER)
    built: list[bool] = []

    def build() -> bytes:
        built.append(True)
        return b""

    with pytest.raises(PermissionDenied):
        audited_figure(
            engine, build, figure="outcome_mix", kind="png", rows=1, filters=Filters(),
            actor_id=viewer,
        )  # fmt: skip
    assert built == []
    with Session(engine) as session:
        exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert exports == []
