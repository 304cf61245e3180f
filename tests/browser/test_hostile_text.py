"""Hostile text in every free-text field, on every page, in Chromium (issue 13).

The server's database holds tests/hostile.py's world, stored through the model layer:
an official whose name, title, organisation, contact labels and address, a campaign
whose name, description, ask and call script, an attempt whose notes and response
summary, and a coordinator whose display name are made of HTML, Markdown, links,
images, Streamlit directives, LaTeX and the rest. An admin opens every page (and adds
a user with a hostile name on Admin), and on each: no image comes from elsewhere, no
link leads elsewhere, nothing Streamlit would draw from Markdown syntax in that text
(KaTeX, colours, badges, icons) is there, no script ran, the plain text shows exactly
as stored, and no request left the loopback address. The call script, the one
Markdown field, keeps its bold and shows its HTML, images, links and LaTeX as text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from models.markdown_safety import WORD_JOINER
from models.text import clean_text
from tests import hostile
from tests.browser import (
    ADMIN,
    PASSWORD,
    PLAYWRIGHT_IMPORTABLE,
    fill_sign_in,
    foreign_hosts,
    wait_idle,
    watch_hosts,
)

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Browser, Page, expect

# What each check finds on the page; every list must come back empty, the flag false.
FINDINGS = """() => {
  const origin = location.origin;
  const local = (url) => !url || url.startsWith(origin) || url.startsWith("data:")
    || url.startsWith("blob:");
  const media = [...document.querySelectorAll(
    "img, image, iframe, video, audio, source, embed, object")];
  const markdown = "[data-testid=stMarkdownContainer], [data-testid=stCaptionContainer]";
  const inMarkdown = (selector) => [...document.querySelectorAll(
    `:is(${markdown}) :is(${selector})`)].map((e) => e.outerHTML.slice(0, 160));
  return {
    foreign_media: media.map((e) => e.currentSrc || e.src || e.getAttribute("href") || "")
      .filter((url) => !local(url)),
    foreign_links: [...document.querySelectorAll("a[href]")].map((a) => a.href)
      .filter((url) => !local(url) && !url.startsWith("tel:")),
    drawn_from_markdown: inMarkdown(
      ".katex, img, iframe, [role=img], .stMarkdownColoredText, "
      + ".stMarkdownColoredBackground, .stMarkdownBadge, .stMarkdownShimmer, "
      + "streamlit-help-icon, table"),
    script_ran: window.__pwned !== undefined,
  };
}"""
NOTHING = {
    "foreign_media": [],
    "foreign_links": [],
    "drawn_from_markdown": [],
    "script_ran": False,
}


def stored(text: str) -> str:
    """The text as the model layer keeps it (models.text.clean_text): what must show."""
    return clean_text(text, "text", max_len=len(text) + 1)


def findings(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(FINDINGS)
    return found


def shown_text(page: Page) -> str:
    """The page's text as a person reads it: the invisible word joiners left out."""
    text: str = page.locator("[data-testid=stMain]").inner_text()
    return text.replace(WORD_JOINER, "")


def assert_safe(page: Page, *expected: str) -> None:
    """Nothing interpreted on the page, and each of ``expected`` shown as stored."""
    wait_idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert findings(page) == NOTHING
    text = shown_text(page)
    missing = [value for value in expected if stored(value) not in text]
    assert missing == []


def go_to(page: Page, label: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=label)).to_be_visible()
    wait_idle(page)


