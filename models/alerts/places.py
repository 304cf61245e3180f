"""Where an office sits: country names and cities found in text, and the IANA zone to use.

The data is maintained elsewhere: country names (English, official, common, and the
Russian translations) come from ``pycountry``; city names and each country's zones from
the ``zone.tab`` table of the ``tzdata`` package (falling back to the system's copy);
the zones of a number from ``phonenumbers``. Zone choice, in order: the country's only
zone; a zone of that country whose city the text names; the zones its numbers share.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

import phonenumbers
import pycountry
from phonenumbers import timezone as phone_zones

SYSTEM_ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")

# Conventional short names that ISO 3166 does not list (it has only "Russian Federation",
# "United States", "United Kingdom"), in the forms alerts actually write.
SHORT_NAMES: dict[str, str] = {
    "Russia": "RU",
    "Россия": "RU",
    "USA": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
}
_CYRILLIC_ENDINGS = re.compile(r"[аеёиийоуыьэюя]+$")
_MIN_STEM = 5  # shorter Russian stems ("Мал" of "Мали") would match surnames
_US_STATE_ZIP = r"\b({codes})\s+\d{{5}}(?:-\d{{4}})?\b"


@cache
def _zone_rows() -> tuple[tuple[str, str], ...]:
    """(country, zone) pairs from zone.tab: one zone per line, names people recognise."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - tzdata is pinned
        text = SYSTEM_ZONE_TAB.read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and line[0] != "#")
    return tuple((row[0], row[2]) for row in rows if len(row) >= 3)


def zones_of_country(country: str) -> list[str]:
    """The IANA zones of an ISO country code, in zone.tab's order; [] when unknown."""
    return [zone for code, zone in _zone_rows() if code == country]


def city_of_zone(zone: str) -> str:
    """``America/New_York`` -> ``New York``; ``America/Indiana/Knox`` -> ``Knox``."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def _city_table() -> dict[str, tuple[str, str]]:
    """City name, case-folded -> (country, zone), for every zone.tab zone."""
    return {city_of_zone(zone).casefold(): (code, zone) for code, zone in _zone_rows()}


def _names_of(country: pycountry.db.Country) -> set[str]:
    names = {country.name, country.name.split(",")[0]}
    for attr in ("common_name", "official_name"):
        if value := getattr(country, attr, None):
            names.add(value)
    return {name for name in names if len(name) > 3 or name.isupper()}


def _adjectives(name: str) -> set[str]:
    """Adjectives derived by the regular English rules: Russia->Russian, Ukraine->Ukrainian.

    Only one-word names; irregular ones (Chinese, British) are simply not derived.
    """
    if " " in name or not name.isalpha():
        return set()
    if name.endswith("a"):
        return {name + "n"}
    if name.endswith("e"):
        return {name[:-1] + "ian"}
    return {name + "ian"}


def _russian_pattern(name: str) -> str:
    """A pattern matching a Russian name in any case: each word's stem plus any ending."""
    words = []
    for word in name.split():
        stem = _CYRILLIC_ENDINGS.sub("", word)
        words.append(re.escape(stem) + r"\w*" if len(stem) >= _MIN_STEM else re.escape(word))
    return r"\s+".join(words)


@cache
def _country_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, country) pairs for names, short names, adjectives and Russian names."""
    russian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    pairs: list[tuple[str, str]] = [(re.escape(k), v) for k, v in SHORT_NAMES.items()]
    for country in pycountry.countries:
        code = country.alpha_2
        for name in _names_of(country):
            pairs.append((re.escape(name), code))
            pairs += [(re.escape(adj) + r"(?=\s+\w)", code) for adj in _adjectives(name)]
            translated = russian.gettext(name)
            if translated != name:
                pairs.append((_russian_pattern(translated), code))
    pairs += [
        (re.escape(adj) + r"(?=\s+\w)", v) for k, v in SHORT_NAMES.items() for adj in _adjectives(k)
    ]
    return tuple((re.compile(rf"(?<![\w.]){p}(?![\w])"), code) for p, code in pairs)


@cache
def _us_state_zip() -> re.Pattern[str]:
    """US addresses never name the country: a state code and a ZIP code stand for it."""
    codes = sorted(s.code[3:] for s in pycountry.subdivisions if s.country_code == "US")
    return re.compile(_US_STATE_ZIP.format(codes="|".join(codes)))


def countries_in(text: str) -> list[str]:
    """Countries named in ``text`` (a country name or a city of a zone), in reading order."""
    found: list[tuple[int, str]] = []
    for pattern, code in _country_patterns():
        found += [(match.start(), code) for match in pattern.finditer(text)]
    found += [(m.start(), "US") for m in _us_state_zip().finditer(_undot(text))]
    found += [(pos, code) for pos, code, _ in _cities_in(text)]
    return [code for _, code in sorted(found)]


def _undot(text: str) -> str:
    """ "N.Y. 10065" -> "NY  10065", keeping every other character where it was."""
    return re.sub(r"\b([A-Z])\.([A-Z])\.?", lambda m: m[1] + m[2] + " " * (len(m[0]) - 2), text)


def _cities_in(text: str) -> list[tuple[int, str, str]]:
    """(position, country, zone) for each zone city that ``text`` names."""
    folded = text.casefold()
    hits = []
    for city, (code, zone) in _city_table().items():
        for match in re.finditer(rf"(?<!\w){re.escape(city)}(?!\w)", folded):
            hits.append((match.start(), code, zone))
    return hits


def zones_of_numbers(e164_numbers: Iterable[str]) -> list[str]:
    """The zones ``phonenumbers`` gives for each number, first number first, no repeats."""
    zones: list[str] = []
    for e164 in e164_numbers:
        number = phonenumbers.parse(e164, None)
        zones += [z for z in phone_zones.time_zones_for_number(number) if z not in zones]
    return zones


def choose_zone(country: str, text: str, e164_numbers: list[str]) -> tuple[str, str]:
    """(zone, problem) for an office in ``country`` described by ``text`` with these numbers.

    ``problem`` is "" when the choice is certain, else what a person should check.
    """
    candidates = zones_of_country(country)
    if len(candidates) == 1:
        return candidates[0], ""
    named = [zone for _, code, zone in sorted(_cities_in(text)) if zone in candidates]
    if named:
        return named[0], ""
    by_number = [zone for zone in zones_of_numbers(e164_numbers) if zone in candidates]
    if len(by_number) == 1:
        return by_number[0], ""
    if not candidates:
        return "", "no time zone found: pick one"
    return "", f"{len(candidates)} time zones in {country} and nothing says which: pick one"


def is_place(text: str) -> bool:
    """True when ``text`` only names places: "Moscow 119991", "Minsk, Belarus", "Russia"."""
    parts = [re.sub(r"[\d\-]+", " ", part).strip(" .") for part in text.split(",")]
    parts = [" ".join(part.split()) for part in parts if part.strip(" .")]
    return bool(parts) and all(_is_one_place(part) for part in parts)


def _is_one_place(part: str) -> bool:
    if part.casefold() in _city_table():
        return True
    if _us_state_zip().match(_undot(part) + " 00000"):
        return True
    return any(pattern.fullmatch(part) for pattern, _ in _country_patterns())
