"""The Log outreach form's logic: what was typed, which submission key to use, saving.

Streamlit does not stop double submission (RELIABILITY.md): a second click reaches the
server during the first one's rerun. So every submission carries an idempotency key
made when the form is first drawn, and the key is kept after a save until the
coordinator starts the next entry. A submit whose values differ from the saved ones
(a field edited after saving) is a new attempt and gets a new key first.
"""

from __future__ import annotations

import uuid
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from models.commands import LogResult, ResponseInput, log_attempt, record_response
from models.text import InvalidInput
from models.vocab import Channel, Outcome, Stance
from pages.ui import state

NOT_RECORDED = 0  # the "— not recorded —" choice of Contact used
NOON = time(12, 0)

# Per-attempt fields that "Log another attempt" empties, with their empty values.
_PER_ATTEMPT_FIELDS: dict[str, object] = {
    state.LOG_DURATION: None,
    state.LOG_NOTES: "",
    state.LOG_FOLLOW_UP: None,
    state.LOG_RESPONDED: False,
    state.LOG_STANCE: None,
    state.LOG_SUMMARY: "",
    state.LOG_COMMITMENT: None,
}


@dataclass(frozen=True)
class LogEntry:
    """Everything the form holds when it is submitted."""

    campaign_id: int
    official_id: int
    channel: Channel
    contact_point_id: int | None
    outcome: Outcome
    duration_s: int | None
    notes: str
    follow_up_on: date | None
    responded: bool
    stance: Stance | None
    summary: str
    commitment_on: date | None
    actor_id: int  # the signed-in user who logs it

    def fingerprint(self) -> tuple[object, ...]:
        return astuple(self)

    def response(self) -> ResponseInput | None:
        """The live response, only when "They responded on substance" is ticked."""
        if not self.responded:
            return None
        if self.stance is None:
            raise InvalidInput(
                "Pick the stance they took, or untick “They responded on substance”."
            )
        return ResponseInput(
            stance=self.stance, summary=self.summary, commitment_on=self.commitment_on
        )


def new_key() -> str:
    return uuid.uuid4().hex


def ensure_key() -> str:
    """The key of the entry being typed, made when the form is first drawn."""
    key = state.get(state.LOG_KEY)
    if not isinstance(key, str) or not key:
        key = new_key()
        state.put(state.LOG_KEY, key)
    return key


def choose_key(
    current: str, saved: state.SavedEntry | None, fingerprint: tuple[object, ...]
) -> str:
    """The key to submit with: the saved one for a repeat, a fresh one for an edited entry."""
    if saved is None:
        return current
    if saved.fingerprint == fingerprint:
        return saved.key  # a double click or a replay: the first save answers it
    if saved.key == current:
        return new_key()  # edited after saving: this is another attempt
    return current


def start_new_entry() -> None:
    """Callback: Campaign, Official or Channel changed, so the next submit is a new attempt."""
    state.put(state.LOG_KEY, new_key())
    state.drop(state.LOG_SAVED, state.LOG_NOTICE, state.LOG_REPEAT, state.REPLY_NOTICE)
    # Their choices belong to the previous official or channel; let the defaults apply.
    state.drop(state.LOG_CONTACT, state.LOG_OUTCOME)


def log_another() -> None:
    """Callback of "Log another attempt": empty the per-attempt fields, new key."""
    for key, empty in _PER_ATTEMPT_FIELDS.items():
        state.put(key, empty)
    state.put(state.LOG_KEY, new_key())
    state.drop(state.LOG_SAVED, state.LOG_NOTICE, state.LOG_REPEAT)


def save(session: Session, entry: LogEntry, key: str) -> LogResult:
    """Log ``entry`` under ``key`` as the signed-in user who typed it."""
    return log_attempt(
        session,
        campaign_id=entry.campaign_id,
        official_id=entry.official_id,
        channel=entry.channel,
        outcome=entry.outcome,
        actor_id=entry.actor_id,
        idempotency_key=key,
        contact_point_id=entry.contact_point_id,
        duration_s=entry.duration_s,
        notes=entry.notes,
        follow_up_on=entry.follow_up_on,
        response=entry.response(),
    )


def confirmation(result: LogResult, entry: LogEntry, official_name: str) -> state.Notice:
    """What to tell the coordinator after a submit (plain text; the caller escapes it)."""
    if not result.created:
        return state.Notice(
            "info", f"Already saved as attempt #{result.attempt_id} — not saved twice."
        )
    text = (
        f"Saved attempt #{result.attempt_id}: {entry.channel} to {official_name}, {entry.outcome}."
    )
    if result.completed_follow_up_ids:
        ids = ", ".join(f"#{i}" for i in result.completed_follow_up_ids)
        text += f" Completed follow-up {ids}."
    if result.follow_up_id is not None and entry.follow_up_on is not None:
        text += f" Follow-up #{result.follow_up_id} due {entry.follow_up_on.isoformat()}."
    return state.Notice("success", text)


def reply_time(received_on: date, attempt_at: datetime, now_utc: datetime) -> datetime:
    """When a later reply counts as received: noon UTC that day, the attempt's own time
    when it came the same day, and never later than now."""
    if received_on == attempt_at.date():
        when = attempt_at
    else:
        when = datetime.combine(received_on, NOON, tzinfo=UTC)
    return min(when, now_utc)


@dataclass(frozen=True)
class ReplyEntry:
    attempt_id: int
    stance: Stance | None
    summary: str
    received_on: date
    commitment_on: date | None
    actor_id: int


def save_reply(session: Session, entry: ReplyEntry, attempt_at: datetime, now_utc: datetime) -> int:
    """Record a later reply against the attempt it answers; returns the response id."""
    if entry.stance is None:
        raise InvalidInput("Pick the stance of the reply.")
    response = ResponseInput(
        stance=entry.stance,
        summary=entry.summary,
        responded_at=reply_time(entry.received_on, attempt_at, now_utc),
        commitment_on=entry.commitment_on,
    )
    return record_response(
        session, attempt_id=entry.attempt_id, response=response, actor_id=entry.actor_id
    )
