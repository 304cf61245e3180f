"""models.markdown_safety: people's text as Markdown that shows it literally, and the call
script's safe subset.

These tests read the output the way CommonMark does (code spans and fences by their
backtick runs, backslash escapes) and hold it to a grammar: outside code, the only
unescaped punctuation is the markup the sanitiser writes itself. What Streamlit's
renderer then makes of it is proven in Chromium (tests/browser/test_hostile_text.py).
"""

from __future__ import annotations

import re
import string
import time

import pytest

from models.markdown_safety import FORMAT_LIMIT, WORD_JOINER, plain_markdown, safe_script
from tests.hostile import HOSTILE, MEGABYTE

PUNCTUATION = frozenset(string.punctuation)
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# What safe_script writes itself at the start of a line: quotes, then a heading, an item
# marker or a rule.
LINE_MARKUP = re.compile(r"^ *(?:> ?)*(?:#{1,6} |- |\d{1,9}\. |\*\*\*$|#{1,6}$|-$|\d{1,9}\.$)?")


def visible(text: str) -> str:
    """The text as typed, less the invisible characters nobody sees (models.text strips them)."""
    return INVISIBLE.sub("", text)


def shown(markdown: str) -> str:
    """Markdown text with its backslash escapes resolved and its word joiners gone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def outside_code(markdown: str) -> str:
    """``markdown`` without its fenced blocks and code spans, read as CommonMark does."""
    kept: list[str] = []
    fence = ""
    for line in markdown.split("\n"):
        if fence:
            if re.fullmatch(rf" {{0,3}}`{{{len(fence)},}}[ \t]*", line):
                fence = ""
            continue
        if opened := re.match(r" {0,3}(`{3,})[^`]*$", line):
            fence = opened.group(1)
            continue
        kept.append(_without_code_spans(line))
    return "\n".join(kept)


def _without_code_spans(line: str) -> str:
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in PUNCTUATION:
            out.append(line[i : i + 2])
            i += 2
            continue
        if line[i] == "`":
            run = re.match(r"`+", line[i:])
            assert run is not None
            n = len(run.group())
            close = re.compile(rf"(?<!`)`{{{n}}}(?!`)").search(line, i + n)
            if close:
                out.append(" ")  # a code span: literal, whatever it holds
                i = close.end()
                continue
            out.append(run.group())
            i += n
            continue
        out.append(line[i])
        i += 1
    return "".join(out)


def unescaped_punctuation(markdown: str) -> set[str]:
    """Punctuation outside code that no backslash escapes, after each line's own markup."""
    found: set[str] = set()
    for line in outside_code(markdown).split("\n"):
        rest = re.sub(r"\\[!-/:-@\[-`{-~]", "", line[LINE_MARKUP.match(line).end() :])  # type: ignore[union-attr]
        found |= {ch for ch in rest if ch in PUNCTUATION}
    return found


def assert_nothing_to_link(markdown: str) -> None:
    """No text outside code that an autolinker, an icon or emoji shortcode could find."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", outside_code(markdown))
    assert re.search(r"(?i)www\.|://|[:@](?!\u2060)|[<>~-][>=-]", text) is None, text


@pytest.mark.parametrize("text", [*HOSTILE, MEGABYTE])
def test_plain_markdown_escapes_every_punctuation_character(text: str) -> None:
    """Nothing in it is Markdown: every ASCII punctuation character carries a backslash."""
    assert unescaped_punctuation(plain_markdown(text)) == set()


@pytest.mark.parametrize("text", [*HOSTILE, MEGABYTE])
def test_plain_markdown_shows_the_text_as_typed(text: str) -> None:
    """Escapes and joiners removed, it is the text itself (invisible controls aside)."""
    assert shown(plain_markdown(text)) == visible(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_markdown_leaves_nothing_to_autolink(text: str) -> None:
    """No www., ://, e-mail @, :shortcode: or arrow is left for Streamlit's later passes."""
    assert_nothing_to_link(plain_markdown(text))


def test_plain_markdown_breaks_each_pattern_with_an_invisible_joiner() -> None:
    """Exactly where the patterns would match, and nowhere else."""
    assert plain_markdown("see www.x.org, a@b.cd, http://e.f -> :smile:") == (
        "see www\u2060\\.x\\.org\\, a\\@\u2060b\\.cd\\, http\\:\u2060\\/\\/e\\.f "
        "\\-\u2060\\> \\:\u2060smile\\:\u2060"
    )


def test_plain_markdown_drops_bidi_overrides_and_zero_width_characters() -> None:
    """A name cannot display as something else (models.text strips them on the way in too)."""
    assert plain_markdown("\u202eevil\u202c zero\u200bwidth") == "evil zerowidth"


