"""Every page renders, through the entry point and by deep link; what the pages show and change."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models.commands import ResponseInput
from models.exports import ATTEMPT_COLUMNS
from models.filters import Filters
from models.tables import AuditEvent, ContactPoint, Official
from models.vocab import Channel, ContactKind, Outcome, Role, Stance
from pages.ui import downloads, state
from pages.ui.filters import DEFAULT_WEEKS, today_utc
from pages.ui.nav import PAGES, PageSpec, page
from tests.apptest_helpers import (
    DASHBOARD,
    TIMEOUT_S,
    button,
    ensure_account,
    go,
    open_app,
    open_page_file,
    signed_in,
    texts,
)
from tests.factories import make_attempt, make_user

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture
def empty_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated database with nothing in it."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def ids_by_name(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {name: i for i, name in session.execute(select(Official.id, Official.full_name))}


def log_history(engine: Engine) -> None:
    """Four attempts yesterday to one official: one reached with a response, one refused,
    one fax sent, one no answer. So: 4 attempts, contact rate 2/4, response rate 1/4."""
    when = datetime.now(UTC) - timedelta(days=1)
    official = ids_by_name(engine)["Anatoly Dmitrievich Viktorov"]
    with Session(engine) as session:
        user = make_user(session)

        def add(outcome: Outcome, channel: Channel = Channel.PHONE, answered: bool = False) -> None:
            response = ResponseInput(stance=Stance.NONCOMMITTAL) if answered else None
            make_attempt(
                session,
                campaign_id=1,
                official_id=official,
                actor_id=user,
                occurred_at=when,
                channel=channel,
                outcome=outcome,
                response=response,
            )

        add(Outcome.SPOKE_TO_STAFF, answered=True)
        add(Outcome.REFUSED)
        add(Outcome.SENT, channel=Channel.FAX)
        add(Outcome.NO_ANSWER)
        session.commit()


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url_path)
@pytest.mark.usefixtures("db")
def test_every_page_renders_through_the_entry_point(spec: PageSpec) -> None:
    """Each registered page runs from dashboard.py without an exception, titled by its label."""
    at = open_app(spec.url_path)

    assert [e.value for e in at.exception] == []
    assert [t.value for t in at.title] == [spec.label]


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url_path)
@pytest.mark.usefixtures("db")
def test_every_page_runs_by_deep_link_without_the_entry_point(spec: PageSpec) -> None:
    """A page file run on its own (a deep link before dashboard.py ran) sets itself up."""
    at = open_page_file(spec.url_path)

    assert [e.value for e in at.exception] == []
    assert [t.value for t in at.title] == [spec.label]


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url_path)
@pytest.mark.usefixtures("empty_db")
def test_every_page_renders_on_an_empty_database(spec: PageSpec) -> None:
    """With no campaign, official or attempt yet, every page still renders and says so."""
    at = open_app(spec.url_path)

    assert [e.value for e in at.exception] == []
    assert [t.value for t in at.title] == [spec.label]


def test_insights_tiles_show_hand_computed_rates(db: Engine) -> None:
    """4 attempts, 2 reaching someone, 1 answered: tiles read 4, 50.0% and 25.0%, with n."""
    log_history(db)
    at = open_app("insights")

    assert [(m.label, m.value) for m in at.metric][:3] == [
        ("Attempts", "4"),
        ("Contact rate", "50.0%"),
        ("Response rate", "25.0%"),
    ]
    assert "n = 4 attempts" in at.metric[1].help
    assert "2 of 4 attempts reached a person" in texts(at.caption)
    charts = at.get("vega_lite_chart")
    descriptions = [json.loads(c.proto.spec)["description"] for c in charts]
    assert descriptions[0].startswith(
        "Stacked bar chart of outreach attempts per week by channel: 4"
    )
    assert "1 of 4 attempts answered" in descriptions[1]


@pytest.mark.usefixtures("db")
def test_insights_without_matching_attempts_says_so() -> None:
    """No attempt in the range: a sentence in place of the tiles and of every attempt chart
    drawn (the up-front chart and the open tab's; each tab says so when opened)."""
    at = open_app("insights")

    assert set(texts(at.info)) == {"No attempts match these filters."}
    assert texts(at.info).count("No attempts match these filters.") == 3
    assert [m.label for m in at.metric] == ["Open follow-ups", "Overdue follow-ups"]
    assert [e.value for e in at.exception] == []


def test_sidebar_channel_filter_narrows_every_figure(db: Engine) -> None:
    """Picking the fax channel leaves the one fax attempt: 1 attempt, 0% contact."""
    log_history(db)
    at = open_app("insights")
    at.multiselect(key=state.FILTER_CHANNELS).select(Channel.FAX).run()

    assert [m.value for m in at.metric][:3] == ["1", "0.0%", "0.0%"]
    assert at.query_params["channel"] == "fax"


@pytest.mark.usefixtures("db")
def test_filters_start_from_the_url_and_ignore_malformed_parts() -> None:
    """A link's from/to/campaign/channel set the filters; malformed or unknown parts are dropped."""
    at = signed_in(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)).run()
    at.switch_page(page("insights").file)
    at.query_params = {
        "from": "2026-01-05",
        "to": "31/01/2026",  # malformed: falls back to today
        "campaign": "1,999,x",
        "channel": ["fax", "pigeon", "email"],
    }
    at.run()

    assert at.date_input(key=state.FILTER_DATES).value == (date(2026, 1, 5), today_utc())
    assert at.multiselect(key=state.FILTER_CAMPAIGNS).value == [1]
    assert at.multiselect(key=state.FILTER_CHANNELS).value == [Channel.FAX, Channel.EMAIL]


