"""The UI's only door to the database: one cached engine, cached reads, and writes.

The engine is a ``st.cache_resource`` keyed by the database URL (read at call time, so
a test can point ``DATABASE_URL`` at its own file); it migrates the database to head
once when it is made and is disposed when released. Reads are bounded ``st.cache_data``
wrappers over ``models`` keyed by plain values (the frozen ``Filters`` too). A Session
never outlives one call and is never cached.

Every write goes through :func:`write`, which says what it changed, and only that is
forgotten: reads are grouped by what they read (activity: attempts, replies and
follow-ups; the directory; people), and the filtered figures (Insights, Reports) carry
a *stamp* in their cache key, the version of the campaigns they cover. Logging an
attempt in campaign 3 moves the stamp of campaign 3 and of all-campaign views, so a
view of campaign 5 stays cached; nothing is cleared for other users that the write
did not change. Other processes' writes show up within :data:`TTL_S`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import (
    cadence_rules,
    exports,
    freshness,
    guard,
    history,
    insights,
    queries,
    queue,
    queue_health,
    set_aside,
    timeline,
)
from models import filters as filters_model
from models.cadence_rules import CadenceRules
from models.db import DEFAULT_RETRIES, database_url, make_engine, migrate, run_write, session_scope
from models.filters import Filters
from models.freshness import SuspectPoint
from models.guard import ContactToday
from models.history import PastAttempt
from models.insights import Summary
from models.queries import CampaignView, OfficialCard, Option
from models.timeline import TimelineEvent
from models.vocab import Channel

T = TypeVar("T")

# Several app processes may share one PostgreSQL: a write clears only its own
# process's caches, so what another process wrote shows up within this many seconds.
TTL_S = 60
MAX_ENTRIES = 256


def _dispose(engine: Engine) -> None:
    engine.dispose()


@st.cache_resource(show_spinner=False, on_release=_dispose, max_entries=4)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)  # migrations run on start: the first page view of a process
    return engine


def engine() -> Engine:
    return _engine_for(database_url())


@contextmanager
def _reading(url: str) -> Iterator[Session]:
    with session_scope(_engine_for(url), write=False) as session:
        yield session


# What a write can change, and so which cached reads it makes stale.
ACTIVITY = "activity"  # attempts, responses, follow-ups
DIRECTORY = "directory"  # campaigns, officials, contact points
PEOPLE = "people"  # users
EVERYTHING = frozenset({ACTIVITY, DIRECTORY, PEOPLE})


def write(
    action: Callable[[Session], T],
    *,
    changes: Iterable[str] = EVERYTHING,
    campaign_id: int | None = None,
    retryable: bool = False,
) -> T:
    """Run ``action`` in one write transaction, commit, then forget what it changed.

    ``campaign_id``: the one campaign whose attempts or follow-ups the write changed,
    if the caller knows it (None: any campaign may have changed). ``retryable``: the
    action is safe to run again (an attempt keyed by its idempotency key), so a write
    refused for a lock is retried instead of shown as an error.
    """
    result = run_write(engine(), action, retries=DEFAULT_RETRIES if retryable else 0)
    invalidate(changes, campaign_id=campaign_id)
    return result


def read(query: Callable[[Session], T]) -> T:
    """An uncached read in a read-only session, for what must be current (sign-in, audit)."""
    with session_scope(engine(), write=False) as session:
        return query(session)


class _Stamps:
    """Versions of the activity data per campaign, for the filtered figures' cache keys."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._every = 0  # moved by a write whose campaign is unknown
        self._any = 0  # moved by every activity write: views of all campaigns
        self._campaigns: dict[int, int] = {}

    def move(self, campaign_id: int | None) -> None:
        with self._lock:
            if campaign_id is None:
                self._every += 1
                return
            self._campaigns[campaign_id] = self._campaigns.get(campaign_id, 0) + 1
            self._any += 1

    def of(self, filters: Filters) -> tuple[int, ...]:
        with self._lock:
            if not filters.campaign_ids:
                return (self._every, self._any)
            return (self._every, *(self._campaigns.get(c, 0) for c in filters.campaign_ids))


_STAMPS = _Stamps()
_READS: dict[str, list[Any]] = {kind: [] for kind in EVERYTHING}


def _cached_as(kind: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        wrapped = st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)(func)
        _READS[kind].append(wrapped)
        return wrapped

    return decorate


_cached = _cached_as(DIRECTORY)
_activity = _cached_as(ACTIVITY)


def invalidate(changes: Iterable[str] = EVERYTHING, *, campaign_id: int | None = None) -> None:
    """Forget the cached reads that a write of ``changes`` made stale."""
    changes = frozenset(changes)
    for kind in changes:
        for read in _READS[kind]:
            read.clear()
    if ACTIVITY in changes or DIRECTORY in changes:  # figures name officials too
        _STAMPS.move(None if DIRECTORY in changes else campaign_id)


@_cached
def _campaign_options(url: str, only_active: bool) -> list[Option]:
    with _reading(url) as session:
        return queries.campaign_options(session, only_active=only_active)


