"""What a download holds, said in words, in its file name and as the CLI command that
makes the same file: all from the filters and the names of what they select."""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.filters import Filters
from models.tables import Campaign, Official, User

CLI = ".venv/bin/python cli.py"


@dataclass(frozen=True)
class Labels:
    """The names behind a Filters' ids, in the filters' order."""

    campaigns: tuple[str, ...] = ()
    officials: tuple[str, ...] = ()
    coordinators: tuple[str, ...] = ()  # account names, as cli.py --coordinator takes them


def labels_for(session: Session, filters: Filters) -> Labels:
    def names(column: Any, key: Any, ids: tuple[int, ...]) -> tuple[str, ...]:
        found = {k: v for k, v in session.execute(select(key, column).where(key.in_(ids)))}
        return tuple(str(found[i]) for i in ids if i in found)

    return Labels(
        names(Campaign.name, Campaign.id, filters.campaign_ids),
        names(Official.full_name, Official.id, filters.official_ids),
        names(User.name, User.id, filters.coordinator_ids),
    )


def slug(text: str) -> str:
    """``text`` in file-name-safe ASCII: letters, digits and single hyphens; else ``x``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60] or "x"


def file_name(what: str, filters: Filters, labels: Labels, *, excel: bool = False) -> str:
    """``attempts_<campaign>_<from>_<to>.csv``; ``all`` for no campaign, ``start`` and
    ``open`` for a range without its start or end, ``N-campaigns`` for several."""
    if len(labels.campaigns) == 1:
        campaign = slug(labels.campaigns[0])
    else:
        campaign = f"{len(labels.campaigns)}-campaigns" if labels.campaigns else "all"
    start = filters.date_from.isoformat() if filters.date_from else "start"
    end = filters.date_to.isoformat() if filters.date_to else "open"
    return f"{what}_{campaign}_{start}_{end}{'_excel' if excel else ''}.csv"


@dataclass(frozen=True)
class OfficialsScope:
    """What the officials download holds for these filters: one campaign's targets (when
    exactly one campaign is chosen) or the whole directory."""

    campaign_id: int | None
    description: str
    file_name: str


def officials_scope(filters: Filters, labels: Labels) -> OfficialsScope:
    if len(filters.campaign_ids) == 1 and labels.campaigns:
        name = labels.campaigns[0]
        return OfficialsScope(
            filters.campaign_ids[0], f"the targets of {name}", officials_file_name(name)
        )
    return OfficialsScope(None, "the whole directory", officials_file_name(None))


def officials_file_name(campaign: str | None) -> str:
    """``officials_<campaign>.csv``, or ``officials_all.csv`` for the whole directory."""
    return f"officials_{slug(campaign) if campaign else 'all'}.csv"


def describe(filters: Filters, labels: Labels) -> list[str]:
    """One plain-text line per filter: what a download with these filters holds."""
    start = filters.date_from.isoformat() if filters.date_from else "the first attempt"
    end = filters.date_to.isoformat() if filters.date_to else "the latest attempt"
    return [
        f"Dates: {start} to {end} (UTC days, inclusive)",
        "Campaigns: " + (", ".join(labels.campaigns) or "all"),
        "Officials: " + (", ".join(labels.officials) or "all"),
        "Channels: " + (", ".join(str(c) for c in filters.channels) or "all"),
        "Coordinators: " + (", ".join(labels.coordinators) or "all"),
    ]


def describe_text(filters: Filters, labels: Labels) -> str:
    """:func:`describe`'s lines as one plain-text block."""
    return "\n".join(describe(filters, labels))


def cli_command(what: str, filters: Filters, labels: Labels, *, out: str) -> str:
    """The shell command that writes the same export to ``out`` (officials by id)."""
    words = [*CLI.split(), "export", *what.split(), "--out", out]
    if filters.date_from:
        words += ["--from", filters.date_from.isoformat()]
    if filters.date_to:
        words += ["--to", filters.date_to.isoformat()]
    for option, values in (
        ("--campaign", labels.campaigns),
        ("--official", tuple(str(i) for i in filters.official_ids)),
        ("--channel", tuple(str(c) for c in filters.channels)),
        ("--coordinator", labels.coordinators),
    ):
        for value in values:
            words += [option, value]
    return shlex.join(words)