@pytest.mark.usefixtures("db")
def test_default_date_range_is_the_last_twelve_weeks() -> None:
    """Without a link, the range ends today and spans twelve weeks."""
    at = open_app("insights")
    today = today_utc()

    assert at.date_input(key=state.FILTER_DATES).value == (
        today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1),
        today,
    )
    assert at.query_params["to"] == today.isoformat()


@pytest.mark.usefixtures("db")
def test_filters_are_drawn_once_on_filter_pages_and_not_elsewhere() -> None:
    """Insights and Reports get the sidebar filters (once each); the other pages do not."""
    at = open_app()
    for spec in PAGES:
        go(at, spec.url_path)
        labels = [w.label for w in at.sidebar.date_input]
        assert labels == (["Date range"] if spec.uses_filters else []), spec.label


def test_officials_page_refuses_a_bad_number_and_keeps_it(db: Engine) -> None:
    """A phone number with a digit missing is refused with a message, and stays in the field."""
    casale = ids_by_name(db)["Davide Casale"]
    at = open_app("officials")
    at.selectbox(key=state.OFFICIAL_PICK).set_value(casale).run()
    value_key = state.field_key(state.NEW_CONTACT_FORM, "value", casale)
    at.text_input(key=value_key).input("+7 495 721 20 1")
    button(at, "Add contact point").click().run()

    assert len(texts(at.error)) == 1
    assert texts(at.error)[0].startswith("“+7 495 721 20 1” is not a valid number")
    assert at.text_input(key=value_key).value == "+7 495 721 20 1"


def test_officials_page_adds_a_fax_in_e164(db: Engine) -> None:
    """A fax typed the Russian domestic way is stored as E.164 and listed as a tel: link."""
    casale = ids_by_name(db)["Davide Casale"]
    at = open_app("officials")
    at.selectbox(key=state.OFFICIAL_PICK).set_value(casale).run()
    at.selectbox(key=state.field_key(state.NEW_CONTACT_FORM, "kind", casale)).set_value(
        ContactKind.FAX
    )
    at.text_input(key=state.field_key(state.NEW_CONTACT_FORM, "value", casale)).input(
        "8 (495) 721-20-20"
    )
    button(at, "Add contact point").click().run()

    with Session(db) as session:
        stored = session.scalar(
            select(ContactPoint.value).where(
                ContactPoint.official_id == casale, ContactPoint.kind == ContactKind.FAX
            )
        )
    assert stored == "+74957212020"
    assert "**fax** · [+7 495 721-20-20](tel:+74957212020)" in [m.value for m in at.markdown]


