"""cli.py followups: the queue as plain text, and as an iCalendar file whose events are the
open follow-ups made here through the model commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

import cli
from models.commands import create_follow_up, log_attempt
from models.db import session_scope
from models.follow_up_work import cancel_follow_up, snooze_follow_up
from models.users import ensure_user
from models.vocab import Channel, Outcome, Role
from tests.factories import make_campaign, make_official, make_user

TODAY = date(2026, 3, 10)  # a Tuesday; every run below passes --today, so dates are fixed
CAMPAIGN = "Кампания, «тест»; one"
MOSCOW = "Иванов, Иван; Петрович"
NEW_YORK = "Jane\nDoe"  # a line end in a name (imported from a multi-line CSV cell)
REASON = "Promised a reply, by fax; call\nthe desk \x1b[31mfirst"
# The official's local time and office state now: the one part of a line that moves.
LAST_CALL = "last: asked to call back 2026-03-09 10:00 UTC"
OFFICE = re.compile(r" · \w{3} \d{2}:\d{2} there, (?:open|closed|public holiday)[^·]* · ")


def make_world(engine: Engine) -> dict[str, int]:
    """Seven follow-ups; four are open and due within 7 days of TODAY.

    me: Moscow overdue (03-05, the hostile reason) and Moscow on 03-12 at 15:00 Moscow time
    (12:00 UTC, asked to call back); other: New York due today; nobody: Moscow on 03-16
    (Upcoming has one official, so its order does not hang on whose office is open now).
    Left out: New York on 03-31 (past 7 days), one cancelled, one snoozed to 03-20.
    """
    with session_scope(engine) as session:
        campaign = make_campaign(session, CAMPAIGN)
        w = {
            "me": make_user(session, "Me"),
            "other": make_user(session, "Other"),
            "admin": ensure_user(session, "Admin", role=Role.ADMIN).id,
            "moscow": make_official(session, MOSCOW, campaign_id=campaign),
            "ny": make_official(
                session, NEW_YORK, campaign_id=campaign, timezone="America/New_York", country="US"
            ),
        }
        logged = log_attempt(
            session, campaign_id=campaign, official_id=w["moscow"], channel=Channel.PHONE,
            outcome=Outcome.ASKED_TO_CALL_BACK, actor_id=w["me"], idempotency_key="cb-1",
            occurred_at=datetime(2026, 3, 9, 10, 0, tzinfo=UTC),
            follow_up_on=date(2026, 3, 12), call_back_at=time(15, 0),
        )  # fmt: skip
        assert logged.follow_up_id is not None
        w["call_back"] = logged.follow_up_id

        def owe(official: str, due: date, assignee: str | None, reason: str = "") -> int:
            return create_follow_up(
                session, campaign_id=campaign, official_id=w[official], due_on=due,
                actor_id=w["admin"], assignee_id=None if assignee is None else w[assignee],
                reason=reason,
            )  # fmt: skip

        w["overdue"] = owe("moscow", date(2026, 3, 5), "me", REASON)
        w["today"] = owe("ny", TODAY, "other")
        w["upcoming"] = owe("moscow", date(2026, 3, 16), None)
        w["later"] = owe("ny", date(2026, 3, 31), "me")
        cancel_follow_up(session, follow_up_id=owe("ny", TODAY, "me"), actor_id=w["admin"])
        snoozed = owe("moscow", TODAY, "me")
        snooze_follow_up(
            session, follow_up_id=snoozed, until=date(2026, 3, 20), actor_id=w["admin"]
        )
    return w


Run = Callable[..., tuple[int, str, bytes]]


@pytest.fixture
def followups(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> Run:
    """``cli.py followups --today TODAY ARGS`` in this process: exit code, stderr, stdout."""

    def run(db_url: str, *args: str) -> tuple[int, str, bytes]:
        monkeypatch.setenv("DATABASE_URL", db_url)
        code = cli.main(["followups", "--today", TODAY.isoformat(), *args])
        out = capsysbinary.readouterr()
        return code, out.err.decode(), out.out

    return run


def events(data: bytes) -> dict[str, tuple[str, object, object]]:
    """UID -> (summary, start, end) of each event of a parsed calendar."""
    calendar = Calendar.from_ical(data)
    return {str(e.uid): (str(e.summary), e.start, e.end) for e in calendar.events}


def unfolded(data: bytes) -> str:
    """The calendar's text with its long lines (folded at 75 octets) joined again."""
    return data.decode().replace("\r\n ", "")


