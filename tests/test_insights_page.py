"""The Insights page: tiles with their changes, every figure, the filters in the URL, caching.

The data, relative to today (T) in UTC, all in the seeded campaign to one official:

| when     | channel | outcome        | coordinator | response | follow up on        |
|----------|---------|----------------|-------------|----------|---------------------|
| T-9 days | phone   | no answer      | Alex        |          |                     |
| T-2      | phone   | no answer      | Blair       |          | T-2 (done late T-1) |
| T-1      | phone   | spoke to staff | Alex        | live     |                     |

A link for the last 7 days (T-6..T) holds the last two: 2 attempts, contact 50.0%,
response 50.0%, median "under 1 minute". The previous 7 days (T-13..T-7) hold the first:
1 attempt, 0.0% and 0.0%. So the tiles change by +1, +50.0 pp and +50.0 pp.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models import insights
from models.commands import ResponseInput
from models.db import database_url, make_engine
from models.filters import Filters
from models.insights import DEFINITIONS
from models.tables import Official
from models.vocab import Channel, Outcome, Stance
from pages.ui import cache, charts, state
from pages.ui.filters import today_utc
from pages.ui.insights_figures import FIGURES, PageFigure
from pages.ui.nav import page
from tests.apptest_helpers import (
    DASHBOARD,
    TIMEOUT_S,
    seed_database,
    signed_in,
    texts,
)
from tests.factories import make_attempt, make_campaign, make_user

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture
def ids(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """The seeded campaign plus the three attempts of the module docstring."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    seed_database(sqlite_url)
    engine = make_engine(sqlite_url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        official = session.scalars(select(Official.id).order_by(Official.id)).first()
        assert official is not None
        alex, blair = make_user(session, "Alex"), make_user(session, "Blair")
        for days, outcome, who, answered in (
            (9, Outcome.NO_ANSWER, alex, False),
            (2, Outcome.NO_ANSWER, blair, False),
            (1, Outcome.SPOKE_TO_STAFF, alex, True),
        ):
            when = now - timedelta(days=days)
            make_attempt(
                session, campaign_id=1, official_id=official, actor_id=who, occurred_at=when,
                outcome=outcome, follow_up_on=when.date() if days == 2 else None,
                response=ResponseInput(Stance.SUPPORTIVE) if answered else None,
            )  # fmt: skip
        session.commit()
    yield {"official": official, "alex": alex, "blair": blair}
    engine.dispose()


def insights_at(params: dict[str, str | list[str]]) -> AppTest:
    """The app opened on Insights by a link carrying ``params``."""
    at = signed_in(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)).run()
    at.switch_page(page("insights").file)
    at.query_params = params
    return at.run()


def last_week() -> dict[str, str | list[str]]:
    today = today_utc()
    return {"from": (today - timedelta(days=6)).isoformat(), "to": today.isoformat()}


@pytest.mark.usefixtures("ids")
def test_tiles_show_values_and_changes_against_the_previous_period() -> None:
    """2 attempts (+1), contact 50.0% (+50.0 pp), response 50.0% (+50.0 pp), median band."""
    at = insights_at(last_week())

    assert [e.value for e in at.exception] == []
    tiles = {m.label: (m.value, m.delta) for m in at.metric}
    assert tiles["Attempts"] == ("2", "1")
    assert tiles["Contact rate"] == ("50.0%", "+50.0 pp")
    assert tiles["Response rate"] == ("50.0%", "+50.0 pp")
    assert tiles["Median time to response"][0] == "under 1 minute"
    assert set(tiles) >= {"Open follow-ups", "Overdue follow-ups"}
    assert "1 of 2 attempts reached a person" in texts(at.caption)


@pytest.mark.usefixtures("ids")
def test_every_figure_is_drawn_with_alt_text() -> None:
    """Six charts, each described; the per-official table lists the one official."""
    at = insights_at(last_week())

    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    descriptions = [spec["description"] for spec in specs]
    assert [d.split(" ")[0:2] for d in descriptions] == [
        ["Stacked", "bar"],  # attempts per week by channel
        ["Line", "chart"],  # response rate per week
        ["Stacked", "bar"],  # follow-ups per week
        ["Bar", "chart"],  # per official
        ["Stacked", "bar"],  # outcome mix
        ["Heatmap", "of"],  # best time to call
    ]
    assert all(descriptions)
    assert "1 due" in descriptions[2] and "1 done late" in descriptions[2]
    assert any("2 attempts" in d for d in descriptions)
    assert any(d.startswith("Heatmap of phone calls") for d in descriptions)
    table = at.dataframe[0].value
    assert table["attempts"].tolist() == [2]


@pytest.mark.usefixtures("ids")
def test_each_definition_is_on_the_page() -> None:
    """Every figure's one-line definition is shown as text on the page."""
    at = insights_at(last_week())

    shown = set(texts(at.caption))
    keys = ["attempts_by_week_channel", "response_rate_by_week", "outcome_mix", "best_time_to_call"]
    keys += ["per_official", "last_contact", "time_to_first_response", "contact_rate"]
    for key in keys:
        assert DEFINITIONS[key] in shown, key


def test_a_link_reproduces_the_filters(ids: dict[str, int]) -> None:
    """from/to/campaign/official/channel/coordinator in the URL set the sidebar and the figures."""
    params = last_week() | {
        "campaign": "1", "official": str(ids["official"]), "channel": "phone",
        "coordinator": str(ids["blair"]),
    }  # fmt: skip
    at = insights_at(params)

    assert at.multiselect(key=state.FILTER_CAMPAIGNS).value == [1]
    assert at.multiselect(key=state.FILTER_OFFICIALS).value == [ids["official"]]
    assert at.multiselect(key=state.FILTER_CHANNELS).value == [Channel.PHONE]
    assert at.multiselect(key=state.FILTER_COORDINATORS).value == [ids["blair"]]
    assert {m.label: m.value for m in at.metric}["Attempts"] == "1"  # Blair's no answer
    again = insights_at({name: at.query_params[name] for name in params})
    assert [m.value for m in again.metric] == [m.value for m in at.metric]


