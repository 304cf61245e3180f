"""Where in an alert things are: the headline, the opening paragraph, and the part that
says whom to contact (from a marker such as "TAKE ACTION" to one such as "Press contact").
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00]")

START_MARKERS = re.compile(
    r"take\s+action|act\s+now|(?:send|write|mail|fax)\s+(?:your\s+)?appeals?\s+to|appeals?\s+to\s*:"
    r"|please\s+(?:write|call|phone|fax|e-?mail|contact)|write\s+to\s*:|who\s+to\s+(?:call|contact|write)"
    r"|contact\s+the\s+following|call\s+(?:your|the|these)\s+(?:senators?|representatives?|"
    r"congress\w*|mps?|officials?|offices?)|targets\s*:|recipients\s*:"
    r"|обращайтесь|напишите|позвоните|адресаты|пишите|кому\s+писать|куда\s+писать"
    r"|(?:отправьте|направьте)\s+(?:письма|обращения)",
    re.I,
)
STOP_MARKERS = re.compile(
    r"^\W*(?:copies\s+to|copy\s+to|cc\s*:|(?:press|media)\s+(?:contacts?|inquiries|enquiries)"
    r"|contacts?\s*:|for\s+(?:more|further)\s+information|more\s+information|about\s+us"
    r"|thanks?(?:\s+you)?,?\s*$|sincerely|best\s+regards|kind\s+regards|regards,|in\s+solidarity|unsubscribe"
    r"|share\s+this|follow\s+us|sample\s+(?:letter|message|script)|suggested\s+(?:message|script)"
    r"|what\s+to\s+say|script\s*:|копи[ияю]|для\s+сми|контакты?\s+для\s+(?:прессы|сми)"
    r"|пресс-контакт|с\s+уважением|образец|подробнее)"
    r"|^--\s*$|^—\s*$",
    re.I,
)
_ABOUT_HEADING = re.compile(r"^about\s+\S+(?:\s+\S+){0,5}$", re.I)
_QUOTE_INTRO = re.compile(r"^(?:on\s.{5,200}\swrote:|.{5,200}\s(?:написал|пишет)\S*:)\s*$", re.I)
_ORIGINAL_MESSAGE = re.compile(r"^-{2,}\s*original message\s*-{2,}$", re.I)
_BOILERPLATE = re.compile(
    r"skip\s+to|main\s+content|^menu$|^home$|^search|^donate|^share|cookie|log\s*in|sign\s+up"
    r"|subscribe|view\s+(?:this|in)\s+(?:email|browser)",
    re.I,
)
_MAX_TITLE_WORDS = 16
_MIN_DESCRIPTION_WORDS = 15


def clean_lines(text: str) -> list[str]:
    """NFC lines without invisible controls, quoted e-mail replies left out."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip().replace("\t", " ").replace("\xa0", " ")
        if _ORIGINAL_MESSAGE.match(line.strip()):
            break
        if line.lstrip().startswith(">") or _QUOTE_INTRO.match(line.strip()):
            continue
        lines.append(line)
    return lines


def is_start(line: str) -> bool:
    """A line that opens the list of whom to contact."""
    match = START_MARKERS.search(line)
    return match is not None and (match.start() < 3 or len(line.split()) <= 20)


def is_stop(line: str) -> bool:
    """A line after which the text is no longer about whom to contact."""
    stripped = line.strip()
    return bool(STOP_MARKERS.match(stripped) or _ABOUT_HEADING.match(stripped))


def action_lines(lines: list[str]) -> list[str]:
    """The lines inside the alert's contact sections; without a start marker, the text
    from its beginning to the first stop marker.

    The text after a start marker's colon ("Please write to: Minister X") is kept.
    """
    inside, out = not any(is_start(line) for line in lines), []
    for line in lines:
        if is_start(line):
            inside = True
            out.append("")
            head, colon, tail = line.partition(":")
            if colon and START_MARKERS.search(head) and tail.strip():
                out.append(tail.strip())
        elif is_stop(line):
            inside = False
        elif inside:
            out.append(line)
    return out


def paragraphs(lines: list[str]) -> list[str]:
    """Runs of non-blank lines, each joined into one line."""
    result, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            result.append(" ".join(current))
            current = []
    return result


def is_description(paragraph: str) -> bool:
    """Real prose: long enough, finished (not a "..." teaser), not a call to act."""
    ends = paragraph.rstrip("\"'”»)").rstrip()
    long_enough = len(paragraph.split()) >= _MIN_DESCRIPTION_WORDS
    return (
        long_enough and ends[-1:] in ".!?" and not ends.endswith("...") and not is_start(paragraph)
    )


def is_headline(paragraph: str) -> bool:
    words = paragraph.split()
    return 0 < len(words) <= _MAX_TITLE_WORDS and not _BOILERPLATE.search(paragraph)


def title_and_description(lines: list[str]) -> tuple[str, str]:
    """The headline (a short paragraph before the first prose) and the first prose paragraph."""
    title = ""
    for paragraph in paragraphs(lines):
        if is_description(paragraph):
            return title[:200], paragraph
        if is_stop(paragraph):
            break
        if not title and is_headline(paragraph) and not paragraph.endswith(("...", "…")):
            title = paragraph.rstrip(":")
    return title[:200], ""
