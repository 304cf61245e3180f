"""The fast attempts writer (the SELECT builds each line; COPY on PostgreSQL) is byte for
byte the plain reference writer, on hostile cells, plain and for Excel; a bare CR never
splits a record; typed text has its line ends normalised on the way in."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from models.exports import attempts_csv_bytes
from models.exports.reference import write_reference
from models.filters import Filters
from models.tables import Attempt, Campaign, Official, User
from models.text import clean_text
from tests.factories import make_attempt, make_campaign, make_official, make_user

CR_NOTE = "call back later\r-2+3+cmd|' /C calc'!A0"
HOSTILE = [
    CR_NOTE,
    "line one\nline two",
    "crlf\r\nnext",
    '"quoted", with a comma',
    "=1+2",
    "\t=cmd|' /C calc'!A0",
    '\r=HYPERLINK("http://evil.example")',
    "\n@SUM(A1)",
    '=DDE("cmd";"/C calc";"!A0")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@x",
    "'=1",
    "''+2",
    "'",
    "",
    "plain text",
    "Иван Петров, МИД России",
    "+74992443025",
    "+7 499 244-30-25",
    "+0123456789",
    "+1234567890123456",
    "+1\u0662\u0663\u0664\u0665\u0666\u0667\u0668",  # Arabic-Indic digits: not E.164
    "back\\slash \\n \\\\ end\\",
    "tab\tinside",
    "\\.",
    "a\x0bvertical\x0cfeed\x08",
]
EXPECTED_NOTES = {
    CR_NOTE: CR_NOTE,
    "=1+2": "'=1+2",
    "\t=cmd|' /C calc'!A0": "'\t=cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")': '\'=DDE("cmd";"/C calc";"!A0")',
    "'=1": "''=1",
    "+74992443025": "+74992443025",
    "+7 499 244-30-25": "'+7 499 244-30-25",
    "+1\u0662\u0663\u0664\u0665\u0666\u0667\u0668": "'+1\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
}


@pytest.fixture
def hostile(session: Session) -> int:
    """One attempt per hostile string (as notes and as contact), hostile names all round."""
    campaign = make_campaign(session, "Hostile campaign")
    official = make_official(session, "Hostile Official", campaign_id=campaign)
    user = make_user(session, "Hostile User")
    start = datetime(2026, 3, 2, 9, 0, 0, 654321, tzinfo=UTC)
    for n, text in enumerate(HOSTILE):
        made = make_attempt(
            session, campaign_id=campaign, official_id=official, actor_id=user,
            occurred_at=start + timedelta(minutes=n), key=f"hostile-{n}",
        )  # fmt: skip
        # Straight into the table, as an old row or a careless import could hold them.
        session.execute(
            update(Attempt)
            .where(Attempt.id == made.attempt_id)
            .values(notes=text, contact_value=HOSTILE[-1 - n], duration_s=n or None)
        )
    session.execute(update(Campaign).values(name="=cmd|' /C calc'!A0, \"quoted\""))
    session.execute(update(Official).values(full_name="\r-1+1", organization="МИД\nРоссии"))
    session.execute(update(User).where(User.id == user).values(display_name="@Алексей\r"))
    session.commit()
    return len(HOSTILE)


def reference_bytes(session: Session, *, excel: bool) -> bytes:
    out = io.BytesIO()
    write_reference(session, out, Filters(), excel=excel)
    return out.getvalue()


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
@pytest.mark.usefixtures("hostile")
def test_fast_writer_equals_the_reference_byte_for_byte(session: Session, excel: bool) -> None:
    """Every hostile cell comes out of the SQL-built lines exactly as the Python writer
    writes it, on this database, plain and for Excel."""
    assert attempts_csv_bytes(session, Filters(), excel=excel) == reference_bytes(
        session, excel=excel
    )


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_one_record_per_attempt_and_formulas_neutralised(
    session: Session, hostile: int, excel: bool
) -> None:
    """Read back by a CSV reader: one record per attempt, each cell as written by hand."""
    data = attempts_csv_bytes(session, Filters(), excel=excel).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert len(rows) == hostile + 1
    notes = {text: row[14] for text, row in zip(HOSTILE, rows[1:], strict=True)}
    assert {text: notes[text] for text in EXPECTED_NOTES} == EXPECTED_NOTES
    first = rows[1]
    assert (first[2], first[3], first[4], first[11]) == (
        "'=cmd|' /C calc'!A0, \"quoted\"", "'\r-1+1", "МИД\nРоссии", "'@Алексей\r",
    )  # fmt: skip
    assert first[1] == "2026-03-02T09:00:00+00:00"
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in rows)


def test_cr_note_is_one_quoted_record_in_both_variants(session: Session, hostile: int) -> None:
    """The note with a bare CR is written between quotes, so its CR stays inside the
    cell (the reader above sees one record), plain and for Excel."""
    del hostile
    for excel in (False, True):
        data = attempts_csv_bytes(session, Filters(), excel=excel)
        assert (
            # the note, then the empty stance and summary, then the end of the record
            b",\"call back later\r-2+3+cmd|' /C calc'!A0\",," + (b"\r\n" if excel else b"\n")
            in data
        )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (CR_NOTE, "call back later\n-2+3+cmd|' /C calc'!A0"),
        ("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        ("\r\n  padded \r", "padded"),
    ],
)
def test_typed_text_has_lf_line_ends(typed: str, stored: str) -> None:
    """clean_text turns CRLF and a lone CR into LF before anything is stored."""
    assert clean_text(typed, "Notes", max_len=1000) == stored


def test_a_logged_note_with_cr_is_stored_with_lf(session: Session) -> None:
    """The note typed with a bare CR is stored with LF and exported as one record."""
    campaign = make_campaign(session, "CR campaign")
    official = make_official(session, "CR Official", campaign_id=campaign)
    user = make_user(session, "CR User")
    make_attempt(session, campaign_id=campaign, official_id=official, actor_id=user, notes=CR_NOTE)
    session.commit()
    rows = list(csv.reader(io.StringIO(attempts_csv_bytes(session, Filters()).decode())))
    assert [row[14] for row in rows[1:]] == ["call back later\n-2+3+cmd|' /C calc'!A0"]