def uid(follow_up_id: int) -> str:
    return f"follow-up-{follow_up_id}@outreach-tracker"


def test_ics_has_one_event_per_open_follow_up_in_the_horizon(
    db_url: str, engine: Engine, followups: Run
) -> None:
    """Overdue, due today and upcoming, everyone's: all-day on the due day, the call back
    a 15-minute event at its UTC instant; cancelled, snoozed and later ones are left out."""
    w = make_world(engine)
    before = datetime.now(UTC).replace(microsecond=0)
    code, err, data = followups(db_url, "--ics")
    calendar = Calendar.from_ical(data)
    moscow, ny = f"Call {MOSCOW} — {CAMPAIGN}", f"Call Jane Doe — {CAMPAIGN}"
    call_back = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
    assert (code, err) == (0, "wrote 4 follow-up event(s) to standard output\n")
    assert events(data) == {
        uid(w["overdue"]): (moscow, date(2026, 3, 5), date(2026, 3, 6)),
        uid(w["call_back"]): (moscow, call_back, call_back + timedelta(minutes=15)),
        uid(w["today"]): (ny, TODAY, date(2026, 3, 11)),
        uid(w["upcoming"]): (moscow, date(2026, 3, 16), date(2026, 3, 17)),
    }
    assert [str(calendar[k]) for k in ("VERSION", "PRODID", "X-WR-CALNAME")] == [
        "2.0", "-//Outreach Tracker//Follow-ups//EN", "Follow-ups: Team",
    ]  # fmt: skip
    assert all(before <= e.stamp <= datetime.now(UTC) for e in calendar.events)
    assert b"DTSTART;VALUE=DATE:20260305\r\n" in data
    assert b"DTSTART:20260312T120000Z\r\n" in data


def test_ics_text_is_plain_and_escaped(db_url: str, engine: Engine, followups: Run) -> None:
    """Commas, semicolons and line ends survive escaped; an escape sequence does not."""
    w = make_world(engine)
    _code, _err, data = followups(db_url, "--ics")
    parsed = {str(e.uid): e for e in Calendar.from_ical(data).events}
    overdue, call_back = parsed[uid(w["overdue"])], parsed[uid(w["call_back"])]
    assert str(overdue.description) == (
        "Reason: Promised a reply, by fax; call\nthe desk  [31mfirst\nAssigned to: Me\n"
        "Office hours: Mon–Fri 09:00–18:00 (Europe/Moscow)\n"
        "Last attempt: 2026-03-09 10:00 UTC, asked to call back"
    )
    assert str(call_back.description) == (
        "Reason: follow up\nAssigned to: Me\nOffice hours: Mon–Fri 09:00–18:00 (Europe/Moscow)\n"
        "Call back at 15:00 their time\nLast attempt: 2026-03-09 10:00 UTC, asked to call back"
    )
    assert "SUMMARY:Call Иванов\\, Иван\\; Петрович — Кампания\\, «тест»\\; one" in unfolded(data)
    assert b"\x1b" not in data


