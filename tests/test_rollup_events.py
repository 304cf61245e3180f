"""Every writer keeps the rollups right: random sequences of every event equal a rebuild.

The property test drives the real commands (and the bulk and demo writers) in random
order; after each sequence the incremental rollups must equal ``upkeep.rebuild()``.
Two more tests keep it complete: every upkeep event is fired by its steps, and every
public function that can write attempts, responses or follow-ups is one of them.
"""

from __future__ import annotations

import ast
import inspect
import random
import re
import textwrap
import types
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import models.bulk
import models.campaigns
import models.commands
import models.corrections
import models.demo
import models.directory
import models.follow_up_work
from models.bulk import AttemptRow, BulkWriter, FollowUpRow, ResponseRow, bulk_writer
from models.campaigns import add_target, remove_target
from models.commands import (
    ResponseInput,
    cancel_follow_up,
    create_follow_up,
    log_attempt,
    record_response,
)
from models.corrections import (
    AttemptEdit,
    delete_attempt,
    remove_response,
    reopen_follow_up,
    restore_attempt,
    update_attempt,
)
from models.demo import make_demo
from models.directory import OfficialInput, update_official
from models.follow_up_work import reassign_follow_up, snooze_follow_up, uncancel_follow_up
from models.insights import upkeep
from models.response_rules import is_answerable
from models.tables import Attempt, FollowUp, Official, Response
from models.users import ensure_user
from models.vocab import (
    LIVE_CLASSES,
    OUTCOMES_BY_CHANNEL,
    Channel,
    FollowUpStatus,
    Outcome,
    OutcomeClass,
    Role,
    Stance,
)
from tests.factories import make_campaign, make_official
from tests.test_rollups import rollup_rows

START = datetime(2025, 12, 1, tzinfo=UTC)  # the steps span a new year and DST changes
SPAN_MINUTES = 130 * 24 * 60
ZONES = ("America/New_York", "Europe/Moscow", "Australia/Sydney", "Europe/London")


