"""The audit log export: every event a filter selects, newest first, one row per event.

The columns (README.md, "CSV schema") keep the stored codes beside the words, so a
script can rely on ``action``/``entity`` while a person reads ``what``; ``changes`` is
the event's JSON as stored. Cells are neutralised and quoted like every export's.
"""

from __future__ import annotations

import json
from datetime import date
from typing import BinaryIO

from sqlalchemy.orm import Session

from models.audit_labels import action_label, record_label
from models.audit_queries import AuditFilter, audit_events, record_name
from models.exports.cells import BOM, csv_line, neutralise, terminator

AUDIT_EXPORT_COLUMNS = (
    "event_id", "occurred_at_utc", "actor_user", "actor_name", "what", "action", "entity",
    "entity_id", "record", "changes",
)  # fmt: skip
STREAM_EVENTS = 1_000  # rows fetched at a time


def write_audit_log(
    session: Session, out: BinaryIO, where: AuditFilter, *, excel: bool = False
) -> int:
    """Write the events ``where`` selects to ``out`` as UTF-8 CSV; returns the row count."""
    end = terminator(excel)
    out.write(((BOM if excel else "") + csv_line(AUDIT_EXPORT_COLUMNS, end)).encode())
    rows = 0
    stmt = audit_events(where).execution_options(yield_per=STREAM_EVENTS)
    for row in session.execute(stmt):
        cells = [
            str(row.event_id),
            row.occurred_at.isoformat(timespec="seconds"),
            row.actor_name or "",
            row.actor_display if row.actor_name is not None else "",
            action_label(row.action, row.entity),
            row.action,
            row.entity,
            "" if row.entity_id is None else str(row.entity_id),
            record_label(row.entity, row.entity_id, record_name(row)),
            json.dumps(row.changes or {}, ensure_ascii=False, sort_keys=True),
        ]
        out.write(csv_line([neutralise(cell) for cell in cells], end).encode())
        rows += 1
    return rows


def audit_file_name(where: AuditFilter, today: date) -> str:
    """``audit-log-2026-03-01-to-2026-03-31.csv`` (from the start when the filter has none)."""
    start = where.date_from.isoformat() if where.date_from else "start"
    end = (where.date_to or today).isoformat()
    return f"audit-log-{start}-to-{end}.csv"
