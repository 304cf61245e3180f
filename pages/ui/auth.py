"""Sign-in for every page: who is signed in, the sign-in form, sign-out, role checks.

The browser session keeps only a random token (in Streamlit's server-side session
state); the database keeps its hash, the idle clock and the failure counters. The user
is re-read on every run, so deactivation or a role change applies on the next click.
"""

from __future__ import annotations

import streamlit as st

from models import accounts
from models.accounts import CurrentUser
from models.permissions import Permission, allowed
from pages.ui import cache, state

FIRST_ADMIN_COMMAND = ".venv/bin/python cli.py user add NAME --role admin"


def current_user() -> CurrentUser | None:
    """The signed-in user of this browser session, or None (never cached)."""
    token = st.session_state.get(state.AUTH)
    if not isinstance(token, str):
        return None
    # A read first: only a run that touches the idle clock (once a minute) or ends the
    # session takes the write lock, so page runs do not queue behind coordinators' saves.
    user, must_write = cache.read(lambda session: accounts.peek(session, token))
    if must_write:
        user = cache.write(lambda session: accounts.resume(session, token), changes=())
    if user is None:
        st.session_state.pop(state.AUTH, None)
        st.session_state[state.AUTH_NOTICE] = "Your session ended. Please sign in again."
    return user


def may(user: CurrentUser | None, permission: Permission) -> bool:
    return user is not None and allowed(user.role, permission)


def require_user(permission: Permission) -> CurrentUser:
    """The signed-in user allowed ``permission``; otherwise show sign-in or a refusal and stop."""
    user = current_user()
    if user is None:
        sign_in_form()
        st.stop()
    if not allowed(user.role, permission):
        st.error(f"Your role ({user.role}) does not allow this page: {permission.value}.")
        st.stop()
    return user


def sign_in_form() -> None:
    """The sign-in form, or, when no account exists yet, how to create the first admin."""
    st.title("Outreach Tracker")
    ready = cache.read(accounts.has_accounts)
    if not ready:
        st.warning("No account exists yet. An administrator creates the first one on the server:")
        st.code(FIRST_ADMIN_COMMAND, language="bash")
        return
    notice = st.session_state.pop(state.AUTH_NOTICE, None)
    if isinstance(notice, str):
        st.info(notice)
    with st.form("sign_in", enter_to_submit=True):
        name = st.text_input("User name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        _attempt_sign_in(name, password)


def _attempt_sign_in(name: str, password: str) -> None:
    result = cache.write(lambda session: accounts.sign_in(session, name, password), changes=())
    if result.token is None:
        st.error(result.message)
        return
    st.session_state[state.AUTH] = result.token
    st.rerun()  # the same URL, now signed in: a deep link lands where it asked


def sign_out() -> None:
    token = st.session_state.pop(state.AUTH, None)
    ended = token if isinstance(token, str) else None
    cache.write(lambda session: accounts.sign_out(session, ended), changes=())
    st.session_state.clear()


def sidebar(user: CurrentUser) -> None:
    """Who is signed in, and the sign-out button (user text shown as plain text)."""
    with st.sidebar:
        st.caption("Signed in as")
        st.text(f"{user.display_name} ({user.role})")
        st.button("Sign out", on_click=sign_out, key="sign_out")
