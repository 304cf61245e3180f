"""cli.py's ``backup`` and ``restore`` commands (kept apart so cli.py stays one screenful each)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from models.backup import check_backup, restore, save_backup
from models.backup_format import BackupRejected, Manifest
from models.response_rules import unanswerable_notice

FAILED = 1
USAGE_ERROR = 2


def add_backup_commands(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help="write a consistent snapshot of the database (safe while the app runs)"
    )
    backup.add_argument(
        "--out", type=Path, metavar="PATH", help="default: data/backups/outreach-<UTC time>.zip"
    )
    backup.set_defaults(handler=run_backup)
    again = commands.add_parser("restore", help="replace the whole database with a backup")
    again.add_argument("path", type=Path, metavar="PATH")
    again.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    again.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace, engine: Engine) -> int:
    path, manifest = save_backup(engine, args.out, actor_id=None)
    print(f"backup written to {path} ({path.stat().st_size:,} bytes)")
    print_counts(manifest)
    return 0


def run_restore(args: argparse.Namespace, engine: Engine) -> int:
    try:
        manifest = check_backup(args.path)
    except BackupRejected as exc:
        print(f"error: {exc}", file=sys.stderr)
        return FAILED
    print(
        f"{args.path}: a backup of a {manifest.dialect} database at schema revision "
        f"{manifest.revision}, made {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC"
    )
    refusal = confirm(args.yes, engine)
    if refusal is not None:
        return refusal
    try:
        report = restore(engine, args.path, actor_id=None)
    except BackupRejected as exc:
        print(f"error: {exc}", file=sys.stderr)
        return FAILED
    print(f"restored {args.path}")
    print_counts(manifest)
    if report.migrated_to is not None:
        print(f"migrated forward from schema revision {manifest.revision} to {report.migrated_to}")
    if report.sessions_ended:
        print(f"ended {report.sessions_ended} sign-in session(s) from the backup")
    if report.unanswerable_attempt_ids:
        print(f"warning: {unanswerable_notice(report.unanswerable_attempt_ids)}")
    return 0


def confirm(yes: bool, engine: Engine) -> int | None:
    """None to go on; else the exit code of a refusal (no terminal to ask on, or a no)."""
    if yes:
        return None
    if not sys.stdin.isatty():
        print(
            "error: restore replaces every row of the database; pass --yes to confirm "
            "(there is no terminal to ask on)",
            file=sys.stderr,
        )
        return USAGE_ERROR
    where = engine.url.render_as_string(hide_password=True)
    answer = input(f"Replace everything in {where} with this backup? Type yes to go on: ")
    if answer.strip().lower() != "yes":
        print("restore cancelled: nothing was changed", file=sys.stderr)
        return FAILED
    return None


def print_counts(manifest: Manifest) -> None:
    rows = manifest.rows
    print(f"schema revision {manifest.revision}, {sum(rows.values()):,} rows:")
    width = max((len(name) for name in rows), default=0)
    for name in sorted(rows):
        print(f"  {name:<{width}}  {rows[name]:>9,}")
