"""Import the chart pages' heavy modules once per server process, on a thread of its own.

Altair and the Insights figures take about 0.7 s to import on a 2-core machine. Without
this, the first person to open Insights after a restart waits for that import inside
their click. :func:`start` runs from the entry script on every rerun, but does its work
only once: the sign-in page is drawn at once, and the import runs while someone types
their password. Python's import lock makes a page that imports the same module meanwhile
wait for this import to finish; it never runs a module twice.
"""

from __future__ import annotations

import importlib
import logging
import threading

HEAVY = (
    "pages.ui.insights_figures",
    "pages.ui.follow_through_view",
)

_lock = threading.Lock()
_started = False
log = logging.getLogger(__name__)


def start() -> threading.Thread | None:
    """Start the import thread, the first time only; the thread, or None if it ran before."""
    global _started
    with _lock:
        if _started:
            return None
        _started = True
    thread = threading.Thread(target=_import_heavy, name="outreach-warmup", daemon=True)
    thread.start()
    return thread


def _import_heavy() -> None:
    for name in HEAVY:
        try:
            importlib.import_module(name)
        except Exception:  # the page will import it again and show the error there
            log.exception("warm-up import of %s failed", name)
