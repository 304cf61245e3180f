"""Pages draw people's text as plain text, and the call script in its safe subset (issue 13).

What Streamlit's renderer makes of these elements is proven in Chromium
(tests/browser/test_hostile_text.py); here AppTest pins which element each text goes to.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import directory
from models.db import session_scope
from models.directory import OfficialInput
from models.markdown_safety import plain_markdown, safe_script
from models.tables import Campaign
from models.vocab import ContactKind
from pages.ui import state
from tests.apptest_helpers import open_app
from tests.hostile import ADDRESS, CONTACT_LABEL, OFFICIAL_NAME, OFFICIAL_TITLE, ORGANISATION

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def seed_script(engine: Engine) -> str:
    with Session(engine) as session:
        return session.scalars(select(Campaign.call_script)).one()


def test_log_outreach_and_campaigns_draw_the_call_script_in_its_safe_subset(db: Engine) -> None:
    """The seed script, bold and numbered list included, as safe_script writes it."""
    script = seed_script(db)
    log = open_app("log")
    campaigns = open_app("campaigns")

    assert safe_script(script) in [m.value for m in log.markdown]
    assert safe_script(script) in [m.value for m in campaigns.markdown]
    assert "**Introduce yourself\\.**" in safe_script(script)


def test_an_officials_card_shows_their_text_as_plain_text(db: Engine) -> None:
    """Title and organisation as st.text; the name, contact label and address escaped."""
    with session_scope(db) as session:
        official_id = directory.create_official(
            session,
            OfficialInput(full_name=OFFICIAL_NAME, title=OFFICIAL_TITLE, organization=ORGANISATION),
            actor_id=None,
        )
        directory.add_contact_point(
            session,
            official_id=official_id,
            kind=ContactKind.ADDRESS,
            value=ADDRESS,
            label=CONTACT_LABEL,
            actor_id=None,
        )
    at = open_app("officials")
    at.selectbox(key=state.OFFICIAL_PICK).set_value(official_id).run()

    plain = [str(t.value) for t in at.text]
    assert [t for t in plain if t in (OFFICIAL_TITLE, ORGANISATION)] == [
        OFFICIAL_TITLE,
        ORGANISATION,
    ]
    markdown = [m.value for m in at.markdown]
    assert f"**{plain_markdown(OFFICIAL_NAME)}**" in markdown
    assert f"**address** · {plain_markdown(ADDRESS)} · {plain_markdown(CONTACT_LABEL)}" in markdown
