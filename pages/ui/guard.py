"""The one-line guard that dashboard.py and every page start with.

A page opened by a deep link right after the server starts runs without dashboard.py,
so nothing a page needs may depend on dashboard.py having run: the guard sets it up,
shows only the sign-in form to anyone not signed in, and refuses a role the page is
not for (the navigation does not list such pages, but a URL can still reach them).
"""

from __future__ import annotations

from contextlib import nullcontext

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from models.accounts import CurrentUser
from pages.ui import auth, nav, state


def guard(url_path: str) -> CurrentUser:
    """The signed-in user allowed on the page at ``url_path``; otherwise sign-in, and stop."""
    st.set_page_config(layout="wide")  # also when a deep link skipped dashboard.py
    _leave_pages_directory_mode()
    user = auth.require_user(nav.page(url_path).permission)
    state.put(state.USER, user)
    auth.sidebar(user)
    return user


def _leave_pages_directory_mode() -> None:
    """Hide Streamlit's own list of the files in pages/, and end the mode that shows it.

    Until some session has run dashboard.py after a server start, Streamlit (1.67)
    runs a deep-linked page file by itself and lists every file in pages/ in the
    sidebar, to anyone. Calling st.navigation ends that mode for the whole process
    (later runs go through dashboard.py) and sends a hidden list in place of that one.
    """
    if not PagesManager.uses_pages_directory:
        return
    entry = st.Page(nav.ROOT / "dashboard.py", default=True, visibility="hidden")
    pages = [st.Page(spec.path, title=spec.label, url_path=spec.url_path) for spec in nav.PAGES]
    ctx = get_script_run_ctx()
    # st.navigation makes the main script the active one for the rest of the run; the
    # page stays active instead, so its widgets get the ids that the next run (through
    # dashboard.py) gives them, and the sign-in form's submit is not lost.
    with ctx.run_with_active_hash(ctx.page_script_hash) if ctx else nullcontext():
        st.navigation([entry, *pages], position="hidden")


def acting_user_id() -> int:
    """The id of the signed-in user, as whom this run's writes are made and audited."""
    user = state.get(state.USER)
    if not isinstance(user, CurrentUser):
        raise RuntimeError("acting_user_id() called before guard()")
    return user.id
