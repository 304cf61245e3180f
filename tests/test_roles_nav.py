"""Who may open which page: every page × every kind of visitor, through AppTest, on both
databases (the world is described in tests/visitors.py).

AppTest emulates Streamlit's pages/ mode on every run: switching to a page whose file
name is its URL (insights, reports, officials, campaigns, admin) runs that file without
dashboard.py, as a server's very first request does; follow-ups and log go through
dashboard.py. The browser tests cover the real server's path.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from models.vocab import Role
from pages.ui import state
from pages.ui.nav import PAGES, PageSpec, page, pages_for
from tests.apptest_helpers import go, open_app, signed_in, texts
from tests.visitors import (
    CAMPAIGN,
    COORDINATOR_NAME,
    OFFICIALS,
    REASON,
    ROLE_OF,
    SESSION_ENDED,
    World,
    assert_only_the_sign_in_form,
    button_labels,
    leaked,
    new_app,
    received,
    titles,
    visit_by_file,
    visit_through_entry,
    visitors_world,
)

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from visitors_world(db_url, monkeypatch)


# --- the matrix ---------------------------------------------------------------------

PAGE_IDS = [spec.url_path for spec in PAGES]


@pytest.mark.parametrize("via", ["entry", "file"])
@pytest.mark.parametrize("kind", ["anonymous", "deactivated"])
@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
@pytest.mark.usefixtures("world")
def test_signed_out_visitors_receive_only_the_sign_in_form(
    spec: PageSpec, kind: str, via: str
) -> None:
    """Anonymous or deactivated, by navigation or deep link: the sign-in form, nothing else."""
    visit = visit_through_entry if via == "entry" else visit_by_file
    at = visit(kind, spec)

    assert_only_the_sign_in_form(at)
    assert texts(at.info) == ([SESSION_ENDED] if kind == "deactivated" else [])
    assert texts(at.error) == []


@pytest.mark.usefixtures("world")
def test_the_tree_walker_sees_personal_data_where_it_is_shown() -> None:
    """Control for the absence checks: an admin does receive the strings, from tables too."""
    at = open_app("follow-ups", Role.ADMIN)
    at.session_state[state.FOLLOW_UP_TAB] = "Team"
    at.run()
    assert COORDINATOR_NAME.casefold() in received(at)  # from the team's queue
    assert REASON.casefold() in received(at)
    seen: set[str] = set(leaked(at))  # the Team tab, which a page visit resets to Mine
    for spec in PAGES:
        seen.update(leaked(go(at, spec.url_path)))
    assert seen >= {COORDINATOR_NAME, CAMPAIGN, *OFFICIALS, REASON}


ALLOWED = {kind: {spec.url_path for spec in pages_for(role)} for kind, role in ROLE_OF.items()}


def test_the_role_table_decides_which_pages_each_role_uses() -> None:
    """Viewers: Follow-ups, Insights, Officials, Campaigns; coordinators all but Admin."""
    expected = {
        "viewer": {"follow-ups", "insights", "officials", "campaigns"},
        "coordinator": {"log", "follow-ups", "insights", "reports", "officials", "campaigns"},
        "admin": {spec.url_path for spec in PAGES},
    }
    assert expected == ALLOWED


ROLE_CASES = [
    pytest.param(kind, spec, id=f"{kind}-{spec.url_path}") for kind in ROLE_OF for spec in PAGES
]


@pytest.mark.parametrize(("kind", "spec"), ROLE_CASES)
@pytest.mark.usefixtures("world")
def test_each_role_uses_its_pages_and_finds_the_others_unlisted(kind: str, spec: PageSpec) -> None:
    """A permitted page opens from the navigation; any other is not registered in it."""
    at = signed_in(new_app(), ROLE_OF[kind]).run()
    if spec.url_path not in ALLOWED[kind]:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(spec.file)
        return
    at.switch_page(spec.file).run()

    assert [e.value for e in at.exception] == []
    assert titles(at) == [spec.label]
    assert texts(at.error) == []
    assert "Sign out" in button_labels(at)
    assert [t.value for t in at.sidebar.text] == [f"test {kind} ({ROLE_OF[kind]})"]


REFUSED_CASES = [
    pytest.param(kind, spec, id=f"{kind}-{spec.url_path}")
    for kind in ("viewer", "coordinator")
    for spec in PAGES
    if spec.url_path not in ALLOWED[kind]
]


@pytest.mark.parametrize(("kind", "spec"), REFUSED_CASES)
@pytest.mark.usefixtures("world")
def test_a_page_reached_by_file_refuses_a_role_without_its_permission(
    kind: str, spec: PageSpec
) -> None:
    """Deep-linked past the navigation: one refusal naming the role, and no data at all."""
    at = visit_by_file(kind, spec)

    assert texts(at.error) == [
        f"Your role ({ROLE_OF[kind]}) does not allow this page: {spec.permission.value}."
    ]
    assert titles(at) == []
    assert [type(node).__name__ for node in at.main.children.values()] == ["Error"]
    assert list(at.sidebar) == [at.sidebar]
    assert len(at.dataframe) == 0
    assert leaked(at) == []


@pytest.mark.parametrize("kind", ["viewer", "coordinator", "admin"])
@pytest.mark.usefixtures("world")
def test_allowed_pages_also_open_by_file(kind: str) -> None:
    """Every permitted page, deep-linked before dashboard.py ran, shows its title and no error."""
    for url_path in sorted(ALLOWED[kind]):
        at = visit_by_file(kind, page(url_path))
        assert ([e.value for e in at.exception], titles(at), texts(at.error)) == (
            [],
            [page(url_path).label],
            [],
        ), url_path
