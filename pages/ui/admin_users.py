"""Admin → Users: the accounts table, adding a user, and changing one (role, active,
password reset, unlock).

Every write runs in its button's callback, before the tab is drawn again, so the table
and the "User" list already show what it changed. A password never stays on screen:
the add form starts empty after a save, and after a refusal it keeps what was typed
except the password. Names are shown as plain text: the notices are ``st.text``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.orm import Session

from models import accounts
from models.accounts import Account
from models.permissions import PermissionDenied
from models.text import InvalidInput
from models.vocab import Role
from pages.ui import admin_io, cache, render, state

ADD = state.ADD_USER_FORM
RESET = state.RESET_FORM


def users_section(actor_id: int) -> None:
    """The accounts table, the add form, then the controls for the picked user."""
    people = admin_io.accounts_list()
    now = datetime.now(UTC)
    render.table(admin_io.accounts_table(people, now))
    add_user_form(actor_id)
    if people:
        change_user(actor_id, people, now)


def _write(notice: str, action: Callable[[Session], object], success: str) -> bool:
    """Run an account write; leave a plain-text notice under ``notice`` saying how it went."""
    try:
        cache.write(action, changes=(cache.PEOPLE,))
    except (InvalidInput, PermissionDenied) as exc:
        state.put(notice, state.Notice("error", str(exc)))
        return False
    state.put(notice, state.Notice("success", success))
    return True


def show_notice(key: str) -> None:
    """The notice left by the last write, once: it belongs to that click."""
    message = state.notice(key)
    if message is not None:
        render.plain_notice(message)
        state.drop(key)


def add_user_form(actor_id: int) -> None:
    def key(name: str) -> str:
        return state.field_key(ADD, name)

    with st.form(f"{ADD}:{state.generation(ADD)}"):
        st.subheader("Add a user")
        st.text_input("User name", max_chars=80, key=key("name"))
        st.text_input("Full name", max_chars=200, key=key("display"))
        st.selectbox("Role", list(Role), index=1, key=key("role"))
        st.text_input("Initial password (12+ characters)", type="password", key=key("password"))
        st.form_submit_button("Add user", on_click=add_user, args=(actor_id,))
    show_notice(state.ADD_USER_NOTICE)


def add_user(actor_id: int) -> None:
    name = str(state.field(ADD, "name") or "")
    role = Role(state.field(ADD, "role") or Role.COORDINATOR)
    password = str(state.field(ADD, "password") or "")
    made: list[int] = []

    def create(session: Session) -> None:
        made.append(
            accounts.create_account(
                session,
                name=name,
                password=password,
                role=role,
                display_name=str(state.field(ADD, "display") or ""),
                actor_id=actor_id,
            )
        )

    st.session_state[state.field_key(ADD, "password")] = ""  # never shown again, either way
    if _write(state.ADD_USER_NOTICE, create, f"Added {' '.join(name.split())} as {role}."):
        state.clear_form(ADD)
        state.put(state.ADMIN_PICK_USER, made[0])  # "Change a user" shows the newcomer


def change_user(actor_id: int, people: list[Account], now: datetime) -> None:
    """Pick a user; change their role, (de)activate, unlock, or reset their password."""
    by_id = {a.id: a for a in people}
    if state.get(state.ADMIN_PICK_USER) not in by_id:
        state.drop(state.ADMIN_PICK_USER)
    st.subheader("Change a user")
    picked = st.selectbox(
        "User", list(by_id), format_func=lambda i: by_id[i].name, key=state.ADMIN_PICK_USER
    )
    chosen = by_id[picked]
    st.text(admin_io.account_state(chosen, now))
    role_key = f"{state.ADMIN_NEW_ROLE}:{chosen.id}"  # per user: never another's choice
    st.selectbox("New role", list(Role), index=list(Role).index(chosen.role), key=role_key)
    role, active, unlock = st.columns(3)
    role.button("Change role", on_click=change_role, args=(actor_id, chosen, role_key))
    label = "Deactivate" if chosen.is_active else "Activate"
    active.button(label, on_click=set_active, args=(actor_id, chosen))
    stuck = chosen.locked(now) or chosen.failed_sign_ins > 0
    unlock.button("Unlock", on_click=unlock_user, args=(actor_id, chosen), disabled=not stuck)
    show_notice(state.ADMIN_CHANGE_NOTICE)
    reset_password_form(actor_id, chosen)


def change_role(actor_id: int, chosen: Account, role_key: str) -> None:
    role = Role(state.get(role_key) or chosen.role)
    _write(
        state.ADMIN_CHANGE_NOTICE,
        lambda s: accounts.change_role(s, chosen.id, role, actor_id=actor_id),
        f"{chosen.name} is now {role}.",
    )


def set_active(actor_id: int, chosen: Account) -> None:
    active = not chosen.is_active
    _write(
        state.ADMIN_CHANGE_NOTICE,
        lambda s: accounts.set_active(s, chosen.id, active, actor_id=actor_id),
        f"{chosen.name} is {'active again' if active else 'deactivated; their sessions ended'}.",
    )


def unlock_user(actor_id: int, chosen: Account) -> None:
    done: list[bool] = []
    ok = _write(
        state.ADMIN_CHANGE_NOTICE,
        lambda s: done.append(accounts.unlock(s, chosen.id, actor_id=actor_id)),
        f"{chosen.name} is unlocked and can sign in again.",
    )
    if ok and not done[0]:
        state.put(state.ADMIN_CHANGE_NOTICE, state.Notice("info", f"{chosen.name} was not locked."))


def reset_password_form(actor_id: int, chosen: Account) -> None:
    def key(name: str) -> str:
        return state.field_key(RESET, name, chosen.id)

    with st.form(f"{RESET}:{chosen.id}:{state.generation(RESET)}"):
        st.markdown("**Reset the password**")
        st.caption("Also lifts a lockout. Their open sessions end; tell them the new one.")
        st.text_input("New password (12+ characters)", type="password", key=key("password"))
        st.text_input("New password again", type="password", key=key("again"))
        st.form_submit_button("Reset password", on_click=reset_password, args=(actor_id, chosen))
    show_notice(state.RESET_NOTICE)


def reset_password(actor_id: int, chosen: Account) -> None:
    password = str(state.field(RESET, "password", chosen.id) or "")
    again = str(state.field(RESET, "again", chosen.id) or "")
    state.clear_form(RESET)  # the typed passwords go, whatever happens next
    if password != again:
        message = "The two passwords differ; nothing was changed. Type them again."
        state.put(state.RESET_NOTICE, state.Notice("error", message))
        return
    _write(
        state.RESET_NOTICE,
        lambda s: accounts.set_password(s, chosen.id, password, actor_id=actor_id),
        f"New password set for {chosen.name}.",
    )