def test_officials_page_edits_then_removes_a_contact_point(db: Engine) -> None:
    """A contact's label can be changed; removing it (softly) needs the box ticked."""
    casale = ids_by_name(db)["Davide Casale"]
    with Session(db) as session:
        phone = session.scalar(
            select(ContactPoint.id).where(
                ContactPoint.official_id == casale, ContactPoint.kind == ContactKind.PHONE
            )
        )
    at = open_app("officials")
    at.selectbox(key=state.OFFICIAL_PICK).set_value(casale).run()
    at.selectbox(key=state.CONTACT_PICK).set_value(phone).run()
    form = state.EDIT_CONTACT_FORM
    at.text_input(key=state.field_key(form, "label", phone)).input("Switchboard")
    button(at, "Save contact point").click().run()
    assert texts(at.success) == ["Contact point saved."]

    button(at, "Remove contact point").click().run()
    assert texts(at.warning) == ["Tick the box to confirm the removal."]
    at.checkbox(key=state.field_key(form, "confirm_remove", phone)).check()
    button(at, "Remove contact point").click().run()

    assert texts(at.success) == ["Contact point removed."]
    with Session(db) as session:
        removed = session.get_one(ContactPoint, phone)
        assert removed.removed_at is not None  # soft: Restore brings it back


def test_officials_page_adds_an_official_and_picks_them(db: Engine) -> None:
    """The add form creates the official and the page shows them; the form is empty again."""
    at = open_app("officials")
    form = state.NEW_OFFICIAL_FORM
    at.text_input(key=state.field_key(form, "full_name", "new")).input("Maria Example")
    at.text_input(key=state.field_key(form, "organization", "new")).input("Example Office")
    at.text_input(key=state.field_key(form, "country", "new")).input("de")
    at.selectbox(key=state.field_key(form, "timezone", "new")).set_value("Europe/Berlin")
    button(at, "Add official").click().run()

    created = ids_by_name(db)["Maria Example"]
    assert at.selectbox(key=state.OFFICIAL_PICK).value == created
    assert texts(at.success) == ["Added Maria Example."]
    # The add form is empty again; the picked official's edit form holds the new name.
    assert [w.value for w in at.text_input if w.label == "Full name"] == ["", "Maria Example"]
    with Session(db) as session:
        official = session.get(Official, created)
        assert official is not None
        assert (official.country, official.timezone) == ("DE", "Europe/Berlin")


@pytest.mark.usefixtures("db")
def test_campaigns_page_lists_the_targets() -> None:
    """The seeded campaign shows its four target officials."""
    at = open_app("campaigns")

    assert "**Targets (4)**" in texts(at.markdown)
    assert sum(1 for t in texts(at.markdown) if t.startswith("- ")) == 4


def test_reports_page_counts_matching_attempts_and_offers_both_files(db: Engine) -> None:
    """Reports says how many attempts match and offers the plain and the Excel CSV."""
    log_history(db)
    at = open_app("reports")

    assert (
        "4 attempts match the filters in the sidebar; one row per attempt. "
        "The download holds exactly these:"
    ) in texts(at.text)
    assert [b.label for b in at.download_button][:2] == [
        "Download attempts CSV",
        "Download attempts CSV for Excel",
    ]
    assert texts(at.code)[0].startswith("attempt_id, occurred_at_utc, campaign, official")


def test_download_data_is_built_on_demand_with_the_filters(db: Engine) -> None:
    """The download's callable builds the CSV of the filtered attempts; the Excel one has a BOM."""
    log_history(db)
    fax_only = Filters(channels=(Channel.FAX,))

    coordinator = ensure_account(Role.COORDINATOR)

    plain = downloads.attempts_csv(fax_only, excel=False, actor_id=coordinator)().decode("utf-8")
    excel = downloads.attempts_csv(fax_only, excel=True, actor_id=coordinator)().decode("utf-8")

    lines = plain.splitlines()
    assert lines[0] == ",".join(ATTEMPT_COLUMNS)
    assert len(lines) == 2  # the header and the one fax attempt
    assert excel.startswith("\ufeff") and excel[1:].splitlines() == lines
    with Session(db) as session:
        exported = session.execute(
            select(AuditEvent.actor_id, AuditEvent.changes).where(AuditEvent.action == "export")
        ).all()
    assert [(actor, changes["rows"], changes["excel"]) for actor, changes in exported] == [
        (coordinator, 1, False),
        (coordinator, 1, True),
    ]
