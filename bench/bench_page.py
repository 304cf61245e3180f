"""Timing the Insights page through AppTest, and the SQL its statements cost on their own."""

from __future__ import annotations

import functools
import json
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session
from streamlit import logger as st_logger
from streamlit.testing.v1 import AppTest

from models import accounts
from models.db import make_engine, session_scope
from models.demo import DEMO_CAMPAIGN_NAME
from models.filters import Filters
from models.insights import FIGURES, Figure, headline
from models.insights.registry import FOLLOW_THROUGH as FOLLOW_THROUGH_FIGURES
from models.tables import Attempt, Campaign
from models.vocab import Role
from pages.ui import state
from pages.ui.follow_through_charts import BLOCK as FOLLOW_THROUGH
from pages.ui.insights_figures import FIGURES as PAGE_FIGURES
from pages.ui.insights_figures import tab_labels
from pages.ui.nav import page

ROOT = Path(__file__).resolve().parent.parent
st_logger.set_log_level("error")  # AppTest runs without a server; Streamlit says so, loudly
DASHBOARD = ROOT / "dashboard.py"
Statement = tuple[str, Any]
VIEWER, PASSWORD = "bench viewer", "a passphrase for the benchmark only"
UP_FRONT = sum(shown.up_front for shown in PAGE_FIGURES)
FULL_SCANS = ("SCAN attempts", "SCAN follow_ups", "Seq Scan on attempts", "Seq Scan on follow_ups")


@dataclass
class Timings:
    uncached: list[float] = field(default_factory=list)
    cached: list[float] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)


@contextmanager
def captured() -> Iterator[list[Statement]]:
    """Every SELECT (and SET) any engine of this process runs in the block, with parameters."""
    seen: list[Statement] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "SET")):
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


