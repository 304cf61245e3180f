"""Phone parsing: every number format in the action alert, and what must be refused."""

from __future__ import annotations

import pytest

from models.phones import (
    InvalidPhoneNumber,
    default_region,
    format_international,
    parse_phone,
    tel_uri,
)

# (as written in the alert, region of the official, E.164)
ALERT_NUMBERS = [
    ("8 (499) 244-30-25", "RU", "+74992443025"),
    ("8 (499) 244-30-45", "RU", "+74992443045"),
    ("+1 (212) 861-4900", "US", "+12128614900"),
    ("+1 (212) 861-4901", "US", "+12128614901"),
    ("+1 (212) 861-4902", "US", "+12128614902"),
    ("+1 (212) 628-0252", "US", "+12126280252"),
    ("+1 (212) 861-4903", "US", "+12128614903"),
    ("+1 (212) 628 0252", "US", "+12126280252"),
    ("+7 (495) 721 20 11", "RU", "+74957212011"),
]


@pytest.mark.parametrize(("raw", "region", "e164"), ALERT_NUMBERS)
def test_alert_numbers_parse_to_e164(raw: str, region: str, e164: str) -> None:
    """Each number in the alert, as written there, parses to its E.164 form."""
    parsed = parse_phone(raw, region)
    assert (parsed.e164, parsed.raw, parsed.extension) == (e164, raw, "")


def test_international_numbers_ignore_the_region() -> None:
    """A number with a country code means the same whatever the default region."""
    assert parse_phone("+1 (212) 861-4900", "RU").e164 == "+12128614900"


def test_russian_domestic_format_needs_region_ru() -> None:
    """'8 (499) …' is a Russian trunk-prefix number; read as US it is not valid."""
    with pytest.raises(InvalidPhoneNumber):
        parse_phone("8 (499) 244-30-25", "US")


@pytest.mark.parametrize(
    "raw",
    ["8 (499) 244-30-2", "+1 (212) 861-490", "call me", "", "   ", "+999 123"],
)
def test_invalid_numbers_are_refused_with_a_message(raw: str) -> None:
    """A digit missing, letters or nothing at all: refused, with text a person can act on."""
    with pytest.raises(InvalidPhoneNumber) as info:
        parse_phone(raw, "RU")
    assert str(info.value)


def test_extension_is_kept_beside_the_number() -> None:
    """An extension is split off and kept; the E.164 form is the number alone."""
    parsed = parse_phone("+1 212-861-4900 ext. 12", "US")
    assert (parsed.e164, parsed.extension) == ("+12128614900", "12")
    assert tel_uri(parsed.e164, parsed.extension) == "tel:+12128614900;ext=12"


def test_international_display_format() -> None:
    """Stored numbers are shown in the international format of their country."""
    assert format_international("+74992443025") == "+7 499 244-30-25"
    assert format_international("+12128614900") == "+1 212-861-4900"
    assert format_international("not a number") == "not a number"


def test_default_region_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    """OUTREACH_DEFAULT_REGION sets the region for numbers without a country code."""
    monkeypatch.delenv("OUTREACH_DEFAULT_REGION", raising=False)
    assert default_region() == "RU"
    assert parse_phone("8 (499) 244-30-25").e164 == "+74992443025"
    monkeypatch.setenv("OUTREACH_DEFAULT_REGION", "us")
    assert default_region() == "US"
    assert parse_phone("(212) 861-4900").e164 == "+12128614900"
