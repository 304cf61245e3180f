"""Admin → Users in a real browser: the password never stays on screen, the newcomer is
listed at once, and a hostile name is shown as text (no image, no link)."""

from __future__ import annotations

from pathlib import Path

from tests.browser import ADMIN, PASSWORD, PLAYWRIGHT_IMPORTABLE, OpenPage, fill_sign_in, wait_idle

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Page, expect

NAME = "![x](http://evil.example/x.png) www.evil.example"
INITIAL = "Initial password (12+ characters)"


def add(page: Page, name: str, password: str) -> None:
    page.get_by_label("User name", exact=True).fill(name)
    page.get_by_label("Full name", exact=True).fill("Mallory Example")
    page.get_by_label(INITIAL, exact=True).fill(password)
    page.get_by_role("button", name="Add user", exact=True).click()


def test_adding_a_user_clears_the_password_and_lists_the_newcomer(
    open_page: OpenPage, artifacts: Path
) -> None:
    """Refused (short password): the names stay, the password box is empty. Saved: every
    box is empty, the name shows literally in the notice, the table and the User list."""
    page = open_page("/admin")
    fill_sign_in(page, ADMIN.name, PASSWORD)
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible()

    add(page, NAME, "short")
    expect(page.get_by_text("✖ A password needs at least 12 characters.")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_label("User name", exact=True)).to_have_value(NAME)
    expect(page.get_by_label("Full name", exact=True)).to_have_value("Mallory Example")
    expect(page.get_by_label(INITIAL, exact=True)).to_have_value("")

    page.get_by_label(INITIAL, exact=True).fill("a long enough passphrase")
    page.get_by_role("button", name="Add user", exact=True).click()
    expect(page.get_by_text(f"✔ Added {NAME} as coordinator.", exact=True)).to_be_visible()
    wait_idle(page)
    page.screenshot(path=str(artifacts / "admin-user-added.png"))

    for label in ("User name", "Full name", INITIAL):
        expect(page.get_by_label(label, exact=True)).to_have_value("")
    picked = page.get_by_role("combobox", name="User", exact=True)
    expect(picked).to_have_value(NAME.casefold())
    expect(page.locator("img[src*='evil']")).to_have_count(0)
    expect(page.locator("a[href*='evil']")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
