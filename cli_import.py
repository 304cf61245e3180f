"""cli.py's import commands: officials' lists and past attempts from CSV files.

Exit codes: 0 imported (or nothing to change), 1 rejected (nothing changed, every problem
on standard error as ``line N: ...``), 2 a usage error (such as a path that does not
exist). Standard output ends with the summary line, ``dry run: ``-prefixed with --dry-run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cli_campaigns import _region
from models.db import session_scope
from models.importing.attempts import import_attempts
from models.importing.officials import import_officials
from models.importing.report import ImportRejected, ImportReport
from models.localtime import UnknownTimeZone, zone
from models.text import InvalidInput

REJECTED = 1
USAGE_ERROR = 2


def add_import_commands(commands: Any) -> None:
    command = commands.add_parser("import", help="import officials or past attempts from a CSV")
    what = command.add_subparsers(dest="what", required=True, metavar="WHAT")
    officials = what.add_parser("officials", help="a list of officials (or our officials export)")
    officials.add_argument("--campaign", metavar="NAME", help="also make them its targets")
    officials.add_argument(
        "--region", type=_region, default="RU", metavar="CC", help="for numbers without +code (RU)"
    )
    officials.set_defaults(handler=run_import_officials)
    attempts = what.add_parser("attempts", help="past attempts (the attempts export schema)")
    attempts.add_argument("--campaign", metavar="NAME", help="for rows that name no campaign")
    attempts.add_argument(
        "--create-campaigns", action="store_true", help="create campaigns the file names"
    )
    attempts.add_argument(
        "--tz", type=_zone, default=ZoneInfo("UTC"), metavar="ZONE", help="for times without offset"
    )
    attempts.set_defaults(handler=run_import_attempts)
    for sub in (officials, attempts):
        sub.add_argument("path", metavar="PATH")
        sub.add_argument("--dry-run", action="store_true", help="check and count, change nothing")


def _zone(text: str) -> ZoneInfo:
    try:
        return zone(text)
    except UnknownTimeZone as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_import_officials(args: argparse.Namespace, engine: Engine) -> int:
    def work(session: Session, data: bytes) -> ImportReport:
        return import_officials(
            session,
            data,
            actor_id=None,
            region=args.region,
            campaign=args.campaign,
            dry_run=args.dry_run,
        )

    return _run(args, engine, work)


def run_import_attempts(args: argparse.Namespace, engine: Engine) -> int:
    def work(session: Session, data: bytes) -> ImportReport:
        return import_attempts(
            session,
            data,
            actor_id=None,
            campaign=args.campaign,
            create_campaigns=args.create_campaigns,
            tz=args.tz,
            dry_run=args.dry_run,
        )

    return _run(args, engine, work)


def _run(
    args: argparse.Namespace, engine: Engine, work: Callable[[Session, bytes], ImportReport]
) -> int:
    path = Path(args.path)
    if not path.is_file():
        print(f"error: {args.path}: no such file", file=sys.stderr)
        return USAGE_ERROR
    data = path.read_bytes()
    try:
        with session_scope(engine, write=not args.dry_run) as session:
            report = work(session, data)
    except ImportRejected as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("nothing was imported", file=sys.stderr)
        return REJECTED
    except InvalidInput as exc:  # not a CSV, a missing column: the file, not the command
        print(f"error: {exc}", file=sys.stderr)
        return REJECTED
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(report.summary())
    return 0
