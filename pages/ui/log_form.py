"""Log outreach's glue: widget keys, the submission key, and what to say after a save.

**Widgets whose options depend on another widget get keys made from what they depend
on** (RELIABILITY.md: a keyed selectbox whose options changed kept showing the old
choice in Chromium while the script received another). Contact used depends on the
official and the channel, Outcome on the channel, the proposed Follow up on date on the
official and the outcome: when one of those changes, the dependent widget is a new
widget, drawn with a valid default that is exactly what the script reads.

Streamlit does not stop double submission: a second click reaches the server during
the first one's rerun. So every submission carries an idempotency key made when the form
is first drawn, and the key is kept after a save until the coordinator starts the next
entry. A submit whose values differ from the saved ones (a field edited after saving)
is a new attempt and gets a new key first.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from models.commands import LogResult
from models.entries import AttemptEntry
from pages.ui import state
from pages.ui.history_view import both_times

NOT_RECORDED = 0  # the "— not recorded —" choice of Contact used

# What the Log page says when every retry met another writer (the form stays as typed).
BUSY = (
    "Not saved yet: the database stayed busy with other saves. Everything you typed is "
    "still here; press Log attempt again."
)


# The button under the warning of :func:`twin_warning`: save the held-back entry all the same.
SAVE_TWIN = "Save it as another attempt"


def generation() -> int:
    """Which fresh copy of the per-attempt fields is drawn ("Log another attempt" moves it)."""
    return state.generation(state.LOG_FORM)


def official_key(campaign_id: int) -> str:
    return f"{state.LOG_OFFICIAL}:{campaign_id}"


def outcome_key(channel: object) -> str:
    return f"{state.LOG_OUTCOME}:{channel}:{generation()}"


def contact_key(official_id: int, channel: object) -> str:
    return f"{state.LOG_CONTACT}:{official_id}:{channel}:{generation()}"


def follow_up_key(official_id: int, outcome: object) -> str:
    return f"{state.LOG_FOLLOW_UP}:{official_id}:{outcome}:{generation()}"


def field_key(name: str) -> str:
    """The key of a per-attempt field that depends on nothing else (Notes, When, ...)."""
    return f"{name}:{generation()}"


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
    state.drop(
        state.LOG_SAVED, state.LOG_NOTICE, state.LOG_REPEAT, state.LOG_TWIN, state.REPLY_NOTICE
    )


def log_another() -> None:
    """Callback of "Log another attempt": fresh, empty per-attempt fields and a new key."""
    state.clear_form(state.LOG_FORM)
    state.put(state.LOG_KEY, new_key())
    state.drop(state.LOG_SAVED, state.LOG_NOTICE, state.LOG_REPEAT, state.LOG_TWIN)


def twin_warning(twin: state.PendingTwin, own_zone: str, official_zone: str) -> str:
    """Why an entry was held back as the same call saved in another tab (plain text)."""
    when = both_times(twin.saved_at, own_zone, official_zone)
    return (
        f"Not saved: this is the same call as attempt #{twin.attempt_id}, which you saved "
        f"at {when}, probably in another tab or on another device (same official, channel, "
        "contact, outcome and notes). If you really made a second call, press "
        f"“{SAVE_TWIN}”."
    )


def confirmation(
    result: LogResult,
    entry: AttemptEntry,
    official_name: str,
    *,
    occurred_at: datetime,
    own_zone: str,
    official_zone: str,
) -> state.Notice:
    """What to tell the coordinator after a submit: everything that was saved (plain text)."""
    if not result.created:
        return state.Notice(
            "info", f"Already saved as attempt #{result.attempt_id} — not saved twice."
        )
    when = both_times(occurred_at, own_zone, official_zone)
    text = (
        f"Saved attempt #{result.attempt_id}: {entry.channel} to {official_name}, "
        f"{entry.outcome}. When: {when}."
    )
    if result.completed_follow_up_ids:
        ids = ", ".join(f"#{i}" for i in result.completed_follow_up_ids)
        text += f" Completed follow-up {ids}."
    if result.follow_up_id is not None and entry.follow_up_on is not None:
        at = "" if entry.call_back_at is None else f" at {entry.call_back_at:%H:%M} their time"
        text += f" Follow-up #{result.follow_up_id} due {entry.follow_up_on.isoformat()}{at}."
    else:
        text += " No follow-up."
    if entry.responded and entry.stance is not None:
        text += f" Response recorded: {entry.stance}."
    return state.Notice("success", text)


def now_utc() -> datetime:
    return datetime.now(UTC)
