"""Which controls each role gets on the pages it may open: writing controls only where the
role may write (the world is described in tests/visitors.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pages.ui import state
from tests.apptest_helpers import open_app, texts
from tests.visitors import OFFICIALS, ROLE_OF, World, button_labels, titles, visitors_world

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from visitors_world(db_url, monkeypatch)


# --- which controls each role gets ----------------------------------------------------

OFFICIAL_EDIT_BUTTONS = {
    "Add official",
    "Save official",
    "Save contact point",
    "Remove contact point",
    "Add contact point",
    "Archive official",
}


@pytest.mark.parametrize("kind", ["viewer", "coordinator", "admin"])
def test_only_admins_get_the_officials_edit_forms(world: World, kind: str) -> None:
    """Everyone may read an official's details; the add, edit and archive forms are admins'."""
    at = open_app("officials", ROLE_OF[kind])
    at.selectbox(key=state.OFFICIAL_PICK).set_value(world.official_id).run()

    assert f"**{OFFICIALS[0]}**" in texts(at.markdown)
    expected = OFFICIAL_EDIT_BUTTONS if kind == "admin" else set()
    assert button_labels(at) - {"Sign out"} == expected


@pytest.mark.parametrize("kind", ["viewer", "coordinator", "admin"])
@pytest.mark.usefixtures("world")
def test_working_follow_ups_is_for_coordinators_and_admins(kind: str) -> None:
    """All roles see the team's queue; a row's "Log" is not for viewers."""
    at = open_app("follow-ups", ROLE_OF[kind])
    at.session_state[state.FOLLOW_UP_TAB] = "Team"
    at.run()

    headings = [s.value for s in at.subheader]
    assert headings[:4] == ["Queue health", "Overdue (0)", "Due today (0)", "Upcoming (1)"]
    working = {"Log"}
    assert button_labels(at) - {"Sign out"} == (set() if kind == "viewer" else working)


@pytest.mark.parametrize(
    ("kind", "url_path", "expected"),
    [
        ("coordinator", "campaigns", set()),
        ("viewer", "campaigns", set()),
        ("viewer", "insights", set()),
        ("viewer", "officials", set()),
        (
            "admin",
            "admin",
            {
                "Add user",
                "Change role",
                "Deactivate",
                "Unlock",
                "Reset password",
                "Restore attempt",
                "Restore",
            },
        ),
    ],
)
@pytest.mark.usefixtures("world")
def test_the_buttons_each_role_gets(kind: str, url_path: str, expected: set[str]) -> None:
    """Writing controls appear only where the role may write (Sign out aside)."""
    at = open_app(url_path, ROLE_OF[kind])

    assert button_labels(at) - {"Sign out"} == expected


@pytest.mark.parametrize("kind", ["coordinator", "admin"])
@pytest.mark.usefixtures("world")
def test_log_outreach_offers_the_log_form(kind: str) -> None:
    """Coordinators and admins get the form and its "Log attempt" button."""
    at = open_app("log", ROLE_OF[kind])

    assert "Log attempt" in button_labels(at)
    assert titles(at) == ["Log outreach"]


@pytest.mark.parametrize("kind", ["coordinator", "admin"])
@pytest.mark.usefixtures("world")
def test_reports_offers_the_downloads_to_those_who_may_export(kind: str) -> None:
    """Coordinators and admins get every CSV download: attempts (plain and Excel), the
    three summaries and the officials."""
    at = open_app("reports", ROLE_OF[kind])

    assert [b.label for b in at.download_button] == [
        "Download attempts CSV",
        "Download attempts CSV for Excel",
        "Download summary per official",
        "Download summary per week",
        "Download follow-ups per week",
        "Download officials CSV",
    ]
