"""The commitment rollup's upkeep: a response arriving or leaving moves its own row and,
when it falls in the window of earlier commitments of the same office that nothing else
keeps, theirs (``counting.kept_clause`` is what kept means). Called by
``models/insights/upkeep.py``'s attempt and response events, after the raw rows changed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, cast, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from models.insights.counting import _COMMITMENTS
from models.insights.upserts import Deltas, add, periods
from models.sqlfuncs import day_after_start, unindexed
from models.tables import Attempt, Response
from models.vocab import Channel

if TYPE_CHECKING:
    from models.insights.upkeep import AttemptFacts


def _lock_office(session: Session, facts: AttemptFacts) -> None:
    """What is kept depends on the office's other responses, read here, not only added to:
    on PostgreSQL two writers of one office's responses take turns (the lock of
    ``models/guard.py``, which logging already holds), so the second reads the first's
    response once it is committed and neither counts a flip twice. SQLite has one writer
    at a time anyway."""
    if session.get_bind().dialect.name == "postgresql":
        lock = func.pg_advisory_xact_lock(
            cast(literal(facts.campaign_id), Integer), cast(literal(facts.official_id), Integer)
        )
        session.execute(select(lock))


def _utc_day(instant: datetime) -> date:
    return instant.astimezone(UTC).date()


def commitment_of(session: Session, attempt_id: int) -> date | None:
    stmt = select(Response.commitment_on).where(Response.attempt_id == attempt_id)
    return session.execute(stmt).scalar_one_or_none()


def _later_exists(facts: AttemptFacts, attempt_id: int, after: Any, by: Any) -> Any:
    """A live response of the facts' office, other than ``attempt_id``'s, in (after, end of
    the day ``by``]: what keeps a commitment."""
    later = aliased(Attempt)
    return exists().where(
        later.official_id == facts.official_id,
        later.deleted_at.is_(None),
        later.responded_at.is_not(None),
        later.responded_at > after,
        later.responded_at < day_after_start(by),
        later.campaign_id == facts.campaign_id,
        later.id != attempt_id,
    )


def own_commitment(
    session: Session, facts: AttemptFacts, attempt_id: int, commitment_on: date | None, sign: int
) -> Deltas:
    """The response's own row: a commitment, kept or not as the other responses stand."""
    deltas: Deltas = {_COMMITMENTS: {}}
    if not facts.live or facts.responded_at is None:
        return deltas
    _lock_office(session, facts)
    if commitment_on is None:
        return deltas
    kept_by = _later_exists(facts, attempt_id, facts.responded_at, commitment_on)
    kept = int(bool(session.execute(select(kept_by)).scalar()))
    for period in periods(facts.occurred_at):
        key = (*period, facts.campaign_id, facts.official_id, facts.channel)
        add(deltas[_COMMITMENTS], key, {"commitments": sign, "kept": sign * kept})
    return deltas


def commitment_deltas(
    session: Session, facts: AttemptFacts, attempt_id: int, commitment_on: date | None, sign: int
) -> Deltas:
    """The response of ``attempt_id`` (at ``facts.responded_at``) arrives (+1) or leaves
    (-1), the raw rows already as they are after: its own commitment, and the earlier
    commitments of its office whose window it falls in and that nothing else keeps,
    which it keeps (+1) or kept (-1). Those are found through ``ix_responses_commitment``
    (commitments due on or after the response's day), not the office's whole history."""
    deltas = own_commitment(session, facts, attempt_id, commitment_on, sign)
    if not facts.live or facts.responded_at is None:
        return deltas
    earlier = aliased(Attempt)
    stmt = (
        select(earlier.occurred_at, earlier.channel)
        .select_from(Response)
        .join(earlier, earlier.id == Response.attempt_id)
        .where(
            Response.commitment_on >= _utc_day(facts.responded_at),
            Response.responded_at < facts.responded_at,
            unindexed(earlier.official_id) == facts.official_id,
            unindexed(earlier.campaign_id) == facts.campaign_id,
            earlier.deleted_at.is_(None),
            earlier.id != attempt_id,
            ~_later_exists(facts, attempt_id, Response.responded_at, Response.commitment_on),
        )
    )
    for occurred_at, channel in session.execute(stmt):
        for period in periods(occurred_at):
            key = (*period, facts.campaign_id, facts.official_id, Channel(channel))
            add(deltas.setdefault(_COMMITMENTS, {}), key, {"kept": sign})
    return deltas
