"""The data versions a script run keys its cached reads by: read once per run, kept for it.

``pages/ui/cache.py`` keys every cached read by the versions of the data it reads
(:mod:`models.data_version`). They are read from the database by the run's first cached
read and kept for the rest of the run, so a run costs one small read however many
cached reads it makes; a run that writes forgets them, and its next read reads them anew.
Outside a script run (a test calling the cache directly) they are read every time.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from streamlit.runtime.scriptrunner import get_script_run_ctx

from models.data_version import Versions

# Streamlit 1.67 makes a new ParallelFragmentCoordinator at the start of every run (full or
# fragment) and keeps it on the run's context for that run: it stands for the run, and the
# run's entry goes when it does.
_BY_RUN: weakref.WeakKeyDictionary[object, Versions] = weakref.WeakKeyDictionary()


def _this_run() -> object | None:
    return getattr(get_script_run_ctx(suppress_warning=True), "parallel_coordinator", None)


def of_this_run(read: Callable[[], Versions]) -> Versions:
    """The run's versions: ``read()`` at its first call in the run, then the same."""
    run = _this_run()
    versions = _BY_RUN.get(run) if run is not None else None
    if versions is None:
        versions = read()
        if run is not None:
            _BY_RUN[run] = versions
    return versions


def forget() -> None:
    """This run wrote: its next cached read reads the versions again."""
    run = _this_run()
    if run is not None:
        _BY_RUN.pop(run, None)


class Keyed(str):
    """The database URL as a cached read receives it, with the versions it is keyed by."""

    versions: tuple[int, ...]


def keyed(url: str, versions: tuple[int, ...]) -> Keyed:
    value = Keyed(url)
    value.versions = versions
    return value


def _key_of(url: Keyed) -> tuple[str, tuple[int, ...]]:
    return str(url), url.versions


# st.cache_data's hash_funcs: a Keyed URL hashes as the URL and its versions.
HASH_FUNCS: dict[str | type[Any], Callable[[Any], Any]] = {Keyed: _key_of}
