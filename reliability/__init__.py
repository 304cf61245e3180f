"""The reliability suite (``make reliability``): the app under load, crashes and a restore.

Every part writes through the real command layer the way the Log outreach page does
(``models.entries.save_attempt`` inside ``models.db.run_write`` with the form's
idempotency key and retries), reads with the Insights queries, and checks its
invariants itself, returning a result whose ``problems`` list is empty when they hold
and whose ``figures`` are printed:

* :mod:`reliability.load`: writers and readers for a while; nothing acknowledged lost,
  no lock or serialization error surfacing, rollups equal a rebuild; commits/s, p50/p99.
* :mod:`reliability.crash`: a writer process killed with SIGKILL at random moments
  (SQLite); every acknowledged attempt present, ``PRAGMA integrity_check`` ok, the app's
  migrate-at-start runs after each kill.
* :mod:`reliability.drill`: a backup taken while writers run, restored into a fresh
  database; every write acknowledged before the snapshot began is there.

``python -m reliability`` runs them at full size on SQLite and on a throwaway
PostgreSQL; ``tests/test_reliability.py`` runs them small, in seconds, in CI.
"""
