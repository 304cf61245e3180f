"""The shared sidebar filters, read into a frozen ``Filters`` and mirrored in the URL.

The URL carries ``from`` and ``to`` (ISO dates), ``campaign``, ``official`` and
``coordinator`` (ids, repeated or comma-separated) and ``channel`` (channel names), so a
link reproduces the view. The
URL is read when the filters are first drawn in a browser session; after that the
widgets (kept for the whole session) lead and the URL follows them. A malformed or
unknown parameter is ignored and said so ("unknown campaign '99' ignored"). A link
that names no campaign starts from the real campaigns once any has an attempt, so the
demo history does not mix into real figures (demo campaigns are labelled "(demo)").

dashboard.py draws the filters for the pages that use them; a page that was opened by
a deep link before dashboard.py ever ran draws them itself: :func:`current_filters`
works either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import streamlit as st

from models.filters import Filters
from models.vocab import Channel
from pages.ui import cache, render, state
from pages.ui.date_enter import enter_applies_dates

_T = TypeVar("_T")

DEFAULT_WEEKS = 12
PARAM_FROM = "from"
PARAM_TO = "to"
PARAM_CAMPAIGN = "campaign"
PARAM_CHANNEL = "channel"
PARAM_OFFICIAL = "official"
PARAM_COORDINATOR = "coordinator"
PARAMS = (PARAM_FROM, PARAM_TO, PARAM_CAMPAIGN, PARAM_OFFICIAL, PARAM_CHANNEL, PARAM_COORDINATOR)


@dataclass(frozen=True)
class Choice:
    """What the filter widgets hold."""

    date_from: date
    date_to: date | None  # None while a range is half picked: open-ended
    campaign_ids: tuple[int, ...] = ()
    channels: tuple[Channel, ...] = ()
    official_ids: tuple[int, ...] = ()
    coordinator_ids: tuple[int, ...] = ()

    def to_filters(self) -> Filters:
        return Filters(
            date_from=self.date_from,
            date_to=self.date_to,
            campaign_ids=self.campaign_ids,
            official_ids=self.official_ids,
            channels=self.channels,
            coordinator_ids=self.coordinator_ids,
        )


def today_utc() -> date:
    return datetime.now(UTC).date()


def default_choice(today: date) -> Choice:
    """The last twelve weeks ending today."""
    return Choice(
        date_from=today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), date_to=today
    )


def choice_from_params(
    get_all: Callable[[str], list[str]],
    *,
    today: date,
    known_campaign_ids: Iterable[int],
    known_official_ids: Iterable[int] = (),
    known_coordinator_ids: Iterable[int] = (),
) -> Choice:
    """The filters a URL asks for; each malformed or unknown part falls back to its default."""
    return read_params(
        get_all,
        today=today,
        known_campaign_ids=known_campaign_ids,
        known_official_ids=known_official_ids,
        known_coordinator_ids=known_coordinator_ids,
    )[0]


def read_params(
    get_all: Callable[[str], list[str]],
    *,
    today: date,
    known_campaign_ids: Iterable[int],
    known_official_ids: Iterable[int] = (),
    known_coordinator_ids: Iterable[int] = (),
    default_campaign_ids: tuple[int, ...] = (),
) -> tuple[Choice, list[str]]:
    """The filters a URL asks for, and a sentence for each part of it that was ignored.

    ``default_campaign_ids``: the campaigns chosen when the URL names none.
    """
    problems: list[str] = []
    default = default_choice(today)
    date_from = _read_date(get_all, PARAM_FROM, problems) or default.date_from
    date_to = _read_date(get_all, PARAM_TO, problems) or default.date_to
    if date_to is not None and date_to < date_from:
        problems.append(f"'to' {date_to} is before 'from' {date_from}: the last 12 weeks shown")
        date_from, date_to = default.date_from, default.date_to
    channels: list[Channel] = []
    for value in _split(get_all(PARAM_CHANNEL)):
        if value in set(Channel):
            channels.append(Channel(value))
        else:
            problems.append(f"unknown channel '{_shown(value)}' ignored")
    campaign_ids = _known_ids(get_all(PARAM_CAMPAIGN), known_campaign_ids, "campaign", problems)
    if not get_all(PARAM_CAMPAIGN):
        campaign_ids = default_campaign_ids
    choice = Choice(
        date_from,
        date_to,
        campaign_ids,
        _unique(tuple(channels)),
        _known_ids(get_all(PARAM_OFFICIAL), known_official_ids, "official", problems),
        _known_ids(get_all(PARAM_COORDINATOR), known_coordinator_ids, "coordinator", problems),
    )
    return choice, problems


def _read_date(get_all: Callable[[str], list[str]], name: str, problems: list[str]) -> date | None:
    values = get_all(name)
    parsed = _parse_date(values)
    if values and parsed is None:
        problems.append(f"{name} date '{_shown(values[-1])}' is not YYYY-MM-DD: ignored")
    return parsed


def _shown(value: str) -> str:
    """A URL value as a warning quotes it: letters, digits, space, - and _ (anything else
    is "?", so no link, markup or address survives), at most 40 characters."""
    clean = "".join(c if c.isalnum() or c in " -_" else "?" for c in value.strip())
    return clean if len(clean) <= 40 else clean[:39] + "…"


def _known_ids(
    values: list[str], known: Iterable[int], kind: str = "", problems: list[str] | None = None
) -> tuple[int, ...]:
    allowed = set(known)
    kept = []
    for value in _split(values):
        number = _ints([value])
        if number and number[0] in allowed:
            kept.append(number[0])
        elif problems is not None:
            problems.append(f"unknown {kind} '{_shown(value)}' ignored")
    return _unique(tuple(kept))


def params_for(choice: Choice) -> dict[str, list[str]]:
    """The query parameters that reproduce ``choice`` (empty selections are left out)."""
    params: dict[str, list[str]] = {PARAM_FROM: [choice.date_from.isoformat()]}
    if choice.date_to is not None:
        params[PARAM_TO] = [choice.date_to.isoformat()]
    if choice.campaign_ids:
        params[PARAM_CAMPAIGN] = [str(i) for i in choice.campaign_ids]
    if choice.official_ids:
        params[PARAM_OFFICIAL] = [str(i) for i in choice.official_ids]
    if choice.channels:
        params[PARAM_CHANNEL] = [c.value for c in choice.channels]
    if choice.coordinator_ids:
        params[PARAM_COORDINATOR] = [str(i) for i in choice.coordinator_ids]
    return params


def current_filters() -> Filters:
    """The filters of this run: the ones dashboard.py drew, or drawn here if it did not run."""
    drawn = state.get(state.ENTRY_FILTERS)
    return drawn if isinstance(drawn, Filters) else draw_sidebar_filters()


@contextmanager
def drawn_by_entry(filters: Filters) -> Iterator[None]:
    """Hand ``filters`` to the page that dashboard.py runs inside this block, and only to it."""
    state.put(state.ENTRY_FILTERS, filters)
    try:
        yield
    finally:
        state.drop(state.ENTRY_FILTERS)


@dataclass(frozen=True)
class _Options:
    """The choices each id filter offers, by id: label."""

    campaigns: dict[int, str]
    officials: dict[int, str]
    coordinators: dict[int, str]

    @classmethod
    def load(cls) -> _Options:
        return cls(
            {o.id: o.label for o in cache.campaign_options()},
            {o.id: o.label for o in cache.official_options(include_archived=True)},
            {o.id: o.label for o in cache.coordinator_options()},
        )


def draw_sidebar_filters() -> Filters:
    """Draw the filters in the sidebar, keep the URL in step, and return their value."""
    options = _Options.load()
    _seed_widgets(options)
    with st.sidebar:
        st.header("Filters")
        for problem in state.get(state.FILTER_PROBLEMS) or ():
            st.warning(render.md_escape(f"Link: {problem}."), icon="⚠️")
        picked = st.date_input(
            "Date range", key=state.FILTER_DATES, format="YYYY-MM-DD", persist_state="session"
        )
        enter_applies_dates()  # a typed date applies on Enter, not only on a click elsewhere
        campaign_ids = _pick_ids("Campaigns", options.campaigns, state.FILTER_CAMPAIGNS)
        official_ids = _pick_ids("Officials", options.officials, state.FILTER_OFFICIALS)
        channels = st.multiselect(
            "Channels",
            list(Channel),
            format_func=str,
            key=state.FILTER_CHANNELS,
            placeholder="All channels",
            persist_state="session",
        )
        coordinator_ids = _pick_ids("Coordinators", options.coordinators, state.FILTER_COORDINATORS)
    choice = _choice_from_widgets(picked, campaign_ids, channels)
    choice = replace(
        choice, official_ids=tuple(official_ids), coordinator_ids=tuple(coordinator_ids)
    )
    _write_params(choice)
    return choice.to_filters()


def _pick_ids(label: str, options: dict[int, str], key: str) -> list[int]:
    return st.multiselect(
        label,
        list(options),
        format_func=lambda i: options.get(i, f"#{i}"),
        key=key,
        placeholder=f"All {label.lower()}",
        persist_state="session",
    )


_ID_FILTERS = (
    (state.FILTER_CAMPAIGNS, "campaigns", "campaign_ids"),
    (state.FILTER_OFFICIALS, "officials", "official_ids"),
    (state.FILTER_COORDINATORS, "coordinators", "coordinator_ids"),
)


def _seed_widgets(options: _Options) -> None:
    """On the first draw in a session, start from the URL; later, drop vanished choices."""
    if state.get(state.FILTER_DATES) is None:
        choice, problems = read_params(
            st.query_params.get_all,
            today=today_utc(),
            known_campaign_ids=options.campaigns,
            known_official_ids=options.officials,
            known_coordinator_ids=options.coordinators,
            default_campaign_ids=cache.real_campaign_ids(),
        )
        state.put(state.FILTER_PROBLEMS, problems)
        dates = (choice.date_from, choice.date_to) if choice.date_to else (choice.date_from,)
        state.put(state.FILTER_DATES, dates)
        state.put(state.FILTER_CHANNELS, list(choice.channels))
        for key, _, field in _ID_FILTERS:
            state.put(key, list(getattr(choice, field)))
        return
    for key, kind, _ in _ID_FILTERS:
        known = getattr(options, kind)
        kept = [i for i in state.get(key, []) if i in known]
        if kept != state.get(key):
            state.put(key, kept)


def _choice_from_widgets(
    picked: object, campaign_ids: list[int], channels: list[Channel]
) -> Choice:
    days = [d for d in (picked if isinstance(picked, tuple) else (picked,)) if isinstance(d, date)]
    if not days:
        default = default_choice(today_utc())
        return Choice(default.date_from, default.date_to, tuple(campaign_ids), tuple(channels))
    date_to = days[1] if len(days) > 1 else None
    return Choice(days[0], date_to, tuple(campaign_ids), tuple(Channel(c) for c in channels))


def _write_params(choice: Choice) -> None:
    wanted = params_for(choice)
    current = {name: st.query_params.get_all(name) for name in PARAMS}
    if all(current[name] == wanted.get(name, []) for name in PARAMS):
        return
    for name in PARAMS:
        if name in wanted:
            st.query_params[name] = wanted[name]
        elif name in st.query_params:
            del st.query_params[name]


def _parse_date(values: list[str]) -> date | None:
    if not values:
        return None
    try:
        return date.fromisoformat(values[-1].strip())
    except ValueError:
        return None


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18]


def _unique(values: tuple[_T, ...]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(values))
