"""Attempts import: past attempts from a CSV, checked whole, written by the bulk writer.

An attempt is identified by its official, campaign, time (to the second) and channel:
a row that is already an attempt changes nothing, or updates its outcome, notes or
duration where they differ (audited, the rollups adjusted); every other row is a new
attempt, written with its response and follow-up by :mod:`models.bulk`, whose rebuild
brings the rollups up to date. Decisions:

* A response recreated from ``responded`` has no stance in the file. The stance column
  is required and no stance means "unknown", so the response is stored as
  ``noncommittal`` (the stance that claims least; no metric reads stances) with the
  summary :data:`IMPORTED_SUMMARY`, which says the stance was not recorded.
* A coordinator with no account is kept as a name: a deactivated account with no
  password, which can never sign in. Rows without a coordinator are the importer's,
  or (from the command line) the deactivated account "imported".
* A follow-up is completed by the next imported attempt to the same official in the same
  campaign, as it would have been had the attempts been logged one by one.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import response_rules
from models.audit import record_event
from models.base import utcnow
from models.bulk import AttemptRow, BulkWriter, FollowUpRow, ResponseRow, bulk_writer
from models.campaigns import CampaignInput, add_target, create_campaign
from models.importing.attempt_rows import AttemptEntry, read_attempt
from models.importing.cells import CellProblem
from models.importing.headers import ATTEMPT_FIELDS, match_columns
from models.importing.reading import read_table
from models.importing.report import (
    ImportRejected,
    ImportReport,
    Progress,
    Stage,
    file_sha256,
    tell,
    unknown_columns_warning,
)
from models.importing.resolve import Resolver
from models.insights import upkeep
from models.permissions import Permission, require
from models.tables import Attempt, CampaignTarget
from models.text import InvalidInput
from models.vocab import FollowUpStatus, Outcome, Stance

REQUIRED = ("official", "occurred_at", "channel", "outcome")
IMPORTED_SUMMARY = "Imported from a CSV file: stance not recorded."
CHUNK = 5_000  # attempts per bulk write, so that progress moves while they are written
Identity = tuple[
    int | str, int, datetime, str
]  # campaign (id, or name to create), official, time, channel


@dataclass
class Plan:
    new: list[tuple[AttemptEntry, int | str, int]] = field(default_factory=list)
    updates: list[tuple[int, AttemptEntry]] = field(default_factory=list)
    unchanged: int = 0


def import_attempts(
    session: Session,
    data: bytes,
    *,
    actor_id: int | None,
    campaign: str | None = None,
    create_campaigns: bool = False,
    tz: ZoneInfo | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the attempts of a CSV file; raises :class:`ImportRejected` changing nothing.

    ``progress`` hears how far it has got: checking the rows (the first half, or all of
    a dry run), writing the attempts, then updating the Insights figures.
    """
    require(session, actor_id, Permission.MANAGE_DIRECTORY, system_ok=True)
    table = read_table(data)
    columns = match_columns(table.header, ATTEMPT_FIELDS, required=REQUIRED)
    problems = list(table.problems)
    entries: list[AttemptEntry] = []
    checking = Stage(progress, "checking rows", len(table.records), 0.0, 1.0 if dry_run else 0.5)
    for done, record in enumerate(table.records, 1):
        try:
            entries.append(read_attempt(record, columns, tz or ZoneInfo("UTC")))
        except CellProblem as exc:
            problems.append(f"line {record.line}: {exc}")
        checking.step(done)
    resolver = Resolver(session, campaign, create_campaigns)
    plan = _plan(session, entries, resolver, problems)
    if problems:
        raise ImportRejected(sorted(problems, key=_line_number))
    report = ImportReport("attempts", len(plan.new), len(plan.updates), plan.unchanged)
    report.warnings, report.dry_run = unknown_columns_warning(columns.unknown), dry_run
    if not dry_run and report.changed:
        _apply(session, plan, resolver, actor_id, _Written(progress, file_sha256(data)))
    if not dry_run:
        tell(progress, 1.0, "done")
    return report