@pytest.mark.parametrize("text", [*HOSTILE, MEGABYTE])
def test_the_script_holds_no_markup_but_its_own(text: str) -> None:
    """Outside code, the only punctuation left unescaped is emphasis the script asked for."""
    assert unescaped_punctuation(safe_script(text)) <= {"*", "~"}


@pytest.mark.parametrize("text", HOSTILE)
def test_the_script_leaves_nothing_to_autolink(text: str) -> None:
    """Bare addresses, shortcodes and arrows in a script are broken like any plain text."""
    assert_nothing_to_link(safe_script(text))


def test_the_seed_script_keeps_its_bold_lines_and_numbered_list() -> None:
    """The subset a script is written in comes through: paragraphs, bold, a numbered list."""
    script = (
        "**Introduce yourself.** Give your name.\n\n"
        "I ask the office to:\n\n1. condemn these abuses,\n2. investigate.\n\nThank them."
    )
    assert safe_script(script) == (
        "**Introduce yourself\\.** Give your name\\.\n\n"
        "I ask the office to\\:\u2060\n\n1. condemn these abuses\\,\n2. investigate\\.\n\n"
        "Thank them\\."
    )


def test_headings_quotes_rules_and_nested_lists_are_kept() -> None:
    """Block structure survives, nested items under their parents, markers normalised."""
    script = "## Say\n\n> quote\n\n* one\n  + nested\n\n    more\n2) two\n\n---\nend"
    assert safe_script(script) == (
        "## Say\n\n> quote\n\n- one\n  - nested\n\n    more\n2. two\n\n***\nend"
    )


def test_links_show_their_address_as_code_and_images_only_their_alt_text() -> None:
    """Nothing is fetched or clickable; the reader still sees where a link would go."""
    script = (
        "[the petition](https://example.org/p) ![photo](http://evil.example/x.png) <https://a.b>"
    )
    assert safe_script(script) == "the petition \\(`https://example.org/p`\\) photo `https://a.b`"


def test_raw_html_latex_and_directives_are_shown_as_typed() -> None:
    """None of them is markup in a script: each is plain text."""
    script = '<img src=x onerror="alert(1)"> $x^2$ :red[red] :material/call:'
    assert shown(safe_script(script)) == script


def test_code_keeps_its_text_literally_in_a_span_no_backtick_inside_can_end() -> None:
    """Code spans and fenced blocks hold anything, backticks included, as typed."""
    assert safe_script("run `a``b` now") == "run ```a``b``` now"
    assert safe_script("```html\n<script>x</script>\n``` ```\n```") == (
        "````\n<script>x</script>\n``` ```\n````"
    )


def test_two_code_spans_side_by_side_do_not_merge_into_one() -> None:
    """Merged, they would leave the second span's text outside code (an image here)."""
    rendered = safe_script("`x```y`![i](http://evil.example/i.png)``")
    assert unescaped_punctuation(rendered) == set()
    assert "![" not in outside_code(rendered).replace("\\!", "").replace("\\[", "")


def test_writers_escapes_show_the_character() -> None:
    """``\\*`` in a script is an asterisk, as in any Markdown."""
    assert shown(safe_script("\\*not emphasis\\* and \\\\")) == "*not emphasis* and \\"


def test_emphasis_is_kept_but_snake_case_is_text() -> None:
    """``_x_`` is emphasis between words, never inside one."""
    assert safe_script("_em_ **strong** ~~gone~~ snake_case_name") == (
        "*em* **strong** ~~gone~~ snake\\_case\\_name"
    )


def test_an_unclosed_fence_runs_to_the_end_and_is_closed() -> None:
    """As CommonMark reads it; the block is closed so nothing after it changes meaning."""
    assert safe_script("```\n<b>x</b>") == "```\n<b>x</b>\n```"


def test_a_script_longer_than_the_limit_is_shown_as_plain_text() -> None:
    """Past five times what the app stores, it is escaped whole instead of formatted."""
    assert safe_script(MEGABYTE) == plain_markdown(MEGABYTE)
    assert len(MEGABYTE) > FORMAT_LIMIT


@pytest.mark.parametrize(
    "unit", ["[", "![", "[a](", "<a:", "`a", "**a", "~~a", "_ a", "a\n", "\n- ", "\n  - ", "> "]
)
def test_a_script_at_the_limit_is_formatted_in_reasonable_time(unit: str) -> None:
    """Linear in its length, whatever it repeats (a quadratic step would take minutes)."""
    script = (unit * (FORMAT_LIMIT // len(unit)))[:FORMAT_LIMIT]
    started = time.perf_counter()
    safe_script(script)
    assert time.perf_counter() - started < 10
