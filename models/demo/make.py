"""``make_demo``: a synthetic history of N attempts, in one transaction, with one audit event.

On SQLite the WAL grows to about the size of what was written (some 600 MB for a
million attempts with their indexes) until the last connection closes or ``cli.py
demo`` checkpoints it. About 30 s for a million attempts on the reference machine:
20 s writing (``models/bulk.py``), 7 s rebuilding the rollups.
"""

from __future__ import annotations

import random
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.audit import record_event
from models.bulk import bulk_writer
from models.db import session_scope
from models.demo.history import ProgressFn, write_history
from models.demo.odds import cumulative
from models.demo.people import (
    coordinator_count,
    ensure_campaign,
    ensure_coordinators,
    ensure_demo_officials,
)
from models.demo.timeline import Plan, load_targets, sample_times, window
from models.text import InvalidInput

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DemoReport:
    campaign_id: int
    attempts: int
    responses: int
    follow_ups: int
    seconds: float


def make_demo(
    session_or_engine: Session | Engine,
    *,
    attempts: int,
    seed: int | None = None,
    weeks: int = 104,
    today: date | None = None,
    progress: ProgressFn | None = None,
) -> DemoReport:
    """Add ``attempts`` synthetic attempts over ``weeks`` weeks ending ``today`` (UTC).

    With an engine the whole run is one transaction; with a session the caller owns
    it. The window ends now (to the minute), or at the end of ``today`` if that is
    past, so the same ``seed`` and a past ``today`` give the same rows every time.
    """
    if attempts < 1:
        raise InvalidInput("The demo needs at least 1 attempt.")
    if weeks < 1:
        raise InvalidInput("The demo needs at least 1 week.")
    if isinstance(session_or_engine, Engine):
        with session_scope(session_or_engine) as session:
            return make_demo(
                session, attempts=attempts, seed=seed, weeks=weeks, today=today, progress=progress
            )
    session, started = session_or_engine, clock.perf_counter()
    start_ts, end_ts = window(weeks, today)
    campaign_id = ensure_campaign(session)
    officials_added = ensure_demo_officials(session, campaign_id)
    coordinators, coordinators_added = ensure_coordinators(session, coordinator_count(attempts))
    rng = random.Random(seed)
    # The writer rebuilds the Insights rollups for everything written when it closes.
    with bulk_writer(session) as writer:
        first_id = writer.first_attempt_id
        weights = [rng.paretovariate(1.5) for _ in coordinators]  # a few make most calls
        plan = Plan(
            rng, campaign_id, first_id, end_ts, load_targets(session, campaign_id),
            (tuple(coordinators), cumulative(weights)),
        )  # fmt: skip
        sample_times(plan, start_ts, attempts)
        write_history(writer, plan, progress)
    responses, follow_ups = writer.responses, writer.follow_ups
    record_event(
        session,
        actor_id=None,
        action="demo",
        entity="campaign",
        entity_id=campaign_id,
        changes={
            "attempts": attempts, "responses": responses, "follow_ups": follow_ups,
            "officials_added": officials_added, "coordinators_added": coordinators_added,
            "first_attempt_id": first_id, "seed": seed, "weeks": weeks,
            "window_utc": [_iso(start_ts), _iso(end_ts)],
        },
    )  # fmt: skip
    session.flush()
    seconds = round(clock.perf_counter() - started, 3)
    return DemoReport(campaign_id, attempts, responses, follow_ups, seconds)


def _iso(ts: int) -> str:
    return (EPOCH + timedelta(seconds=ts)).isoformat()
