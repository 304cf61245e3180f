"""Contact points from the labelled lines of a block: numbers, e-mail addresses, addresses.

Numbers are found with ``phonenumbers.PhoneNumberMatcher`` in the office's region; any
run of digits it does not accept is kept too, as a contact with no value and a problem,
so that a mistyped number is shown for fixing rather than dropped.
"""

from __future__ import annotations

import re

import phonenumbers

from models.alerts.draft import DraftContact
from models.alerts.lines import Label, Labelled
from models.phones import InvalidPhoneNumber, parse_phone
from models.vocab import ContactKind

_DIGIT_RUN = re.compile(r"(?:\+|(?<!\d))\d[\d\s().\-–]*\d")
_MIN_DIGITS = 5  # shorter runs are house numbers, dates or extensions, not phone numbers
_AFTER_NUMBER = re.compile(r"^\s*\((?P<label>[^)\d]{2,40})\)")
_EMAIL = re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+")
_HIDDEN_EMAIL = re.compile(r"\[email(?:&#160;|\s)*protected\]", re.I)


def contacts_from(line: Labelled, region: str) -> list[DraftContact]:
    """The contact points on one labelled line (none for a salutation)."""
    if line.label is Label.PHONE_AND_FAX:
        return [
            *numbers_in(line.rest, ContactKind.PHONE, line.qualifier, region),
            *numbers_in(line.rest, ContactKind.FAX, line.qualifier, region),
        ]
    if line.label in (Label.PHONE, Label.FAX):
        return numbers_in(line.rest, ContactKind(line.label.value), line.qualifier, region)
    if line.label is Label.EMAIL:
        return emails_in(line.rest, line.qualifier)
    if line.label is Label.ADDRESS:
        return [address(line.rest, line.qualifier)]
    if line.label is Label.WEB:
        return [DraftContact(ContactKind.WEB, line.rest, line.rest.strip(), line.qualifier)]
    return []


def numbers_in(text: str, kind: ContactKind, label: str, region: str) -> list[DraftContact]:
    """Every number in ``text``, valid ones in E.164, the rest with a problem; in order."""
    found: list[tuple[int, DraftContact]] = []
    leftover = text
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        own_label = _label_after(text[match.end :]) or label
        found.append((match.start, DraftContact(kind, match.raw_string, e164, own_label)))
        blank = " " * (match.end - match.start)
        leftover = leftover[: match.start] + blank + leftover[match.end :]
    for run in _DIGIT_RUN.finditer(leftover):
        if sum(ch.isdigit() for ch in run.group()) >= _MIN_DIGITS:
            found.append((run.start(), _checked(run.group().strip(), kind, label, region)))
    return [contact for _, contact in sorted(found, key=lambda pair: pair[0])]


def _label_after(text: str) -> str:
    """ "reception" in "+7 495 123 45 67 (reception)"."""
    match = _AFTER_NUMBER.match(text)
    return match.group("label").strip() if match else ""


def _checked(raw: str, kind: ContactKind, label: str, region: str) -> DraftContact:
    """A number the matcher passed over: parsed after all if it can be, else a problem."""
    try:
        parsed = parse_phone(raw, region)
    except InvalidPhoneNumber as exc:
        return DraftContact(kind, raw, "", label, problem=str(exc))
    return DraftContact(kind, raw, parsed.e164, label)


def emails_in(text: str, label: str) -> list[DraftContact]:
    """E-mail addresses, the domain lower-cased; an address a web page hid is a problem."""
    contacts = [
        DraftContact(ContactKind.EMAIL, m.group(), normalise_email(m.group()), label)
        for m in _EMAIL.finditer(text)
    ]
    for hidden in _HIDDEN_EMAIL.finditer(text):
        problem = "the web page hid this e-mail address: copy it from the original alert"
        contacts.append(DraftContact(ContactKind.EMAIL, hidden.group(), "", label, problem))
    return contacts


def normalise_email(raw: str) -> str:
    local, _, domain = raw.strip().strip(".").rpartition("@")
    return f"{local}@{domain.lower()}"


def address(text: str, label: str = "") -> DraftContact:
    """A postal address, its whitespace tidied and a trailing full stop dropped."""
    value = " ".join(text.split()).rstrip(" ,;")
    return DraftContact(ContactKind.ADDRESS, text.strip(), value, label)


def check_contact(kind: ContactKind, raw: str, label: str, region: str) -> DraftContact:
    """One contact as a person corrected it in the preview, read again from its text.

    Phones and faxes are parsed in ``region`` (E.164 or a problem); e-mail addresses must
    have a local part and a dotted domain; addresses and web links are kept as typed.
    """
    text = raw.strip()
    if not text:
        return DraftContact(kind, raw, "", label, problem="empty: type it or untick Keep")
    if kind in (ContactKind.PHONE, ContactKind.FAX):
        return _checked(text, kind, label, region)
    if kind is ContactKind.EMAIL:
        found = _EMAIL.fullmatch(text)
        if found is None:
            return DraftContact(kind, raw, "", label, problem=f"“{text}” is not an e-mail address")
        return DraftContact(kind, raw, normalise_email(text), label)
    if kind is ContactKind.ADDRESS:
        return address(text, label)
    return DraftContact(kind, raw, text, label)
