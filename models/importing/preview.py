"""An import seen before it is made: the file read as the import will read it, and a dry run.

The Reports page shows, for a file and the options chosen: its encoding and delimiter,
which column is which field and which are ignored, the first rows as the import reads
them (numbers in E.164, times in UTC, the spreadsheet guard undone), and the real
import's dry run: its summary line or every problem with its line. Nothing here writes;
run it in a read-only session. :func:`run_import` is the same import, made.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
from sqlalchemy.orm import Session

from models.importing.attempt_rows import AttemptEntry, read_attempt
from models.importing.attempts import REQUIRED, import_attempts
from models.importing.cells import CellProblem
from models.importing.headers import ATTEMPT_FIELDS, OFFICIAL_FIELDS, Columns, match_columns
from models.importing.official_rows import Entry, read_entry
from models.importing.officials import import_officials
from models.importing.reading import Record, Table, read_table
from models.importing.report import ImportRejected, ImportReport, Progress
from models.localtime import zone
from models.permissions import Permission, require
from models.tables import Campaign
from models.vocab import ContactKind

PREVIEW_ROWS = 10


class ImportKind(StrEnum):
    OFFICIALS = "officials"
    ATTEMPTS = "attempts"


@dataclass(frozen=True)
class ImportOptions:
    """What to import and how; each option applies to one kind, as the CLI's flags do."""

    kind: ImportKind
    campaign_id: int | None = (
        None  # officials: make them its targets; attempts: for rows naming none
    )
    region: str = "RU"  # officials: where numbers without a +country code are read
    create_campaigns: bool = False  # attempts: create the campaigns the file names
    timezone: str = "UTC"  # attempts: the zone of times written without an offset


# The preview's columns: the fields as the import reads them, then what is wrong with the row.
OFFICIAL_COLUMNS = (
    "line", "name", "title", "organization", "country", "timezone",
    "phones", "faxes", "emails", "addresses", "archived", "problem",
)  # fmt: skip
ATTEMPT_COLUMNS = (
    "line", "occurred_at_utc", "campaign", "official", "organization", "channel", "outcome",
    "responded_at_utc", "coordinator", "duration_s", "follow_up_on", "contact", "notes",
    "problem",
)  # fmt: skip
_FIELD_OF = {  # preview column -> the import's field, for a row shown as written
    "phones": "phone", "faxes": "fax", "emails": "email", "addresses": "address",
    "occurred_at_utc": "occurred_at", "responded_at_utc": "responded_at",
}  # fmt: skip
_CONTACT_COLUMNS = {
    "phones": ContactKind.PHONE,
    "faxes": ContactKind.FAX,
    "emails": ContactKind.EMAIL,
    "addresses": ContactKind.ADDRESS,
}


@dataclass(frozen=True)
class ImportPreview:
    kind: ImportKind
    encoding: str
    delimiter: str
    records: int  # rows of data in the file (the header and blank lines aside)
    matched: tuple[tuple[str, str], ...]  # (field, the header cell it is read from)
    ignored: tuple[str, ...]  # header cells no field claims
    rows: pd.DataFrame  # the first PREVIEW_ROWS records as read: the kind's columns above
    summary: str  # the dry run's line, "dry run: officials: 3 new, ..."; "" when rejected
    problems: tuple[str, ...]  # "line N: ...", every one the import found

    @property
    def importable(self) -> bool:
        return not self.problems


def preview_import(
    session: Session,
    data: bytes,
    options: ImportOptions,
    *,
    actor_id: int | None,
    progress: Progress | None = None,
) -> ImportPreview:
    """What importing ``data`` with ``options`` would read and do; changes nothing.

    Raises :class:`~models.importing.reading.NotACsv` when there is no table to show, and
    :class:`~models.permissions.PermissionDenied` (audited) for an actor who may not import.
    """
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    table = read_table(data)
    fields, required = _fields(options.kind)
    try:
        columns = match_columns(table.header, fields, required=required)
    except ImportRejected as exc:
        return _preview(options.kind, table, None, _columns(options.kind), "", exc.problems)
    rows = _first_rows(table, columns, options)
    try:
        report = run_import(
            session, data, options, actor_id=actor_id, dry_run=True, progress=progress
        )
    except ImportRejected as exc:
        return _preview(options.kind, table, columns, rows, "", exc.problems)
    return _preview(options.kind, table, columns, rows, report.summary(), [])


