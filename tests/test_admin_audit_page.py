"""Admin → Audit log: names and words instead of ids and codes, a page at a time, and the
download of every event the filters select (built on the click, audited)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models import accounts
from models.audit import record_event
from models.audit_queries import AUDIT_PAGE, AuditFilter
from models.db import session_scope
from models.exports.audit_log import AUDIT_EXPORT_COLUMNS
from models.tables import AuditEvent
from models.vocab import Role
from pages.ui import downloads
from tests.apptest_helpers import TEST_PASSWORD, ensure_account, open_app, widget

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")

HOSTILE = '=HYPERLINK("http://evil.example") ![x](http://evil.example/x.png) :red[x]'


def audit_table(at: AppTest) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if "record" in d.value.columns]
    assert len(found) == 1
    return found[0]


def test_the_log_shows_names_and_words(app_db: Engine) -> None:
    """A sign-in and an added user read "signed in" and "added user", with the actor's
    full and user name and the record's name; no raw ids or codes."""
    admin = ensure_account(Role.ADMIN)
    with session_scope(app_db) as session:
        accounts.create_account(
            session, name="ada", display_name="Ada Lovelace", password=TEST_PASSWORD,
            role=Role.VIEWER, actor_id=admin,
        )  # fmt: skip
    at = open_app("admin")
    rows = audit_table(at)[["actor", "action", "record"]].values.tolist()

    assert rows[0] == ["test admin", "signed in", "user test admin"]  # open_app signed in
    assert ["test admin", "added user", "user Ada Lovelace (ada)"] in rows
    assert "sign_in" not in set(audit_table(at)["action"])


def test_a_hostile_name_shows_literally_in_the_log(app_db: Engine) -> None:
    """A user named like a formula and Markdown: the table cell holds it as typed, and no
    Markdown element shows it."""
    with session_scope(app_db) as session:
        accounts.create_account(
            session, name="mallory", display_name=HOSTILE, password=TEST_PASSWORD,
            role=Role.VIEWER, actor_id=None,
        )  # fmt: skip
        accounts.sign_in(session, "mallory", TEST_PASSWORD)
    at = open_app("admin")
    table = audit_table(at)

    assert f"{HOSTILE} (mallory)" in set(table["actor"])
    assert [m.value for m in at.markdown if "evil" in str(m.value)] == []


def test_the_log_is_paged(app_db: Engine) -> None:
    """More events than a page: the table holds one page, newest first, and "Page" moves
    to the next one."""
    with session_scope(app_db) as session:
        for n in range(AUDIT_PAGE + 5):
            record_event(
                session, actor_id=None, action="verify", entity="contact_point", entity_id=n
            )
    at = open_app("admin")
    first = audit_table(at)
    widget(at.number_input, "Page").set_value(2)
    second = audit_table(at.run())
    with Session(app_db) as session:
        total = session.scalar(select(func.count(AuditEvent.id)))

    assert len(first) == AUDIT_PAGE
    assert len(second) == (total or 0) - AUDIT_PAGE
    assert list(first["event_id"]) == sorted(first["event_id"], reverse=True)
    assert first["event_id"].min() > second["event_id"].max()


@pytest.mark.usefixtures("app_db")
def test_picking_an_action_narrows_the_log() -> None:
    """The "Actions" filter picks pairs shown in words; "signed in" leaves only sign-ins."""
    at = open_app("admin")
    actions = widget(at.multiselect, "Actions")
    actions.set_value([("sign_in", "user")])
    table = audit_table(at.run())

    assert set(table["action"]) == {"signed in"}


def test_the_download_holds_the_filtered_log_and_is_audited(app_db: Engine) -> None:
    """The button is there; what it builds on the click is the CSV of the events the
    filters select, and the download is an `export` event of the admin on "audit log"."""
    at = open_app("admin")
    admin = ensure_account(Role.ADMIN)
    where = AuditFilter(date_from=datetime.now(UTC).date() - timedelta(days=30))
    with Session(app_db) as session:
        expected = session.scalar(select(func.count(AuditEvent.id)))
    data = downloads.audit_csv(where, actor_id=admin)()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    with Session(app_db) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()

    assert [b.label for b in at.download_button] == ["Download audit log CSV", "Download backup"]
    assert tuple(rows[0]) == AUDIT_EXPORT_COLUMNS
    assert len(rows) - 1 == expected
    assert (event.actor_id, event.action, event.entity) == (admin, "export", "audit log")
    assert event.changes["rows"] == expected
