"""Sign-in gives nothing away by its timing: an unknown user name takes as long as a
known one with a wrong password (the issue: medians of 20 within 20%).

Both paths run with the app's own argon2id parameters (``PasswordHasher()``'s defaults),
interleaved so that machine load falls on both alike. Each try is rolled back, so the
wrong passwords never lock the account and every try does the same work.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import accounts
from models.db import make_engine, migrate, session_scope
from models.vocab import Role

PASSWORD = "the reliability suite's passphrase"  # noqa: S105 (a scratch account)
TOLERANCE = 0.20


@dataclass
class SignInResult:
    tries: int
    unknown: list[float] = field(default_factory=list)
    wrong: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.unknown) / statistics.median(self.wrong)

    def figures(self) -> list[str]:
        ms = 1000
        return [
            f"  {self.tries} tries each, app's argon2id parameters, interleaved, rolled back",
            f"  unknown user: median {statistics.median(self.unknown) * ms:.1f} ms; "
            f"wrong password: median {statistics.median(self.wrong) * ms:.1f} ms; "
            f"ratio {self.ratio:.3f} (target within 1 ± {TOLERANCE:g})",
        ]


def run(url: str, *, tries: int = 20, hasher: PasswordHasher | None = None) -> SignInResult:
    """Time ``tries`` sign-ins of an unknown name and of a wrong password, alternating."""
    engine = make_engine(url)
    migrate(engine)
    previous = accounts.current_hasher()
    accounts.use_hasher(hasher or PasswordHasher())
    try:
        with session_scope(engine) as session:
            accounts.create_account(
                session, name="timed", password=PASSWORD, role=Role.COORDINATOR, actor_id=None
            )
        result = SignInResult(tries)
        _timed(engine, lambda s: accounts.sign_in(s, "nobody-at-all", PASSWORD))  # warm-up
        for _ in range(tries):
            result.unknown.append(_timed(engine, lambda s: accounts.sign_in(s, "nobody", PASSWORD)))
            result.wrong.append(_timed(engine, lambda s: accounts.sign_in(s, "timed", "wrong!!")))
        if abs(result.ratio - 1) > TOLERANCE:
            result.problems.append(f"unknown/wrong median ratio {result.ratio:.3f}")
        return result
    finally:
        accounts.use_hasher(previous)
        engine.dispose()


def _timed(engine: Engine, attempt: Callable[[Session], object]) -> float:
    with Session(bind=engine) as session:
        started = time.perf_counter()
        found = attempt(session)
        session.flush()
        elapsed = time.perf_counter() - started
        assert getattr(found, "user", None) is None, "a timed sign-in succeeded"
        session.rollback()
    return elapsed