def _line_number(problem: str) -> int:
    head = problem.removeprefix("line ").split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def _plan(
    session: Session, entries: list[AttemptEntry], resolver: Resolver, problems: list[str]
) -> Plan:
    """New, changed and unchanged rows. Rows with the same identity (two calls in one
    second: the export keeps whole seconds) are matched in order, the n-th row of the file
    with the n-th attempt, so such a file re-imports as a no-op too."""
    plan, seen = Plan(), Counter[Identity]()
    existing, answered = _existing(session, resolver.known_campaign_ids())
    for entry in entries:
        try:
            campaign, official_id = resolver.campaign(entry), resolver.official(entry)
        except CellProblem as exc:
            problems.append(f"line {entry.line}: {exc}")
            continue
        key: Identity = (campaign, official_id, entry.occurred_at, entry.channel.value)
        same, seen[key] = existing.get(key, []), seen[key] + 1
        if seen[key] > len(same):
            times = None if entry.responded_at is None else (entry.occurred_at, entry.responded_at)
        else:
            times = answered.get(same[seen[key] - 1][0])
        if not _answerable(entry, times, problems):
            continue
        if seen[key] > len(same):
            plan.new.append((entry, campaign, official_id))
        elif same[seen[key] - 1][1:] != (entry.outcome, entry.notes, entry.duration_s):
            plan.updates.append((same[seen[key] - 1][0], entry))
        else:
            plan.unchanged += 1
    return plan


def _answerable(
    entry: AttemptEntry, times: tuple[datetime, datetime] | None, problems: list[str]
) -> bool:
    """The row's outcome could have had the response it brings (a new attempt) or the one
    the attempt already carries (an update), given (attempt time, response time):
    :mod:`models.response_rules`."""
    if times is None:
        return True
    try:
        response_rules.check_answerable(entry.outcome, *times)
    except InvalidInput as exc:
        problems.append(f"line {entry.line}: {exc}")
        return False
    return True


Existing = tuple[int, Outcome, str, int | None]  # id, outcome, notes, duration


def _existing(
    session: Session, campaign_ids: list[int]
) -> tuple[dict[Identity, list[Existing]], dict[int, tuple[datetime, datetime]]]:
    """The live attempts of these campaigns by identity, in id order; and the response
    and response times of those answered."""
    stmt = select(
        Attempt.campaign_id, Attempt.official_id, Attempt.occurred_at, Attempt.channel,
        Attempt.id, Attempt.outcome, Attempt.notes, Attempt.duration_s, Attempt.responded_at,
    ).where(Attempt.campaign_id.in_(campaign_ids), Attempt.deleted_at.is_(None)).order_by(
        Attempt.id
    )  # fmt: skip
    found: dict[Identity, list[Existing]] = defaultdict(list)
    answered: dict[int, tuple[datetime, datetime]] = {}
    for c, o, when, channel, attempt_id, outcome, notes, duration, responded in session.execute(
        stmt
    ):
        key = (c, o, when.replace(microsecond=0), channel.value)
        found[key].append((attempt_id, outcome, notes, duration))
        if responded is not None:
            answered[attempt_id] = (when, responded)
    return found, answered


@dataclass(frozen=True)
class _Written:
    progress: Progress | None
    sha256: str  # of the file, for the audit event


def _apply(
    session: Session, plan: Plan, resolver: Resolver, actor_id: int | None, written: _Written
) -> None:
    campaign_ids = {
        name: create_campaign(session, CampaignInput(name=name), actor_id=actor_id)
        for name in resolver.campaigns_to_create()
    }
    updating = Stage(written.progress, "updating attempts", len(plan.updates), 0.5, 0.55)
    for done, (attempt_id, entry) in enumerate(plan.updates, 1):
        _update(session, attempt_id, entry, actor_id)
        updating.step(done)
    new = [(e, c if isinstance(c, int) else campaign_ids[c], o) for e, c, o in plan.new]
    _add_targets(session, {(c, o) for _, c, o in new}, resolver, actor_id)
    if new:
        with bulk_writer(session) as writer:
            rows = _rows(new, writer.first_attempt_id, resolver, actor_id)
            _write(writer, *rows, progress=written.progress)
            tell(written.progress, 0.9, "updating the Insights figures")
    record_event(
        session,
        actor_id=actor_id,
        action="import",
        entity="attempts",
        entity_id=None,
        changes={"new": len(new), "updated": len(plan.updates), "sha256": written.sha256},
    )


def _write(
    writer: BulkWriter,
    attempts: list[AttemptRow],
    responses: list[ResponseRow],
    follow_ups: list[FollowUpRow],
    *,
    progress: Progress | None,
) -> None:
    """The attempts :data:`CHUNK` at a time, each with its responses; then the follow-ups,
    which may point at an attempt of a later chunk (the one that completed them)."""
    answers = {r.attempt_id: r for r in responses}
    writing = Stage(progress, "writing attempts", len(attempts), 0.55, 0.9)
    for start in range(0, len(attempts), CHUNK):
        part = attempts[start : start + CHUNK]
        writer.write(part, [answers[a.id] for a in part if a.id in answers])
        writing.step(start + len(part))
    writer.write([], [], follow_ups)


