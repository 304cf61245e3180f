"""The navigation and the log form's labels are the ones the README promises.

The README's "## Pages" table and log form sentence restate the design's (DESIGN.md);
the test reads them from the repository, so it runs wherever the repository is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pages.ui.nav import PAGES
from tests.apptest_helpers import open_app, seed_database, widget_labels

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def readme_page_labels() -> list[str]:
    """The first column of the table under the README's "## Pages" heading, in order."""
    section = readme_text().split("\n## Pages", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    cells = [row.strip("|").split("|")[0].strip() for row in rows]
    return [c for c in cells[1:] if c and not set(c) <= {"-", " "}]


def readme_log_form_labels() -> list[str]:
    """The bold labels of the README's "Log form field labels" sentence, submit button last."""
    text = readme_text()
    start = text.index("Log form field labels")
    sentence = text[start : text.index(".", text.index("**Log attempt**"))]
    return re.findall(r"\*\*(.+?)\*\*", sentence)


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def test_nav_labels_are_the_readmes_page_labels_in_its_order() -> None:
    """The navigation lists exactly the README's pages, in the table's order."""
    assert [spec.label for spec in PAGES] == readme_page_labels()


def test_readme_lists_the_log_form_labels_we_check() -> None:
    """The sentence the next test relies on still names the labels it did."""
    assert readme_log_form_labels() == [
        "Official",
        "Campaign",
        "Channel",
        "Contact used",
        "Outcome",
        "Notes",
        "Follow up on",
        "Log attempt",
    ]


def test_log_page_has_every_label_the_readme_names(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each field label and the submit button the README names is on the Log outreach page."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    seed_database(sqlite_url)
    at = open_app("log")

    missing = set(readme_log_form_labels()) - widget_labels(at)
    assert missing == set()