class World:
    """Two campaigns, three officials targeted by both, an admin; ids and a seeded rng."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.campaigns = [make_campaign(session, f"Campaign {n}") for n in (1, 2)]
        self.officials = [
            make_official(session, f"Official {n}", campaign_id=self.campaigns[0], timezone=tz)
            for n, tz in enumerate(ZONES[:3])
        ]
        for official in self.officials:
            add_target(session, self.campaigns[1], official, actor_id=None)
        self.admin = ensure_user(session, "Admin", role=Role.ADMIN).id
        self.keys = 0
        self.rng = random.Random(0)

    def when(self) -> datetime:
        return START + timedelta(minutes=self.rng.randrange(SPAN_MINUTES))

    def pick(self, stmt: Any) -> Any:
        """One of the rows ``stmt`` selects (ordered by id), or None."""
        rows = self.session.execute(stmt).all()
        return self.rng.choice(rows) if rows else None

    def key(self) -> str:
        self.keys += 1
        return f"event-test-{self.keys}"


def log(w: World) -> None:
    channel = w.rng.choice(list(Channel))
    outcome = w.rng.choice(OUTCOMES_BY_CHANNEL[channel])
    when = w.when()
    live = outcome.outcome_class in LIVE_CLASSES and w.rng.random() < 0.5
    log_attempt(
        w.session, campaign_id=w.rng.choice(w.campaigns), official_id=w.rng.choice(w.officials),
        channel=channel, outcome=outcome, actor_id=w.admin, idempotency_key=w.key(),
        occurred_at=when,
        follow_up_on=when.date() + timedelta(days=w.rng.randrange(10))
        if w.rng.random() < 0.4 else None,
        # commitments over windows of 0-14 days, so later responses keep (or un-keep) them
        response=ResponseInput(
            Stance.NONCOMMITTAL, commitment_on=when.date() + timedelta(days=w.rng.randrange(15))
        )
        if live else None,
    )  # fmt: skip


def reply(w: World) -> None:
    row = w.pick(
        select(Attempt.id, Attempt.occurred_at, Attempt.outcome)
        .where(
            Attempt.deleted_at.is_(None),
            Attempt.responded_at.is_(None),
            Attempt.outcome_class != OutcomeClass.NO_CONTACT,
        )
        .order_by(Attempt.id)
    )
    if row is not None:
        later = row.occurred_at + timedelta(seconds=w.rng.choice((0, 59, 3600, 90_000, 10**6)))
        if not is_answerable(row.outcome, row.occurred_at, later):
            return  # nothing got through to answer (models.response_rules)
        promise = later.date() + timedelta(days=w.rng.randrange(8))
        commitment = promise if w.rng.random() < 0.5 else None
        response = ResponseInput(Stance.SUPPORTIVE, responded_at=later, commitment_on=commitment)
        record_response(w.session, attempt_id=row.id, response=response, actor_id=w.admin)


def unreply(w: World) -> None:
    row = w.pick(
        select(Response.attempt_id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .where(Attempt.deleted_at.is_(None))
        .order_by(Response.attempt_id)
    )
    if row is not None:
        remove_response(w.session, row.attempt_id, actor_id=w.admin)


def edit(w: World) -> None:
    row = w.pick(select(Attempt.id).where(Attempt.deleted_at.is_(None)).order_by(Attempt.id))
    if row is None:
        return
    attempt = w.session.get(Attempt, row.id)
    assert attempt is not None
    channel = w.rng.choice(list(Channel))
    when = w.when()
    if attempt.responded_at is not None:
        when = min(when, attempt.responded_at)
    outcome = w.rng.choice(OUTCOMES_BY_CHANNEL[channel])
    # An outcome that could not have had the response removes it in the same edit.
    drop = attempt.responded_at is not None and not is_answerable(
        outcome, when, attempt.responded_at
    )
    change = AttemptEdit(channel, outcome, when, drop_response=drop)
    update_attempt(w.session, attempt.id, change, actor_id=w.admin)


def delete(w: World) -> None:
    row = w.pick(select(Attempt.id).where(Attempt.deleted_at.is_(None)).order_by(Attempt.id))
    if row is not None:
        delete_attempt(w.session, row.id, actor_id=w.admin)


def restore(w: World) -> None:
    row = w.pick(select(Attempt.id).where(Attempt.deleted_at.is_not(None)).order_by(Attempt.id))
    if row is not None:
        restore_attempt(w.session, row.id, actor_id=w.admin)


def follow_up(w: World) -> None:
    create_follow_up(
        w.session, campaign_id=w.rng.choice(w.campaigns), official_id=w.rng.choice(w.officials),
        due_on=w.when().date(), actor_id=w.admin,
    )  # fmt: skip


def _follow_up_in(w: World, status: FollowUpStatus) -> int | None:
    row = w.pick(select(FollowUp.id).where(FollowUp.status == status).order_by(FollowUp.id))
    return None if row is None else int(row.id)


def cancel(w: World) -> None:
    found = _follow_up_in(w, FollowUpStatus.OPEN)
    if found is not None:
        cancel_follow_up(w.session, follow_up_id=found, actor_id=w.admin)


def reopen(w: World) -> None:
    found = _follow_up_in(w, FollowUpStatus.DONE)
    if found is not None:
        reopen_follow_up(w.session, follow_up_id=found, actor_id=w.admin)


def uncancel(w: World) -> None:
    found = _follow_up_in(w, FollowUpStatus.CANCELLED)
    if found is not None:
        uncancel_follow_up(w.session, follow_up_id=found, actor_id=w.admin)


def snooze(w: World) -> None:
    """Snoozing and reassigning change no count: the follow-up stays open and due."""
    found = _follow_up_in(w, FollowUpStatus.OPEN)
    if found is not None:
        until = w.when().date() if w.rng.random() < 0.8 else None
        snooze_follow_up(w.session, follow_up_id=found, until=until, actor_id=w.admin)


def reassign(w: World) -> None:
    found = _follow_up_in(w, FollowUpStatus.OPEN)
    if found is not None:
        reassign_follow_up(w.session, follow_up_id=found, assignee_id=None, actor_id=w.admin)


def untarget(w: World) -> None:
    """An admin removes a target (cancelling its open follow-ups) and adds it back."""
    campaign, official = w.rng.choice(w.campaigns), w.rng.choice(w.officials)
    remove_target(w.session, campaign, official, actor_id=w.admin)
    add_target(w.session, campaign, official, actor_id=w.admin)


def rezone(w: World) -> None:
    official = w.session.get(Official, w.rng.choice(w.officials))
    assert official is not None
    others = [tz for tz in ZONES if tz != official.timezone]
    data = OfficialInput(official.full_name, organization=official.organization,
                         timezone=w.rng.choice(others), country=official.country)  # fmt: skip
    update_official(w.session, official.id, data, actor_id=w.admin)


def bulk(w: World) -> None:
    """A few attempts through the bulk writer: one answered, one completing a follow-up."""
    with bulk_writer(w.session) as writer:
        first, official, campaign = writer.first_attempt_id, w.rng.choice(w.officials), 0
        times = sorted(w.when() for _ in range(3))
        attempts = [
            AttemptRow(first + n, w.campaigns[campaign], official, Channel.PHONE,
                       w.rng.choice(OUTCOMES_BY_CHANNEL[Channel.PHONE]), at, w.admin, w.key())
            for n, at in enumerate(times)
        ]  # fmt: skip
        later = times[0] + timedelta(hours=w.rng.randrange(100))
        responses = [ResponseRow(first, Stance.NO_COMMENT, later, w.admin)]
        done = FollowUpRow(
            w.campaigns[campaign], official, times[0].date(), w.admin, times[0],
            status=FollowUpStatus.DONE, source_attempt_id=first,
            completed_by_attempt_id=first + 2, completed_at=times[2],
        )  # fmt: skip
        writer.write(attempts, responses, [done])


def demo(w: World) -> None:
    make_demo(w.session, attempts=40, seed=w.rng.randrange(100), weeks=1, today=date(2026, 3, 1))


Step = Callable[[World], None]
# Each step, the command it drives, and the upkeep events that command fires.
STEPS: dict[Step, tuple[Any, tuple[str, ...]]] = {
    log: (log_attempt, ("attempt_logged", "response_recorded", "follow_up_created",
                        "follow_up_completed")),
    reply: (record_response, ("response_recorded", "follow_up_created")),
    unreply: (remove_response, ("response_removed",)),
    edit: (update_attempt, ("attempt_edited",)),
    delete: (delete_attempt, ("attempt_deleted", "follow_up_reopened")),
    restore: (restore_attempt, ("attempt_restored", "follow_up_completed")),
    follow_up: (create_follow_up, ("follow_up_created",)),
    cancel: (cancel_follow_up, ("follow_up_cancelled",)),
    reopen: (reopen_follow_up, ("follow_up_reopened",)),
    uncancel: (uncancel_follow_up, ("follow_up_uncancelled",)),
    snooze: (snooze_follow_up, ()),
    reassign: (reassign_follow_up, ()),
    untarget: (remove_target, ("follow_up_cancelled",)),
    rezone: (update_official, ("official_zone_changed",)),
    bulk: (bulk_writer, ("rebuild",)),
    demo: (make_demo, ("rebuild",)),
}  # fmt: skip
WEIGHTED = [log] * 4 + [reply] * 2 + [s for s in STEPS if s not in (log, reply)]
# Writers the steps drive through another: a BulkWriter comes only from bulk_writer.
DRIVEN: set[Any] = {command for command, _ in STEPS.values()} | {BulkWriter}


def run_steps(session: Session, steps: list[tuple[Step, int]]) -> None:
    world = World(session)
    for step, seed in steps:
        world.rng = random.Random(seed)
        step(world)


steps_strategy = st.lists(
    st.tuples(st.sampled_from(WEIGHTED), st.integers(0, 2**16)), min_size=8, max_size=40
)
# Tried first, so every run has every step act on something: each after what it needs.
EVERY_STEP = [log, log, follow_up, log, reply, unreply, edit, log, reopen, delete, restore,
              cancel, uncancel, snooze, reassign, rezone, bulk, demo, reply, unreply, log,
              follow_up, untarget]  # fmt: skip


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps_strategy)
@example(steps=[(step, n) for n, step in enumerate(EVERY_STEP)])
def test_any_sequence_of_events_leaves_the_rollups_equal_to_a_rebuild(
    engine: Engine, steps: list[tuple[Step, int]]
) -> None:
    """Logs, replies and their removal, edits, deletes, restores, follow-ups created,
    completed, cancelled and reopened, zone changes, bulk loads and demos, in any order:
    the incremental rollups equal upkeep.rebuild()."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE")
    with Session(bind=bind, expire_on_commit=False) as session:
        # Each example rolls back, so the one database serves every example.
        run_steps(session, steps)
        incremental = rollup_rows(session)
        upkeep.rebuild(session)
        assert rollup_rows(session) == incremental
        session.rollback()