def choose(page: Page, label: str, option: str) -> None:
    """Pick the option starting with ``option`` in the selectbox labelled ``label``."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=re.compile("^" + re.escape(option))).first.click()
    wait_idle(page)


def expand(page: Page, label: str) -> None:
    page.locator("summary").filter(has_text=label).first.click()
    wait_idle(page)


def check_call_script(page: Page) -> None:
    """Markdown by design: bold kept; HTML, images, links, LaTeX and directives as text."""
    script = page.get_by_test_id("stExpander").filter(has_text="Introduce yourself")
    expect(script.locator("strong", has_text="Introduce yourself.")).to_have_count(1)
    text = script.first.inner_text().replace(WORD_JOINER, "")
    for literal in (
        "<script>window.__pwned = 1</script>",
        '<img src="x" onerror="window.__pwned = 1">',
        f"a Markdown link (http://{hostile.EVIL}/md-link)",
        "$x^2$ and $$\\frac{1}{2}$$",
        ":red[red] :blue-background[blue] :green-badge[badge] :rainbow[rainbow]",
        ":material/call: :material_call: :streamlit: :smile: :+1: :help[tip]",
        "a -> b <- c <-> d -- e >= f <= g ~= h",
    ):
        assert literal in text
    assert "a remote image" in text and f"{hostile.EVIL}/md.png" not in text


@pytest.fixture
def signed_in_admin(browser: Browser, hostile_app_url: str) -> Any:
    """A fresh context signed in as the admin; yields the page and the hosts it asked."""
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    hosts = watch_hosts(context)
    page = context.new_page()
    page.goto(hostile_app_url + "/")
    wait_idle(page)
    fill_sign_in(page, ADMIN.name, PASSWORD)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_idle(page)
    yield page, hosts
    context.close()


def test_hostile_text_is_shown_and_never_interpreted_on_any_page(
    signed_in_admin: tuple[Page, list[str]],
) -> None:
    """Every page, with hostile text in every free-text field: shown as typed, nothing run,
    drawn, linked or fetched from it."""
    page, hosts = signed_in_admin
    history = (hostile.NOTES, hostile.SUMMARY, hostile.USER_DISPLAY)
    official = (hostile.OFFICIAL_NAME, hostile.OFFICIAL_TITLE, hostile.ORGANISATION)
    contacts = (hostile.CONTACT_LABEL, hostile.ADDRESS, hostile.EMAIL, hostile.WEB)

    # Log outreach opens on the hostile campaign (the only active one) and its official.
    expect(page.get_by_role("heading", level=1, name="Log outreach")).to_be_visible()
    expect(page.get_by_text("Introduce yourself.")).to_be_visible()
    assert_safe(page, *official, *contacts, *history, hostile.CAMPAIGN_NAME)
    check_call_script(page)

    go_to(page, "Follow-ups")
    page.get_by_role("tab", name="Team").click()
    # Out of office hours the queue health's "Who and why" names the official too.
    named = page.get_by_text(re.compile("^" + re.escape(hostile.OFFICIAL_NAME)))
    expect(named.filter(visible=True).first).to_be_visible()
    assert_safe(page, hostile.OFFICIAL_NAME, hostile.CAMPAIGN_NAME, hostile.USER_DISPLAY)

    go_to(page, "Insights")
    expect(page.get_by_test_id("stVegaLiteChart").locator("svg").first).to_be_visible()
    assert_safe(page)

    go_to(page, "Reports")
    assert_safe(page, hostile.CAMPAIGN_NAME)

    go_to(page, "Officials")
    choose(page, "Official", "Ivan <b>Petrov")
    expand(page, "Call history")
    expand(page, "Timeline")
    assert_safe(page, *official, *contacts, *history)

    go_to(page, "Campaigns")
    choose(page, "Campaign", "Free them")
    expand(page, "Call script")
    assert_safe(page, hostile.CAMPAIGN_NAME, hostile.DESCRIPTION, hostile.ASK)
    check_call_script(page)

    go_to(page, "Admin")
    page.get_by_label("User name", exact=True).fill(hostile.NEW_USER_NAME)
    page.get_by_label("Full name", exact=True).fill(hostile.NEW_USER_NAME)
    page.get_by_label("Initial password (12+ characters)").fill("a long enough passphrase")
    page.get_by_role("button", name="Add user", exact=True).click()
    expect(page.get_by_text(re.compile(r"^(✔ )?Added eve"))).to_be_visible()
    assert_safe(page, f"Added {hostile.NEW_USER_NAME}")

    page.wait_for_load_state("networkidle")
    assert hosts  # the watcher saw the pages load
    assert foreign_hosts(hosts) == []
