"""Admin → Backup: a restored backup holding a response on "no answer" (an older version
allowed it) is restored, and the page names the attempt to correct."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from models.backup import backup_bytes
from models.commands import ResponseInput
from models.db import session_scope
from models.tables import Attempt, Official
from models.vocab import Outcome, Role, Stance
from tests.apptest_helpers import button, ensure_account, open_app, texts, widget
from tests.factories import make_attempt

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def test_the_restore_names_attempts_whose_response_breaks_the_rule(app_db: Engine) -> None:
    """The answered call made "no answer" behind the app's back: restored, with a warning
    naming attempt #1."""
    admin = ensure_account(Role.ADMIN)
    with session_scope(app_db) as session:
        official = session.scalars(select(Official.id).order_by(Official.id)).first()
        assert official is not None
        attempt = make_attempt(
            session, campaign_id=1, official_id=official, actor_id=admin,
            outcome=Outcome.SPOKE_TO_STAFF, response=ResponseInput(Stance.NONCOMMITTAL),
        ).attempt_id  # fmt: skip
    with Session(app_db) as session, session.begin():
        session.execute(
            update(Attempt)
            .where(Attempt.id == attempt)
            .values(outcome=Outcome.NO_ANSWER, outcome_class=Outcome.NO_ANSWER.outcome_class)
        )
    data = backup_bytes(app_db, actor_id=None)
    at = open_app("admin")
    at.file_uploader[0].set_value(("old.zip", data, "application/zip"))
    widget(at.text_input, "Type RESTORE to confirm").set_value("RESTORE")
    button(at, "Restore").click()
    at.run()
    assert texts(at.success)[0].startswith("Restored the backup made ")
    assert texts(at.warning)[-1:] == [
        f"1 attempt(s) carry a response that their outcome could not have had (#{attempt}): "
        "correct the outcome or remove the response on Log outreach."
    ]
