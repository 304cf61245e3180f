"""The app's caches and other processes: what another process writes (a second app
process, ``cli.py``) shows on this process's next rerun, and a rerun reads the data
versions once, however many cached reads it makes."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from models.tables import Official
from models.vocab import Role
from pages.ui import cache, state
from tests.apptest_helpers import ROOT, TEST_PASSWORD, open_app, seed_database, texts

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")

# Another process logs an attempt an hour ago, through the model layer as a second app
# process would: the cache of this one hears nothing of it.
OTHER_PROCESS = """
import sys
from datetime import UTC, datetime, timedelta
from models.db import make_engine, session_scope
from tests.factories import make_attempt, make_user
with session_scope(make_engine()) as session:
    make_attempt(session, campaign_id=1, official_id=int(sys.argv[1]),
                 actor_id=make_user(session, "Other process"),
                 occurred_at=datetime.now(UTC) - timedelta(hours=1))
"""


@pytest.fixture
def app_url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The seeded campaign in a database of each kind, the app pointed at it."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    seed_database(db_url)
    return db_url


def _in_other_process(url: str, *args: str, stdin: str = "") -> None:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


def _timeline(at: AppTest) -> list[str]:
    return [line for line in texts(at.text) if line.startswith("attempt #")]


def test_another_processs_attempt_shows_on_the_next_rerun(app_url: str) -> None:
    """Officials has cached an official's empty timeline (keyed by nothing but the
    official); another process logs an attempt to them; the very next rerun lists it."""
    engine = make_engine(app_url)
    with Session(engine) as session:
        official = session.scalars(select(Official.id).order_by(Official.id)).first()
    engine.dispose()
    at = open_app("officials", role=Role.COORDINATOR)
    at.session_state[state.OFFICIAL_PICK] = official
    assert _timeline(at.run()) == []
    assert _timeline(at.run()) == []  # cached, and still true

    _in_other_process(app_url, "-c", OTHER_PROCESS, str(official))

    assert [line.split(" · ")[:4] for line in _timeline(at.run())] == [
        ["attempt #1", "phone", "no answer", "by Other process"]
    ]


def test_a_user_added_by_the_cli_is_offered_on_the_next_rerun(app_url: str) -> None:
    """``cli.py user add`` in its own process: the Coordinator filter offers the new user
    on this process's next rerun."""
    at = open_app("insights")
    offered = at.multiselect(key=state.FILTER_COORDINATORS).options
    assert "Newly Added" not in offered

    add = ("cli.py", "user", "add", "newbie", "--role", "coordinator")
    _in_other_process(app_url, *add, "--display-name", "Newly Added", stdin=TEST_PASSWORD + "\n")

    assert "Newly Added" in at.run().multiselect(key=state.FILTER_COORDINATORS).options


@pytest.mark.usefixtures("db")
def test_a_rerun_reads_the_versions_once() -> None:
    """Insights makes many cached reads (filters, tiles, figures); the run reads the data
    versions once, and a rerun once more."""
    at = open_app("insights")
    reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM data_version" in statement:
            reads.append(statement)

    event.listen(cache.engine(), "before_cursor_execute", count)
    try:
        at.run()
        first = len(reads)
        at.run()
    finally:
        event.remove(cache.engine(), "before_cursor_execute", count)
    assert (first, len(reads)) == (1, 2)
