"""CSV exports: the documented header, every cell of a hand-built history, filters,
formula neutralisation and its inverse, the Excel variant, and the officials list."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from models.campaigns import add_target
from models.commands import ResponseInput, log_attempt, record_response
from models.directory import add_contact_point
from models.exports import (
    ATTEMPT_COLUMNS,
    OFFICIAL_COLUMNS,
    attempts_csv_bytes,
    neutralise,
    officials_csv_bytes,
    unneutralise,
    write_attempts_csv,
    write_officials_csv,
)
from models.filters import Filters
from models.seed import seed
from models.tables import Attempt
from models.vocab import Channel, ContactKind, Outcome, Stance
from tests.factories import make_attempt, make_campaign, make_official, make_user

README = Path(__file__).resolve().parent.parent / "README.md"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def export(session: Session, filters: Filters | None = None) -> list[list[str]]:
    """The attempts export parsed back: header first, then one list per row."""
    out = io.StringIO(newline="")
    count = write_attempts_csv(session, out, filters or Filters())
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert count == len(rows) - 1
    return rows


@pytest.fixture
def history(session: Session) -> dict[str, int]:
    """Six attempts in two campaigns, one soft-deleted; ids by name."""
    campaign = make_campaign(session, "Export campaign")
    other = make_campaign(session, "Other campaign")
    petrov = make_official(session, "Ivan Petrov", campaign_id=campaign)
    add_target(session, other, petrov, actor_id=None)
    smith = make_official(
        session, "Jane Smith", campaign_id=campaign, organization="Example Mission",
        timezone="America/New_York", country="US",
    )  # fmt: skip
    phone = add_contact_point(
        session, official_id=petrov, kind=ContactKind.PHONE, value="8 (499) 244-30-25",
        actor_id=None,
    )  # fmt: skip
    fax = add_contact_point(
        session, official_id=smith, kind=ContactKind.FAX, value="+1 (212) 628-0252", actor_id=None
    )
    alex, bea = make_user(session, "Alex Coordinator"), make_user(session, "Bea Caller")
    ids = {"campaign": campaign, "other": other}

    def log(name: str, campaign_id: int, official_id: int, channel: Channel, outcome: Outcome,
            actor_id: int, occurred_at: datetime, **extra: Any) -> None:  # fmt: skip
        ids[name] = log_attempt(
            session, campaign_id=campaign_id, official_id=official_id, channel=channel,
            outcome=outcome, actor_id=actor_id, occurred_at=occurred_at,
            idempotency_key=f"export-{name}", **extra,
        ).attempt_id  # fmt: skip

    reply = ResponseInput(
        Stance.WILL_FORWARD, "Will pass it on", responded_at=utc(2026, 3, 4, 10, 4),
        commitment_on=date(2026, 3, 20),
    )  # fmt: skip
    log("a0", campaign, petrov, Channel.PHONE, Outcome.NO_ANSWER, alex, utc(2026, 3, 1, 12))
    log("a1", campaign, petrov, Channel.PHONE, Outcome.NO_ANSWER, alex, utc(2026, 3, 2, 9, 15),
        contact_point_id=phone, duration_s=30, follow_up_on=date(2026, 3, 5))  # fmt: skip
    log("a4", other, petrov, Channel.LETTER, Outcome.SENT, bea, utc(2026, 3, 3, 11))
    log("a2", campaign, petrov, Channel.PHONE, Outcome.SPOKE_TO_STAFF, bea, utc(2026, 3, 4, 10),
        contact_point_id=phone, duration_s=240, notes="Spoke to the duty officer",
        follow_up_on=date(2026, 3, 10), response=reply)  # fmt: skip
    log("a3", campaign, smith, Channel.FAX, Outcome.SENT, alex,
        datetime(2026, 3, 5, 23, 30, 15, 123456, tzinfo=UTC), contact_point_id=fax,
        notes="Two pages")  # fmt: skip
    log("a5", campaign, smith, Channel.PHONE, Outcome.BUSY, alex, utc(2026, 3, 4, 12))
    record_response(
        session,
        attempt_id=ids["a3"],
        response=ResponseInput(Stance.NONCOMMITTAL, responded_at=utc(2026, 3, 7, 8)),
        actor_id=bea,
    )
    session.execute(
        update(Attempt).where(Attempt.id == ids["a5"]).values(deleted_at=utc(2026, 3, 6))
    )
    session.commit()
    return ids


def expected_rows(ids: dict[str, int]) -> dict[str, list[str]]:
    """Every cell of every row of the history, worked out by hand."""
    petrov = ["Ivan Petrov", "Ministry of Examples"]
    smith = ["Jane Smith", "Example Mission"]
    return {
        "a0": [str(ids["a0"]), "2026-03-01T12:00:00+00:00", "Export campaign", *petrov,
               "phone", "", "no answer", "no contact", "false", "", "Alex Coordinator",
               "", "", "", "", ""],
        "a1": [str(ids["a1"]), "2026-03-02T09:15:00+00:00", "Export campaign", *petrov,
               "phone", "+74992443025", "no answer", "no contact", "false", "",
               "Alex Coordinator", "30", "2026-03-05", "", "", ""],
        "a4": [str(ids["a4"]), "2026-03-03T11:00:00+00:00", "Other campaign", *petrov,
               "letter", "", "sent", "delivered", "false", "", "Bea Caller", "", "", "", "", ""],
        # Two follow-ups came from a2 (the next call on the 10th, the commitment on the
        # 20th): the column shows the earlier.
        "a2": [str(ids["a2"]), "2026-03-04T10:00:00+00:00", "Export campaign", *petrov,
               "phone", "+74992443025", "spoke to staff", "reached", "true",
               "2026-03-04T10:04:00+00:00", "Bea Caller", "240", "2026-03-10",
               "Spoke to the duty officer", "will forward / will reply", "Will pass it on"],
        # Microseconds are dropped: the schema is to the second.
        "a3": [str(ids["a3"]), "2026-03-05T23:30:15+00:00", "Export campaign", *smith,
               "fax", "+12126280252", "sent", "delivered", "true",
               "2026-03-07T08:00:00+00:00", "Alex Coordinator", "", "", "Two pages",
               "noncommittal", ""],
    }  # fmt: skip


def test_header_is_the_documented_schema(session: Session) -> None:
    """The header row is exactly ATTEMPT_COLUMNS, even with no attempts."""
    assert export(session) == [list(ATTEMPT_COLUMNS)]
    assert ATTEMPT_COLUMNS == (
        "attempt_id", "occurred_at_utc", "campaign", "official", "organization", "channel",
        "contact", "outcome", "outcome_class", "responded", "responded_at_utc", "coordinator",
        "duration_s", "follow_up_on", "notes", "stance", "response_summary",
    )  # fmt: skip


def test_header_matches_the_readme_csv_schema() -> None:
    """README.md's "CSV schema" code block lists the same columns in the same order."""
    if not README.exists():
        pytest.skip("README.md does not exist yet")
    section = README.read_text(encoding="utf-8").split("## CSV schema", 1)
    assert len(section) == 2, "README.md has no '## CSV schema' section"
    block = re.search(r"```[^\n]*\n(.*?)\n```", section[1], re.DOTALL)
    assert block is not None, "the CSV schema section has no code block"
    assert tuple(block.group(1).strip().split(",")) == ATTEMPT_COLUMNS


