"""Campaigns: what each one asks, its call script and whom it targets; admins manage them."""

from __future__ import annotations

import streamlit as st

from models.permissions import Permission
from pages.ui import alert_import, auth, cache, cadence_form, campaign_forms, campaign_view
from pages.ui.guard import guard


def draw_campaigns(*, manage: bool) -> None:
    """The list, one campaign's details and, for admins, its edit, targets and status."""
    campaigns = cache.campaign_list()
    if campaigns.empty:
        st.info("There are no campaigns yet. `python cli.py seed` loads the first one.")
        return
    view = campaign_view.pick_campaign(campaigns)
    if view is None:
        return
    targets = cache.campaign_targets(view.id)
    campaign_view.draw_details(view, targets)
    if not manage:
        return
    edit, target_tab, status, cadence = st.tabs(
        ["Edit details", "Targets", "Open or close", "Cadence and limits"]
    )
    with edit:
        campaign_forms.draw_edit(view)
    with target_tab:
        campaign_forms.draw_targets(view, targets)
    with status:
        campaign_forms.draw_status(view)
    with cadence:
        cadence_form.draw(view)


user = guard("campaigns")
st.title("Campaigns")
if not auth.may(user, Permission.MANAGE_DIRECTORY):
    draw_campaigns(manage=False)  # everyone signed in reads; only admins write
    st.stop()

# Admins: one tab per way to work on campaigns.
listing, new, from_alert = st.tabs(["Campaigns", "New campaign", "From an alert"])
with listing:
    draw_campaigns(manage=True)
with new:
    campaign_forms.draw_new_campaign()
with from_alert:
    alert_import.draw()
