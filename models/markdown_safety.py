"""Markdown that Streamlit shows as written: people's text escaped, the call script
reduced to a safe subset.

Streamlit renders ``st.markdown``, ``st.caption``, ``st.success`` and its kin, headings
and every widget label as GitHub-flavoured Markdown with extras, and some of it runs on
the text *after* backslash escapes are resolved, so escaping alone does not make text
plain: bare ``http://…``, ``www.…`` and ``user@host`` still become links (GFM's
autolink literals), ``:streamlit:`` becomes an image, ``:material_call:`` an icon,
``:smile:`` an emoji and ``->``, ``<-``, ``--``, ``>=`` arrows and dashes (measured in
Chromium with Streamlit 1.67: tests/browser/test_hostile_text.py).

:func:`plain_markdown` defeats both layers. Every ASCII punctuation character is
backslash-escaped, so no Markdown, HTML, ``$LaTeX$`` or ``:directive[…]`` syntax is
left; and an invisible WORD JOINER (U+2060) goes after every ``:`` and ``@``, between
``www`` and ``.``, and inside the arrow pairs, so none of the later patterns finds its
text. People see exactly what was typed (a copy of it carries the invisible joiners).

:func:`safe_script` is for the call script, the one field written as Markdown. It keeps
a subset (headings, paragraphs, bulleted and numbered lists, quotes, rules, bold,
italic, strikethrough, code spans and fenced code blocks) and rebuilds it, so every
piece of text in the result went through :func:`plain_markdown` or sits inside code,
which no renderer interprets. There are no images at all (``![alt](url)`` shows its alt
text), no raw HTML (shown as typed), no LaTeX and no directives (shown as typed), and no
links: ``[text](url)`` and ``<url>`` show the address as code beside the text, so the
reader sees where it goes and nothing is fetched or clickable. Both functions are pure
and take linear time; a script longer than :data:`FORMAT_LIMIT` is shown as plain text.
"""

from __future__ import annotations

import bisect
import re
import string
from dataclasses import dataclass

WORD_JOINER = "\u2060"
# Bidi embedding/override/isolate controls and zero-width characters, as models.text
# strips them on the way in: rows stored before that (or written around it) lose them
# here, so no name can display as something else.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_ESCAPES = {ord(ch): "\\" + ch for ch in string.punctuation}
_ESCAPES[ord(":")] = "\\:" + WORD_JOINER  # URL schemes, :streamlit:, :material_x:, :emoji:
_ESCAPES[ord("@")] = "\\@" + WORD_JOINER  # e-mail addresses
_WWW = re.compile(r"(?<=www)(?=\.)", re.IGNORECASE)
_ARROW = re.compile(r"(?<=[<>~-])(?=[>=-])")  # <- -> <-> -- >= <= ~=


def plain_markdown(text: str) -> str:
    """``text`` as Markdown that Streamlit shows literally: no syntax, links or icons."""
    text = _INVISIBLE.sub("", text)
    text = _ARROW.sub(WORD_JOINER, _WWW.sub(WORD_JOINER, text))
    return text.translate(_ESCAPES)


# ---- the call script ---------------------------------------------------------------

# Five times what the app stores (models.campaigns.SCRIPT_MAX): a longer text was not
# written in the app, and is shown as plain text rather than spend seconds formatting it.
FORMAT_LIMIT = 100_000
MAX_NESTING = 6  # list and quote levels, and emphasis inside emphasis; deeper is flattened
_PUNCTUATION = frozenset(string.punctuation)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_QUOTES = re.compile(r"(?: {0,3}>[ \t]?)+")
_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?")
_TICKS = re.compile(r"`+")
_DELIMITERS = re.compile(r"\*+|_+|~+")
_BLOCK_STARTS = frozenset("#>-*+_0123456789")  # what a heading, quote, rule or item starts with
_SPECIAL = re.compile(r"[\\`*_~!\[<]")
# Bounded lengths keep a line of a million "[" linear.
_IMAGE = re.compile(r"!\[([^\[\]\n]{0,500})\]\(([^()\s]{0,2000})(?:[ \t]+\"[^\"\n]{0,500}\")?\)")
_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\(([^()\s]{0,2000})(?:[ \t]+\"[^\"\n]{0,500}\")?\)")
_AUTOLINK = re.compile(
    r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]{1,2000}|[^<>\s@]{1,200}@[^<>\s]{1,300})>"
)
_EMPHASIS = {("*", 1): "*", ("*", 2): "**", ("_", 1): "*", ("_", 2): "**", ("~", 2): "~~"}


