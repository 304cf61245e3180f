"""Admin: accounts and roles, the audit log, restoring deleted attempts, and backups."""

from __future__ import annotations

import streamlit as st

from models.corrections import restore_attempt
from models.permissions import PermissionDenied
from models.text import InvalidInput
from pages.ui import admin_audit, admin_backup, admin_io, admin_users, cache, render
from pages.ui.guard import guard

user = guard("admin")
st.title("Admin")

users_tab, audit_tab, deleted_tab, backup_tab = st.tabs(
    ["Users", "Audit log", "Deleted attempts", "Backup"]
)

with users_tab:
    admin_users.users_section(user.id)

with audit_tab:
    admin_audit.audit_section(user.id)

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
            try:
                cache.write(
                    lambda s: restore_attempt(s, int(chosen_attempt), actor_id=user.id),
                    changes=(cache.ACTIVITY,),
                )
            except (InvalidInput, PermissionDenied) as exc:
                render.error(str(exc))
            else:
                st.success(f"Restored attempt #{chosen_attempt}.")

with backup_tab:
    admin_backup.backup_section(user.id)
