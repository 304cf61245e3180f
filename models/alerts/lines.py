"""What each line of an alert's contact list is: a labelled contact line, a name, a title,
an organisation, part of an address, prose, or a separator.

The vocabularies below are words, not names: the reader never looks for a known person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from models.alerts.places import is_place

__all__ = ["Label", "Labelled", "is_place", "labelled"]
from models.vocab import ContactKind


def _words(text: str) -> list[str]:
    """The words of a vocabulary written as running text (easier to read than a list)."""
    return text.split()


class Label(Enum):
    """What a labelled line holds; ContactKind where it is a contact point."""

    PHONE = ContactKind.PHONE
    FAX = ContactKind.FAX
    EMAIL = ContactKind.EMAIL
    ADDRESS = ContactKind.ADDRESS
    WEB = ContactKind.WEB
    PHONE_AND_FAX = "phone and fax"
    SALUTATION = "salutation"


LABEL_WORDS: dict[Label, tuple[str, ...]] = {
    Label.PHONE_AND_FAX: (r"tel(?:ephone)?\.?\s*(?:/|and|&)\s*fax", r"тел\.?\s*/\s*факс"),
    Label.PHONE: (
        r"telephones?",
        r"tel\.?",
        r"phones?",
        r"ph\.",
        r"mobile",
        r"cell",
        r"телефоны?",
        r"тел\.?",
        r"моб\.?",
    ),
    Label.FAX: (r"fax(?:es)?", r"факсы?"),
    Label.EMAIL: (r"e-?mails?", r"эл\.\s*почта", r"электронная\s+почта", r"e-?mail"),
    Label.ADDRESS: (r"(?:postal\s+|mailing\s+)?address", r"(?:почтовый\s+)?адрес"),
    Label.SALUTATION: (r"salutation", r"обращение"),
    Label.WEB: (r"twitter", r"x\.com", r"web\s?site", r"web", r"facebook", r"сайт"),
}
# Labels whose lines are sentences as often as labels ("Address your letter to ...").
COLON_REQUIRED = frozenset({Label.ADDRESS, Label.SALUTATION, Label.WEB})
# A label kept with the contact, because it says which line this is.
MEANINGFUL_LABEL = re.compile(r"^(mobile|cell|моб)", re.I)

TITLE_WORDS = frozenset(
    _words("""minister head director deputy chief chair chairman chairwoman chairperson president
    vice prosecutor officer representative ambassador senator secretary governor
    commissioner judge mayor speaker counsellor counselor attaché attache consul envoy
    ombudsman ombudsperson adviser advisor spokesperson spokesman coordinator manager
    member rapporteur chancellor premier assistant commander warden superintendent
    attorney congressman congresswoman prefect""")
)
TITLE_STEMS = tuple(
    _words("""министр заместител руководител директор начальник председател президент прокурор
    глав посол уполномоченн депутат губернатор мэр сенатор советник секретар консул
    судья""")
)
ORG_WORDS = frozenset(
    _words("""ministry department office mission embassy consulate delegation committee parliament
    senate house court commission council service administration government agency bureau
    directorate secretariat police prison colony institution kremlin cabinet duma
    assembly union nations un eu osce section division unit prefecture""")
)
ORG_STEMS = tuple(
    _words("""министерств департамент управлени прокуратур комитет служб посольств консульств
    представительств аппарат администраци правительств суд совет дум комисси мид мвд
    фсб фсин оон колони отдел офис""")
)
HONORIFICS = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mme|mlle|dr|prof|sir|dame|hon|rt\.?\s*hon|г-н|г-жа)\.?"
    r"|h\.\s?e\.|his\s+excellency|her\s+excellency|the\s+honou?rable|господин|госпожа)\s+",
    re.I,
)
ROLE_PREFIXES = re.compile(
    r"^(senator|sen\.|ambassador|minister|president|governor|representative|rep\.|judge"
    r"|mayor|congressman|congresswoman|commissioner|prosecutor)\s+",
    re.I,
)
NAME_PARTICLES = frozenset(
    _words("de da das do dos del della di du la le van von der den bin al ibn")
)
NOT_NAME_STARTS = frozenset(_words("the in at to for of and please dear call write send our your"))
ADDRESS_WORDS = re.compile(
    r"(?<!\w)(street|st\.|str\.|avenue|ave\.?|road|rd\.|square|sq\.|lane|boulevard|blvd"
    r"|embankment|naberezhnaya|prospekt|pereulok|ulitsa|ul\.|building|bldg|floor|suite"
    r"|room|vul\.|vulitsa|p\.?\s?o\.?\s?box|ул\.|улица|пл\.|площадь|д\.|дом|пр-т|проспект|наб\."
    r"|набережная|пер\.|переулок|корп\.|стр\.|г\.|а/я)(?!\w)",
    re.I,
)
SEPARATOR = re.compile(r"^\s*([-*_=~•·]\s*){3,}$|^\s*[•·]\s*$")
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.\-]*|[A-ZА-ЯЁ]\.)$")
_WORD = re.compile(r"[\w'’]+")
_ENDING = re.compile(r"^[аеёиоуыэюяйьмхг]{0,3}$")


@dataclass(frozen=True)
class Labelled:
    label: Label
    qualifier: str  # "reception" in "Tel (reception): ...", "Washington office", or ""
    rest: str  # what follows the label


def _label_pattern(label: Label) -> re.Pattern[str]:
    words = "|".join(LABEL_WORDS[label])
    return re.compile(
        rf"^\s*(?:{words})(?!\w)\s*(?:\((?P<qual>[^)]*)\))?\s*(?P<sep>[:.\-–—]?)\s*(?P<rest>.*)$",
        re.I,
    )


_LABEL_PATTERNS = tuple((label, _label_pattern(label)) for label in LABEL_WORDS)
_OFFICE_LINE = re.compile(r"^\s*(?P<qual>[^:\d@]{2,40}?)\s*:\s*(?P<rest>.*\d.*)$")


def labelled(line: str) -> Labelled | None:
    """The label and content of a contact line, or None when the line is not one."""
    for label, pattern in _LABEL_PATTERNS:
        match = pattern.match(line)
        if match and _content_fits(label, match.group("rest"), match.group("sep")):
            qualifier = (match.group("qual") or "").strip()
            if not qualifier and MEANINGFUL_LABEL.match(line.strip()):
                qualifier = line.strip().split()[0].rstrip(":.").lower()
            return Labelled(label, qualifier, match.group("rest").strip())
    return _office_line(line)


def _content_fits(label: Label, rest: str, sep: str) -> bool:
    if label in (Label.PHONE, Label.FAX, Label.PHONE_AND_FAX):
        # "Fax line: ..." is a label of its own, read as an office line
        starts_as_number = sep != "" or rest[:1] in tuple("+(0123456789")
        return starts_as_number and sum(ch.isdigit() for ch in rest) >= 5
    if label is Label.EMAIL:
        return "@" in rest or "[email" in rest.lower()
    return bool(rest.strip()) and sep == ":" if label in COLON_REQUIRED else bool(rest)


def _office_line(line: str) -> Labelled | None:
    """``Washington office: (202) 224-3121`` - a short label, a colon, a number."""
    match = _OFFICE_LINE.match(line)
    if not match or sum(ch.isdigit() for ch in match.group("rest")) < 7:
        return None
    qualifier = match.group("qual").strip()
    if len(qualifier.split()) > 5 or ADDRESS_WORDS.search(match.group("rest")):
        return None
    is_fax = re.search(r"fax|факс", qualifier, re.I)
    return Labelled(Label.FAX if is_fax else Label.PHONE, qualifier, match.group("rest").strip())


def is_separator(line: str) -> bool:
    return bool(SEPARATOR.match(line))


def is_prose(line: str) -> bool:
    """A sentence rather than a heading, name or address line."""
    words = line.split()
    return (len(words) >= 6 and line.rstrip()[-1:] in ".!?:;…") or len(words) >= 30


def split_parts(line: str) -> list[str]:
    """Split on commas and spaced dashes that are outside parentheses."""
    parts, depth, current = [], 0, ""
    for index, ch in enumerate(line):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        dash = ch in "–—-" and line[index - 1 : index] == " " and line[index + 1 : index + 2] == " "
        if depth <= 0 and (ch == "," or dash):
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _keyword_role(word: str) -> str:
    low = word.lower()
    if low in TITLE_WORDS or _inflected(low, TITLE_STEMS):
        return "title"
    if low in ORG_WORDS or low.rstrip("s") in ORG_WORDS or _inflected(low, ORG_STEMS):
        return "org"
    return ""


def _inflected(word: str, stems: tuple[str, ...]) -> bool:
    """A Russian stem plus a case ending ("министерству"), not a longer word ("Судаков")."""
    return any(word.startswith(stem) and _ENDING.match(word[len(stem) :]) for stem in stems)


def role_by_keyword(text: str) -> str:
    """The role, "title" or "org", of the first keyword in ``text``; "" when it has none.

    A title word in the possessive ("Prosecutor General's Office") names an office.
    """
    words = _WORD.findall(text)
    pairs = pairwise([*words, ""])
    if any(w.endswith(("'s", "’s")) and _keyword_role(after) == "org" for w, after in pairs):
        return "org"
    return next((role for word in words if (role := _keyword_role(word))), "")


def strip_prefixes(line: str) -> tuple[str, str]:
    """(line without honorifics and a role prefix, the role) - "Senator X" -> ("X", "Senator")."""
    text = HONORIFICS.sub("", line.strip())
    match = ROLE_PREFIXES.match(text)
    role = match.group(1) if match else ""
    text = text[match.end() :] if match else text
    text = HONORIFICS.sub("", text)
    return re.sub(r"\s*\([^)]*\)\s*$", "", text).strip(), role


def is_name(text: str) -> bool:
    """Two to five capitalised words (particles like "van" allowed), none a keyword."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or any(ch.isdigit() for ch in text):
        return False
    if tokens[0].lower() in NOT_NAME_STARTS or is_place(text):
        return False
    for token in tokens:
        if token.lower() in NAME_PARTICLES:
            continue
        if not _NAME_TOKEN.match(token) or _keyword_role(token.strip(".")):
            return False
    return True


def is_address(text: str) -> bool:
    """A street line, a city or country line, or a line with digits that names no office.

    Names never hold digits and titles and organisations are told by their keywords,
    so "Gorodskoi Val 4" or "London SW1Y 5EA" in a block's header is part of an address.
    """
    if ADDRESS_WORDS.search(text) or is_place(text):
        return True
    return any(ch.isdigit() for ch in text) and not role_by_keyword(text)
