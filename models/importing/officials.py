"""Officials import: a partner's list (or our own export) into the directory, all or nothing.

Every row is read and matched before anything is written; one bad row rejects the file.
An official already listed (:meth:`models.matching.Directory.identify`: folded name, or a
phone or fax only they have) keeps their name and what they have, gets the fields they
lack and the contact points that are new; nobody is removed or duplicated. A time zone
of ``UTC`` counts as not known (it is what an official gets when none was given), so a
file may fill it. The officials export's ``archived`` column: ``true`` archives the official
(audited as archiving on the Officials page; an update in the counts), ``false`` or empty
never brings an archived one back; an official the file archives is not made a target.
Importing the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.alerts.places import choose_zone
from models.audit import record_event
from models.campaigns import add_target, find_campaign
from models.directory import (
    OfficialInput,
    add_contact_point,
    archive_official,
    create_official,
    office_hours_of,
    update_official,
)
from models.importing.cells import CellProblem
from models.importing.headers import OFFICIAL_FIELDS, Columns, match_columns
from models.importing.official_rows import (
    FIELDS,
    Contact,
    Entry,
    fold_entries,
    read_entry,
    shared_in_file,
)
from models.importing.reading import Table, read_table
from models.importing.report import (
    ImportRejected,
    ImportReport,
    Progress,
    Stage,
    file_sha256,
    unknown_columns_warning,
)
from models.matching import Directory, MatchConflict
from models.permissions import Permission, require
from models.tables import CampaignTarget, Official
from models.text import InvalidInput

UNKNOWN_ZONE = "UTC"


@dataclass(frozen=True)
class PlannedOfficial:
    entry: Entry
    official_id: int | None  # None: a new official
    fills: dict[str, str]  # fields the official lacks and the file gives
    contacts: list[Contact]  # contact points the official does not have yet
    target: bool = False  # to be added to the campaign's targets
    archive: bool = False  # to be archived (the file says archived, the official is not)

    @property
    def changes(self) -> bool:
        return self.official_id is None or bool(
            self.fills or self.contacts or self.target or self.archive
        )


def read_officials(data: bytes) -> tuple[Table, Columns]:
    """The file's table and which column is which (raises if the name column is missing)."""
    table = read_table(data)
    return table, match_columns(table.header, OFFICIAL_FIELDS, required=("name",))


