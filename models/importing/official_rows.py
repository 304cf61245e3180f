"""Officials import, step one: each row read into an entry, and repeats in the file folded.

A row is either a partner's list (columns name, phone, fax, email, address, with several
values per cell) or a row of the app's own officials export (``kind``/``value``/``label``:
one contact point per row, or none: an official without contact points has empty
``kind``, ``value`` and ``label``; ``archived`` true archives them). Either way it becomes
an :class:`Entry`; entries of the same person (same folded name, and the same
organisation where both give one) fold into one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from models.directory import clean_contact
from models.importing.cells import (
    CellProblem,
    country_cell,
    flag_cell,
    list_cell,
    numbers_cell,
    text_cell,
    vocab_cell,
)
from models.importing.headers import Columns
from models.importing.reading import Record
from models.localtime import UnknownTimeZone, zone
from models.matching import fold_name
from models.text import InvalidInput
from models.vocab import ContactKind

NUMBER_KINDS = (ContactKind.PHONE, ContactKind.FAX)
FIELDS = ("title", "organization", "country", "timezone")


@dataclass(frozen=True)
class Contact:
    kind: ContactKind
    value: str  # as stored: E.164 for phones and faxes
    raw: str  # as written, for add_contact_point to read again
    region: str  # where a number without a country code is read
    label: str = ""


@dataclass
class Entry:
    """One person of the file, from one row or several folded together."""

    line: int  # the first line that names them
    name: str
    fields: dict[str, str]  # title, organization, country, timezone ("" = not given)
    contacts: list[Contact] = field(default_factory=list)
    archived: bool = False  # the officials export's ``archived`` is true on a row of theirs

    @property
    def numbers(self) -> list[str]:
        return [c.value for c in self.contacts if c.kind in NUMBER_KINDS]

    def absorb(self, other: Entry) -> None:
        """Take the other's fields where ours are empty, its contacts we lack, and its
        ``archived`` when true."""
        self.archived = self.archived or other.archived
        for name, value in other.fields.items():
            self.fields[name] = self.fields[name] or value
        have = {(c.kind, c.value) for c in self.contacts}
        self.contacts += [c for c in other.contacts if (c.kind, c.value) not in have]


def read_entry(record: Record, columns: Columns, region: str) -> Entry:
    """The entry of one row; raises :class:`CellProblem` with the first thing wrong."""
    cells = record.cells
    name = text_cell(columns.cell(cells, "name"), "name", max_len=200)
    if not name:
        raise CellProblem("the name is empty")
    country = country_cell(columns.cell(cells, "country"))
    fields = {
        "title": text_cell(columns.cell(cells, "title"), "title", max_len=500),
        "organization": text_cell(columns.cell(cells, "organization"), "organization", max_len=300),
        "country": country,
        "timezone": _zone_cell(columns.cell(cells, "timezone")),
    }
    archived = flag_cell(columns.cell(cells, "archived"), "archived")
    entry = Entry(record.line, name, fields, archived=archived)
    entry.absorb(Entry(record.line, name, fields, _contacts(cells, columns, country or region)))
    return entry


def _zone_cell(value: str) -> str:
    text = value.strip()
    if text:
        try:
            zone(text)
        except UnknownTimeZone:
            raise CellProblem(
                f'time zone "{text}" is not an IANA zone such as Europe/Moscow'
            ) from None
    return text


def _contacts(cells: tuple[str, ...], columns: Columns, region: str) -> list[Contact]:
    contacts = [
        Contact(kind, p.e164, p.raw, region)
        for kind in NUMBER_KINDS
        for p in numbers_cell(columns.cell(cells, kind.value), kind.value, region)
    ]
    for kind, addresses in ((ContactKind.EMAIL, False), (ContactKind.ADDRESS, True)):
        for value in list_cell(columns.cell(cells, kind.value), addresses=addresses):
            contacts.append(_other_contact(kind, value, region))
    kind_cell = columns.cell(cells, "kind").strip()
    if kind_cell:
        contacts.append(_exported_contact(cells, columns, kind_cell, region))
    return contacts


def _exported_contact(
    cells: tuple[str, ...], columns: Columns, kind_cell: str, region: str
) -> Contact:
    kind = vocab_cell(kind_cell, ContactKind, "kind")
    value, label = columns.cell(cells, "value"), text_cell(columns.cell(cells, "label"), "label")
    if kind in NUMBER_KINDS:
        parsed = numbers_cell(value, kind.value, region)
        if len(parsed) != 1:
            raise CellProblem(f'{kind} "{value.strip()}" is not one number')
        return Contact(kind, parsed[0].e164, parsed[0].raw, region, label)
    return _other_contact(kind, text_cell(value, kind.value, max_len=500), region, label)


def _other_contact(kind: ContactKind, value: str, region: str, label: str = "") -> Contact:
    try:
        stored, raw, _ = clean_contact(kind, value, region)
    except InvalidInput as exc:
        raise CellProblem(f'{kind} "{value}": {exc}') from None
    return Contact(kind, stored, raw, region, label)


def fold_entries(entries: list[Entry]) -> list[Entry]:
    """One entry per person: same folded name and organisation (an empty one joins the
    name's only organisation)."""
    by_key: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        key = (fold_name(entry.name), fold_name(entry.fields["organization"]))
        if key in by_key:
            by_key[key].absorb(entry)
        else:
            by_key[key] = entry
    return _fold_empty_organisations(by_key)


def _fold_empty_organisations(by_key: dict[tuple[str, str], Entry]) -> list[Entry]:
    orgs = Counter(name for name, org in by_key if org)
    for name, org in list(by_key):
        if not org and orgs[name] == 1:
            target = next(e for (n, o), e in by_key.items() if n == name and o)
            target.absorb(by_key.pop((name, org)))
    return sorted(by_key.values(), key=lambda e: e.line)


def shared_in_file(entries: list[Entry]) -> set[str]:
    """Numbers the file gives for more than one person: they identify nobody."""
    owners = Counter(n for entry in entries for n in set(entry.numbers))
    return {number for number, count in owners.items() if count > 1}