def test_every_cell_of_every_row(session: Session, history: dict[str, int]) -> None:
    """All attempts but the soft-deleted one, in time order, each cell as worked out."""
    rows = export(session)
    expected = expected_rows(history)
    assert rows[1:] == [expected[name] for name in ("a0", "a1", "a4", "a2", "a3")]


def test_soft_deleted_attempt_is_left_out(session: Session, history: dict[str, int]) -> None:
    """An attempt with deleted_at set appears in no export."""
    ids = [row[0] for row in export(session)[1:]]
    assert str(history["a5"]) not in ids
    assert len(ids) == 5


def test_campaign_filter(session: Session, history: dict[str, int]) -> None:
    """Only the chosen campaign's attempts are exported."""
    rows = export(session, Filters(campaign_ids=(history["other"],)))
    assert rows[1:] == [expected_rows(history)["a4"]]


def test_date_range_is_inclusive_utc_days(session: Session, history: dict[str, int]) -> None:
    """From 2 to 5 March keeps a1, a4, a2 and a3 (23:30 on the 5th); drops the 1st."""
    rows = export(session, Filters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 5)))
    expected = expected_rows(history)
    assert rows[1:] == [expected[name] for name in ("a1", "a4", "a2", "a3")]


def test_campaign_and_dates_together(session: Session, history: dict[str, int]) -> None:
    """Filters combine: Export campaign on 3 and 4 March is a2 alone."""
    filters = Filters(
        date_from=date(2026, 3, 3), date_to=date(2026, 3, 4), campaign_ids=(history["campaign"],)
    )
    assert export(session, filters)[1:] == [expected_rows(history)["a2"]]


