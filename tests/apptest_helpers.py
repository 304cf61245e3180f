"""Shared helpers for the Streamlit page tests (AppTest): open a page, find widgets, read text."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button, ElementList, Widget, WidgetList

from models import accounts
from models.db import make_engine, session_scope
from models.markdown_safety import WORD_JOINER
from models.seed import SeedReport, seed
from models.vocab import Role
from pages.ui import state
from pages.ui.nav import page

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"
TIMEOUT_S = 60  # a cold first run imports pandas, Altair and migrates the database


def clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def seed_database(url: str) -> SeedReport:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return seed(session)
    finally:
        engine.dispose()


TEST_PASSWORD = "a test passphrase, long enough"


def ensure_account(role: Role, name: str | None = None) -> int:
    """An account with ``role`` in the database the app is pointed at (DATABASE_URL)."""
    name = name or f"test {role}"
    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        with session_scope(engine) as session:
            found = accounts.find_user_id(session, name)
            if found is not None:
                return found
            return accounts.create_account(
                session, name=name, password=TEST_PASSWORD, role=role, actor_id=None
            )
    finally:
        engine.dispose()


def signed_in(at: AppTest, role: Role | None = Role.ADMIN, name: str | None = None) -> AppTest:
    """``at`` with a signed-in session of a user of ``role`` (as the sign-in form leaves it).

    ``role=None`` leaves the session anonymous.
    """
    if role is None:
        return at
    user_name = name or f"test {role}"
    ensure_account(role, user_name)
    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        with session_scope(engine) as session:
            token = accounts.sign_in(session, user_name, TEST_PASSWORD).token
    finally:
        engine.dispose()
    assert token is not None
    at.session_state[state.AUTH] = token
    return at


def open_app(url_path: str = "log", role: Role | None = Role.ADMIN) -> AppTest:
    """The app started at its entry point, signed in as ``role``, on the page at ``url_path``."""
    at = signed_in(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S), role).run()
    if url_path != "log":
        at.switch_page(page(url_path).file).run()
    return at


def open_page_file(url_path: str, role: Role | None = Role.ADMIN) -> AppTest:
    """A page file run on its own, as a deep link does before dashboard.py has ever run."""
    return signed_in(AppTest.from_file(page(url_path).path, default_timeout=TIMEOUT_S), role).run()


def go(at: AppTest, url_path: str) -> AppTest:
    return at.switch_page(page(url_path).file).run()


def button(at: AppTest, label: str) -> Button:
    """The one button (plain or form submit) labelled ``label``."""
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, (
        f"{len(found)} buttons labelled {label!r}: {[b.label for b in at.button]}"
    )
    return found[0]


def widget(widgets: WidgetList[Widget] | ElementList[Widget], label: str) -> Widget:
    found = [w for w in widgets if getattr(w, "label", None) == label]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}"
    return found[0]


def unescape(markdown: str) -> str:
    """Markdown with backslash escapes and the invisible word joiners of
    models.markdown_safety removed: the text a person sees."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def texts(elements: Iterable[Any]) -> list[str]:
    return [unescape(str(getattr(e, "value", ""))) for e in elements]


def markdown_texts(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.markdown]


def widget_labels(at: AppTest) -> set[str]:
    """The labels of every widget on the page."""
    groups = (
        at.selectbox, at.multiselect, at.text_input, at.text_area, at.number_input,
        at.date_input, at.time_input, at.checkbox, at.toggle, at.button, at.button_group,
    )  # fmt: skip
    return {str(w.label) for group in groups for w in group}


def app_engine(url: str) -> Engine:
    return make_engine(url)
