"""Session-state keys as constants, and typed getters: the only place keys are spelled.

Only plain values live here (ids, text, dates, small frozen records), never ORM objects
or database sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import streamlit as st

if TYPE_CHECKING:
    from models.entries import AttemptEntry

# Shared across pages.
USER = "signed_in_user"  # CurrentUser of this run (ids and names only, set by guard)
AUTH = "auth_session"  # the sign-in token of this browser session
AUTH_NOTICE = "auth_notice"  # why the user was signed out, shown once on the sign-in form
PENDING_TARGET = "pending_log_target"  # (campaign_id, official_id) handed to Log outreach
ENTRY_FILTERS = "entry_filters"  # Filters drawn by dashboard.py during this run only

# Shared sidebar filters (widget keys).
FILTER_DATES = "filter_dates"
FILTER_CAMPAIGNS = "filter_campaigns"
FILTER_CHANNELS = "filter_channels"
FILTER_OFFICIALS = "filter_officials"
FILTER_COORDINATORS = "filter_coordinators"
FILTER_PROBLEMS = "filter_problems"  # what the opening link asked for that was ignored

# Insights: the open tab of the heavier figures (only the open one is counted and drawn).
INSIGHTS_TAB = "insights_tab"
FOLLOW_THROUGH_OPEN = "follow_through_open"  # Insights' follow-through block is expanded
FOLLOW_THROUGH_TAB = "follow_through_tab"  # the open tab of Insights' follow-through block

# Log outreach: the pickers outside the form.
LOG_CAMPAIGN = "log_campaign"
LOG_OFFICIAL = "log_official"
LOG_CHANNEL = "log_channel"
# Log outreach: the form and its fields.
LOG_FORM = "log_form"
LOG_CONTACT = "log_contact"
LOG_OUTCOME = "log_outcome"
LOG_DURATION = "log_duration"
LOG_WHEN_DAY = "log_when_day"
LOG_WHEN_TIME = "log_when_time"
LOG_NOTES = "log_notes"
LOG_FOLLOW_UP = "log_follow_up"
LOG_RESPONDED = "log_responded"
LOG_STANCE = "log_stance"
LOG_SUMMARY = "log_summary"
LOG_COMMITMENT = "log_commitment"
LOG_CALL_BACK = "log_call_back"
# Log outreach: the submission's identity and what the last save said.
LOG_KEY = "log_idempotency_key"
LOG_SAVED = "log_saved"
LOG_NOTICE = "log_notice"
LOG_REPEAT = "log_repeat_notice"  # a repeat of the saved submission
LOG_TWIN = "log_twin"  # a PendingTwin: the entry held back as the same call saved elsewhere
LOG_TWIN_SAVE = "log_twin_save"  # its "Save it as another attempt" button
LOG_OWN = "log_own_attempts"  # ids this session saved or was asked about and confirmed
# Log outreach: a later reply.
CORRECTION_PICK = "correction_pick"
CORRECTION_FORM = "correction_form"
CORRECTION_NOTICE = "correction_notice"
REPLY_FORM = "reply_form"
REPLY_ATTEMPT = "reply_attempt"
REPLY_STANCE = "reply_stance"
REPLY_SUMMARY = "reply_summary"
REPLY_DATE = "reply_date"
REPLY_TIME = "reply_time"
REPLY_COMMITMENT = "reply_commitment"
REPLY_NOTICE = "reply_notice"

# Follow-ups.
FOLLOW_UP_NOTICE = "follow_up_notice"
FOLLOW_UP_TAB = "follow_up_tab"  # Mine or Team (only the open tab runs)
FOLLOW_UP_HORIZON = "follow_up_horizon"  # days ahead the Upcoming section reaches

# Officials.
OFFICIAL_PICK = "official_pick"
OFFICIAL_NOTICE = "official_notice"
NEW_OFFICIAL_FORM = "new_official_form"
EDIT_OFFICIAL_FORM = "edit_official_form"
NEW_CONTACT_FORM = "new_contact_form"
EDIT_CONTACT_FORM = "edit_contact_form"
CONTACT_PICK = "contact_pick"
ARCHIVE_FORM = "archive_form"
SHOW_ARCHIVED = "show_archived"
RESTORE_CONTACT = "restore_contact"  # prefix of the contact points' Restore buttons' keys
UNARCHIVE = "unarchive"  # prefix of the Unarchive buttons' keys, one per official

# Campaigns.
CAMPAIGN_PICK = "campaign_pick"
CAMPAIGN_NOTICE = "campaign_notice"
NEW_CAMPAIGN_FORM = "new_campaign_form"
EDIT_CAMPAIGN_FORM = "edit_campaign_form"
CAMPAIGN_STATUS_FORM = "campaign_status_form"
ADD_TARGETS_FORM = "add_targets_form"
EDIT_TARGET_FORM = "edit_target_form"
TARGET_PICK = "target_pick"

# Admin.
ADD_USER_FORM = "add_user_form"
ADD_USER_NOTICE = "add_user_notice"
ADMIN_PICK_USER = "admin_pick_user"
ADMIN_NEW_ROLE = "admin_new_role"  # prefix: one per user, so a pick never shows another's
ADMIN_CHANGE_NOTICE = "admin_change_notice"
RESET_FORM = "reset_form"  # an admin sets a new password for the picked user
RESET_NOTICE = "reset_notice"
AUDIT_PAGE = "audit_page"  # prefix: one per audit filter

NoticeKind = Literal["success", "info", "warning", "error"]


@dataclass(frozen=True)
class Notice:
    """A message to show again on the next run (a save's confirmation)."""

    kind: NoticeKind
    text: str


@dataclass(frozen=True)
class SavedEntry:
    """The last attempt this session saved: its key and the values it was saved with."""

    key: str
    fingerprint: tuple[object, ...]
    attempt_id: int


@dataclass(frozen=True)
class PendingTwin:
    """An entry not saved because it repeats ``attempt_id``, saved ``saved_at`` elsewhere."""

    entry: AttemptEntry
    attempt_id: int
    saved_at: datetime


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def drop(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)


def pending_target() -> tuple[int, int] | None:
    value = st.session_state.get(PENDING_TARGET)
    if isinstance(value, tuple) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None


def notice(key: str) -> Notice | None:
    value = st.session_state.get(key)
    return value if isinstance(value, Notice) else None


def pending_twin() -> PendingTwin | None:
    value = st.session_state.get(LOG_TWIN)
    return value if isinstance(value, PendingTwin) else None


def own_attempts() -> frozenset[int]:
    value = st.session_state.get(LOG_OWN)
    return value if isinstance(value, frozenset) else frozenset()


def add_own_attempt(attempt_id: int) -> None:
    st.session_state[LOG_OWN] = own_attempts() | {attempt_id}


def saved_entry() -> SavedEntry | None:
    value = st.session_state.get(LOG_SAVED)
    return value if isinstance(value, SavedEntry) else None


def field_key(form: str, field: str, scope: object = "") -> str:
    """The widget key of ``field`` in ``form``, per record ``scope`` and fresh copy of the form."""
    return f"{form}:{scope}:{generation(form)}:{field}"


def generation(form: str) -> int:
    value = st.session_state.get(f"{form}:generation", 0)
    return value if isinstance(value, int) else 0


def clear_form(form: str) -> None:
    """Give ``form`` new, empty widgets on the next run (after a successful save)."""
    st.session_state[f"{form}:generation"] = generation(form) + 1


def field(form: str, name: str, scope: object = "") -> Any:
    """The value of a form field, read in the form's submit callback."""
    return st.session_state.get(field_key(form, name, scope))
