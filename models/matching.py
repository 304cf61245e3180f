"""Is this person already in the directory? Officials matched by name or by a number only they have.

Lists arrive from alerts and spreadsheets written by different hands: "Lavrov Sergey
Viktorovich" and "Sergey Lavrov", "Семёнов" and "Семенов", "O'Neil, Mary" and "Mary
O'Neil". A name matches when its folded form equals the folded form of a directory
name; a phone or fax matches when exactly one official has that E.164 number (an office
fax shared by two officials identifies neither).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.tables import ContactPoint, Official
from models.vocab import ContactKind

# Courtesy titles that are not part of anyone's name; the folded form leaves them out.
_HONORIFIC = re.compile(
    r"(?<!\w)(?:h\.\s*e\.|mrs?|ms|miss|mx|dr|prof|sir|dame|hon|senator|ambassador"
    r"|г-н|г-жа|господину?|госпоже|госпожа)\.?(?!\w)",
    re.IGNORECASE,
)
_NOT_A_LETTER = re.compile(r"[^\w\s]|_", re.UNICODE)


def fold_name(name: str) -> str:
    """A key equal for the same name in another case, spacing, punctuation or word order.

    Accents and diacritics are dropped (NFKD), so ё is read as е; honorifics ("Mr.",
    "H.E.") are left out; the words are sorted, so surname-first and given-name-first
    forms agree.
    """
    text = unicodedata.normalize("NFKD", _HONORIFIC.sub(" ", name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NOT_A_LETTER.sub(" ", text.replace("'", "").replace("’", "")).split()
    return " ".join(sorted(words))


@dataclass(frozen=True)
class Match:
    official_id: int
    by: str  # "name" or "number"
    detail: str  # the directory's name, or the number that matched


class MatchConflict(ValueError):
    """The name and the numbers of one entry point at different officials; says which."""


class Directory:
    """The directory's names and unambiguous numbers, read once for a whole import."""

    def __init__(self, session: Session) -> None:
        self._by_name: dict[str, list[tuple[int, str, str]]] = {}
        self._names: dict[int, str] = {}
        listed = select(Official.id, Official.full_name, Official.organization)
        for official_id, full_name, organization in session.execute(listed):
            self._add(official_id, full_name, organization)
        numbers = (
            select(
                ContactPoint.value,
                func.min(ContactPoint.official_id),
                func.count(func.distinct(ContactPoint.official_id)),
            )
            .where(
                ContactPoint.kind.in_((ContactKind.PHONE, ContactKind.FAX)),
                ContactPoint.removed_at.is_(None),
            )
            .group_by(ContactPoint.value)
        )
        self._by_number: dict[str, int] = {}
        self._shared: set[str] = set()
        for value, official_id, owners in session.execute(numbers):
            if owners == 1:
                self._by_number[value] = official_id
            else:
                self._shared.add(value)

    def _add(self, official_id: int, full_name: str, organization: str) -> None:
        entry = (official_id, full_name, fold_name(organization))
        self._names[official_id] = full_name
        self._by_name.setdefault(fold_name(full_name), []).append(entry)

    def match(
        self, full_name: str, numbers: Iterable[str] = (), organization: str = ""
    ) -> Match | None:
        """The one official this name or one of these E.164 numbers identifies, or None.

        A name shared by several officials in the directory identifies none of them
        unless exactly one of them is at ``organization``; else the numbers decide.
        """
        named = self._by_name.get(fold_name(full_name), [])
        if len(named) == 1:
            return Match(named[0][0], "name", named[0][1])
        same_office = [n for n in named if organization and n[2] == fold_name(organization)]
        if len(same_office) == 1:
            return Match(same_office[0][0], "name", same_office[0][1])
        namesakes = {official_id for official_id, _, _ in named}
        for number in numbers:
            owner = self._by_number.get(number)
            if owner is not None and (not namesakes or owner in namesakes):
                return Match(owner, "number", number)
        return None

    def identify(
        self, full_name: str, numbers: Iterable[str] = (), organization: str = ""
    ) -> Match | None:
        """Like :meth:`match`, but strict: raises :class:`MatchConflict` when the name is one
        official's and a number only another's, when the numbers belong to several
        officials, or when the name is several officials' and nothing says which."""
        named = self._by_name.get(fold_name(full_name), [])
        same_office = [n for n in named if organization and n[2] == fold_name(organization)]
        chosen = named if len(named) == 1 else same_office
        owners = {self._by_number[n]: n for n in numbers if n in self._by_number}
        if len(chosen) == 1:
            official_id, name, _ = chosen[0]
            others = [(o, n) for o, n in owners.items() if o != official_id]
            if others:
                owner, number = others[0]
                raise MatchConflict(
                    f'"{full_name}" is {name} by name, but {number} is the number of '
                    f"{self._names[owner]} only"
                )
            return Match(official_id, "name", name)
        if named and not owners:
            raise MatchConflict(
                f'"{full_name}" is the name of {len(named)} officials; give the organisation'
            )
        if len(owners) > 1:
            listed = " and ".join(f"{n} is {self._names[o]}'s" for o, n in owners.items())
            raise MatchConflict(f"the numbers belong to different officials: {listed}")
        if owners:
            owner, number = next(iter(owners.items()))
            return Match(owner, "number", number)
        return None

    def name_of(self, official_id: int) -> str:
        return self._names[official_id]

    def remember(
        self, official_id: int, full_name: str, numbers: Iterable[str], organization: str = ""
    ) -> None:
        """Count an official just added, so a second mention in the same list matches it."""
        self._add(official_id, full_name, organization)
        for number in numbers:
            owner = self._by_number.get(number, official_id)
            if number in self._shared or owner != official_id:
                self._by_number.pop(number, None)  # shared now: it identifies nobody
                self._shared.add(number)
            else:
                self._by_number[number] = official_id
