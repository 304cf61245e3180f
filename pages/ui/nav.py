"""The one ordered list of pages: dashboard.py builds the navigation from it; tests pin it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.permissions import Permission, allowed
from models.vocab import Role

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to the repository root, where dashboard.py is
    label: str  # the navigation label (the README's "Pages" table, from DESIGN.md)
    url_path: str  # stable: links, tests and docs use it
    icon: str
    permission: Permission  # what a role needs to see the page listed and to open it
    uses_filters: bool = False  # draws the shared sidebar filters

    @property
    def path(self) -> Path:
        return ROOT / self.file


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/log.py",
        "Log outreach",
        "log",
        ":material/edit_note:",
        Permission.LOG_ATTEMPTS,
    ),
    PageSpec(
        "pages/follow-ups.py",
        "Follow-ups",
        "follow-ups",
        ":material/event_upcoming:",
        Permission.VIEW_RECORDS,
    ),
    PageSpec(
        "pages/insights.py",
        "Insights",
        "insights",
        ":material/insights:",
        Permission.VIEW_INSIGHTS,
        uses_filters=True,
    ),
    PageSpec(
        "pages/reports.py",
        "Reports",
        "reports",
        ":material/download:",
        Permission.EXPORT,
        uses_filters=True,
    ),
    PageSpec(
        "pages/officials.py",
        "Officials",
        "officials",
        ":material/contacts:",
        Permission.VIEW_RECORDS,
    ),
    PageSpec(
        "pages/campaigns.py",
        "Campaigns",
        "campaigns",
        ":material/campaign:",
        Permission.VIEW_RECORDS,
    ),
    PageSpec(
        "pages/admin.py",
        "Admin",
        "admin",
        ":material/admin_panel_settings:",
        Permission.MANAGE_USERS,
    ),
)


def pages_for(role: Role | None) -> tuple[PageSpec, ...]:
    """The pages a role may use, in navigation order; every page when nobody is signed in
    (they are then hidden, and each page shows only the sign-in form)."""
    if role is None:
        return PAGES
    return tuple(spec for spec in PAGES if allowed(role, spec.permission))


DEFAULT_PAGE = PAGES[0]


def page(url_path: str) -> PageSpec:
    """The page registered under ``url_path``; KeyError if there is none."""
    for spec in PAGES:
        if spec.url_path == url_path:
            return spec
    raise KeyError(url_path)
