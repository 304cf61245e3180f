"""Reports → Imports in AppTest: a real upload is previewed (rows as read, columns, the dry
run), a bad one lists its problems by line with Import disabled and nothing changed, a
good one imports once however often Import is pressed; only admins get the tab."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from models.tables import (
    Attempt,
    AuditEvent,
    Campaign,
    CampaignTarget,
    ContactPoint,
    FollowUp,
    Official,
    Response,
    User,
)
from models.vocab import Role
from pages.ui import cache, reports_import
from tests.apptest_helpers import button, open_app, open_page_file, texts

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")
SEED_CAMPAIGN = "Chechnya: stop the persecution of gay men"
GOOD = (
    "Full name;Organisation;Phone;Remarks\n"
    "Иванов Иван Иванович;МИД России;8 (495) 987-65-43;first\n"
    "Ann Lee;'=Consulate;+1 212 555 0100 | +1 212 555 0101;second\n"
)
BAD = "name,phone\nAnn Lee,+1 212 555 0100\nBob Roe,12345\n,+1 212 555 0199\n"
TABLES = (Official, ContactPoint, CampaignTarget, Campaign, Attempt, Response, FollowUp, User)


def counts(engine: Engine) -> dict[str, int]:
    """Rows in every table an import writes (audit events apart)."""
    with Session(engine) as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
            for t in TABLES
        }


def import_events(engine: Engine) -> list[tuple[object, ...]]:
    with Session(engine) as session:
        stmt = select(AuditEvent.entity, AuditEvent.changes).where(AuditEvent.action == "import")
        return [tuple(row) for row in session.execute(stmt.order_by(AuditEvent.id))]


def imports(at: AppTest) -> Block:
    """The Imports tab, whose texts these tests read (the Exports tab has its own)."""
    return at.tabs[1]


def upload(at: AppTest, text: str | bytes, name: str = "list.csv") -> AppTest:
    data = text.encode("utf-8") if isinstance(text, str) else text
    at.file_uploader(key=reports_import.UPLOAD).set_value((name, data, "text/csv"))
    return at.run()


def attempts_at() -> AppTest:
    at = open_app("reports")
    at.radio(key=reports_import.WHAT).set_value("Attempts")
    return at.run()


@pytest.mark.usefixtures("app_db")
def test_only_admins_get_the_imports_tab() -> None:
    """A coordinator's Reports has Exports alone; a viewer reaching it by its link is
    refused; neither gets an uploader. The admin's has both tabs, Officials chosen first."""
    coordinator = open_app("reports", Role.COORDINATOR)
    viewer = open_page_file("reports", Role.VIEWER)
    admin = open_app("reports", Role.ADMIN)
    assert [t.label for t in coordinator.tabs] == ["Exports"]
    assert (len(viewer.tabs), texts(viewer.error)) == (
        0, ["Your role (viewer) does not allow this page: export CSV."]
    )  # fmt: skip
    assert (len(coordinator.file_uploader), len(viewer.file_uploader)) == (0, 0)
    assert [t.label for t in admin.tabs] == ["Exports", "Imports"]
    what = admin.radio(key=reports_import.WHAT)
    assert (what.label, list(what.options), what.value) == (
        "Import what",
        ["Officials", "Attempts"],
        "Officials",
    )
    assert admin.file_uploader(key=reports_import.UPLOAD).label == "CSV file"


def test_an_upload_is_previewed_as_it_will_be_read(app_db: Engine) -> None:
    """Semicolons, Cyrillic, a guarded cell, two numbers in one cell: the columns matched
    and ignored, the dry run's counts, the rows as read; Import enabled; nothing written."""
    at = open_app("reports")
    before = counts(app_db)  # the admin's account made
    at = upload(at, GOOD)
    shown = texts(imports(at).text)
    rows = imports(at).dataframe[0].value
    assert not at.exception
    assert shown[:4] == [
        "2 rows read as utf-8, separated by semicolons.",
        'Columns read: name from "Full name", organization from "Organisation", '
        'phone from "Phone".',
        'Columns ignored (not known): "Remarks".',
        "If imported now: officials: 2 new, 0 updated, 0 unchanged.",
    ]
    assert rows[["line", "name", "organization", "phones"]].values.tolist() == [
        [2, "Иванов Иван Иванович", "МИД России", "+74959876543"],
        [3, "Ann Lee", "=Consulate", "+12125550100 | +12125550101"],
    ]
    assert button(at, "Import").disabled is False
    assert counts(app_db) == before


