"""The Campaigns page's read side: the list of campaigns and one campaign's details.

Everything people typed is shown as plain text (``st.text``, or escaped Markdown where a
heading or a list line needs it) except the call script, which is Markdown by design:
admins write it, and Campaigns and Log outreach draw its safe subset the same way.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models.queries import CampaignView
from pages.ui import cache, render, state

LIST_COLUMNS = ["campaign", "status", "starts_on", "ends_on", "targets", "is_demo"]


def pick_campaign(campaigns: pd.DataFrame) -> CampaignView | None:
    """The campaign list as a table, then a picker; the picked campaign (the first by default)."""
    render.table(campaigns[LIST_COLUMNS])
    names = {int(r["campaign_id"]): str(r["campaign"]) for r in campaigns.to_dict("records")}
    if state.get(state.CAMPAIGN_PICK) not in names:
        state.drop(state.CAMPAIGN_PICK)  # deleted, or not made yet: take the first
    picked = st.selectbox(
        "Campaign",
        list(names),
        format_func=lambda i: names.get(i, f"#{i}"),
        key=state.CAMPAIGN_PICK,
    )
    return cache.campaign_view(int(picked)) if picked is not None else None


def dates_line(view: CampaignView, targets: int) -> str:
    """Status, dates and the number of targets (no user text in it)."""
    starts = view.starts_on.isoformat() if view.starts_on else "no start date"
    ends = view.ends_on.isoformat() if view.ends_on else "no end date"
    return f"Status: **{view.status}** · {starts} to {ends} · {targets} target(s)"


def draw_details(view: CampaignView, targets: pd.DataFrame) -> None:
    st.subheader(render.md_escape(view.name))
    st.markdown(dates_line(view, len(targets)))
    if view.is_demo:
        st.caption("Demo data: synthetic, for trying the charts.")
    if view.description:
        st.text(view.description)  # its line breaks kept, nothing interpreted
    if view.ask:
        st.markdown("**The ask:**")
        st.text(view.ask)
    with st.expander("Call script"):
        render.call_script(view.call_script, empty="No call script yet.")
    if view.source_text:
        with st.expander("The alert it was made from"):
            st.text(view.source_text)  # as read: plain text, never Markdown
    st.markdown(f"**Targets ({len(targets)})**")
    if targets.empty:
        st.caption("No target officials yet.")
    for row in targets.to_dict("records"):
        name = str(row["official"])
        if row["organization"]:
            name += f" — {row['organization']}"
        archived = " (archived)" if row["archived"] else ""
        st.markdown(f"- {render.md_escape(name)} · tier {row['tier']}{archived}")
