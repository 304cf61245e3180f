"""Reading one cell: countries, phone numbers, times, dates, yes/no, the vocabularies.

Each reader returns the value or raises :class:`CellProblem` with what is wrong, which the
caller prefixes with the line (``line 7: phone "12345" is not a valid number``).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from functools import cache, lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

import pycountry

from models.alerts.places import SHORT_NAMES
from models.exports import unneutralise
from models.phones import InvalidPhoneNumber, ParsedPhone, parse_phone
from models.text import InvalidInput, clean_text

E = TypeVar("E", bound=StrEnum)
_NUMBER_SEPARATORS = re.compile(r"[|;,]")
_LIST_SEPARATORS = re.compile(r"[|;,]")
_TRUE = frozenset({"true", "yes", "1", "да"})
_FALSE = frozenset({"false", "no", "0", "нет", ""})


class CellProblem(ValueError):
    """What is wrong with one cell, in words a coordinator can act on."""


@lru_cache(maxsize=8192)  # names, campaigns and contacts repeat on every row of a history
def text_cell(value: str, what: str, *, max_len: int = 10_000) -> str:
    """The cell as stored text: a spreadsheet guard (``'=...``) undone, cleaned."""
    try:
        return clean_text(unneutralise(value), what, max_len=max_len)
    except InvalidInput as exc:
        raise CellProblem(str(exc)) from exc


@cache
def _country_names() -> dict[str, str]:
    russian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    names: dict[str, str] = {k.casefold(): v for k, v in SHORT_NAMES.items()}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if name := getattr(country, attr, None):
                names[name.casefold()] = country.alpha_2
                names[russian.gettext(name).casefold()] = country.alpha_2
    return names


def country_cell(value: str) -> str:
    """An ISO 3166 alpha-2 code from a code or an English or Russian name; "" if empty."""
    text = " ".join(value.split())
    if not text:
        return ""
    if len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()) is not None:
        return text.upper()
    code = _country_names().get(text.casefold())
    if code is None:
        raise CellProblem(f'country "{text}" is not a country code or name')
    return code


def numbers_cell(value: str, kind: str, region: str) -> list[ParsedPhone]:
    """The numbers in one cell, read in ``region``: the cell as one number, else its parts
    split on ``|``, ``;`` or ``,``."""
    text = unneutralise(value).strip()
    if not text:
        return []
    try:
        return [parse_phone(text, region)]
    except InvalidPhoneNumber:
        pass
    parts = [p.strip() for p in _NUMBER_SEPARATORS.split(text) if p.strip()]
    parsed: list[ParsedPhone] = []
    for part in parts if len(parts) > 1 else [text]:
        try:
            parsed.append(parse_phone(part, region))
        except InvalidPhoneNumber:
            raise CellProblem(f'{kind} "{part}" is not a valid number') from None
    return parsed


def list_cell(value: str, *, addresses: bool = False) -> list[str]:
    """Several values in one cell: addresses split on ``|`` only, others on ``| ; ,``."""
    text = unneutralise(value)
    parts = text.split("|") if addresses else _LIST_SEPARATORS.split(text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def instant_cell(value: str, what: str, tz: ZoneInfo) -> datetime:
    """An ISO 8601 time; one without an offset is read in ``tz``. Returned aware."""
    text = value.strip()
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise CellProblem(
            f'{what} "{text}" is not an ISO 8601 time (2026-03-04T10:00:00+00:00)'
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=tz)


def date_cell(value: str, what: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise CellProblem(f'{what} "{text}" is not a date written YYYY-MM-DD')
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellProblem(f'{what} "{text}" is not a real date') from None


def flag_cell(value: str, what: str) -> bool:
    text = value.strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellProblem(f'{what} "{value.strip()}" is neither true nor false')


def whole_cell(value: str, what: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise CellProblem(f'{what} "{text}" is not a whole number of seconds')
    return int(text)


def vocab_cell(value: str, enum: type[E], what: str) -> E:
    """A member of ``enum`` by its value (DESIGN.md's label), any case, ``_`` for spaces."""
    member = _vocabulary(enum).get(value) or _vocabulary(enum).get(_vocab_key(value))
    if member is None:
        raise CellProblem(f'{what} "{value.strip()}" is not one of: {_names(enum)}')
    return member  # type: ignore[return-value]


def _vocab_key(value: str) -> str:
    return " ".join(value.replace("_", " ").casefold().split())


@cache
def _vocabulary(enum: type[StrEnum]) -> dict[str, StrEnum]:
    names = {_vocab_key(m.name): m for m in enum}
    return names | {m.value: m for m in enum} | {_vocab_key(m.value): m for m in enum}


def _names(members: Iterable[StrEnum]) -> str:
    return ", ".join(m.value for m in members)