class PageBench:
    def __init__(self, url: str, *, repeats: int) -> None:
        self.engine = make_engine(url)
        self.repeats = repeats

    def first_day(self) -> date:
        with self.engine.connect() as conn:
            first = conn.execute(select(func.min(Attempt.occurred_at))).scalar_one()
        return first.date()

    def demo_campaign(self) -> int:
        with self.engine.connect() as conn:
            stmt = select(Campaign.id).where(Campaign.name == DEMO_CAMPAIGN_NAME)
            return int(conn.execute(stmt).scalar_one())

    def sign_in(self, at: AppTest) -> AppTest:
        """``at`` signed in as a viewer account made for the benchmark."""
        with session_scope(self.engine) as session:
            if accounts.find_user_id(session, VIEWER) is None:
                accounts.create_account(
                    session, name=VIEWER, password=PASSWORD, role=Role.VIEWER, actor_id=None
                )
        with session_scope(self.engine) as session:
            token = accounts.sign_in(session, VIEWER, PASSWORD).token
        at.session_state[state.AUTH] = token
        return at

    def open(self, params: dict[str, str]) -> AppTest:
        """A session on Insights opened by a link with ``params``, run once (warm)."""
        at = self.sign_in(AppTest.from_file(DASHBOARD, default_timeout=600)).run()
        at.switch_page(page("insights").file)
        at.query_params = params
        at.run()
        problems = [e.value for e in at.exception]
        if problems or not at.metric:
            raise SystemExit(f"the Insights page failed: {problems or 'no tiles'}")
        specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
        # The follow-through block's charts say so in their usermeta; count the figures'.
        drawn = sum(1 for s in specs if s.get("usermeta", {}).get("block") != FOLLOW_THROUGH)
        wanted = UP_FRONT + 1
        if drawn != wanted:  # a page that skips a figure would look fast
            raise SystemExit(f"the Insights page drew {drawn} of {wanted} charts (first tab)")
        return at

    def every_tab_statements(self, params: dict[str, str]) -> list[Statement]:
        """The statements of an uncached page that opens each of its tabs once, in order:
        what the page's SQL costs over every figure."""
        at = self.open(params)
        st.cache_data.clear()
        with captured() as statements:
            for label in tab_labels():
                at.session_state[state.INSIGHTS_TAB] = label
                at.run()
        if at.exception:
            raise SystemExit(f"the Insights page failed: {[e.value for e in at.exception]}")
        return statements

    def figure_times(self, filters: Filters, today: date) -> dict[str, list[float]]:
        """Seconds each figure's query takes through the model, uncached, per repeat."""
        times: dict[str, list[float]] = {figure.key: [] for figure in FIGURES}
        for _ in range(self.repeats):
            for figure in FIGURES:
                with session_scope(self.engine, write=False) as session:
                    started = time.perf_counter()
                    figure.query(session, filters, today)
                    times[figure.key].append(time.perf_counter() - started)
        return times

    def every_figure_best(self, filters: Filters, now: datetime) -> dict[str, float]:
        """The best of ``repeats`` seconds of the tiles and of each figure the page can
        draw (every tab's and the follow-through block's), through the model, uncached."""
        queries: dict[str, Callable[[Session], object]] = {
            "headline (tiles)": lambda s: headline(s, filters, now=now)
        }
        for figure in (*FIGURES, *FOLLOW_THROUGH_FIGURES):
            queries[figure.key] = functools.partial(_run, figure, filters, now.date())
        best: dict[str, float] = {}
        for key, query in queries.items():
            runs = []
            for _ in range(self.repeats):
                with session_scope(self.engine, write=False) as session:
                    started = time.perf_counter()
                    query(session)
                    runs.append(time.perf_counter() - started)
            best[key] = min(runs)
        return best

    def measure(self, params: dict[str, str]) -> Timings:
        """Uncached (every st.cache_data cleared) then cached reruns, ``repeats`` times."""
        at, timings = self.open(params), Timings()
        for n in range(self.repeats):
            st.cache_data.clear()
            with captured() as statements:
                started = time.perf_counter()
                at.run()
                timings.uncached.append(time.perf_counter() - started)
            if n == 0:
                timings.statements = statements
            started = time.perf_counter()
            at.run()
            timings.cached.append(time.perf_counter() - started)
        if at.exception:
            raise SystemExit(f"the Insights page failed: {[e.value for e in at.exception]}")
        return timings

    def sql_time(self, statements: list[Statement]) -> list[float]:
        """Seconds to run and fetch every statement through the bare driver, per repeat."""
        totals = []
        raw = self.engine.raw_connection()
        try:
            for _ in range(self.repeats):
                started = time.perf_counter()
                for sql, parameters in statements:
                    cursor = raw.cursor()
                    cursor.execute(sql, parameters)
                    if cursor.description is not None:
                        cursor.fetchall()
                    cursor.close()
                totals.append(time.perf_counter() - started)
                raw.rollback()
        finally:
            raw.close()
        return totals

    def memory_growth(self, params: dict[str, str]) -> int:
        """Peak bytes allocated (tracemalloc) by an uncached rerun, above what was held."""
        at = self.open(params)
        growths = []
        for _ in range(min(3, self.repeats)):
            st.cache_data.clear()
            tracemalloc.start()
            held = tracemalloc.get_traced_memory()[0]
            at.run()
            growths.append(tracemalloc.get_traced_memory()[1] - held)
            tracemalloc.stop()
        return int(statistics.median(growths))

    def write_plans(self, statements: list[Statement], path: Path) -> str:
        """Each statement with its query plan, to ``path``; a summary of the full scans."""
        sqlite = self.engine.dialect.name == "sqlite"
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        scans = 0
        raw = self.engine.raw_connection()
        lines = []
        try:
            for sql, parameters in statements:
                cursor = raw.cursor()
                if sql.lstrip().upper().startswith("SET"):
                    cursor.execute(sql, parameters)  # as the page set it, for the plans after
                    cursor.close()
                    continue
                cursor.execute(explain + sql, parameters)
                plan = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
                cursor.close()
                scans += sum(
                    any(s in line and "USING" not in line for s in FULL_SCANS) for line in plan
                )
                lines += [sql.strip(), f"-- parameters: {parameters!r}", *plan, ""]
            raw.rollback()
        finally:
            raw.close()
        path.write_text("\n".join(lines), encoding="utf-8")
        return f"{scans} full scans of attempts/follow_ups; {path.relative_to(ROOT)}"


def _run(figure: Figure, filters: Filters, today: date, session: Session) -> object:
    return figure.query(session, filters, today)