def test_formula_cells_are_neutralised(session: Session) -> None:
    """Names, organisation, coordinator and notes that start like a formula get a quote;
    an E.164 contact is written as it is."""
    campaign = make_campaign(session, "Formula campaign")
    official = make_official(
        session, '=HYPERLINK("http://evil.example","click")', campaign_id=campaign,
        organization="+cmd|' /C calc'!A0",
    )  # fmt: skip
    phone = add_contact_point(
        session, official_id=official, kind=ContactKind.PHONE, value="+7 499 244-30-25",
        actor_id=None,
    )  # fmt: skip
    user = make_user(session, "-1")
    first = log_attempt(
        session, campaign_id=campaign, official_id=official, channel=Channel.PHONE,
        outcome=Outcome.NO_ANSWER, actor_id=user, idempotency_key="formula-1",
        occurred_at=utc(2026, 3, 4, 10), contact_point_id=phone, notes="@SUM(1+1)",
    )  # fmt: skip
    second = make_attempt(
        session, campaign_id=campaign, official_id=official, actor_id=user,
        occurred_at=utc(2026, 3, 4, 11),
    )  # fmt: skip
    # The log form strips leading whitespace; an import might not, so set it directly.
    session.execute(update(Attempt).where(Attempt.id == second.attempt_id).values(notes="\tx"))
    session.commit()
    rows = export(session)[1:]
    assert [(r[0], r[3], r[4], r[6], r[11], r[14]) for r in rows] == [
        (str(first.attempt_id), '\'=HYPERLINK("http://evil.example","click")',
         "'+cmd|' /C calc'!A0", "+74992443025", "'-1", "'@SUM(1+1)"),
        (str(second.attempt_id), '\'=HYPERLINK("http://evil.example","click")',
         "'+cmd|' /C calc'!A0", "", "'-1", "'\tx"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd", "'+cmd"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("+74992443025", "+74992443025"),
        ("+1 212 555 0142", "'+1 212 555 0142"),  # spaced, so not E.164
        ("+0123456789", "'+0123456789"),  # no country code starts with 0
        ("+1234567890123456", "'+1234567890123456"),  # 16 digits: too long for E.164
        ("plain text", "plain text"),
        ("'quoted", "'quoted"),
        ("'=1", "''=1"),
        ("''=1", "'''=1"),
        ("'+74992443025", "'+74992443025"),
        ("'", "'"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise_and_its_exact_inverse(cell: str, written: str) -> None:
    """Each cell is written as shown, and unneutralise gives the original back."""
    assert neutralise(cell) == written
    assert unneutralise(neutralise(cell)) == cell


@pytest.mark.usefixtures("history")
def test_excel_variant_has_bom_and_crlf(session: Session) -> None:
    """excel=True: UTF-8 BOM first, every line ends CRLF; the default has neither."""
    excel = attempts_csv_bytes(session, Filters(), excel=True)
    plain = attempts_csv_bytes(session, Filters())
    assert excel.startswith(b"\xef\xbb\xbfattempt_id,")
    assert excel.count(b"\r\n") == excel.count(b"\n") == 6
    assert plain.startswith(b"attempt_id,")
    assert b"\r" not in plain
    assert plain.count(b"\n") == 6
    assert excel[3:].replace(b"\r\n", b"\n") == plain


@pytest.mark.usefixtures("history")
def test_bytes_match_the_streamed_file(session: Session) -> None:
    """The download button's bytes are the streamed export, encoded as UTF-8."""
    out = io.StringIO(newline="")
    write_attempts_csv(session, out, Filters())
    assert attempts_csv_bytes(session, Filters()) == out.getvalue().encode("utf-8")


CASALE_ADDRESS = "14/1, Kadashevskaya embankment, Moscow, 119017, Russian Federation"
SEED_CONTACTS = [
    ("Anatoly Dmitrievich Viktorov", "phone", "+74992443025"),
    ("Anatoly Dmitrievich Viktorov", "fax", "+74992443045"),
    ("Davide Casale", "phone", "+74957212011"),
    ("Davide Casale", "address", CASALE_ADDRESS),
    ("Evgeniy Zagaynov", "phone", "+12128614900"),
    ("Evgeniy Zagaynov", "phone", "+12128614901"),
    ("Evgeniy Zagaynov", "phone", "+12128614902"),
    ("Evgeniy Zagaynov", "fax", "+12126280252"),
    ("Evgeniy Zagaynov", "address", "136 East 67 Street, New York, N.Y. 10065"),
    ("Fedor Strzhizhovskiy", "phone", "+12128614903"),
    ("Fedor Strzhizhovskiy", "fax", "+12126280252"),
]  # fmt: skip


def test_officials_export_of_the_seed(session: Session) -> None:
    """One row per contact point, by official, phones and faxes in E.164."""
    seed(session)
    session.commit()
    out = io.StringIO(newline="")
    count = write_officials_csv(session, out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == list(OFFICIAL_COLUMNS)
    assert count == 11
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == SEED_CONTACTS
    assert officials_csv_bytes(session) == out.getvalue().encode("utf-8")
    assert rows[1] == [
        "Anatoly Dmitrievich Viktorov",
        "Head of the Department for Humanitarian Cooperation and Human Rights (DHCHR)",
        "Ministry of Foreign Affairs of the Russian Federation",
        "Europe/Moscow",
        "phone",
        "+74992443025",
        "Office",
        "RU",
        "false",
    ]