def import_officials(
    session: Session,
    data: bytes,
    *,
    actor_id: int | None,
    region: str = "RU",
    campaign: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the officials of a CSV file; raises :class:`ImportRejected` changing nothing.

    ``progress`` hears how far it has got: checking the rows (the first half, or all of
    a dry run), then writing the officials. A change is audited per record, and the
    import as one event naming the file's SHA-256.
    """
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    table, columns = read_officials(data)
    campaign_id = _campaign(session, campaign)
    checking = Stage(progress, "checking rows", len(table.records), 0.0, 1.0 if dry_run else 0.5)
    plans = plan_officials(session, table, columns, region, campaign_id, checking)
    report = ImportReport("officials", dry_run=dry_run)
    report.warnings = unknown_columns_warning(columns.unknown)
    for plan in plans:
        if plan.official_id is None:
            report.new += 1
        elif plan.changes:
            report.updated += 1
        else:
            report.unchanged += 1
    if not dry_run:
        writing = Stage(progress, "writing officials", len(plans), 0.5, 1.0)
        for done, plan in enumerate(plans, 1):
            _apply(session, plan, actor_id, campaign_id)
            writing.step(done)
    if not dry_run and report.changed:
        record_event(
            session, actor_id=actor_id, action="import", entity="officials", entity_id=None,
            changes={"new": report.new, "updated": report.updated, "sha256": file_sha256(data)},
        )  # fmt: skip
    return report


def _campaign(session: Session, name: str | None) -> int | None:
    if name is None:
        return None
    campaign_id = find_campaign(session, name)
    if campaign_id is None:
        raise ImportRejected([f'campaign "{name}" does not exist (cli.py campaign add NAME)'])
    return campaign_id


def plan_officials(
    session: Session,
    table: Table,
    columns: Columns,
    region: str,
    campaign_id: int | None,
    checking: Stage | None = None,
) -> list[PlannedOfficial]:
    """What importing the table would do for each person in it; raises listing every problem."""
    problems = list(table.problems)
    entries: list[Entry] = []
    for done, record in enumerate(table.records, 1):
        try:
            entries.append(read_entry(record, columns, region))
        except CellProblem as exc:
            problems.append(f"line {record.line}: {exc}")
        if checking is not None:
            checking.step(done)
    folded = fold_entries(entries)
    matched = _match(session, folded, problems)
    if problems:
        raise ImportRejected(sorted(problems, key=_line_number))
    targets = _targets(session, campaign_id)
    return [_plan(session, e, official_id, campaign_id, targets) for e, official_id in matched]


def _line_number(problem: str) -> int:
    head = problem.removeprefix("line ").split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def _match(
    session: Session, entries: list[Entry], problems: list[str]
) -> list[tuple[Entry, int | None]]:
    """Each person with the official they are (None: new); two entries that turn out to
    be the same official fold into one."""
    directory, shared = Directory(session), shared_in_file(entries)
    found: dict[int, Entry] = {}
    new: list[Entry] = []
    for entry in entries:
        numbers = [n for n in entry.numbers if n not in shared]
        try:
            match = directory.identify(entry.name, numbers, entry.fields["organization"])
        except MatchConflict as exc:
            problems.append(f"line {entry.line}: {exc}")
            continue
        if match is None:
            new.append(entry)
        elif match.official_id in found:
            found[match.official_id].absorb(entry)
        else:
            found[match.official_id] = entry
    matched: list[tuple[Entry, int | None]] = [(e, i) for i, e in found.items()]
    return matched + [(entry, None) for entry in new]


def _targets(session: Session, campaign_id: int | None) -> set[int]:
    if campaign_id is None:
        return set()
    stmt = select(CampaignTarget.official_id).where(CampaignTarget.campaign_id == campaign_id)
    return set(session.scalars(stmt))


def _plan(
    session: Session,
    entry: Entry,
    official_id: int | None,
    campaign_id: int | None,
    targets: set[int],
) -> PlannedOfficial:
    target = campaign_id is not None and official_id not in targets and not entry.archived
    if official_id is None:
        return PlannedOfficial(entry, None, {}, entry.contacts, target, archive=entry.archived)
    official = session.get(Official, official_id)
    assert official is not None  # read in this transaction
    archive = entry.archived and official.archived_at is None
    fills = {
        name: value for name, value in entry.fields.items() if value and not _known(official, name)
    }
    have = {(c.kind, c.value) for c in official.contact_points}
    contacts = [c for c in entry.contacts if (c.kind, c.value) not in have]
    return PlannedOfficial(entry, official_id, fills, contacts, target, archive=archive)


def _known(official: Official, name: str) -> bool:
    value: str = getattr(official, name)
    return bool(value) and not (name == "timezone" and value == UNKNOWN_ZONE)


def _apply(
    session: Session, plan: PlannedOfficial, actor_id: int | None, campaign_id: int | None
) -> None:
    official_id = plan.official_id
    if official_id is None:
        official_id = create_official(session, _new_input(plan.entry), actor_id=actor_id)
    elif plan.fills:
        update_official(
            session, official_id, _filled(session, official_id, plan), actor_id=actor_id
        )
    for contact in plan.contacts:
        add_contact_point(
            session,
            official_id=official_id,
            kind=contact.kind,
            value=contact.raw,
            label=contact.label,
            region=contact.region,
            actor_id=actor_id,
        )
    if plan.target and campaign_id is not None:
        try:
            add_target(session, campaign_id, official_id, actor_id=actor_id)
        except InvalidInput as exc:
            raise ImportRejected([f"line {plan.entry.line}: {exc}"]) from exc
    if plan.archive:
        archive_official(session, official_id, actor_id=actor_id)


def _new_input(entry: Entry) -> OfficialInput:
    fields = entry.fields
    zone = fields["timezone"]
    if not zone:
        text = " ".join([fields["organization"], *(c.value for c in entry.contacts)])
        zone = choose_zone(fields["country"], text, entry.numbers)[0] or UNKNOWN_ZONE
    return OfficialInput(
        full_name=entry.name,
        title=fields["title"],
        organization=fields["organization"],
        country=fields["country"],
        timezone=zone,
    )


def _filled(session: Session, official_id: int, plan: PlannedOfficial) -> OfficialInput:
    official = session.get(Official, official_id)
    assert official is not None
    value = {name: plan.fills.get(name) or getattr(official, name) for name in FIELDS}
    return OfficialInput(
        full_name=official.full_name,
        title=value["title"],
        organization=value["organization"],
        country=value["country"],
        timezone=value["timezone"],
        given_name=official.given_name,
        patronymic=official.patronymic,
        family_name=official.family_name,
        office_hours=office_hours_of(official),
        office_hours_assumed=official.office_hours_assumed,
        notes=official.notes,
        is_demo=official.is_demo,
    )