def test_the_steps_fire_every_upkeep_event(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step fires one of the events STEPS names for it; together, every event."""
    fired: set[str] = set()
    for name in upkeep.EVENTS:
        monkeypatch.setattr(upkeep, name, _spy(getattr(upkeep, name), name, fired))
    world, seen = World(session), set()
    # In this order each step finds something to act on; (what runs, the step it stands for).
    order: list[tuple[Step, Step]] = [
        (_log_answered, log), (follow_up, follow_up), (_log_answered, log), (_log_plain, log),
        (reply, reply), (unreply, unreply), (edit, edit), (delete, delete), (restore, restore),
        (cancel, cancel), (uncancel, uncancel), (reopen, reopen), (rezone, rezone), (bulk, bulk),
        (demo, demo),
        (_untarget_open, untarget),
    ]  # fmt: skip
    for n, (run, step) in enumerate(order):
        world.rng = random.Random(n)
        fired.clear()
        run(world)
        assert fired & set(STEPS[step][1]), run.__name__
        seen |= fired
    assert seen == set(upkeep.EVENTS)
    assert set().union(*(events for _, events in STEPS.values())) == set(upkeep.EVENTS)


def _untarget_open(w: World) -> None:
    """Remove the target of an open follow-up, so one is cancelled."""
    follow_up = create_follow_up(w.session, campaign_id=w.campaigns[0],
                                 official_id=w.officials[0], due_on=date(2026, 1, 5),
                                 actor_id=w.admin)  # fmt: skip
    assert follow_up
    remove_target(w.session, w.campaigns[0], w.officials[0], actor_id=w.admin)
    add_target(w.session, w.campaigns[0], w.officials[0], actor_id=w.admin)


def _spy(real: Callable[..., Any], name: str, fired: set[str]) -> Callable[..., Any]:
    def spy(*args: Any, **kwargs: Any) -> Any:
        fired.add(name)
        return real(*args, **kwargs)

    return spy


def _log_answered(w: World) -> None:
    """An answered call that completes the open follow-ups and asks for another."""
    when = w.when()
    log_attempt(
        w.session, campaign_id=w.campaigns[0], official_id=w.officials[0],
        channel=Channel.PHONE, outcome=Outcome.SPOKE_TO_STAFF, actor_id=w.admin,
        idempotency_key=w.key(), occurred_at=when, follow_up_on=when.date(),
        response=ResponseInput(Stance.SUPPORTIVE),
    )  # fmt: skip


def _log_plain(w: World) -> None:
    """A call that reached someone, with no response yet (one to reply to)."""
    log_attempt(
        w.session, campaign_id=w.campaigns[0], official_id=w.officials[0],
        channel=Channel.PHONE, outcome=Outcome.SPOKE_TO_OFFICIAL, actor_id=w.admin,
        idempotency_key=w.key(), occurred_at=w.when(),
    )  # fmt: skip


# --- Every writer is a step ----------------------------------------------------------

WRITER_MODULES = (
    models.commands,
    models.follow_up_work,
    models.corrections,
    models.directory,
    models.campaigns,
    models.bulk,
)
WATCHED = (Attempt, Response, FollowUp)
WATCHED_NAMES = frozenset({"attempts", "responses", "follow_ups"})
SQL = re.compile(r"\s*(INSERT|UPDATE|DELETE|COPY|LOCK|SELECT|WITH)\b")  # as this code spells SQL


def public_writers() -> set[Any]:
    """The public functions and classes of the writer modules, and ``make_demo``, whose code
    (followed through every call into ``models``) names attempts, responses or follow-ups.

    Static and deliberately wide: a function counts as a writer if anything it can
    reach mentions one of those tables (its ORM class, or its name in SQL text), or
    any rollup upkeep. That also catches readers, which must then be listed as such; a
    new writer can slip past only by reaching the tables through code outside
    ``models`` or through a method of an object it was handed.
    """
    found = set()
    candidates: list[Any] = [make_demo]
    for module in WRITER_MODULES:
        candidates += [
            obj for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__
        ]  # fmt: skip
    for obj in candidates:
        if _reaches_watched(obj, set()):
            found.add(obj)
    return found


def _reaches_watched(obj: Any, seen: set[Any]) -> bool:
    if obj in seen:
        return False
    seen.add(obj)
    namespace = vars(inspect.getmodule(obj))
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(obj)))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _names_a_watched_table(node.value):
                return True
            continue
        target = _resolve(node, namespace)
        if target is None:
            continue
        if any(target is watched for watched in (*WATCHED, upkeep)):
            return True
        if _is_model_code(target) and _reaches_watched(target, seen):
            return True
    return False


def _names_a_watched_table(value: str) -> bool:
    """``"attempts"`` alone, or SQL text that names the table (not prose that mentions it)."""
    words = set(re.findall(r"\w+", value))
    return value in WATCHED_NAMES or bool(SQL.match(value) and words & WATCHED_NAMES)


def _resolve(node: ast.AST, namespace: dict[str, Any]) -> Any:
    """The object a name or a ``module.name`` chain refers to, if it can be told."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace)
        if isinstance(base, types.ModuleType) or inspect.isclass(base):
            return getattr(base, node.attr, None)
    return None


def _is_model_code(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    # Table classes are the watched ones or not; enums and other classes hold no writes.
    code = inspect.isfunction(obj) or (
        inspect.isclass(obj)
        and not issubclass(obj, Enum)
        and obj.__module__ not in ("models.tables", "models.vocab")
    )
    return code and module.startswith("models.")


def test_every_public_writer_is_driven_by_the_property_test() -> None:
    """A new command that writes attempts, responses or follow-ups must join STEPS."""
    writers = public_writers()
    assert writers - DRIVEN == set()
    assert writers >= DRIVEN, "the detector still sees every known writer"
