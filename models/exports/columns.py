"""The documented column lists of the exports (README.md, "CSV schema")."""

from __future__ import annotations

ATTEMPT_COLUMNS: tuple[str, ...] = (
    "attempt_id",
    "occurred_at_utc",
    "campaign",
    "official",
    "organization",
    "channel",
    "contact",
    "outcome",
    "outcome_class",
    "responded",
    "responded_at_utc",
    "coordinator",
    "duration_s",
    "follow_up_on",
    "notes",
    # Added after the documented fifteen, which stay first and in order.
    "stance",
    "response_summary",
)
# The attempts header as the Reports page lists it.
ATTEMPT_HEADER = ", ".join(ATTEMPT_COLUMNS)
OFFICIAL_COLUMNS: tuple[str, ...] = (
    "official",
    "title",
    "organization",
    "timezone",
    "kind",
    "value",
    "label",
    "country",
    "archived",
)
