"""cli.py's export commands: attempts, officials and the summaries, to a file or stdout.

``export attempts`` takes the pages' filters (dates, campaign, official, channel,
coordinator; each name-taking option may be repeated). Without ``--out`` (or with
``--out -``) the CSV goes to standard output; the line saying what was written goes
to standard error, so a pipe gets the file alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cli_campaigns import campaign_id_named
from models.accounts import find_user_id
from models.db import session_scope
from models.exports import SummaryKind, export_attempts, export_officials, export_summary
from models.filters import Filters
from models.queries import match_officials
from models.text import InvalidInput
from models.users import user_key
from models.vocab import Channel


def add_export_commands(commands: Any, iso_day: Any) -> None:
    export = commands.add_parser("export", help="write a CSV report")
    what = export.add_subparsers(dest="what", required=True, metavar="WHAT")
    attempts = what.add_parser("attempts", help="one row per attempt (README: CSV schema)")
    _filter_options(attempts, iso_day)
    summary = what.add_parser("summary", help="per official, per week, or follow-ups per week")
    summary.add_argument("--by", required=True, choices=[k.value for k in SummaryKind])
    _filter_options(summary, iso_day)
    officials = what.add_parser("officials", help="one row per contact point")
    officials.add_argument(
        "--campaign", metavar="NAME", help="only this campaign's targets (any case)"
    )
    for sub, handler in (
        (attempts, run_export_attempts),
        (officials, run_export_officials),
        (summary, run_export_summary),
    ):
        sub.add_argument("--out", default="-", metavar="FILE", help="a file; - or none: stdout")
        sub.add_argument("--excel", action="store_true", help="UTF-8 with BOM and CRLF lines")
        sub.set_defaults(handler=handler)


def _filter_options(parser: argparse.ArgumentParser, iso_day: Any) -> None:
    parser.add_argument("--from", dest="date_from", type=iso_day, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=iso_day, metavar="YYYY-MM-DD")
    parser.add_argument("--campaign", action="append", default=[], metavar="NAME")
    parser.add_argument("--official", action="append", default=[], metavar="NAME")
    parser.add_argument(
        "--channel", action="append", default=[], choices=[c.value for c in Channel]
    )
    parser.add_argument(
        "--coordinator", action="append", default=[], metavar="USER", help="an account name"
    )


def filters_from(args: argparse.Namespace, engine: Engine) -> Filters:
    """The Filters the options ask for; an unknown name is a usage error naming it."""
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise InvalidInput(f"--from {args.date_from} is after --to {args.date_to}")
    with session_scope(engine, write=False) as session:
        return Filters(
            date_from=args.date_from,
            date_to=args.date_to,
            campaign_ids=tuple(campaign_id_named(session, n) for n in args.campaign),
            official_ids=tuple(_official_id(session, n) for n in args.official),
            channels=tuple(dict.fromkeys(Channel(c) for c in args.channel)),
            coordinator_ids=tuple(_coordinator_id(session, n) for n in args.coordinator),
        )


def _official_id(session: Session, name: str) -> int:
    found = match_officials(session, name)
    if len(found) == 1:
        return found[0].id
    if not found:
        raise InvalidInput(f"no official is named “{name}” (an id or the exact full name)")
    ids = ", ".join(str(o.id) for o in found)
    raise InvalidInput(f"{len(found)} officials are named “{name}”: give the id ({ids})")


def _coordinator_id(session: Session, name: str) -> int:
    found = find_user_id(session, name)
    if found is None:
        raise InvalidInput(f"no account is named “{user_key(name)}” (see: cli.py user list)")
    return found


def run_export_attempts(args: argparse.Namespace, engine: Engine) -> int:
    filters = filters_from(args, engine)
    with atomic_output(args.out) as out:
        written = export_attempts(engine, out, filters, actor_id=None, excel=args.excel)
    print(f"wrote {written.rows:,} attempt row(s) to {_where(args.out)}", file=sys.stderr)
    return 0


def run_export_summary(args: argparse.Namespace, engine: Engine) -> int:
    filters, kind = filters_from(args, engine), SummaryKind(args.by)
    today = datetime.now(UTC).date()
    with atomic_output(args.out) as out:
        written = export_summary(
            engine, out, kind, filters, actor_id=None, today=today, excel=args.excel
        )
    print(f"wrote {written.rows:,} row(s) by {kind.value} to {_where(args.out)}", file=sys.stderr)
    return 0


def run_export_officials(args: argparse.Namespace, engine: Engine) -> int:
    campaign_id = None
    if args.campaign is not None:
        with session_scope(engine, write=False) as session:
            campaign_id = campaign_id_named(session, args.campaign)
    with atomic_output(args.out) as out:
        written = export_officials(
            engine, out, actor_id=None, excel=args.excel, campaign_id=campaign_id
        )
    print(f"wrote {written.rows:,} contact point row(s) to {_where(args.out)}", file=sys.stderr)
    return 0


def _where(target: str) -> str:
    return "standard output" if target == "-" else target


@contextmanager
def atomic_output(target: str) -> Iterator[BinaryIO]:
    """stdout for ``-``; else a temporary file beside ``target``, readable by its owner
    only (0600: exports hold what coordinators recorded), renamed onto it only when the
    export succeeded, so a failed export leaves no half-written file."""
    if target == "-":
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror}") from exc
    try:
        with open(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


__all__ = ["add_export_commands", "atomic_output", "filters_from"]
