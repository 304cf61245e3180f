"""The navigation and the log form's labels are the ones DESIGN.md promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pages.ui.nav import PAGES
from tests.apptest_helpers import open_app, seed_database, widget_labels

# CI clones the repository with shared/ beside it, as on a developer's machine.
DESIGN = Path(__file__).resolve().parents[2] / "shared" / "DESIGN.md"


def design_text() -> str:
    if not DESIGN.is_file():
        pytest.skip(f"DESIGN.md not found at {DESIGN} (shared/ is not beside the repository)")
    return DESIGN.read_text(encoding="utf-8")


def design_page_labels() -> list[str]:
    """The first column of the table under DESIGN.md's "## Pages" heading, in order."""
    section = design_text().split("\n## Pages", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    cells = [row.strip("|").split("|")[0].strip() for row in rows]
    return [c for c in cells[1:] if c and not set(c) <= {"-", " "}]


def design_log_form_labels() -> list[str]:
    """The bold labels of DESIGN.md's "Log form field labels" sentence, submit button last."""
    text = design_text()
    start = text.index("Log form field labels")
    sentence = text[start : text.index(".", text.index("**Log attempt**"))]
    return re.findall(r"\*\*(.+?)\*\*", sentence)


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def test_nav_labels_are_designs_page_labels_in_designs_order() -> None:
    """The navigation lists exactly DESIGN.md's pages, in the table's order."""
    assert [spec.label for spec in PAGES] == design_page_labels()


def test_design_lists_the_log_form_labels_we_check() -> None:
    """The sentence the next test relies on still names the labels it did."""
    assert design_log_form_labels() == [
        "Official",
        "Campaign",
        "Channel",
        "Outcome",
        "Notes",
        "Follow up on",
        "Log attempt",
    ]


def test_log_page_has_every_label_design_names(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each field label and the submit button DESIGN.md names is on the Log outreach page."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    seed_database(sqlite_url)
    at = open_app("log")

    missing = set(design_log_form_labels()) - widget_labels(at)
    assert missing == set()