def test_a_bad_file_shows_every_problem_by_line_and_cannot_be_imported(app_db: Engine) -> None:
    """Each problem as plain text with its line; Import disabled; no row changed."""
    at = open_app("reports")
    before = counts(app_db)
    at = upload(at, BAD)
    assert [s.value for s in imports(at).subheader] == ["Problems (2)"]
    assert texts(imports(at).text)[-1] == (
        'line 3: phone "12345" is not a valid number\nline 4: the name is empty'
    )
    assert button(at, "Import").disabled is True
    assert counts(app_db) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"PK\x03\x04\x14\x00 an xlsx is a zip",
            "This is a spreadsheet file (Excel or similar), not a CSV: save it as CSV (UTF-8) "
            "and import that",
        ),
        (b"", "The file is empty"),
        (b"name,phone\r\n", "The file has a header but no rows"),
        (b"\x00\x01\x02\x03binary", "The file holds NUL bytes: it is binary, not a CSV"),
    ],
)
def test_what_is_not_a_csv_says_so_and_keeps_the_options(
    app_db: Engine, data: bytes, message: str
) -> None:
    """A clear message, nothing changed, no Import button; the options chosen stay."""
    at = open_app("reports")
    before = counts(app_db)
    at.selectbox(key=reports_import.REGION).set_value("US")
    at.selectbox(key=reports_import.TARGETS_OF).set_value(1)
    at = upload(at.run(), data, name="list.csv")  # Streamlit refuses other extensions
    assert texts(at.error) == [f"{message}. Nothing was changed."]
    assert [b.label for b in at.button if b.label == "Import"] == []
    assert at.selectbox(key=reports_import.REGION).value == "US"
    assert at.selectbox(key=reports_import.TARGETS_OF).value == 1
    assert counts(app_db) == before


def test_import_writes_once_however_often_it_is_pressed(app_db: Engine) -> None:
    """Import makes the officials (targets of the chosen campaign), says so with the
    counts, forgets the cached directory, and checks the file again (nothing new now);
    pressing Import again says it was imported and writes nothing."""
    at = open_app("reports")
    cached = {o.label for o in cache.official_options()}
    at.selectbox(key=reports_import.TARGETS_OF).set_value(1)
    at = upload(at.run(), GOOD)
    at = button(at, "Import").click().run()
    after = counts(app_db)
    assert texts(at.success) == ["Imported: officials: 2 new, 0 updated, 0 unchanged."]
    assert "If imported now: officials: 0 new, 0 updated, 2 unchanged." in texts(imports(at).text)
    assert "Ann Lee" not in {label.split(" — ")[0] for label in cached}
    assert "Ann Lee" in {o.label.split(" — ")[0] for o in cache.official_options()}
    assert (after["officials"], after["campaign_targets"], after["contact_points"]) == (
        6,
        6,
        11 + 3,
    )
    at = button(at, "Import").click().run()
    assert texts(at.info) == [
        "This file was already imported (officials: 2 new, 0 updated, 0 unchanged); "
        "nothing was imported again."
    ]
    assert counts(app_db) == after
    assert [entity for entity, _ in import_events(app_db)] == ["officials"]


def test_the_same_file_in_a_new_session_imports_as_a_no_op(app_db: Engine) -> None:
    """Another session importing the same file: 0 new, 0 updated, 2 unchanged; no change."""
    button(upload(open_app("reports"), GOOD), "Import").click().run()
    at = upload(open_app("reports"), GOOD)
    before = counts(app_db)
    at = button(at, "Import").click().run()
    assert texts(at.success) == ["Imported: officials: 0 new, 0 updated, 2 unchanged."]
    assert counts(app_db) == before
    assert len(import_events(app_db)) == 1


def test_attempts_import_with_its_options(app_db: Engine) -> None:
    """A campaign the file names is created when asked; a time without an offset is read
    in the zone chosen; the rows land in the database."""
    at = attempts_at()
    at.checkbox(key=reports_import.CREATE_CAMPAIGNS).check()
    at.selectbox(key=reports_import.TIMEZONE).set_value("Europe/Moscow")
    at = upload(
        at.run(),
        "official,campaign,occurred_at_utc,channel,outcome,responded\n"
        "Davide Casale,Letters 2026,2026-03-04 10:00,fax,sent,false\n"
        "Casale Davide,Letters 2026,2026-03-05T09:00:00+00:00,phone,spoke to staff,true\n",
    )
    assert imports(at).dataframe[0].value["occurred_at_utc"].tolist() == [
        "2026-03-04T07:00:00+00:00",
        "2026-03-05T09:00:00+00:00",
    ]
    at = button(at, "Import").click().run()
    with Session(app_db) as session:
        names = session.scalars(select(Campaign.name).join(Attempt).order_by(Attempt.id)).all()
    assert texts(at.success) == ["Imported: attempts: 2 new, 0 updated, 0 unchanged."]
    assert names == ["Letters 2026", "Letters 2026"]
    assert counts(app_db)["responses"] == 1


def test_an_unknown_official_or_campaign_is_a_problem_with_its_line(app_db: Engine) -> None:
    at = attempts_at()
    before = counts(app_db)
    at = upload(
        at,
        "official,campaign,occurred_at_utc,channel,outcome\n"
        f"Nobody Known,{SEED_CAMPAIGN},2026-03-04T10:00:00+00:00,phone,busy\n"
        "Davide Casale,Nope,2026-03-04T10:00:00+00:00,phone,busy\n",
    )
    assert texts(imports(at).text)[-1] == (
        'line 2: official "Nobody Known" is not in the directory (import officials first)\n'
        'line 3: campaign "Nope" does not exist (give --create-campaigns to create it)'
    )
    assert button(at, "Import").disabled is True
    assert counts(app_db) == before
