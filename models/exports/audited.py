"""The audited exports, for every front door: check the actor, write the file, audit it.

Two transactions each: a read-only one that checks the actor may export and streams
the rows, then a short write that records who exported what (filters, row count, size
and SHA-256 of the file), so a long export never holds the database's write lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.audit import record_event
from models.audit_queries import AuditFilter
from models.db import session_scope
from models.exports.audit_log import write_audit_log
from models.exports.lines import write_lines
from models.exports.officials import write_officials
from models.exports.summary import SummaryKind, write_summary
from models.filters import Filters
from models.permissions import Permission, require


@dataclass(frozen=True)
class Written:
    """What an export wrote: rows (the header not counted), bytes and the file's SHA-256."""

    rows: int
    size: int
    sha256: str


class HashingSink:
    """A binary sink that passes bytes on to ``out`` and hashes and counts them."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self.size += len(data)
        return self._out.write(data)

    def written(self, rows: int) -> Written:
        return Written(rows, self.size, self._hash.hexdigest())


Writer = Callable[[Session, BinaryIO], int]


def check_export(session: Session, actor_id: int | None) -> None:
    """Refuse (and audit the refusal) unless the actor may export; None is the CLI operator."""
    require(session, actor_id, Permission.EXPORT, system_ok=True)


def record_export(
    session: Session,
    *,
    actor_id: int | None,
    what: str,
    rows: int,
    filters: Filters | None = None,
    excel: bool = False,
    campaign_id: int | None = None,
    written: Written | None = None,
    extra: dict[str, object] | None = None,
) -> None:
    """Audit an export that was made: who, what, how many rows, which filters, which file."""
    changes: dict[str, object] = {"rows": rows, "excel": excel, **(extra or {})}
    if filters is not None:
        changes["filters"] = describe_filters(filters)
    if campaign_id is not None:
        changes["campaign_id"] = campaign_id
    if written is not None:
        changes["bytes"] = written.size
        changes["sha256"] = written.sha256
    record_event(
        session, actor_id=actor_id, action="export", entity=what, entity_id=None, changes=changes
    )


def audited(
    engine: Engine, out: BinaryIO, write: Writer, *, actor_id: int | None, what: str,
    also_needs: Permission | None = None, **audit: Any,
) -> Written:  # fmt: skip
    """Check, write through ``write`` into ``out`` (hashing it), then audit; the file's facts.

    ``also_needs``: a permission the actor must hold besides exporting (the audit log's).
    """
    sink = HashingSink(out)
    with session_scope(engine, write=False) as session:
        if also_needs is not None:
            require(session, actor_id, also_needs, system_ok=True)
        check_export(session, actor_id)
        rows = write(session, sink)  # type: ignore[arg-type]
    written = sink.written(rows)
    with session_scope(engine, moves=()) as session:  # the audit event alone
        record_export(session, actor_id=actor_id, what=what, rows=rows, written=written, **audit)
    return written


def export_attempts(
    engine: Engine, out: BinaryIO, filters: Filters, *, actor_id: int | None, excel: bool = False
) -> Written:
    """The audited attempts export (README: CSV schema) of the attempts ``filters`` select."""

    def write(session: Session, sink: BinaryIO) -> int:
        return write_lines(session, sink, filters, excel=excel)

    return audited(
        engine, out, write, actor_id=actor_id, what="attempts", filters=filters, excel=excel
    )


def export_officials(
    engine: Engine,
    out: BinaryIO,
    *,
    actor_id: int | None,
    excel: bool = False,
    campaign_id: int | None = None,
) -> Written:
    """The audited officials export (one row per contact point)."""

    def write(session: Session, sink: BinaryIO) -> int:
        return write_officials(session, sink, excel=excel, campaign_id=campaign_id)

    return audited(
        engine, out, write, actor_id=actor_id, what="officials", excel=excel,
        campaign_id=campaign_id,
    )  # fmt: skip


def export_summary(
    engine: Engine, out: BinaryIO, kind: SummaryKind, filters: Filters, *,
    actor_id: int | None, today: date, excel: bool = False,
) -> Written:  # fmt: skip
    """The audited summary export ``kind`` (per official, per week, follow-ups)."""

    def write(session: Session, sink: BinaryIO) -> int:
        return write_summary(session, sink, kind, filters, today=today, excel=excel)

    return audited(
        engine, out, write, actor_id=actor_id, what=f"summary by {kind.value}", filters=filters,
        excel=excel,
    )  # fmt: skip


def export_audit_log(
    engine: Engine, out: BinaryIO, where: AuditFilter, *, actor_id: int | None,
    excel: bool = False,
) -> Written:  # fmt: skip
    """The audited audit log export (admins only: it needs VIEW_AUDIT besides EXPORT)."""

    def write(session: Session, sink: BinaryIO) -> int:
        return write_audit_log(session, sink, where, excel=excel)

    return audited(
        engine, out, write, actor_id=actor_id, what="audit log", also_needs=Permission.VIEW_AUDIT,
        excel=excel, extra={"filters": where.describe()},
    )  # fmt: skip


def describe_filters(filters: Filters) -> dict[str, object]:
    """The filters as JSON-friendly values, for the audit log."""
    return {
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
        "campaign_ids": list(filters.campaign_ids),
        "official_ids": list(filters.official_ids),
        "channels": [str(c) for c in filters.channels],
        "coordinator_ids": list(filters.coordinator_ids),
    }
