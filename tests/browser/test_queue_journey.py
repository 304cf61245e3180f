"""From the Follow-ups queue to a saved attempt and back: the next follow-up is queued.

A coordinator has a follow-up due today. On Follow-ups (Mine) they press the row's Log,
pick the outcome, type a note and press Log attempt: four interactions, counted. The
proposed "Follow up on" date is saved, the old follow-up is done, and the queue shows
the new one with that date.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.commands import create_follow_up
from models.db import make_engine
from models.tables import FollowUp, Official, User
from models.vocab import FollowUpStatus
from tests.browser import COORDINATOR, PASSWORD, PLAYWRIGHT_IMPORTABLE, OpenPage, fill_sign_in
from tests.browser.test_log_form import (
    Counter,
    follow_up_box,
    follow_up_on,
    rerun_done,
    saved_confirmation,
)

if PLAYWRIGHT_IMPORTABLE:
    from playwright.sync_api import Page, expect

VIKTOROV = "Anatoly Dmitrievich Viktorov"
MAX_INTERACTIONS = 4


def owe_today(database: Path) -> int:
    """A follow-up due today (UTC) for the coordinator, in the seeded campaign."""
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        me = session.scalar(select(User.id).where(User.name == COORDINATOR.name))
        official = session.scalar(select(Official.id).where(Official.full_name == VIKTOROV))
        assert me is not None and official is not None
        made = create_follow_up(
            session, campaign_id=1, official_id=official, actor_id=me, assignee_id=me,
            due_on=datetime.now(UTC).date(),
        )  # fmt: skip
        session.commit()
    engine.dispose()
    return made


def open_follow_ups(page: Page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Due today"))).to_be_visible()
    rerun_done(page)


def test_from_the_queue_a_call_is_logged_in_four_interactions_and_requeued(
    open_fresh_page: OpenPage, tmp_path: Path
) -> None:
    """Log, outcome, note, Log attempt: saved with the proposed date, which is queued."""
    owed = owe_today(tmp_path / "outreach.db")
    page = open_fresh_page("/")
    fill_sign_in(page, COORDINATOR.name, PASSWORD)
    expect(page.get_by_role("heading", name="Log outreach")).to_be_visible()
    open_follow_ups(page)
    expect(page.get_by_role("heading", name="Due today (1)")).to_be_visible()

    act = Counter()
    page.get_by_role("button", name="Log", exact=True).click()
    act()
    expect(page.get_by_role("combobox", name="Official", exact=True)).to_have_value(
        re.compile(f"^{VIKTOROV} — ")
    )
    rerun_done(page)
    outcome = page.get_by_role("radiogroup", name="Outcome").get_by_role(
        "radio", name="spoke to staff", exact=True
    )
    outcome.click()
    act()
    expect(outcome).to_have_attribute("aria-checked", "true")
    # The outcome's rerun proposes the date (the radio shows checked before it runs).
    proposal = follow_up_box(page).locator("input")
    expect(proposal).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    rerun_done(page)
    proposed = follow_up_on(page)
    page.get_by_label("Notes", exact=True).fill("Asked them to pass the letter on.")
    act()
    page.get_by_role("button", name="Log attempt", exact=True).click()
    act()
    saved_confirmation(page, 1)
    assert act.count <= MAX_INTERACTIONS

    engine = make_engine(f"sqlite:///{tmp_path / 'outreach.db'}")
    with Session(engine) as session:
        rows = session.execute(select(FollowUp.id, FollowUp.status, FollowUp.due_on)).all()
    engine.dispose()
    due = date.fromisoformat(proposed)
    assert [tuple(r) for r in rows] == [
        (owed, FollowUpStatus.DONE, datetime.now(UTC).date()),
        (owed + 1, FollowUpStatus.OPEN, due),
    ]
    open_follow_ups(page)
    page.get_by_role("radiogroup", name="Upcoming: days ahead").get_by_role(
        "radio", name="30 days"
    ).click()
    rerun_done(page)
    expect(page.get_by_role("heading", name="Due today (0)")).to_be_visible()
    expect(page.get_by_role("heading", name="Upcoming (1)")).to_be_visible()
    expect(page.get_by_text(re.compile(f"^{VIKTOROV} · .* · due {due:%a %d %b}"))).to_be_visible()
