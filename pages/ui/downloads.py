"""The Reports page's downloads: each a function that writes an audited export into a
temporary file when the button is pressed, and hands its bytes over to Streamlit."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from typing import BinaryIO

from sqlalchemy import Engine

from models import exports
from models.audit_queries import AuditFilter
from models.exports.audited import export_audit_log
from models.filters import Filters
from pages.ui import cache


def _deferred(write: Callable[[Engine, BinaryIO], object]) -> Callable[[], bytes]:
    """A function that writes an export into a temporary file when called (on the
    download click) and returns its bytes for Streamlit to send.

    It runs on a thread of its own, outside the page's run, so it gets the engine now;
    the export opens its own sessions then (check, read, audit). The export streams into
    the file; Streamlit 1.67 keeps every download's bytes in memory whatever it is given
    (it refuses an open temporary file), so the bytes are read back once, at the end.
    """
    bound = cache.engine()

    def build() -> bytes:
        with tempfile.TemporaryFile() as file:
            write(bound, file)
            file.seek(0)
            return file.read()

    return build


def attempts_csv(filters: Filters, *, excel: bool, actor_id: int) -> Callable[[], bytes]:
    """The audited attempts export, built on the download click."""
    return _deferred(
        lambda bound, out: exports.export_attempts(
            bound, out, filters, actor_id=actor_id, excel=excel
        )
    )


def officials_csv(*, excel: bool, actor_id: int, campaign_id: int | None) -> Callable[[], bytes]:
    """The audited officials export (one campaign's targets, or the whole directory)."""
    return _deferred(
        lambda bound, out: exports.export_officials(
            bound, out, actor_id=actor_id, excel=excel, campaign_id=campaign_id
        )
    )


def summary_csv(
    kind: exports.SummaryKind, filters: Filters, *, actor_id: int, today: date
) -> Callable[[], bytes]:
    """The audited summary export ``kind`` over ``filters``."""
    return _deferred(
        lambda bound, out: exports.export_summary(
            bound, out, kind, filters, actor_id=actor_id, today=today
        )
    )


def audit_csv(where: AuditFilter, *, actor_id: int) -> Callable[[], bytes]:
    """The audited audit log export (admins only, checked by the model) of ``where``."""
    return _deferred(lambda bound, out: export_audit_log(bound, out, where, actor_id=actor_id))
