"""Which attempts may carry a response: the one rule, for every writer and for restore.

A response is the office answering on substance (DESIGN.md). It can stand only on an
attempt that got through to the office:

* **reached** or **refused** (someone answered): a response live, with the attempt, or
  later;
* **delivered** (a voicemail left, a fax, email or letter sent): a *later* reply only,
  one whose time is after the attempt's (a letter answers days later; nobody answered
  on substance at the moment the message was left);
* **no contact** (no answer, busy, bounced, failed): never. Nobody was reached and
  nothing arrived, so there is nothing to answer.

``log_attempt`` and the attempts import record a response *with* the attempt, so they
need reached or refused (:func:`check_live_response`). A later reply
(``record_response``) and every correction (edit, import update) must leave the pair
answerable (:func:`check_answerable`); an edit may remove the response in the same
step instead. A restored database is checked with :func:`unanswerable_attempt_ids`
(the same rule in SQL) and the rows that break it are reported, not refused: an older
version let a reply be recorded against any attempt, and a backup is never locked out.

So "responded" never exceeds the attempts that got through (contacted or delivered) in
any figure, and a response recorded live never stands on an attempt that reached nobody.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from models.tables import Attempt, Response
from models.text import InvalidInput
from models.vocab import LIVE_CLASSES, Outcome, OutcomeClass


def check_live_response(outcome: Outcome) -> None:
    """A response given with the attempt needs someone reached (or a refusal)."""
    if outcome.outcome_class not in LIVE_CLASSES:
        raise InvalidInput(
            f"Nobody was reached (“{outcome}”), so there is no live response to record; "
            "record a later reply against this attempt when it comes."
        )


def is_answerable(outcome: Outcome, occurred_at: datetime, responded_at: datetime) -> bool:
    """May an attempt with this outcome, made then, carry a response given then?"""
    cls = outcome.outcome_class
    if cls in LIVE_CLASSES:
        return True
    return cls is OutcomeClass.DELIVERED and responded_at > occurred_at


def check_answerable(outcome: Outcome, occurred_at: datetime, responded_at: datetime) -> None:
    """Refuse an attempt whose response it could not have had (see the module's rule)."""
    if is_answerable(outcome, occurred_at, responded_at):
        return
    if outcome.outcome_class is OutcomeClass.DELIVERED:
        raise InvalidInput(
            f"Nobody answered live (“{outcome}”), but the attempt carries a response given "
            "at the time: remove the response, or keep an outcome where someone was reached."
        )
    raise InvalidInput(
        f"Nobody was reached (“{outcome}”), but the attempt carries a response: remove the "
        "response, or keep an outcome where someone was reached."
    )


def unanswerable_attempt_ids(bind: Connection | Session) -> list[int]:
    """Live attempts whose response breaks the rule, in id order (for restore)."""
    delivered_live = (Attempt.outcome_class == OutcomeClass.DELIVERED) & (
        Response.responded_at <= Attempt.occurred_at
    )
    stmt = (
        select(Attempt.id)
        .join(Response, Response.attempt_id == Attempt.id)
        .where(
            Attempt.deleted_at.is_(None),
            (Attempt.outcome_class == OutcomeClass.NO_CONTACT) | delivered_live,
        )
        .order_by(Attempt.id)
    )
    return [int(i) for i in bind.execute(stmt).scalars()]


def unanswerable_notice(attempt_ids: tuple[int, ...] | list[int], *, shown: int = 10) -> str:
    """What a restore says about such attempts (empty when there are none)."""
    if not attempt_ids:
        return ""
    named = ", ".join(f"#{i}" for i in attempt_ids[:shown])
    more = f" and {len(attempt_ids) - shown:,} more" if len(attempt_ids) > shown else ""
    return (
        f"{len(attempt_ids):,} attempt(s) carry a response that their outcome could not have "
        f"had ({named}{more}): correct the outcome or remove the response on Log outreach."
    )
