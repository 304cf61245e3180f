"""Which column is which: header names matched case- and space-insensitively, with aliases.

Each import knows a set of fields; a header cell names a field when its normalised form
(case-folded, ``_`` read as a space, runs of spaces collapsed) is one of the field's
aliases. The aliases are English and Russian, and every column name of the app's own
exports, so a file the app wrote reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from models.importing.report import ImportRejected

OFFICIAL_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "official", "фио", "имя"),
    "title": ("title", "position", "должность"),
    "organization": ("organization", "organisation", "org", "организация", "ведомство"),
    "country": ("country", "страна"),
    "phone": ("phone", "phones", "telephone", "tel", "телефон"),
    "fax": ("fax", "faxes", "факс"),
    "email": ("email", "e-mail", "почта", "эл. почта"),
    "address": ("address", "адрес"),
    "timezone": ("time zone", "timezone", "tz", "часовой пояс"),
    # The officials export: one row per contact point.
    "kind": ("kind",),
    "value": ("value",),
    "label": ("label",),
    "archived": ("archived",),
}
ATTEMPT_FIELDS: dict[str, tuple[str, ...]] = {
    "attempt_id": ("attempt id",),
    "occurred_at": ("occurred at utc", "occurred at", "time"),
    "campaign": ("campaign",),
    "official": ("official", "name", "full name", "фио"),
    "organization": ("organization", "organisation", "org", "организация", "ведомство"),
    "channel": ("channel",),
    "contact": ("contact",),
    "outcome": ("outcome",),
    "outcome_class": ("outcome class",),
    "responded": ("responded",),
    "responded_at": ("responded at utc", "responded at"),
    "coordinator": ("coordinator",),
    "duration_s": ("duration s", "duration"),
    "follow_up_on": ("follow up on",),
    "notes": ("notes",),
    "stance": ("stance",),
    "response_summary": ("response summary",),
}


def normalise_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").replace("_", " ").casefold().split())


@dataclass(frozen=True)
class Columns:
    """Field name -> the index of its column; and the header cells no field claimed."""

    index: Mapping[str, int]
    unknown: tuple[str, ...]

    def cell(self, cells: tuple[str, ...], name: str) -> str:
        at = self.index.get(name)
        return "" if at is None else cells[at]

    def matched(self, header: tuple[str, ...]) -> dict[str, str]:
        """Field -> the header cell it was read from, in the file's order."""
        return {name: header[at] for name, at in sorted(self.index.items(), key=lambda i: i[1])}


def match_columns(
    header: tuple[str, ...], fields: Mapping[str, tuple[str, ...]], required: tuple[str, ...]
) -> Columns:
    """The columns of ``header``; raises naming any required field without a column."""
    lookup = {normalise_header(a): name for name, aliases in fields.items() for a in aliases}
    index: dict[str, int] = {}
    unknown: list[str] = []
    for at, cell in enumerate(header):
        name = lookup.get(normalise_header(cell))
        if name is None:
            unknown.append(cell)
        elif name in index:
            first = header[index[name]]
            raise ImportRejected([f'line 1: columns "{first}" and "{cell}" are both {name}'])
        else:
            index[name] = at
    missing = [name for name in required if name not in index]
    if missing:
        raise ImportRejected([f"line 1: {_missing(n, fields[n])}" for n in missing])
    return Columns(index, tuple(unknown))


def _missing(name: str, aliases: tuple[str, ...]) -> str:
    return f"no {name} column (name it one of: {', '.join(aliases)})"
