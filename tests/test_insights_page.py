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
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from models import data_version, insights
from models.commands import ResponseInput
from models.db import database_url, make_engine
from models.filters import Filters
from models.insights import DEFINITIONS
from models.insights.figures import BAND_LABELS
from models.tables import CampaignTarget, Official
from models.vocab import Channel, Outcome, Role, Stance
from pages.ui import cache, charts, render, state
from pages.ui import filters as filters_ui
from pages.ui import insights_downloads as downloads
from pages.ui.filters import today_utc
from pages.ui.insights_figures import FIGURES, PageFigure, tab_labels
from pages.ui.insights_view import EMPTY, count_change, short_band
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


UP_FRONT = sum(shown.up_front for shown in FIGURES)


def specs_of(at: AppTest, *, block: str = "figures") -> list[dict[str, Any]]:
    """The drawn charts' specs: of the Insights figures, or (``block="follow-through"``)
    of the follow-through block's charts, which say so in their ``usermeta``."""
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return [s for s in specs if s.get("usermeta", {}).get("block", "figures") == block]


def tab_runs(at: AppTest) -> Iterator[AppTest]:
    """``at`` rerun once with each tab of the heavier figures open, in order."""
    for label in tab_labels():
        at.session_state[state.INSIGHTS_TAB] = label
        yield at.run()


def every_figure_spec(at: AppTest) -> list[dict[str, Any]]:
    """The specs of the up-front charts, then of each tab's chart(s), opening every tab."""
    specs = specs_of(at)[:UP_FRONT]
    for run in tab_runs(at):
        specs += specs_of(run)[UP_FRONT:]
    return specs


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
    assert tiles["Median time to response"][0] == "< 1 min"
    # The tile's short band, and the band in full under it.
    assert "under 1 minute, over 1 response; previous period: no response" in texts(at.caption)
    assert set(tiles) >= {"Open follow-ups", "Overdue follow-ups"}
    assert "1 of 2 attempts reached a person" in texts(at.caption)


def test_a_count_tiles_change_is_written_like_its_value() -> None:
    assert count_change(151_906, 127_607) == "24,299"
    assert count_change(21_130, 23_655) == "-2,525"
    assert count_change(5, 5) == "0"
    assert count_change(5, None) is None  # no previous period: no change shown


def test_the_median_tile_shows_each_band_short_enough_for_its_tile() -> None:
    """Every band fits the 9 characters a quarter-width tile shows at 1280 px, and no two
    bands read the same."""
    assert short_band("under 1 minute") == "< 1 min"
    assert short_band("5–15 minutes") == "5–15 min"
    assert short_band("8–24 hours") == "8–24 h"
    assert short_band("14–30 days") == "14–30 d"
    assert short_band("30 days or more") == "≥ 30 d"
    shown = [short_band(label) for label in BAND_LABELS]
    assert max(len(text) for text in shown) <= 9
    assert len(set(shown)) == len(shown)


@pytest.mark.usefixtures("ids")
def test_every_figure_is_drawn_with_alt_text() -> None:
    """Six charts, each described; the per-official table lists the one official."""
    at = insights_at(last_week())

    specs = every_figure_spec(at)
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
    at.session_state[state.INSIGHTS_TAB] = "Per official"
    table = at.run().dataframe[0].value
    assert table["attempts"].tolist() == [2]


@pytest.mark.usefixtures("ids")
def test_each_definition_is_on_the_page() -> None:
    """Every figure's one-line definition is shown as text on the page."""
    at = insights_at(last_week())

    shown = set(texts(at.caption))
    for run in tab_runs(at):
        shown |= set(texts(run.caption))
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


def test_a_coordinator_filter_says_its_counts_come_from_the_raw_attempts(
    ids: dict[str, int],
) -> None:
    """Only a view filtered by coordinator reads the attempts themselves: it says so."""
    captions = [c.value for c in insights_at(last_week()).caption]
    assert DEFINITIONS["raw_rows"] not in captions
    at = insights_at(last_week() | {"coordinator": str(ids["alex"])})
    assert DEFINITIONS["raw_rows"] in [c.value for c in at.caption]


@pytest.mark.usefixtures("ids")
def test_a_filter_with_no_attempts_says_so_everywhere() -> None:
    """A coordinator with no attempts: the message replaces the tiles and each chart."""
    with Session(make_engine(database_url())) as session:
        idle = make_user(session, "Idle Coordinator")
        session.commit()
    at = insights_at(last_week() | {"coordinator": str(idle)})

    assert [e.value for e in at.exception] == []
    # The tiles, the up-front chart and the open tab's.
    assert texts(at.info).count("No attempts match these filters.") == 3
    runs = {label: texts(run.info) for label, run in zip(tab_labels(), tab_runs(at), strict=True)}
    assert "No follow-ups were due in these weeks." in runs["Follow-ups"]
    assert {label: info.count(EMPTY) for label, info in runs.items()} == {
        "Response rate": 3, "Follow-ups": 2, "Per official": 3, "Outcome mix": 3,
        "Best time to call": 3,
    }  # fmt: skip
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

    def keys() -> dict[Filters, tuple[int, ...]]:
        versions = cache.read(data_version.read)
        return {f: data_version.figures_key(versions, f.campaign_ids) for f in (one, two, every)}

    cache.write(log, changes=(cache.ACTIVITY,), campaign_id=1)
    keyed = keys()
    after = {f: cache.summary(f).attempts for f in (one, two, every)}

    assert after == {one: before[one] + 1, two: before[two], every: before[every] + 1}
    cache.write(log, changes=(cache.ACTIVITY,), campaign_id=1)
    again = keys()
    assert [again[f] == keyed[f] for f in (one, two, every)] == [False, True, False]


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
    assert len(every_figure_spec(at)) == len(FIGURES)
    shown, headings = set(), []
    for run in tab_runs(at):
        shown |= set(texts(run.caption))
        headings += [h.value for h in run.subheader]
    assert [f.definition in shown for f in insights.FIGURES] == [True] * len(FIGURES)
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


