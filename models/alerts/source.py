"""Turning an uploaded or pasted alert (plain text, an e-mail, a web page) into plain text.

HTML is reduced with Beautiful Soup over the stdlib ``html.parser`` backend (no compiled
parser to install): it copes with the broken markup that saved web pages and e-mails
carry, and keeps block structure as line breaks. E-mails go through the stdlib ``email``
package, which undoes quoted-printable and base64 and names the body's charset.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

from bs4 import BeautifulSoup, Tag

ENCODINGS = ("utf-8", "utf-8-sig", "cp1251")  # then latin-1, which decodes any byte

# Elements after which a reader sees a new line; everything else flows inline.
BLOCK_TAGS = (
    *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer"),
    *("form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol"),
    *("p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul"),
)
PARAGRAPH_TAGS = frozenset(("blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol"))
PARAGRAPH_TAGS |= {"p", "table", "tr", "ul"}
DROPPED_TAGS = ("script", "style", "noscript", "template", "head", "nav")  # nav: site menus
_LINE, _PARAGRAPH = "\x00", "\x01"  # marks left in the tree, laid out after get_text

_RFC822_HEADER = re.compile(r"^(From|To|Subject|Date|Message-ID|MIME-Version|Received): ", re.I)
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<body|<div|<p[ >])", re.I)


def decode_bytes(data: bytes) -> str:
    """Bytes as text: UTF-8 (with or without BOM), else Windows Cyrillic, else Latin-1."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def looks_like_email(text: str) -> bool:
    """True when the text opens with RFC 822 headers (at least two known ones)."""
    head = text.lstrip().splitlines()[:20]
    return sum(1 for line in head if _RFC822_HEADER.match(line)) >= 2


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text))


def html_to_text(markup: str) -> str:
    """Visible text of ``markup``, one line per block element, scripts and styles dropped.

    As in a browser, the source's own line breaks are just spaces; paragraphs, headings,
    lists and table rows end with a blank line, other blocks and ``<br>`` with a newline.
    """
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        _mark_breaks(tag)
    return _layout(soup.get_text())


def _mark_breaks(tag: Tag) -> None:
    if tag.name == "br":
        tag.replace_with(_LINE)
        return
    tag.insert_before(_LINE)
    tag.append(_PARAGRAPH if tag.name in PARAGRAPH_TAGS else _LINE)


def _layout(text: str) -> str:
    """Whitespace runs become a blank line, a newline or a space, by the marks they hold."""

    def one(run: re.Match[str]) -> str:
        chunk = run.group()
        return "\n\n" if _PARAGRAPH in chunk else "\n" if _LINE in chunk else " "

    return re.sub(r"[\s\x00\x01]+", one, text).strip() + "\n"


def email_to_text(raw: str | bytes) -> str:
    """The subject line, a blank line, then the body: its text/plain part, else its HTML."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogateescape")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # the default policy makes EmailMessage
    subject = " ".join(str(message.get("Subject", "")).split())
    body = _email_body(message)
    return f"{subject}\n\n{body}" if subject else body


def _email_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):  # an unknown or wrong charset label
        payload = part.get_payload(decode=True)
        content = decode_bytes(payload if isinstance(payload, bytes) else b"")
    text = str(content)
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def alert_text(data: bytes | str, filename: str = "") -> str:
    """The text of an alert file or paste, by file extension or, failing that, by content."""
    suffix = filename.lower().rpartition(".")[2] if "." in filename else ""
    if suffix == "eml" or (suffix not in ("txt", "html", "htm") and _is_email(data)):
        return _normalise_newlines(email_to_text(data))
    text = decode_bytes(data) if isinstance(data, bytes) else data
    if suffix in ("html", "htm") or (suffix != "txt" and looks_like_html(text)):
        return html_to_text(text)
    return _normalise_newlines(text)


def _is_email(data: bytes | str) -> bool:
    head = data[:4000]
    return looks_like_email(decode_bytes(head) if isinstance(head, bytes) else head)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
