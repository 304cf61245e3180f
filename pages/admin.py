"""Admin: accounts and roles, the audit log, restoring deleted attempts, and backups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import streamlit as st
from sqlalchemy.orm import Session

from models import accounts
from models.audit_queries import AUDIT_LIMIT, AuditFilter
from models.corrections import restore_attempt
from models.permissions import PermissionDenied
from models.text import InvalidInput
from models.vocab import Role
from pages.ui import admin_backup, admin_io, cache, render
from pages.ui.guard import guard

user = guard("admin")
st.title("Admin")


def attempt(action: str, work: Callable[[Session], object], changes: tuple[str, ...]) -> None:
    """Run an admin write, showing success or the refusal; user text never as Markdown."""
    try:
        cache.write(work, changes=changes)
    except (InvalidInput, PermissionDenied) as exc:
        render.error(str(exc))
        return
    st.success(action)


users_tab, audit_tab, deleted_tab, backup_tab = st.tabs(
    ["Users", "Audit log", "Deleted attempts", "Backup"]
)

with users_tab:
    people = admin_io.accounts_list()
    render.table(admin_io.accounts_table(people))
    with st.form("add_user", clear_on_submit=False):
        st.subheader("Add a user")
        name = st.text_input("User name", key="new_user_name")
        display = st.text_input("Full name", key="new_user_display")
        role = st.selectbox("Role", list(Role), index=1, key="new_user_role")
        password = st.text_input("Initial password (12+ characters)", type="password")
        if st.form_submit_button("Add user"):
            attempt(
                f"Added {name.strip()}.",
                lambda s: accounts.create_account(
                    s,
                    name=name,
                    password=password,
                    role=Role(role or Role.COORDINATOR),
                    display_name=display,
                    actor_id=user.id,
                ),
                (cache.PEOPLE,),
            )
    by_id = {a.id: a for a in people}
    if by_id:
        st.subheader("Change a user")
        picked = st.selectbox(
            "User", list(by_id), format_func=lambda i: by_id[i].name, key="admin_pick_user"
        )
        chosen = by_id[picked]
        new_role = st.selectbox(
            "New role", list(Role), index=list(Role).index(chosen.role), key="admin_new_role"
        )
        left, right = st.columns(2)
        if left.button("Change role"):
            attempt(
                f"{chosen.name} is now {new_role}.",
                lambda s: accounts.change_role(
                    s, chosen.id, Role(new_role or chosen.role), actor_id=user.id
                ),
                (cache.PEOPLE,),
            )
        label = "Deactivate" if chosen.is_active else "Activate"
        if right.button(label):
            attempt(
                f"{chosen.name}: {label.lower()}d.",
                lambda s: accounts.set_active(s, chosen.id, not chosen.is_active, actor_id=user.id),
                (cache.PEOPLE,),
            )

with audit_tab:
    actions, entities = admin_io.audit_vocabulary()
    left, middle, right = st.columns(3)
    days = left.number_input("Days back", min_value=1, max_value=3650, value=30)
    picked_actions = middle.multiselect("Actions", actions)
    picked_entities = right.multiselect("Records", entities)
    today = datetime.now(UTC).date()
    log = admin_io.audit_log(
        AuditFilter(
            date_from=today - timedelta(days=int(days)),
            actions=tuple(picked_actions),
            entities=tuple(picked_entities),
        )
    )
    st.caption(f"{len(log)} event(s), newest first (at most {AUDIT_LIMIT}).")
    render.table(log)

with deleted_tab:
    deleted = admin_io.deleted_attempts()
    if deleted.empty:
        st.info("No deleted attempts.")
    else:
        render.table(deleted)
        chosen_attempt = st.selectbox(
            "Deleted attempt", list(deleted["attempt_id"]), key="restore_pick"
        )
        if st.button("Restore attempt"):
            attempt(
                f"Restored attempt #{chosen_attempt}.",
                lambda s: restore_attempt(s, int(chosen_attempt), actor_id=user.id),
                (cache.ACTIVITY,),
            )

with backup_tab:
    admin_backup.backup_section(user.id)
