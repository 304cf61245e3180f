"""What the alert reader hands back: a draft campaign, its officials and their contact points.

Plain dataclasses, so a preview page can show and edit them before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.vocab import ContactKind


@dataclass
class DraftContact:
    kind: ContactKind
    raw: str  # as written in the alert
    value: str  # E.164 for phone/fax, normalised e-mail, address text; "" when invalid
    label: str = ""  # "Washington office", "reception": only when the alert says
    problem: str = ""  # "" when fine; else a reason a coordinator can act on


@dataclass
class DraftOfficial:
    full_name: str
    title: str = ""
    organization: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, "" when unknown
    timezone: str = ""  # IANA name, "" when unknown
    salutation: str = ""
    contacts: list[DraftContact] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class AlertDraft:
    title: str  # a suggested campaign name (the headline or subject), may be ""
    description: str  # the alert's first real prose paragraph
    officials: list[DraftOfficial]
    source_text: str  # the text that was parsed