def campaign_options(*, only_active: bool = False) -> list[Option]:
    """Every campaign, or only the active ones (what Log outreach offers)."""
    return _campaign_options(database_url(), only_active)


@_cached
def _campaign_list(url: str) -> pd.DataFrame:
    with _reading(url) as session:
        return queries.campaign_list(session)


@_activity
def _real_campaign_ids(url: str) -> tuple[int, ...]:
    with _reading(url) as session:
        return filters_model.real_campaign_ids(session)


_READS[DIRECTORY].append(_real_campaign_ids)  # a new campaign changes it too


def real_campaign_ids() -> tuple[int, ...]:
    """The campaigns the filters start from (models.filters.real_campaign_ids)."""
    return _real_campaign_ids(database_url())


def campaign_list() -> pd.DataFrame:
    return _campaign_list(database_url())


@_cached
def _campaign_targets(url: str, campaign_id: int) -> pd.DataFrame:
    with _reading(url) as session:
        return queries.campaign_targets(session, campaign_id)


def campaign_targets(campaign_id: int) -> pd.DataFrame:
    return _campaign_targets(database_url(), campaign_id)


@_cached
def _campaign_view(url: str, campaign_id: int) -> CampaignView | None:
    with _reading(url) as session:
        return queries.campaign_view(session, campaign_id)


def campaign_view(campaign_id: int) -> CampaignView | None:
    return _campaign_view(database_url(), campaign_id)


@_cached
def _official_options(
    url: str, campaign_id: int | None, include_archived: bool, not_in_campaign: int | None
) -> list[Option]:
    with _reading(url) as session:
        return queries.official_options(
            session,
            campaign_id,
            include_archived=include_archived,
            not_in_campaign=not_in_campaign,
        )


def official_options(
    campaign_id: int | None = None,
    *,
    include_archived: bool = False,
    not_in_campaign: int | None = None,
) -> list[Option]:
    """Officials by name; a campaign's targets in calling order; or those it lacks."""
    return _official_options(database_url(), campaign_id, include_archived, not_in_campaign)


@_cached
def _archived_officials(url: str) -> list[Option]:
    with _reading(url) as session:
        return queries.archived_officials(session)


def archived_officials() -> list[Option]:
    return _archived_officials(database_url())


@_cached_as(PEOPLE)
def _coordinator_options(url: str) -> list[Option]:
    with _reading(url) as session:
        return queries.coordinator_options(session)


def coordinator_options() -> list[Option]:
    return _coordinator_options(database_url())


@_cached
def _cadence_rules(url: str, campaign_id: int) -> CadenceRules | None:
    with _reading(url) as session:
        return cadence_rules.cadence_rules(session, campaign_id)


def cadence_rules_of(campaign_id: int) -> CadenceRules | None:
    """The campaign's business days per outcome class and its daily limit."""
    return _cadence_rules(database_url(), campaign_id)


@_cached
def _official_card(url: str, official_id: int) -> OfficialCard | None:
    with _reading(url) as session:
        return queries.official_card(session, official_id)


def official_card(official_id: int) -> OfficialCard | None:
    return _official_card(database_url(), official_id)


@_cached
def _suspect_points(url: str) -> list[SuspectPoint]:
    with _reading(url) as session:
        return freshness.suspect_points(session)


def suspect_points() -> list[SuspectPoint]:
    """Contact points with two or more failed attempts in a row (models.freshness)."""
    return _suspect_points(database_url())


# Logging an attempt moves its contact point's freshness (models.freshness), which the
# card and the suspect list show: activity writes forget them too.
_READS[ACTIVITY].extend([_official_card, _suspect_points])


@_cached
def _officials_directory(url: str, include_archived: bool) -> pd.DataFrame:
    with _reading(url) as session:
        return queries.officials_directory(session, include_archived=include_archived)


def officials_directory(*, include_archived: bool = False) -> pd.DataFrame:
    return _officials_directory(database_url(), include_archived)


@_activity
def _attempt_history(url: str, official_id: int, campaign_id: int | None) -> list[PastAttempt]:
    with _reading(url) as session:
        return history.attempt_history(session, official_id=official_id, campaign_id=campaign_id)


def attempt_history(official_id: int, campaign_id: int | None = None) -> list[PastAttempt]:
    """The latest attempts to an official (in one campaign, or in all), notes included."""
    return _attempt_history(database_url(), official_id, campaign_id)


@_activity
def _contacts_today(url: str, official_id: int, minute: datetime) -> list[ContactToday]:
    with _reading(url) as session:
        return guard.contacts_today(session, official_id=official_id, now_utc=minute)


def contacts_today(official_id: int, now_utc: datetime) -> list[ContactToday]:
    """Attempts to the official on their local day, any campaign (models.guard)."""
    minute = now_utc.replace(second=0, microsecond=0)
    return _contacts_today(database_url(), official_id, minute)


@_activity
def _official_timeline(url: str, official_id: int) -> list[TimelineEvent]:
    with _reading(url) as session:
        return timeline.official_timeline(session, official_id)


