"""The baseline: the Insights figures computed the naive way, in pandas.

Read the attempts (with their responses), the officials and the follow-ups into pandas
and group there, as a page would without SQL aggregation. It computes what the page
shows for one date range, so that its time compares with the page's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

ATTEMPTS_SQL = """
SELECT a.id, a.campaign_id, a.official_id, a.channel, a.outcome, a.outcome_class,
       a.occurred_at, a.coordinator_id, a.deleted_at, r.responded_at
FROM attempts a LEFT JOIN responses r ON r.attempt_id = a.id
"""
FOLLOW_UPS_SQL = (
    "SELECT campaign_id, official_id, due_on, status, completed_at, created_at FROM follow_ups"
)
LIVE = ("reached", "refused")


def _instants(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="mixed")
    return frame


def naive_page(engine: Engine, date_from: date, date_to: date, now: datetime) -> dict[str, object]:
    """Every figure of the page for [date_from, date_to], counted in pandas."""
    with engine.connect() as conn:
        attempts = pd.read_sql(ATTEMPTS_SQL, conn)
        officials = pd.read_sql("SELECT id, full_name, timezone FROM officials", conn)
        follow_ups = pd.read_sql(FOLLOW_UPS_SQL, conn)
    attempts = _instants(attempts, "occurred_at", "deleted_at", "responded_at")
    follow_ups = _instants(follow_ups, "completed_at", "created_at")
    follow_ups["due_on"] = pd.to_datetime(follow_ups["due_on"]).dt.date
    attempts = attempts[attempts["deleted_at"].isna()]
    length = (date_to - date_from).days + 1
    current = _period(attempts, date_from, date_to)
    previous = _period(attempts, date_from - timedelta(days=length), date_from - timedelta(days=1))
    a = current["frame"]
    assert isinstance(a, pd.DataFrame)
    a = a.assign(
        week=(a["occurred_at"].dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time),
        answered=a["responded_at"].notna(),
        live=a["outcome_class"].isin(LIVE),
    )
    figures: dict[str, object] = {
        "current": current["counts"],
        "previous": previous["counts"],
        "open": _open_at(follow_ups, now),
        "by_week_channel": a.groupby(["week", "channel"]).size(),
        "response_by_week": a.groupby("week")["answered"].agg(["size", "sum"]),
        "outcome_mix": a.groupby(["channel", "outcome"]).size(),
        "per_official": _per_official(a),
        "best_time": _best_time(a, officials),
        "follow_ups": _follow_ups(follow_ups, date_from, date_to, now.date()),
    }
    return figures


def _period(attempts: pd.DataFrame, first: date, last: date) -> dict[str, object]:
    lo = pd.Timestamp(first, tz="UTC")
    hi = pd.Timestamp(last + timedelta(days=1), tz="UTC")
    frame = attempts[(attempts["occurred_at"] >= lo) & (attempts["occurred_at"] < hi)]
    delays = (frame["responded_at"] - frame["occurred_at"]).dropna()
    counts = {
        "attempts": len(frame),
        "contacted": int(frame["outcome_class"].isin(LIVE).sum()),
        "responded": int(frame["responded_at"].notna().sum()),
        "median_delay": delays.median() if len(delays) else None,
    }
    return {"frame": frame, "counts": counts}


def _open_at(follow_ups: pd.DataFrame, at: datetime) -> tuple[int, int]:
    instant = pd.Timestamp(at)
    created = follow_ups["created_at"] <= instant
    still_open = follow_ups["completed_at"].isna() | (follow_ups["completed_at"] > instant)
    open_now = follow_ups[created & still_open]
    return len(open_now), int((open_now["due_on"] < at.date()).sum())


def _per_official(a: pd.DataFrame) -> pd.DataFrame:
    grouped = a.groupby("official_id")
    table = grouped.agg(
        attempts=("id", "size"),
        contacted=("live", "sum"),
        responded=("answered", "sum"),
        first_attempt=("occurred_at", "min"),
        first_response=("responded_at", "min"),
    )
    last = a[a["live"]].groupby("official_id")["occurred_at"].max()
    return table.assign(last_contact=last)


def _best_time(a: pd.DataFrame, officials: pd.DataFrame) -> pd.DataFrame:
    calls = a[a["channel"] == "phone"].merge(
        officials, left_on="official_id", right_on="id", suffixes=("", "_official")
    )
    parts = []
    for tz, group in calls.groupby("timezone"):
        local = group["occurred_at"].dt.tz_convert(str(tz))
        parts.append(
            pd.DataFrame(
                {"weekday": local.dt.weekday, "hour": local.dt.hour, "live": group["live"]}
            )
        )
    cells = pd.concat(parts).groupby(["weekday", "hour"])["live"].agg(["size", "sum"])
    prior = cells["sum"].sum() / cells["size"].sum()
    return cells.assign(smoothed=(cells["sum"] + 10 * prior) / (cells["size"] + 10))


def _follow_ups(follow_ups: pd.DataFrame, first: date, last: date, today: date) -> pd.DataFrame:
    f = follow_ups[(follow_ups["status"] != "cancelled")]
    f = f[(f["due_on"] >= first) & (f["due_on"] <= last)]
    done_on = f["completed_at"].dt.date
    f = f.assign(
        week=pd.to_datetime(f["due_on"]).dt.to_period("W-SUN").dt.start_time,
        on_time=(f["status"] == "done") & (done_on <= f["due_on"]),
        late=(f["status"] == "done") & (done_on > f["due_on"]),
        overdue=(f["status"] == "open") & (f["due_on"] < today),
    )
    return f.groupby("week")[["on_time", "late", "overdue"]].sum()
