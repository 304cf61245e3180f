"""Officials page, for admins: the suspect contact points (two or more failed attempts in
a row, models.freshness), each with a button to mark it verified after checking it."""

from __future__ import annotations

import streamlit as st

from models.freshness import SuspectPoint, mark_verified
from models.permissions import PermissionDenied
from models.phones import format_international
from models.text import InvalidInput
from models.vocab import ContactKind
from pages.ui import cache, render, state
from pages.ui.guard import acting_user_id

NOTICE = "suspect_points:notice"


def describe(point: SuspectPoint) -> str:
    """One suspect point as plain text."""
    value = point.value
    if point.kind in (ContactKind.PHONE, ContactKind.FAX):
        value = format_international(value)
    verified = (
        "never verified"
        if point.verified_at is None
        else f"last verified {point.verified_at:%Y-%m-%d}"
    )
    label = f" ({point.label})" if point.label else ""
    return (
        f"{point.official} · {point.kind} {value}{label} · "
        f"{point.failures_in_a_row} failed attempts in a row · {verified}"
    )


def verify(point_id: int, shown: str) -> None:
    """Callback of Mark verified."""
    try:
        cache.write(
            lambda session: mark_verified(
                session, contact_point_id=point_id, actor_id=acting_user_id()
            ),
            changes=(cache.DIRECTORY,),
        )
    except (InvalidInput, PermissionDenied) as exc:
        state.put(NOTICE, state.Notice("error", str(exc)))
        return
    state.put(NOTICE, state.Notice("success", f"Marked verified: {shown}."))


def draw() -> None:
    suspects = cache.suspect_points()
    with st.expander(f"Suspect contact points ({len(suspects)})", expanded=bool(suspects)):
        render.show_notice(NOTICE)
        if not suspects:
            st.caption("No contact point has failed twice in a row.")
        st.caption(
            "Two “wrong or dead number” or “failed to send” outcomes in a row make a contact "
            "point suspect: Log outreach warns and offers it last. Check it, correct it under "
            "the official's contact points, or mark it verified."
        )
        for point in suspects:
            text, action = st.columns([4, 1], vertical_alignment="center")
            shown = describe(point)
            text.text(shown)
            action.button(
                "Mark verified",
                key=f"verify:{point.contact_point_id}",
                on_click=verify,
                args=(point.contact_point_id, shown),
            )