def test_choosing_a_coordinator_updates_the_url(ids: dict[str, int]) -> None:
    """Picking Alex in the sidebar puts coordinator=<id> in the URL and narrows the tiles."""
    at = insights_at(last_week())
    at.multiselect(key=state.FILTER_COORDINATORS).select(ids["alex"]).run()

    assert at.query_params["coordinator"] == str(ids["alex"])
    assert {m.label: m.value for m in at.metric}["Attempts"] == "1"


@pytest.mark.usefixtures("ids")
def test_a_filter_with_no_attempts_says_so_everywhere() -> None:
    """A coordinator with no attempts: the message replaces the tiles and each chart."""
    with Session(make_engine(database_url())) as session:
        idle = make_user(session, "Idle Coordinator")
        session.commit()
    at = insights_at(last_week() | {"coordinator": str(idle)})

    assert [e.value for e in at.exception] == []
    assert texts(at.info).count("No attempts match these filters.") == 6
    assert "No follow-ups were due in these weeks." in texts(at.info)
    assert list(at.get("vega_lite_chart")) == []


def test_a_write_outdates_only_the_campaigns_it_changed(ids: dict[str, int]) -> None:
    """Logging in campaign 1 refreshes campaign 1 and all-campaign views, not campaign 2's."""
    with Session(make_engine(database_url())) as session:
        other = make_campaign(session, "Another campaign")
        session.commit()
    one, two, every = Filters(campaign_ids=(1,)), Filters(campaign_ids=(other,)), Filters()
    before = {f: cache.summary(f).attempts for f in (one, two, every)}

    def log(session: Session) -> None:
        make_attempt(session, campaign_id=1, official_id=ids["official"], actor_id=ids["alex"])

    cache.write(log, changes=(cache.ACTIVITY,), campaign_id=1)
    stamps = {f: cache._STAMPS.of(f) for f in (one, two, every)}
    after = {f: cache.summary(f).attempts for f in (one, two, every)}

    assert after == {one: before[one] + 1, two: before[two], every: before[every] + 1}
    cache.write(log, changes=(cache.ACTIVITY,), campaign_id=1)
    assert cache._STAMPS.of(two) == stamps[two]
    assert cache._STAMPS.of(one) != stamps[one]


@pytest.mark.parametrize("shown", FIGURES, ids=lambda shown: shown.key)
def test_charts_are_valid_vega_lite_and_match_what_the_page_draws(shown: PageFigure) -> None:
    """Each chart passes Altair's schema validation, and the fast spec equals it minus data."""
    frame = SAMPLE_FRAMES[shown.key]
    full = charts.chart(shown.chart, frame).to_dict()  # validates
    drawn = charts.parts(shown.chart, frame)
    without_data = {k: v for k, v in full.items() if k not in ("data", "datasets", "config")}
    assert {k: v for k, v in drawn.spec.items() if k != "config"} == without_data
    assert drawn.spec["description"]


@pytest.mark.usefixtures("ids")
def test_every_figure_has_one_key_a_definition_a_chart_and_a_section() -> None:
    """The page's figures are the models' figures, one each, in order; each key has its
    definition and a sample frame of its columns, and the page draws one chart per figure."""
    at = insights_at(last_week())

    assert [shown.figure for shown in FIGURES] == list(insights.FIGURES)
    keys = [figure.key for figure in insights.FIGURES]
    assert len(set(keys)) == len(keys)
    assert sorted(SAMPLE_FRAMES) == sorted(keys)
    assert all(key in DEFINITIONS for f in insights.FIGURES for key in f.definitions)
    assert len(list(at.get("vega_lite_chart"))) == len(FIGURES)
    shown = set(texts(at.caption))
    assert [f.definition in shown for f in insights.FIGURES] == [True] * len(FIGURES)
    headings = [h.value for h in at.subheader]
    assert [s.title in headings for s in FIGURES] == [True] * len(FIGURES)


_WEEK = pd.Timestamp("2026-03-02").date()
SAMPLE_FRAMES = {
    "attempts_by_week_channel": pd.DataFrame(
        [(_WEEK, "phone", 3)], columns=["week", "channel", "attempts"]
    ),
    "response_rate_by_week": pd.DataFrame(
        [(_WEEK, 3, 1, 1 / 3, 0.06, 0.79, True)],
        columns=[
            "week",
            "attempts",
            "responded",
            "response_rate",
            "ci_low",
            "ci_high",
            "uncertain",
        ],
    ),
    "follow_ups_by_week": pd.DataFrame(
        [(_WEEK, 3, 1, 1, 1, 0)],
        columns=["week", "due", "done_on_time", "done_late", "open_overdue", "open_not_due"],
    ),
    "per_official": pd.DataFrame(
        [("NY", 3, 1, 1 / 3, 0.06, 0.79, 2 / 3)],
        columns=[
            "official",
            "attempts",
            "responded",
            "response_rate",
            "ci_low",
            "ci_high",
            "contact_rate",
        ],
    ),
    "outcome_mix": pd.DataFrame(
        [("phone", "no answer", "no contact", 3, 1.0)],
        columns=["channel", "outcome", "outcome_class", "attempts", "share"],
    ),
    "best_time_to_call": pd.DataFrame(
        [(0, 9, 3, 1, 1 / 3, 0.5)],
        columns=["weekday", "hour", "attempts", "live_contacts", "rate", "smoothed_rate"],
    ),
}
