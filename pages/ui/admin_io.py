"""The Admin page's reads and writes. Reads are not cached: an audit view must be current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import pandas as pd
from sqlalchemy.orm import Session

from models import accounts, audit_queries
from models.audit_labels import person
from models.audit_queries import AuditFilter, AuditKind
from pages.ui import cache

T = TypeVar("T")


def read(query: Callable[[Session], T]) -> T:
    return cache.read(query)


def accounts_list() -> list[accounts.Account]:
    return read(lambda s: accounts.list_accounts(s))


ACCOUNT_COLUMNS = ["user", "name", "role", "active", "locked", "last sign-in (UTC)"]


def accounts_table(people: list[accounts.Account], now: datetime) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "user": a.name,
                "name": a.display_name,
                "role": str(a.role),
                "active": a.is_active,
                "locked": a.locked(now),
                "last sign-in (UTC)": a.last_sign_in_at,
            }
            for a in people
        ],
        columns=ACCOUNT_COLUMNS,
    )


def account_state(account: accounts.Account, now: datetime) -> str:
    """One plain line: the account's name, and whether sign-in is locked or failing."""
    who = person(account.display_name, account.name)
    if account.locked(now) and account.locked_until is not None:
        return f"{who}: locked after failed sign-ins until {account.locked_until:%H:%M} UTC."
    if account.failed_sign_ins:
        return f"{who}: {account.failed_sign_ins} failed sign-in(s) lately, not locked."
    return f"{who}: {'can sign in' if account.can_sign_in else 'has no password yet'}."


def audit_log(where: AuditFilter, *, page: int) -> pd.DataFrame:
    """Page ``page`` (from 1) of the events ``where`` selects, newest first."""
    size = audit_queries.AUDIT_PAGE
    return read(lambda s: audit_queries.audit_log(s, where, limit=size, offset=(page - 1) * size))


def audit_count(where: AuditFilter) -> int:
    return read(lambda s: audit_queries.audit_count(s, where))


def audit_vocabulary() -> tuple[list[AuditKind], list[str]]:
    return read(audit_queries.audit_vocabulary)


def deleted_attempts() -> pd.DataFrame:
    return read(lambda s: audit_queries.deleted_attempts(s))
