"""The Admin page's reads and writes. Reads are not cached: an audit view must be current."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
from sqlalchemy.orm import Session

from models import accounts, audit_queries
from models.audit_queries import AuditFilter
from pages.ui import cache

T = TypeVar("T")


def read(query: Callable[[Session], T]) -> T:
    return cache.read(query)


def accounts_list() -> list[accounts.Account]:
    return read(lambda s: accounts.list_accounts(s))


def accounts_table(people: list[accounts.Account]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "user": a.name,
                "name": a.display_name,
                "role": str(a.role),
                "active": a.is_active,
                "last sign-in (UTC)": a.last_sign_in_at,
            }
            for a in people
        ],
        columns=["user", "name", "role", "active", "last sign-in (UTC)"],
    )


def audit_log(where: AuditFilter) -> pd.DataFrame:
    return read(lambda s: audit_queries.audit_log(s, where))


def audit_vocabulary() -> tuple[list[str], list[str]]:
    return read(audit_queries.audit_vocabulary)


def deleted_attempts() -> pd.DataFrame:
    return read(lambda s: audit_queries.deleted_attempts(s))