def official_timeline(official_id: int) -> list[TimelineEvent]:
    """Every attempt, response and follow-up of one official, newest first."""
    return _official_timeline(database_url(), official_id)


@_activity
def _awaiting_reply(url: str, campaign_id: int, official_id: int) -> list[Option]:
    with _reading(url) as session:
        return queries.awaiting_reply(session, campaign_id=campaign_id, official_id=official_id)


def awaiting_reply(campaign_id: int, official_id: int) -> list[Option]:
    return _awaiting_reply(database_url(), campaign_id, official_id)


@_activity
def _work_queue(
    url: str, today: date, minute: datetime, horizon_days: int, assignee_id: int | None
) -> queue.Queue:
    with _reading(url) as session:
        return queue.follow_up_queue(
            session,
            today=today,
            now_utc=minute,
            horizon_days=horizon_days,
            assignee_id=assignee_id,
            limit=QUEUE_ROWS,
        )


QUEUE_ROWS = 20  # rows drawn per section; the heading gives the section's full count


def work_queue(
    *, today: date, now: datetime, horizon_days: int, assignee_id: int | None
) -> queue.Queue:
    """The Follow-ups queue (Mine: ``assignee_id``; Team: None); office states to the minute."""
    minute = now.replace(second=0, microsecond=0)
    return _work_queue(database_url(), today, minute, horizon_days, assignee_id)


@_activity
def _queue_health(
    url: str, today: date, minute: datetime, channel: str, assignee_id: int | None
) -> queue_health.Health:
    with _reading(url) as session:
        return queue_health.queue_health(
            session, today=today, now_utc=minute, channel=Channel(channel), assignee_id=assignee_id
        )


def health_of_queue(
    *, today: date, now: datetime, channel: Channel, assignee_id: int | None
) -> queue_health.Health:
    """Callable now and why not, for the queue due by ``today``; to the minute."""
    minute = now.replace(second=0, microsecond=0)
    return _queue_health(database_url(), today, minute, str(channel), assignee_id)


@_activity
def _set_aside(
    url: str, today: date, minute: datetime, assignee_id: int | None, cancelled: bool
) -> list[set_aside.SetAside]:
    with _reading(url) as session:
        return set_aside.set_aside(
            session, today=today, now_utc=minute, assignee_id=assignee_id, cancelled=cancelled
        )


def set_aside_follow_ups(
    *, today: date, now: datetime, assignee_id: int | None, cancelled: bool
) -> list[set_aside.SetAside]:
    """Snoozed follow-ups (and, if ``cancelled``, the lately cancelled ones)."""
    minute = now.replace(second=0, microsecond=0)
    return _set_aside(database_url(), today, minute, assignee_id, cancelled)


# --- The filtered figures (Insights, Reports), keyed by filters and stamps ---------------


def _figure_key(figure: insights.Figure) -> str:
    return figure.key


# ``stamp`` is only a cache key (an underscore would make st.cache_data skip it): a write
# that changes the figure's data bumps it, so the next read misses the stale entry.
@st.cache_data(
    ttl=TTL_S,
    max_entries=4 * MAX_ENTRIES,
    show_spinner=False,
    hash_funcs={insights.Figure: _figure_key},
)
def _figure(
    url: str,
    figure: insights.Figure,
    filters: Filters,
    stamp: tuple[int, ...],  # noqa: ARG001 (a cache key only)
    today: date,
) -> pd.DataFrame:
    with _reading(url) as session:
        return figure.query(session, filters, today)


def figure(figure: insights.Figure, filters: Filters, *, today: date) -> pd.DataFrame:
    """The Insights ``figure`` (an entry of ``models.insights.FIGURES``) for ``filters``."""
    return _figure(database_url(), figure, filters, _STAMPS.of(filters), today)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _headline(
    url: str,
    filters: Filters,
    stamp: tuple[int, ...],  # noqa: ARG001 (a cache key only)
    now: datetime,
) -> insights.Headline:
    with _reading(url) as session:
        return insights.headline(session, filters, now=now)


def headline(filters: Filters, *, now: datetime) -> insights.Headline:
    """The tiles; ``now`` is rounded down to the minute so that it can key the cache."""
    minute = now.replace(second=0, microsecond=0)
    return _headline(database_url(), filters, _STAMPS.of(filters), minute)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _summary(
    url: str,
    filters: Filters,
    stamp: tuple[int, ...],  # noqa: ARG001 (a cache key only)
) -> Summary:
    with _reading(url) as session:
        return insights.summary(session, filters)


def summary(filters: Filters) -> Summary:
    return _summary(database_url(), filters, _STAMPS.of(filters))


@_cached
def _export_labels(url: str, filters: Filters) -> exports.Labels:
    with _reading(url) as session:
        return exports.labels_for(session, filters)


def export_labels(filters: Filters) -> exports.Labels:
    """The names of the campaigns, officials and coordinators the filters select."""
    return _export_labels(database_url(), filters)
