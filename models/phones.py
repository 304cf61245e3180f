"""Phone and fax numbers: parse what people type into E.164, show it internationally."""

from __future__ import annotations

import os
from dataclasses import dataclass

import phonenumbers

DEFAULT_REGION_ENV = "OUTREACH_DEFAULT_REGION"
FALLBACK_REGION = "RU"  # the first campaign's numbers are Russian domestic ("8 (499) ...")


class InvalidPhoneNumber(ValueError):
    """Raised with a message a coordinator can act on."""


@dataclass(frozen=True)
class ParsedPhone:
    e164: str  # "+74992443025"
    extension: str  # "" when there is none
    raw: str  # exactly what was typed


def default_region() -> str:
    """The region for numbers written without a country code (``OUTREACH_DEFAULT_REGION``)."""
    region = os.environ.get(DEFAULT_REGION_ENV, "").strip().upper()
    return region or FALLBACK_REGION


def parse_phone(raw: str, region: str | None = None) -> ParsedPhone:
    """Parse ``raw`` as written by a person; numbers without ``+`` are read in ``region``.

    Only numbers that ``phonenumbers`` holds valid for their region are accepted, so a
    number with a digit missing is refused rather than stored.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidPhoneNumber("Enter a phone number.")
    region = (region or default_region()).upper()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"“{text}” is not a phone number ({exc._msg}).") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            f"“{text}” is not a valid number for {region} or the country its code names; "
            "check for a missing or extra digit, or add the country code (+…)."
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ParsedPhone(e164=e164, extension=number.extension or "", raw=text)


def format_international(e164: str) -> str:
    """``+74992443025`` -> ``+7 499 244-30-25``; text that does not parse comes back as is."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_uri(e164: str, extension: str = "") -> str:
    """A ``tel:`` URI (RFC 3966) for a stored E.164 number."""
    return f"tel:{e164};ext={extension}" if extension else f"tel:{e164}"