def run_import(
    session: Session,
    data: bytes,
    options: ImportOptions,
    *,
    actor_id: int | None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """The officials or attempts import of ``data`` with ``options``; raises
    :class:`ImportRejected` changing nothing."""
    campaign = _campaign_name(session, options.campaign_id)
    if options.kind is ImportKind.OFFICIALS:
        return import_officials(
            session, data, actor_id=actor_id, region=options.region, campaign=campaign,
            dry_run=dry_run, progress=progress,
        )  # fmt: skip
    return import_attempts(
        session, data, actor_id=actor_id, campaign=campaign,
        create_campaigns=options.create_campaigns, tz=zone(options.timezone),
        dry_run=dry_run, progress=progress,
    )  # fmt: skip


def _campaign_name(session: Session, campaign_id: int | None) -> str | None:
    if campaign_id is None:
        return None
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ImportRejected(["the chosen campaign no longer exists: choose another"])
    return campaign.name


def _fields(kind: ImportKind) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    if kind is ImportKind.OFFICIALS:
        return OFFICIAL_FIELDS, ("name",)
    return ATTEMPT_FIELDS, REQUIRED


def _columns(kind: ImportKind) -> pd.DataFrame:
    names = OFFICIAL_COLUMNS if kind is ImportKind.OFFICIALS else ATTEMPT_COLUMNS
    return pd.DataFrame(columns=list(names))


def _preview(
    kind: ImportKind,
    table: Table,
    columns: Columns | None,
    rows: pd.DataFrame,
    summary: str,
    problems: list[str],
) -> ImportPreview:
    matched = columns.matched(table.header) if columns is not None else {}
    ignored = columns.unknown if columns is not None else table.header
    return ImportPreview(
        kind, table.encoding, table.delimiter, len(table.records), tuple(matched.items()),
        ignored, rows, summary, tuple(problems),
    )  # fmt: skip


def _first_rows(table: Table, columns: Columns, options: ImportOptions) -> pd.DataFrame:
    records = table.records[:PREVIEW_ROWS]
    if options.kind is ImportKind.OFFICIALS:
        rows = [_official_row(r, columns, options.region) for r in records]
    else:
        rows = [_attempt_row(r, columns, options.timezone) for r in records]
    frame = _columns(options.kind)
    return pd.DataFrame(rows, columns=frame.columns) if rows else frame


def _as_written(
    record: Record, columns: Columns, names: tuple[str, ...], problem: str
) -> dict[str, object]:
    """A row the import cannot read: its cells as the file has them, and why."""
    row: dict[str, object] = {n: columns.cell(record.cells, _FIELD_OF.get(n, n)) for n in names}
    return row | {"line": record.line, "problem": problem}


def _official_row(record: Record, columns: Columns, region: str) -> dict[str, object]:
    try:
        entry: Entry = read_entry(record, columns, region)
    except CellProblem as exc:
        return _as_written(record, columns, OFFICIAL_COLUMNS, str(exc))
    contacts = {
        name: " | ".join(c.value for c in entry.contacts if c.kind is kind)
        for name, kind in _CONTACT_COLUMNS.items()
    }
    archived = "true" if entry.archived else "false"
    return {
        "line": record.line, "name": entry.name, **entry.fields, **contacts,
        "archived": archived, "problem": "",
    }  # fmt: skip


def _attempt_row(record: Record, columns: Columns, timezone: str) -> dict[str, object]:
    try:
        entry: AttemptEntry = read_attempt(record, columns, zone(timezone))
    except CellProblem as exc:
        return _as_written(record, columns, ATTEMPT_COLUMNS, str(exc))
    responded, due = entry.responded_at, entry.follow_up_on
    return {
        "line": record.line,
        "occurred_at_utc": entry.occurred_at.isoformat(),
        "campaign": entry.campaign,
        "official": entry.official,
        "organization": entry.organization,
        "channel": entry.channel.value,
        "outcome": entry.outcome.value,
        "responded_at_utc": "" if responded is None else responded.isoformat(),
        "coordinator": entry.coordinator,
        "duration_s": "" if entry.duration_s is None else str(entry.duration_s),
        "follow_up_on": "" if due is None else due.isoformat(),
        "contact": entry.contact,
        "notes": entry.notes,
        "problem": "",
    }
