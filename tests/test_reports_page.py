"""The Reports page: what the download holds, its file names, the CLI command it
suggests, every export offered to admins and coordinators, none to viewers."""

from __future__ import annotations

import shlex
from datetime import date

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from models.exports import Labels, cli_command, file_name, officials_file_name, slug
from models.filters import Filters
from models.vocab import Channel, Role
from pages.ui.nav import page
from tests.apptest_helpers import (
    DASHBOARD,
    TIMEOUT_S,
    open_page_file,
    seed_database,
    signed_in,
    texts,
)
from tests.factories import make_attempt, make_user

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")
SEED_CAMPAIGN = "Chechnya: stop the persecution of gay men"
LABELS = [
    "Download attempts CSV",
    "Download attempts CSV for Excel",
    "Download summary per official",
    "Download summary per week",
    "Download follow-ups per week",
    "Download officials CSV",
]


@pytest.fixture
def app_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The seeded campaign with one attempt, on each database, the app pointed at it."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    seed_database(db_url)
    engine = make_engine(db_url)
    with Session(engine) as session:
        make_attempt(session, campaign_id=1, official_id=1, actor_id=make_user(session))
        session.commit()
    engine.dispose()
    return db_url


def reports_at(params: dict[str, str | list[str]], role: Role = Role.COORDINATOR) -> AppTest:
    at = signed_in(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S), role).run()
    at.switch_page(page("reports").file)
    at.query_params = params
    return at.run()


@pytest.mark.usefixtures("app_db")
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_page_says_what_the_download_holds(role: Role) -> None:
    """The filters in words, every export offered, and the command with the same filters."""
    at = reports_at({"from": "2026-03-01", "to": "2026-03-31", "campaign": "1",
                     "channel": "phone"}, role)  # fmt: skip
    assert not at.exception
    assert [tab.label for tab in at.tabs] == (
        ["Exports", "Imports"] if role is Role.ADMIN else ["Exports"]
    )
    assert [b.label for b in at.download_button] == LABELS
    assert (
        "Dates: 2026-03-01 to 2026-03-31 (UTC days, inclusive)\n"
        f"Campaigns: {SEED_CAMPAIGN}\nOfficials: all\nChannels: phone\nCoordinators: all"
    ) in texts(at.text)
    name = "attempts_chechnya-stop-the-persecution-of-gay-men_2026-03-01_2026-03-31.csv"
    command = (
        f".venv/bin/python cli.py export attempts --out {name} --from 2026-03-01 "
        f"--to 2026-03-31 --campaign '{SEED_CAMPAIGN}' --channel phone"
    )
    assert command in texts(at.code)


def test_viewer_gets_no_download(app_db: str) -> None:
    """A viewer may not export: the navigation has no Reports for them, and a deep link
    to it is refused without a download button."""
    del app_db
    at = open_page_file("reports", Role.VIEWER)
    assert [b.label for b in at.download_button] == []
    assert texts(at.error) == ["Your role (viewer) does not allow this page: export CSV."]


def test_file_names_use_safe_characters_only() -> None:
    """Campaign names become lower-case ASCII words joined by hyphens; open ends are named."""
    labels = Labels(campaigns=("Чечня / «Stop» the persecution!",))
    filters = Filters(date_from=date(2026, 3, 1), campaign_ids=(7,))
    assert (
        file_name("attempts", filters, labels)
        == "attempts_stop-the-persecution_2026-03-01_open.csv"
    )
    assert file_name("attempts", Filters(), Labels(), excel=True) == (
        "attempts_all_start_open_excel.csv"
    )
    assert slug("Чечня") == "x"
    assert officials_file_name(None) == "officials_all.csv"


def test_suggested_command_runs_as_printed(app_db: str, tmp_path: object) -> None:
    """The command the page prints, run from the app's folder, writes the filtered file."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = Path(str(tmp_path)) / "from-page.csv"
    labels = Labels(campaigns=(SEED_CAMPAIGN,), coordinators=("alex coordinator",))
    filters = Filters(campaign_ids=(1,), channels=(Channel.PHONE,), official_ids=(1,),
                      coordinator_ids=(1,))  # fmt: skip
    words = shlex.split(cli_command("attempts", filters, labels, out=str(out)))
    assert words[:2] == [".venv/bin/python", "cli.py"]
    done = subprocess.run(
        [sys.executable, *words[1:]], cwd=root, env={"DATABASE_URL": app_db, "PATH": ""},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
