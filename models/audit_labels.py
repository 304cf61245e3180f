"""Audit events in words: what an (action, entity) pair means, who did it, to what.

The audit table stores codes (``create`` on ``attempt``, ``sign_in`` on ``user``) so that
they never change; people read "logged attempt" and "signed in". A code this table does
not know yet is shown as it is stored, so a new command is never hidden.
"""

from __future__ import annotations

# The pairs that the commands write (models/*.py: record_event and insert_event calls).
ACTION_LABELS: dict[tuple[str, str], str] = {
    ("sign_in", "user"): "signed in",
    ("sign_in_failed", "user"): "failed sign-in",
    ("lockout", "user"): "account locked after failed sign-ins",
    ("unlock", "user"): "unlocked account",
    ("sign_out", "user_session"): "signed out",
    ("session_expired", "user_session"): "session expired",
    ("session_deactivated", "user_session"): "session ended (account deactivated)",
    ("create", "user"): "added user",
    ("update", "user"): "changed role",
    ("activate", "user"): "activated user",
    ("deactivate", "user"): "deactivated user",
    ("set_password", "user"): "set password",
    ("create", "attempt"): "logged attempt",
    ("update", "attempt"): "corrected attempt",
    ("delete", "attempt"): "deleted attempt",
    ("restore", "attempt"): "restored attempt",
    ("create", "response"): "recorded response",
    ("delete", "response"): "removed response",
    ("create", "follow_up"): "scheduled follow-up",
    ("snooze", "follow_up"): "snoozed follow-up",
    ("reassign", "follow_up"): "reassigned follow-up",
    ("cancel", "follow_up"): "cancelled follow-up",
    ("reopen", "follow_up"): "reopened follow-up",
    ("create", "official"): "added official",
    ("update", "official"): "edited official",
    ("archive", "official"): "archived official",
    ("unarchive", "official"): "unarchived official",
    ("create", "contact_point"): "added contact point",
    ("update", "contact_point"): "edited contact point",
    ("delete", "contact_point"): "removed contact point",
    ("restore", "contact_point"): "restored contact point",
    ("verify", "contact_point"): "verified contact point",
    ("create", "campaign"): "created campaign",
    ("update", "campaign"): "edited campaign",
    ("set_status", "campaign"): "changed campaign status",
    ("add_target", "campaign"): "added target to campaign",
    ("remove_target", "campaign"): "removed target from campaign",
    ("set_tier", "campaign"): "changed target's tier",
    ("seed", "campaign"): "loaded the seed campaign",
    ("demo", "campaign"): "made demo history",
    ("demo_remove", "campaign"): "removed demo history",
    ("backup", "database"): "backed up the database",
    ("restore", "database"): "restored the database",
    ("denied", "permission"): "refused (not allowed)",
}
# Actions whose entity names what was handled (exports: "attempts", "summary by week").
ACTION_ON: dict[str, str] = {"export": "exported", "import": "imported"}
SYSTEM = "system"  # no signed-in actor: cli.py, or the sign-in form before anyone is in


def action_label(action: str, entity: str) -> str:
    """``logged attempt`` for (``create``, ``attempt``); unknown pairs as stored."""
    known = ACTION_LABELS.get((action, entity))
    if known is not None:
        return known
    if action in ACTION_ON:
        return f"{ACTION_ON[action]} {entity_word(entity)}"
    return f"{action} {entity}"


def entity_word(entity: str) -> str:
    return entity.replace("_", " ")


def person(display_name: str | None, name: str | None) -> str:
    """``Alex Moreau (alex moreau)``; the user name alone when it is all there is to say."""
    if name is None:
        return display_name or ""
    if not display_name or display_name == name:
        return name
    return f"{display_name} ({name})"


def actor_label(display_name: str | None, name: str | None) -> str:
    return person(display_name, name) if name is not None else SYSTEM


def record_label(entity: str, entity_id: int | None, name: str | None) -> str:
    """What the event was about: ``user Alex (alex)``, ``attempt #12``, ``attempts``."""
    word = entity_word(entity)
    if name:
        return f"{word} {name}"
    if entity_id is None:
        return word
    return f"{word} #{entity_id}"