def test_user_filters_the_listing_and_the_calendar(
    db_url: str, engine: Engine, followups: Run
) -> None:
    """--user me (any case): only my two follow-ups, and a calendar named after me."""
    w = make_world(engine)
    code, _err, data = followups(db_url, "--user", "ME", "--ics")
    _code, _err, text = followups(db_url, "--user", "me")
    lines = text.decode().splitlines()
    assert code == 0
    assert set(events(data)) == {uid(w["overdue"]), uid(w["call_back"])}
    assert str(Calendar.from_ical(data)["X-WR-CALNAME"]) == "Follow-ups: me"
    assert lines[0] == "Follow-ups: me, as of Tue 2026-03-10 (--today), upcoming to Tue 2026-03-17"
    assert lines[-1] == "1 overdue, 0 due today, 1 upcoming"


def test_an_unknown_user_is_a_usage_error(sqlite_url: str, followups: Run) -> None:
    code, err, out = followups(sqlite_url, "--user", "Nobody Here", "--ics")
    assert (code, out) == (2, b"")
    assert err == "error: no account is named “nobody here” (see: cli.py user list)\n"


def test_out_writes_a_file_only_its_owner_may_read(
    db_url: str, engine: Engine, tmp_path: Path, followups: Run
) -> None:
    """--out replaces an older, world-readable file with a 0600 one; stdout stays empty."""
    w = make_world(engine)
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "queue.ics"
    path.write_text("old")
    path.chmod(0o644)
    code, err, out = followups(db_url, "--ics", "--out", str(path))
    assert (code, out) == (0, b"")
    assert err == f"wrote 4 follow-up event(s) to {path}\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert uid(w["today"]) in events(path.read_bytes())
    assert [p.name for p in path.parent.iterdir()] == ["queue.ics"]  # no temporary file left


def test_out_into_a_missing_folder_is_a_usage_error(
    sqlite_url: str, tmp_path: Path, followups: Run
) -> None:
    target = tmp_path / "nowhere" / "q.ics"
    code, err, _out = followups(sqlite_url, "--ics", "--out", str(target))
    assert code == 2
    assert err == f"error: cannot write {target}: No such file or directory\n"


def test_the_listing_groups_by_section_one_line_each(
    db_url: str, engine: Engine, followups: Run
) -> None:
    """Header, three sections, one line per follow-up (user text on one line, no control
    characters), and the counts; the office state is the official's as of now."""
    make_world(engine)
    code, _err, out = followups(db_url)
    text = out.decode()
    lines = [OFFICE.sub(" · OFFICE · ", line) for line in text.splitlines()]
    assert code == 0
    assert lines == [
        "Follow-ups: Team, as of Tue 2026-03-10 (--today), upcoming to Tue 2026-03-17",
        "",
        "Overdue (1)",
        f"  2026-03-05  {MOSCOW} · {CAMPAIGN} · Me · OFFICE · {LAST_CALL} · "
        "Promised a reply, by fax; call the desk [31mfirst",
        "",
        "Due today (1)",
        f"  2026-03-10  Jane Doe · {CAMPAIGN} · Other · OFFICE · no attempt yet",
        "",
        "Upcoming (2)",
        f"  2026-03-12 at 12:00 UTC  {MOSCOW} · {CAMPAIGN} · Me · OFFICE · {LAST_CALL} · follow up",
        f"  2026-03-16  {MOSCOW} · {CAMPAIGN} · unassigned · OFFICE · {LAST_CALL}",
        "",
        "1 overdue, 1 due today, 2 upcoming",
    ]
    assert "\x1b" not in text


def test_horizon_30_reaches_the_later_follow_up(
    db_url: str, engine: Engine, followups: Run
) -> None:
    w = make_world(engine)
    _code, _err, data = followups(db_url, "--ics", "--horizon", "30")
    _code, _err, text = followups(db_url, "--horizon", "30")
    assert uid(w["later"]) in events(data)
    assert len(events(data)) == 5
    assert text.decode().splitlines()[-1] == "1 overdue, 1 due today, 3 upcoming"