# --- Layout, links and downloads ----------------------------------------------------------


@pytest.mark.usefixtures("ids")
def test_only_the_open_tab_is_counted_and_drawn() -> None:
    """The first chart under the tiles, then one tab per heavier figure; only the open
    tab's chart is drawn (the first tab by default), and opening another draws that one."""
    at = insights_at(last_week())

    assert tab_labels() == [
        "Response rate", "Follow-ups", "Per official", "Outcome mix", "Best time to call",
    ]  # fmt: skip
    # The figures' tab bar, then the follow-through block's (its own test file covers it).
    assert [t.label for t in at.tabs][: len(tab_labels())] == tab_labels()
    first = [spec["description"].split(":")[0] for spec in specs_of(at)]
    assert first == [
        "Stacked bar chart of outreach attempts per week by channel",
        "Line chart of the weekly response rate (attempts answered on substance ÷ attempts, "
        "by the week the attempt was made), with a shaded 95% Wilson interval",
    ]
    at.session_state[state.INSIGHTS_TAB] = "Outcome mix"
    specs = specs_of(at.run())
    assert len(specs) == 2
    assert specs[1]["description"].startswith("Stacked bar chart of the outcome mix of 2 attempts")


@pytest.mark.usefixtures("ids")
def test_a_bad_link_is_reported_not_silently_dropped() -> None:
    """An unknown campaign, an unknown channel and a malformed date each get a warning."""
    at = insights_at({"campaign": "99", "channel": "pigeon", "from": "2026-13-01"})

    assert [w.value for w in at.warning] == [
        render.md_escape("Link: from date '2026-13-01' is not YYYY-MM-DD: ignored."),
        render.md_escape("Link: unknown channel 'pigeon' ignored."),
        render.md_escape("Link: unknown campaign '99' ignored."),
    ]
    assert at.multiselect(key=state.FILTER_CAMPAIGNS).value == []
    assert [e.value for e in at.exception] == []


def test_a_link_value_is_quoted_without_markup_or_addresses() -> None:
    """Anything but letters, digits, space, - and _ is shown as "?", so nothing links."""
    warned = filters_ui.read_params(
        lambda name: ["[x](http://evil.example)"] if name == "campaign" else [],
        today=today_utc(),
        known_campaign_ids=(),
    )[1]
    assert warned == ["unknown campaign '?x??http???evil?example?' ignored"]


def _demo_campaign_with_an_attempt(official: int, actor: int) -> int:
    with Session(make_engine(database_url())) as session:
        demo = make_campaign(session, "Practice run", is_demo=True)
        session.add(CampaignTarget(campaign_id=demo, official_id=official))
        session.flush()
        make_attempt(
            session, campaign_id=demo, official_id=official, actor_id=actor,
            occurred_at=datetime.now(UTC) - timedelta(days=1),
        )  # fmt: skip
        session.commit()
    return demo


def test_the_demo_is_left_out_once_real_attempts_exist(ids: dict[str, int]) -> None:
    """Real attempts in the seeded campaign: the default view picks the real campaign only
    (2 attempts last week, not 3), and the demo campaign is offered, labelled "(demo)"."""
    demo = _demo_campaign_with_an_attempt(ids["official"], ids["alex"])
    at = insights_at(last_week())

    campaigns = at.multiselect(key=state.FILTER_CAMPAIGNS)
    assert campaigns.value == [1]
    assert "Practice run (demo)" in campaigns.options
    assert {m.label: m.value for m in at.metric}["Attempts"] == "2"
    linked = insights_at(last_week() | {"campaign": str(demo)})
    assert {m.label: m.value for m in linked.metric}["Attempts"] == "1"


def test_with_only_demo_attempts_the_demo_is_shown(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No real attempt yet: the default view keeps every campaign, so the demo shows."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    seed_database(sqlite_url)
    with Session(make_engine(sqlite_url)) as session:
        official = session.scalars(select(Official.id)).first()
        actor = make_user(session, "Alex")
        session.commit()
    assert official is not None
    _demo_campaign_with_an_attempt(official, actor)
    at = insights_at(last_week())

    assert at.multiselect(key=state.FILTER_CAMPAIGNS).value == []
    assert {m.label: m.value for m in at.metric}["Attempts"] == "1"


def _download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


@pytest.mark.usefixtures("ids")
def test_each_chart_offers_audited_downloads_to_who_may_export() -> None:
    """An admin gets "Download data" and "Download PNG" under each drawn chart; a viewer
    (no export right) gets none."""
    at = insights_at(last_week())
    viewer = signed_in(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S), Role.VIEWER)
    viewer.run().switch_page(page("insights").file)
    viewer.query_params = last_week()

    assert _download_labels(at) == ["Download data", "Download PNG"] * 2
    assert _download_labels(viewer.run()) == []
    assert [e.value for e in viewer.exception] == []


def test_a_chart_png_is_drawn_on_the_server() -> None:
    """The PNG of a chart is a PNG file, drawn by vl-convert from the page's own spec."""
    png = downloads.chart_png(charts.OUTCOME_MIX, SAMPLE_FRAMES["outcome_mix"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
