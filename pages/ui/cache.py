"""The UI's only door to the database: one cached engine, cached reads, and writes.

The engine is a ``st.cache_resource`` keyed by the database URL (read at call time, so
a test can point ``DATABASE_URL`` at its own file); it migrates the database to head
once when it is made and is disposed when released. Reads are bounded ``st.cache_data``
wrappers over ``models`` keyed by plain values (the frozen ``Filters`` too). A Session
never outlives one call and is never cached.

Every cached read is keyed as well by the *data versions* of what it reads
(:mod:`models.data_version`): numbers in the database that each write transaction moves
before its COMMIT, read once per script run (by the run's first cached read, and again
after a write: one small SELECT, :mod:`pages.ui.run_versions`). So a write made by any app
process, this one or another on the same PostgreSQL, shows on the next run in all of them.
Reads are grouped by what they read (activity: attempts, replies and follow-ups; the
directory; people), the filtered figures (Insights, Reports) by campaign, and
:func:`write` says what it changed: logging an attempt in campaign 3 leaves the
directory's reads and campaign 5's figures cached.
"""

from __future__ import annotations

import functools
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
    data_version,
    directory,
    exports,
    freshness,
    guard,
    history,
    insights,
    queries,
    timeline,
)
from models import filters as filters_model
from models.cadence_rules import CadenceRules
from models.data_version import Versions
from models.db import DEFAULT_RETRIES, database_url, make_engine, migrate, run_write, session_scope
from models.filters import Filters
from models.freshness import SuspectPoint
from models.guard import ContactToday
from models.history import PastAttempt
from models.insights import Summary
from models.queries import CampaignView, OfficialCard, Option
from models.timeline import TimelineEvent
from pages.ui import run_versions

T = TypeVar("T")

# Entries are current for as long as the data versions say; only a write made outside the
# app (psql), which moves no version, waits for this.
TTL_S = 3600
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
    # str(): a cached read's URL carries its versions (run_versions.Keyed); one engine a URL.
    with session_scope(_engine_for(str(url)), write=False) as session:
        yield session


# What a write can change, and so which cached reads it makes stale.
ACTIVITY = data_version.ACTIVITY  # attempts, responses, follow-ups
DIRECTORY = data_version.DIRECTORY  # campaigns, officials, contact points
PEOPLE = data_version.PEOPLE  # users
EVERYTHING = data_version.EVERYTHING


def write(
    action: Callable[[Session], T],
    *,
    changes: Iterable[str] = EVERYTHING,
    campaign_id: int | None = None,
    retryable: bool = False,
) -> T:
    """Run ``action`` in one write transaction and commit; if it changed rows, the data
    versions of ``changes`` move with it, so every process's cached reads of them miss.

    ``changes=()``: nothing a cached read shows (sign-in bookkeeping). ``campaign_id``:
    the one campaign whose attempts or follow-ups the write changed, if the caller knows
    it (None: any campaign may have changed). ``retryable``: the action is safe to run
    again (an attempt keyed by its idempotency key), so a write refused for a lock is
    retried instead of shown as an error.
    """
    moves = data_version.scopes_of(changes, campaign_id)
    retries = DEFAULT_RETRIES if retryable else 0
    result = run_write(engine(), action, retries=retries, moves=moves)
    if moves:
        run_versions.forget()
    return result


def read(query: Callable[[Session], T]) -> T:
    """An uncached read in a read-only session, for what must be current (sign-in, audit)."""
    with session_scope(engine(), write=False) as session:
        return query(session)


def invalidate(changes: Iterable[str] = EVERYTHING, *, campaign_id: int | None = None) -> None:
    """Outdate every process's cached reads of ``changes``, after a write made outside
    :func:`write` (a write through ``models.db.session_scope`` moves ``every`` itself)."""
    moves = data_version.scopes_of(changes, campaign_id)
    run_write(engine(), lambda session: data_version.move(session.connection(), moves), moves=())
    run_versions.forget()


def _versions() -> Versions:
    return run_versions.of_this_run(lambda: read(data_version.read))


