"""Directory freshness in AppTest: a number that failed twice is warned about and offered
last on Log outreach, listed for admins on Officials, and can be marked verified."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.tables import AuditEvent, ContactPoint
from models.vocab import Outcome
from tests.apptest_helpers import button, go, open_app, texts
from tests.test_log_form import field, fill, submit

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def test_a_number_that_failed_twice_is_suspect_until_an_admin_verifies_it(db: Engine) -> None:
    """Two "wrong or dead number" calls on the office phone: the card warns, Contact used
    offers it last, Officials lists it; Mark verified clears it, audited."""
    at = submit(fill(open_app(), outcome=Outcome.WRONG_NUMBER))
    button(at, "Log another attempt").click().run()
    submit(fill(at, outcome=Outcome.WRONG_NUMBER)).run()  # the card is drawn before the save

    assert any("⚠ suspect: 2 failed attempts in a row" in m for m in texts(at.markdown))
    options = field(at, "selectbox", "Contact used").options
    assert "⚠ suspect" in options[-2]  # last before "— not recorded —"

    go(at, "officials")
    [listed] = [t for t in texts(at.text) if "failed attempts in a row" in t]
    assert listed.startswith("Anatoly Dmitrievich Viktorov · phone +7 499 244-30-25")
    button(at, "Mark verified").click().run()

    assert any(s.startswith("Marked verified: ") for s in texts(at.success))
    assert not [t for t in texts(at.text) if "failed attempts in a row" in t]
    with Session(db) as session:
        failures = session.scalars(select(ContactPoint.failures_in_a_row)).all()
        verified = session.scalars(select(AuditEvent).where(AuditEvent.action == "verify")).all()
    assert max(failures) == 0
    assert len(verified) == 1
