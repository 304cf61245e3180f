"""cli.py's ``followups`` command: the follow-up queue as plain text, or as an iCalendar file.

The listing is the Follow-ups page's queue: sections Overdue, Due today and Upcoming, one
line per follow-up (callable now first, then the most overdue), and a last line counting
each section. "Today" is the date in ``--tz`` (default: this machine's local time zone)
unless ``--today`` names the day; office states are as of now. ``--ics`` writes every open
follow-up in the horizon as a calendar event instead, to standard output or, with
``--out``, to a file only its owner may read (0600; the queue names people).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from models.accounts import find_user_id
from models.db import session_scope
from models.followup_calendar import follow_up_calendar, plain_line
from models.localtime import UnknownTimeZone, zone
from models.queue import DEFAULT_LIMIT, HORIZONS, SECTIONS, Queue, follow_up_queue
from models.text import InvalidInput
from models.users import user_key

HELP = """\
Without --ics: a header line (whose queue, as of which day); then each section, Overdue,
Due today and Upcoming, headed "Overdue (N)" ("Overdue (N, showing L)" past --limit),
with one line per follow-up, callable now first: due date ("at HH:MM UTC" for a call
back), official, campaign, assignee, the official's local time and office state, the
last attempt, the reason. The last line counts every section, e.g.
"3 overdue, 1 due today, 2 upcoming".
Today is the date in --tz (default: this machine's time zone), or --today; office
states are as of now.
With --ics: an iCalendar file of every open follow-up in the horizon (no --limit), one
event per follow-up; --out writes it to a file readable by its owner only (0600).
"""


@dataclass(frozen=True)
class Scope:
    """Whose queue, as of which day, how far ahead."""

    assignee_id: int | None
    owner: str  # "Team", or the account name
    today: date
    where: str  # how "today" was reckoned, for the header
    horizon_days: int


def add_followups_command(commands: Any) -> None:
    command = commands.add_parser(
        "followups",
        help="list the follow-up queue, or write it as an iCalendar file (--ics)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("--user", metavar="U", help="only U's follow-ups (default: the team's)")
    command.add_argument(
        "--horizon", type=int, choices=HORIZONS, default=HORIZONS[0], metavar="DAYS",
        help=f"how far Upcoming reaches: {', '.join(map(str, HORIZONS))} (default {HORIZONS[0]})",
    )  # fmt: skip
    command.add_argument(
        "--limit", type=_positive, default=None, metavar="N",
        help=f"rows shown per section in the listing (default {DEFAULT_LIMIT})",
    )  # fmt: skip
    command.add_argument(
        "--tz", type=_zone, default=None, metavar="ZONE",
        help="the IANA zone whose date is today (default: this machine's)",
    )  # fmt: skip
    command.add_argument(
        "--today", type=_day, default=None, metavar="YYYY-MM-DD", help="count from this day"
    )
    command.add_argument("--ics", action="store_true", help="write an iCalendar file instead")
    command.add_argument("--out", metavar="PATH", help="with --ics: a file (- or none: stdout)")
    command.set_defaults(handler=run_followups)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number of at least 1")
    return int(text)


def _zone(text: str) -> tzinfo:
    try:
        return zone(text)
    except UnknownTimeZone as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _day(text: str) -> date:
    """Strictly YYYY-MM-DD, as cli.py's other date options."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"“{text}” is not a date; write it as YYYY-MM-DD")


def run_followups(args: argparse.Namespace, engine: Engine) -> int:
    if args.out is not None and not args.ics:
        raise InvalidInput("--out writes the calendar: add --ics (the listing goes to stdout)")
    if args.limit is not None and args.ics:
        raise InvalidInput("--limit is for the listing; the calendar holds every follow-up")
    now = datetime.now(UTC)
    scope = _scope(args, engine, now)
    if args.ics:
        return _write_calendar(args.out, engine, scope, now)
    with session_scope(engine, write=False) as session:
        queue = follow_up_queue(
            session, today=scope.today, now_utc=now, horizon_days=scope.horizon_days,
            assignee_id=scope.assignee_id, limit=args.limit or DEFAULT_LIMIT,
        )  # fmt: skip
    for line in listing(queue, scope):
        print(line)
    return 0


def _scope(args: argparse.Namespace, engine: Engine, now: datetime) -> Scope:
    """Whose queue (an unknown --user is a usage error) and the day it counts from."""
    assignee_id, owner = None, "Team"
    if args.user is not None:
        with session_scope(engine, write=False) as session:
            assignee_id = find_user_id(session, args.user)
        owner = user_key(args.user)
        if assignee_id is None:
            raise InvalidInput(f"no account is named “{owner}” (see: cli.py user list)")
    local = now.astimezone(args.tz)  # None: this machine's zone
    where = str(args.tz) if args.tz is not None else f"this machine's time, {_offset(local)}"
    if args.today is not None:
        where = "--today"
    return Scope(assignee_id, owner, args.today or local.date(), where, args.horizon)


def _offset(local: datetime) -> str:
    """``UTC+03:00``: the machine zone's offset (its IANA name is not reliably known)."""
    offset = f"{local:%z}"
    return f"UTC{offset[:3]}:{offset[3:5]}"


def listing(queue: Queue, scope: Scope) -> list[str]:
    """The lines printed: a header, each section with its rows, the counts."""
    end = scope.today.toordinal() + scope.horizon_days
    lines = [
        f"Follow-ups: {plain_line(scope.owner)}, as of {scope.today:%a %Y-%m-%d} ({scope.where}), "
        f"upcoming to {date.fromordinal(end):%a %Y-%m-%d}"
    ]
    for section in SECTIONS:
        rows = queue.section(section)
        total = queue.totals[section]
        shown = f", showing {len(rows)}" if total > len(rows) else ""
        lines.append("")
        lines.append(f"{section} ({total}{shown})")
        lines.extend(f"  {row_line(row)}" for row in rows.to_dict("records"))
        if rows.empty:
            lines.append("  none")
    lines.append("")
    lines.append(summary(queue.totals))
    return lines


def row_line(row: dict[Any, Any]) -> str:
    """``2026-03-05  Ivan Petrov · Campaign · Alex · Tue 15:00 there, open, closes in 3 h ·
    last: no answer 2026-03-04 10:00 UTC · follow up``, every user text on one line."""
    due = f"{row['due_on']:%Y-%m-%d}"
    if _present(row["due_at"]):
        due += f" at {row['due_at']:%H:%M} UTC"
    last = "no attempt yet"
    if _present(row["last_attempt_at"]):
        last = f"last: {row['last_outcome']} {row['last_attempt_at']:%Y-%m-%d %H:%M} UTC"
    parts = [
        row["official"], row["campaign"], row["assignee"] or "unassigned",
        f"{row['local_time']} there, {row['office']}", last, row["reason"],
    ]  # fmt: skip
    return f"{due}  " + " · ".join(plain_line(str(p)) for p in parts if p)


def summary(totals: dict[str, int]) -> str:
    return ", ".join(f"{totals[s]} {s.lower()}" for s in SECTIONS)


def _present(value: Any) -> bool:
    return value is not None and not pd.isna(value)


def _write_calendar(target: str | None, engine: Engine, scope: Scope, now: datetime) -> int:
    with session_scope(engine, write=False) as session:
        calendar = follow_up_calendar(
            session, today=scope.today, now_utc=now, horizon_days=scope.horizon_days,
            assignee_id=scope.assignee_id, name=f"Follow-ups: {scope.owner}",
        )  # fmt: skip
    data = calendar.to_ical()
    events = len(calendar.events)
    if target in (None, "-"):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        where = "standard output"
    else:
        write_private(Path(target), data)
        where = target
    print(f"wrote {events:,} follow-up event(s) to {where}", file=sys.stderr)
    return 0


def write_private(path: Path, data: bytes) -> None:
    """``data`` into ``path``, readable by its owner only (0600), replacing what was there:
    written under a temporary name and renamed when whole, so a failure leaves no half file."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