def _cached_as(*kinds: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A bounded ``st.cache_data`` over a read whose first argument is the database URL,
    keyed also by the data versions of ``kinds`` (the wrapper adds them to the URL)."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        cached = st.cache_data(
            ttl=TTL_S,
            max_entries=MAX_ENTRIES,
            show_spinner=False,
            hash_funcs=run_versions.HASH_FUNCS,
        )(func)

        @functools.wraps(func)
        def keyed_read(url: str, *args: Any, **kwargs: Any) -> T:
            versions = data_version.key(_versions(), *kinds)
            return cached(run_versions.keyed(url, versions), *args, **kwargs)

        return keyed_read

    return decorate


_cached = _cached_as(DIRECTORY)
_activity = _cached_as(ACTIVITY)
# For the sibling read modules (pages/ui/queue_reads.py): the same decorator and session.
activity_read = _activity
reading = _reading


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


@_cached_as(ACTIVITY, DIRECTORY)  # a new campaign changes it too
def _real_campaign_ids(url: str) -> tuple[int, ...]:
    with _reading(url) as session:
        return filters_model.real_campaign_ids(session)


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


# Logging an attempt moves its contact point's freshness (models.freshness), which the
# card and the suspect list show: they are activity reads too.
@_cached_as(DIRECTORY, ACTIVITY)
def _official_card(url: str, official_id: int) -> OfficialCard | None:
    with _reading(url) as session:
        return queries.official_card(session, official_id)


def official_card(official_id: int) -> OfficialCard | None:
    return _official_card(database_url(), official_id)


@_cached_as(DIRECTORY)
def _removed_contact_points(url: str, official_id: int) -> list[tuple[int, str]]:
    with _reading(url) as session:
        return directory.removed_contact_points(session, official_id)


def removed_contact_points(official_id: int) -> list[tuple[int, str]]:
    """The official's removed contact points: (id, label), most recently removed first."""
    return _removed_contact_points(database_url(), official_id)


@_cached_as(DIRECTORY, ACTIVITY)
def _suspect_points(url: str) -> list[SuspectPoint]:
    with _reading(url) as session:
        return freshness.suspect_points(session)


def suspect_points() -> list[SuspectPoint]:
    """Contact points with two or more failed attempts in a row (models.freshness)."""
    return _suspect_points(database_url())


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


# --- The filtered figures (Insights, Reports), keyed by filters and versions -------------


def _figure_key(figure: insights.Figure) -> str:
    return figure.key


def _figures_version(filters: Filters) -> tuple[int, ...]:
    return data_version.figures_key(_versions(), filters.campaign_ids)


# ``version`` is only a cache key (an underscore would make st.cache_data skip it): a write
# that changes the figure's data moves it, so the next read misses the stale entry.
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
    version: tuple[int, ...],  # noqa: ARG001 (a cache key only)
    today: date,
) -> pd.DataFrame:
    with _reading(url) as session:
        return figure.query(session, filters, today)


def figure(figure: insights.Figure, filters: Filters, *, today: date) -> pd.DataFrame:
    """The Insights ``figure`` (an entry of ``models.insights.FIGURES``) for ``filters``."""
    return _figure(database_url(), figure, filters, _figures_version(filters), today)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _headline(
    url: str,
    filters: Filters,
    version: tuple[int, ...],  # noqa: ARG001 (a cache key only)
    now: datetime,
) -> insights.Headline:
    with _reading(url) as session:
        return insights.headline(session, filters, now=now)


def headline(filters: Filters, *, now: datetime) -> insights.Headline:
    """The tiles; ``now`` is rounded down to the minute so that it can key the cache."""
    minute = now.replace(second=0, microsecond=0)
    return _headline(database_url(), filters, _figures_version(filters), minute)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _summary(
    url: str,
    filters: Filters,
    version: tuple[int, ...],  # noqa: ARG001 (a cache key only)
) -> Summary:
    with _reading(url) as session:
        return insights.summary(session, filters)


def summary(filters: Filters) -> Summary:
    return _summary(database_url(), filters, _figures_version(filters))


@_cached_as(DIRECTORY, PEOPLE)
def _export_labels(url: str, filters: Filters) -> exports.Labels:
    with _reading(url) as session:
        return exports.labels_for(session, filters)


def export_labels(filters: Filters) -> exports.Labels:
    """The names of the campaigns, officials and coordinators the filters select."""
    return _export_labels(database_url(), filters)
