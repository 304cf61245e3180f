"""Campaigns: what each one asks, its call script and whom it targets (read-only for now)."""

from __future__ import annotations

import streamlit as st

from pages.ui import cache, render
from pages.ui.guard import guard

user = guard("campaigns")
st.title("Campaigns")
campaigns = cache.campaign_options(include_closed=True)
if not campaigns:
    st.info("There are no campaigns yet. `python cli.py seed` loads the first one.")
    st.stop()

for option in campaigns:
    view = cache.campaign_view(option.id)
    if view is None:
        continue
    st.subheader(render.md_escape(view.name))
    if view.is_demo:
        st.caption("Demo data: synthetic, for trying the charts.")
    if view.description:
        st.markdown(render.md_escape(view.description))
    if view.ask:
        st.markdown("**The ask:** " + render.md_escape(view.ask))
    with st.expander("Call script"):
        st.markdown(view.call_script or "_No call script yet._")
    targets = cache.official_options(view.id)
    st.markdown(f"**Targets ({len(targets)})**")
    for target in targets:
        st.markdown("- " + render.md_escape(target.label))
    st.divider()