def _update(session: Session, attempt_id: int, entry: AttemptEntry, actor_id: int | None) -> None:
    attempt = session.get(Attempt, attempt_id)
    assert attempt is not None  # read in this transaction
    before = upkeep.facts_of(attempt)
    changes: dict[str, object] = {}
    if attempt.outcome != entry.outcome:
        changes["outcome"] = [attempt.outcome.value, entry.outcome.value]
    if attempt.duration_s != entry.duration_s:
        changes["duration_s"] = [attempt.duration_s, entry.duration_s]
    if attempt.notes != entry.notes:
        changes["notes"] = "changed"
    attempt.outcome, attempt.outcome_class = entry.outcome, entry.outcome.outcome_class
    attempt.duration_s, attempt.notes, attempt.updated_at = entry.duration_s, entry.notes, utcnow()
    session.flush()
    upkeep.attempt_edited(session, before, attempt)
    record_event(
        session, actor_id=actor_id, action="update", entity="attempt", entity_id=attempt_id,
        changes=changes | {"source": "import"},
    )  # fmt: skip


def _add_targets(
    session: Session, pairs: set[tuple[int, int]], resolver: Resolver, actor_id: int | None
) -> None:
    """Whoever the file says was contacted in a campaign becomes one of its targets."""
    targeted = set(session.execute(select(CampaignTarget.campaign_id, CampaignTarget.official_id)))
    for campaign_id, official_id in sorted(pairs - {tuple(t) for t in targeted}):
        if not resolver.is_archived(official_id):
            add_target(session, campaign_id, official_id, actor_id=actor_id)


def _rows(
    new: list[tuple[AttemptEntry, int, int]],
    first_id: int,
    resolver: Resolver,
    actor_id: int | None,
) -> tuple[list[AttemptRow], list[ResponseRow], list[FollowUpRow]]:
    attempts, responses, follow_ups = [], [], []
    coordinators = resolver.coordinator_ids((e.coordinator for e, _, _ in new), actor_id)
    for number, (entry, campaign_id, official_id) in enumerate(new):
        attempt_id, who = first_id + number, coordinators[entry.coordinator]
        attempts.append(
            AttemptRow(
                attempt_id,
                campaign_id,
                official_id,
                entry.channel,
                entry.outcome,
                entry.occurred_at,
                who,
                f"import:{uuid.uuid4().hex}",
                resolver.contact_point(official_id, entry.contact),
                entry.contact,
                entry.duration_s,
                entry.notes,
            )
        )
        if entry.responded_at is not None:
            responses.append(
                ResponseRow(
                    attempt_id,
                    entry.stance or Stance.NONCOMMITTAL,
                    entry.responded_at,
                    who,
                    entry.response_summary if entry.stance else IMPORTED_SUMMARY,
                )
            )
    follow_ups = _follow_ups(
        attempts, {a.id: e for a, (e, _, _) in zip(attempts, new, strict=True)}
    )
    return attempts, responses, follow_ups


def _follow_ups(attempts: list[AttemptRow], entries: dict[int, AttemptEntry]) -> list[FollowUpRow]:
    """A follow-up for each attempt that names one, done by the next attempt to the same
    official in the same campaign, if the file has one."""
    by_pair: dict[tuple[int, int], list[AttemptRow]] = defaultdict(list)
    for attempt in sorted(attempts, key=lambda a: (a.occurred_at, a.id)):
        by_pair[(attempt.campaign_id, attempt.official_id)].append(attempt)
    rows: list[FollowUpRow] = []
    for series in by_pair.values():
        for at, attempt in enumerate(series):
            due_on = entries[attempt.id].follow_up_on
            if due_on is None:
                continue
            after = series[at + 1] if at + 1 < len(series) else None
            rows.append(
                FollowUpRow(
                    attempt.campaign_id,
                    attempt.official_id,
                    due_on,
                    attempt.coordinator_id,
                    attempt.occurred_at,
                    assignee_id=attempt.coordinator_id,
                    status=FollowUpStatus.OPEN if after is None else FollowUpStatus.DONE,
                    source_attempt_id=attempt.id,
                    completed_by_attempt_id=None if after is None else after.id,
                    completed_at=None if after is None else after.occurred_at,
                )
            )
    return rows