def safe_script(source: str) -> str:
    """The call script as Markdown of the safe subset (see the module docstring)."""
    if len(source) > FORMAT_LIMIT:
        return plain_markdown(source)
    lines = _INVISIBLE.sub("", source.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    out: list[str] = []
    items: list[_Item] = []
    blank_before = False
    i = 0
    while i < len(lines):
        line = lines[i].expandtabs(4)
        i += 1
        if not line.strip():
            out.append("")
            blank_before = True
            continue
        if fence := _FENCE.match(line):
            items.clear()
            i = _code_block(lines, i, fence.group(1), out)
        elif not _continues(line, items, blank_before, out):
            out.append(_block_line(line, items))
        blank_before = False
    return "\n".join(out)


@dataclass(frozen=True)
class _Item:
    """An open list item: where its text starts in the source, and in the output."""

    source_column: int
    output_column: int


def _block_line(line: str, items: list[_Item]) -> str:
    """One line of the source as one line of the output (``items``: the open list, which
    anything but another item closes)."""
    if line.lstrip(" ")[:1] not in _BLOCK_STARTS:
        items.clear()
        return _inline(line.strip(), hard_break=line.endswith("  "))
    if (match := _ITEM.fullmatch(line)) and not _RULE.fullmatch(line):
        return _item(match, items)
    items.clear()
    if _RULE.fullmatch(line):
        return "***"  # never "---": under a paragraph that would make it a heading
    if match := _HEADING.match(line):
        return f"{match.group(1)} {_inline(_heading_text(line[match.end() :]))}".rstrip()
    if match := _QUOTES.match(line):
        depth = min(match.group(0).count(">"), MAX_NESTING)
        rest = line[match.end() :]
        inner = _block_line(rest, []) if rest.strip() else ""
        return ("> " * depth + inner).rstrip()
    return _inline(line.strip(), hard_break=line.endswith("  "))


def _heading_text(rest: str) -> str:
    """A heading's text without the optional closing run of ``#``."""
    rest = rest.strip(" \t")
    bare = rest.rstrip("#")
    if bare != rest and (not bare or bare[-1] in " \t"):
        return bare.rstrip(" \t")
    return rest


def _item(match: re.Match[str], items: list[_Item]) -> str:
    indent, marker, text = len(match.group(1)), match.group(2), match.group(3) or ""
    while items and indent < items[-1].source_column:
        items.pop()  # a sibling of, or shallower than, the innermost open item
    del items[MAX_NESTING - 1 :]
    shown = "-" if marker in "-*+" else marker[:-1] + "."
    column = items[-1].output_column if items else 0
    items.append(_Item(indent + len(marker) + 1, column + len(shown) + 1))
    return f"{' ' * column}{shown} {_inline(text.strip())}".rstrip()


def _continues(line: str, items: list[_Item], blank_before: bool, out: list[str]) -> bool:
    """Add ``line`` as more text of an open list item, if it is that; whether it was."""
    if not items:
        return False
    if line.lstrip(" ")[:1] in _BLOCK_STARTS and (
        _ITEM.fullmatch(line)
        or _QUOTES.match(line)
        or _HEADING.match(line)
        or _RULE.fullmatch(line)
    ):
        return False
    indent = len(line) - len(line.lstrip(" "))
    if blank_before:  # a new paragraph belongs to the item it is indented under
        owners = [item for item in items if item.source_column <= indent]
        if not owners:
            return False
        del items[items.index(owners[-1]) + 1 :]
    text = _inline(line.strip(), hard_break=line.endswith("  "))
    out.append(" " * items[-1].output_column + text)
    return True


def _code_block(lines: list[str], start: int, fence: str, out: list[str]) -> int:
    """Copy the fenced block opened before ``lines[start]``; the index after its end."""
    closing = re.compile(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*")
    body: list[str] = []
    i = start
    while i < len(lines) and not closing.fullmatch(lines[i]):
        body.append(lines[i])
        i += 1
    longest = max((len(run) for run in _TICKS.findall("\n".join(body))), default=0)
    ticks = "`" * max(3, longest + 1)  # no line inside can close it; no info string
    out.extend([ticks, *body, ticks])
    return i + 1


def _inline(text: str, *, hard_break: bool = False) -> str:
    if _SPECIAL.search(text) is None:
        rendered = plain_markdown(text)  # the common line: no markup at all
    else:
        rendered = _Inline(text).render(0, len(text), 0)
    return rendered + "  " if hard_break and rendered else rendered


class _Output:
    """Markup and plain text in order; plain text is escaped in whole runs, so a pattern
    such as ``www.`` is seen (and broken) even across the writer's own escapes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.plain: list[str] = []

    def text(self, text: str) -> None:
        self.plain.append(text)

    def markup(self, markup: str) -> None:
        self._flush()
        self.parts.append(markup)

    def code(self, content: str) -> None:
        """``content`` as a code span that no backtick inside can end."""
        self._flush()
        longest = max((len(run) for run in _TICKS.findall(content)), default=0)
        ticks = "`" * (longest + 1)
        if content.startswith(("`", " ")) or content.endswith(("`", " ")):
            content = f" {content} "
        if self.parts and self.parts[-1].endswith("`"):
            self.parts.append(WORD_JOINER)  # two spans side by side must not merge
        self.parts.append(f"{ticks}{content}{ticks}")

    def result(self) -> str:
        self._flush()
        return "".join(self.parts)

    def _flush(self) -> None:
        if self.plain:
            self.parts.append(plain_markdown("".join(self.plain)))
            self.plain.clear()


class _Inline:
    """One line's inline Markdown, rebuilt: emphasis and code kept, the rest plain text.

    Delimiter runs are indexed once, so finding a closer is a bisection and the line is
    read in linear time however many unmatched delimiters it holds.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.ticks: dict[int, list[int]] = {}
        self.runs: dict[int, int] = {}  # where a run of * _ ~ starts: its length
        self.closers: dict[tuple[str, int], list[int]] = {}
        for run in _TICKS.finditer(text):
            self.ticks.setdefault(len(run.group()), []).append(run.start())
        for run in _DELIMITERS.finditer(text):
            at, length, char = run.start(), len(run.group()), run.group()[0]
            self.runs[at] = length
            if at == 0 or text[at - 1].isspace() or text[at - 1] == "\\":
                continue
            if char == "_" and text[run.end() : run.end() + 1].isalnum():
                continue  # snake_case is not emphasis
            self.closers.setdefault((char, length), []).append(at)

    def render(self, start: int, end: int, depth: int) -> str:
        text, out = self.text, _Output()
        i = start
        while i < end:
            special = _SPECIAL.search(text, i, end)
            stop = end if special is None else special.start()
            if stop > i:
                out.text(text[i:stop])  # plain text up to the next character that may matter
                i = stop
                continue
            ch = text[i]
            if ch == "\\" and i + 1 < end and text[i + 1] in _PUNCTUATION:
                out.text(text[i + 1])  # the writer's own escape: that character, as text
                i += 2
            elif ch == "`":
                i = self._code(i, end, out)
            elif i in self.runs:
                i = self._emphasis(i, end, depth, out)
            elif (link := self._link_like(i, end)) is not None:
                self._link(link, out)
                i = link.end()
            else:
                out.text(ch)
                i += 1
        return out.result()

    def _code(self, i: int, end: int, out: _Output) -> int:
        length = 1
        while i + length < end and self.text[i + length] == "`":
            length += 1
        close = _after(self.ticks.get(length, []), i + length, end, length)
        if close is None:
            out.text(self.text[i : i + length])
            return i + length
        out.code(self.text[i + length : close])
        return close + length

    def _emphasis(self, i: int, end: int, depth: int, out: _Output) -> int:
        text, length = self.text, self.runs[i]
        mark = _EMPHASIS.get((text[i], length))
        opens = i + length < end and not text[i + length].isspace()
        if text[i] == "_" and i > 0 and text[i - 1].isalnum():
            opens = False
        close = None
        if mark is not None and opens and depth < MAX_NESTING:
            close = _after(self.closers.get((text[i], length), []), i + length + 1, end, length)
        if mark is None or close is None:
            out.text(text[i : i + length])
            return i + length
        out.markup(mark + self.render(i + length, close, depth + 1) + mark)
        return close + length

    def _link_like(self, i: int, end: int) -> re.Match[str] | None:
        pattern = {"!": _IMAGE, "[": _LINK, "<": _AUTOLINK}.get(self.text[i])
        return None if pattern is None else pattern.match(self.text, i, end)

    @staticmethod
    def _link(match: re.Match[str], out: _Output) -> None:
        """An image as its alt text; a link as its text, then its address as code."""
        if match.group(0).startswith("!"):
            out.text(match.group(1))
        elif match.group(0).startswith("<"):
            out.code(match.group(1))
        else:
            label, url = match.group(1), match.group(2)
            out.text(label)
            if url and url != label:
                out.text(" (")
                out.code(url)
                out.text(")")


def _after(positions: list[int], after: int, end: int, length: int) -> int | None:
    """The first of ``positions`` at or after ``after`` whose run ends by ``end``."""
    k = bisect.bisect_left(positions, after)
    if k < len(positions) and positions[k] + length <= end:
        return positions[k]
    return None
