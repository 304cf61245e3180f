"""Cleaning text that people type or import, before it is stored."""

from __future__ import annotations

import re
import unicodedata

# Bidi embedding/override/isolate controls and zero-width characters: invisible, and
# able to make a name display as something else.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


class InvalidInput(ValueError):
    """Input a person must correct; the message says what and how."""


def clean_text(value: str | None, field: str, *, max_len: int, required: bool = False) -> str:
    """NFC-normalised text without invisible controls, stripped, within ``max_len``.

    Line ends are LF: CRLF and a lone CR (old Mac files, some paste buffers) become LF,
    so a note never carries a bare CR into an export. NUL is refused rather than
    dropped: PostgreSQL cannot store it, and silently changing what someone typed hides
    the problem.
    """
    text = value or ""
    if "\x00" in text:
        raise InvalidInput(f"{field} contains a NUL character; remove it and try again.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).strip()
    if required and not text:
        raise InvalidInput(f"{field} is required.")
    if len(text) > max_len:
        raise InvalidInput(f"{field} is {len(text):,} characters long; the limit is {max_len:,}.")
    return text


def name_key(name: str) -> str:
    """A name case-folded with its runs of whitespace collapsed: the key names are unique by."""
    return " ".join(name.split()).casefold()