def test_an_empty_queue(db_url: str, followups: Run) -> None:
    """Every section says none; the calendar is valid and holds no event."""
    code, _err, out = followups(db_url)
    ics_code, err, data = followups(db_url, "--ics")
    assert (code, ics_code) == (0, 0)
    assert out.decode().splitlines()[1:] == [
        "", "Overdue (0)", "  none", "", "Due today (0)", "  none", "", "Upcoming (0)", "  none",
        "", "0 overdue, 0 due today, 0 upcoming",
    ]  # fmt: skip
    assert err == "wrote 0 follow-up event(s) to standard output\n"
    assert Calendar.from_ical(data).events == []


def test_the_calendar_holds_every_follow_up_past_the_listing_limit(
    db_url: str, engine: Engine, followups: Run
) -> None:
    """55 overdue: the listing shows 50 (or --limit), the calendar all 55."""
    with session_scope(engine) as session:
        campaign = make_campaign(session)
        admin = ensure_user(session, "Admin", role=Role.ADMIN).id
        official = make_official(session, campaign_id=campaign)
        made = {
            create_follow_up(
                session, campaign_id=campaign, official_id=official,
                due_on=TODAY - timedelta(days=1 + n % 20), actor_id=admin,
            )
            for n in range(55)
        }  # fmt: skip
    _code, _err, data = followups(db_url, "--ics")
    _code, _err, shown = followups(db_url)
    _code, _err, two = followups(db_url, "--limit", "2")
    assert set(events(data)) == {uid(i) for i in made}
    assert shown.decode().splitlines()[2] == "Overdue (55, showing 50)"
    assert len([line for line in shown.decode().splitlines() if line.startswith("  20")]) == 50
    first = f"  {TODAY - timedelta(days=20)}  Ivan Petrov · Test campaign · unassigned · "
    listed = two.decode().splitlines()
    assert listed[2] == "Overdue (55, showing 2)"
    assert [line.startswith(first) for line in listed[3:5]] == [True, True]
    assert listed[5:7] == ["", "Due today (0)"]


def test_today_is_the_date_in_tz(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --today, the day is the date in --tz now (the day before far west of it)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    east, west = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # UTC+14 and UTC-11
    assert cli.main(["followups", "--tz", east]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert cli.main(["followups", "--tz", west]) == 0
    second = capsys.readouterr().out.splitlines()[0]
    day_east = datetime.now(ZoneInfo(east)).date()
    day_west = datetime.now(ZoneInfo(west)).date()
    assert day_east - day_west == timedelta(days=1)
    assert first.startswith(f"Follow-ups: Team, as of {day_east:%a %Y-%m-%d} ({east}), ")
    assert second.startswith(f"Follow-ups: Team, as of {day_west:%a %Y-%m-%d} ({west}), ")


USAGE_ERRORS = {
    "--out q.ics": "--out writes the calendar: add --ics (the listing goes to stdout)",
    "--ics --limit 5": "--limit is for the listing; the calendar holds every follow-up",
    "--horizon 5": "argument --horizon: invalid choice: 5 (choose from 7, 14, 30)",
    "--today 10/03/2026": "argument --today: “10/03/2026” is not a date; write it as YYYY-MM-DD",
    "--today 2026-02-30": "argument --today: “2026-02-30” is not a date; write it as YYYY-MM-DD",
    "--tz Mars/Base": "argument --tz: “Mars/Base” is not an IANA time zone (e.g. Europe/Moscow).",
    "--limit 0": "argument --limit: “0” is not a whole number of at least 1",
}


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS.items())
def test_usage_errors_exit_2_in_one_line(
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: str,
    message: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    try:
        code = cli.main(["followups", *args.split()])
    except SystemExit as exc:  # argparse's errors leave through Parser.error
        code = int(str(exc.code))
    out = capsys.readouterr()
    assert (code, out.out) == (2, "")
    assert (
        out.err.splitlines()[0].removesuffix(" (see cli.py followups --help)")
        == f"error: {message}"
    )
