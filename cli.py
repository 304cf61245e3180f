"""The command-line front door: seed, demo (and demo --remove), export, campaigns, users and
migrate, over the same model layer.

Plain text out, exit codes for scripts: 0 done, 1 the work failed, 2 the command was
wrong (bad argument, unknown campaign). Every command first brings the database named
by ``DATABASE_URL`` (default: the SQLite file in data/) to the newest schema.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NoReturn

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cli_backup import add_backup_commands
from cli_campaigns import add_campaign_commands
from cli_exports import add_export_commands
from cli_followups import add_followups_command
from cli_import import add_import_commands
from models.accounts import (
    change_role,
    create_account,
    find_user_id,
    list_accounts,
    set_active,
    set_password,
)
from models.db import is_sqlite, make_engine, migrate, session_scope
from models.demo import make_demo, remove_demo
from models.permissions import PermissionDenied
from models.seed import seed
from models.text import InvalidInput
from models.users import user_key
from models.vocab import Role

USAGE_ERROR = 2
FAILED = 1

Handler = Callable[[argparse.Namespace, Engine], int]


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line ``error: ...`` and exit code 2."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def iso_day(text: str) -> date:
    """A date written strictly as YYYY-MM-DD (no day-first or month-first guessing)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"“{text}” is not a date; write it as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"“{text}” is not a real date ({exc})") from exc


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> Parser:
    parser = Parser(prog="cli.py", description="Outreach Tracker from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("migrate", help="bring the database to the newest schema").set_defaults(
        handler=run_migrate
    )
    commands.add_parser("seed", help="add the shipped campaign (idempotent)").set_defaults(
        handler=run_seed
    )

    demo = commands.add_parser(
        "demo", help="add a synthetic history, ending today; or --remove every demo record"
    )
    action = demo.add_mutually_exclusive_group(required=True)
    action.add_argument("--attempts", type=positive, metavar="N")
    action.add_argument(
        "--remove",
        action="store_true",
        help="delete the demo campaign, its attempts, the demo officials and users; nothing real",
    )
    demo.add_argument("--seed", type=int, default=None, metavar="S")
    demo.add_argument("--weeks", type=positive, default=None, metavar="W", help="default 104")
    demo.set_defaults(handler=run_demo)

    add_export_commands(commands, iso_day)
    add_user_commands(commands)
    add_campaign_commands(commands)
    add_backup_commands(commands)
    add_import_commands(commands)
    add_followups_command(commands)
    return parser


def add_user_commands(commands: Any) -> None:
    user = commands.add_parser("user", help="manage accounts (the first admin is made here)")
    action = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = action.add_parser(
        "add", help="create an account; the password is prompted or read from stdin"
    )
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.COORDINATOR.value)
    add.add_argument("--display-name", default="", metavar="TEXT")
    add.set_defaults(handler=run_user_add)
    action.add_parser("list", help="list accounts").set_defaults(handler=run_user_list)
    role = action.add_parser("set-role", help="change an account's role")
    role.add_argument("name")
    role.add_argument("role", choices=[r.value for r in Role])
    role.set_defaults(handler=run_user_set_role)
    for verb, active in (("deactivate", False), ("activate", True)):
        sub = action.add_parser(verb, help=f"{verb} an account")
        sub.add_argument("name")
        sub.set_defaults(handler=run_user_active, active=active)
    password = action.add_parser("password", help="set a new password (prompted or from stdin)")
    password.add_argument("name")
    password.set_defaults(handler=run_user_password)


def read_password() -> str:
    """Prompted twice on a terminal; otherwise the first line of stdin (for scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password (at least 12 characters): ")
        if first != getpass.getpass("Password again: "):
            raise InvalidInput("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_user_add(args: argparse.Namespace, engine: Engine) -> int:
    password = read_password()
    with session_scope(engine) as session:
        create_account(
            session,
            name=args.name,
            password=password,
            role=Role(args.role),
            display_name=args.display_name,
            actor_id=None,
        )
    print(f"created {args.role} account “{user_key(args.name)}”")
    return 0


def run_user_list(_args: argparse.Namespace, engine: Engine) -> int:
    with session_scope(engine, write=False) as session:
        for account in list_accounts(session):
            state = "active" if account.is_active else "deactivated"
            sign_in = "can sign in" if account.can_sign_in else "no password"
            print(f"{account.name}\t{account.role}\t{state}\t{sign_in}")
    return 0


def run_user_set_role(args: argparse.Namespace, engine: Engine) -> int:
    with session_scope(engine) as session:
        change_role(session, _user_id(session, args.name), Role(args.role), actor_id=None)
    print(f"{user_key(args.name)} is now {args.role}")
    return 0


def run_user_active(args: argparse.Namespace, engine: Engine) -> int:
    with session_scope(engine) as session:
        set_active(session, _user_id(session, args.name), args.active, actor_id=None)
    print(f"{user_key(args.name)} is {'active' if args.active else 'deactivated'}")
    return 0


def run_user_password(args: argparse.Namespace, engine: Engine) -> int:
    password = read_password()
    with session_scope(engine) as session:
        set_password(session, _user_id(session, args.name), password, actor_id=None)
    print(f"password of {user_key(args.name)} changed")
    return 0


def _user_id(session: Session, name: str) -> int:
    found = find_user_id(session, name)
    if found is None:
        raise InvalidInput(f"no account is named “{user_key(name)}” (see: cli.py user list)")
    return found


def run_migrate(_args: argparse.Namespace, _engine: Engine) -> int:
    print("database is at the newest schema")
    return 0


def run_seed(_args: argparse.Namespace, engine: Engine) -> int:
    with session_scope(engine) as session:
        report = seed(session)
    if not report.changed:
        print("already seeded: nothing to add")
        return 0
    print(
        f"seeded: {report.campaigns_added} campaign(s), {report.officials_added} official(s), "
        f"{report.contacts_added} contact point(s) added"
    )
    return 0


def run_demo(args: argparse.Namespace, engine: Engine) -> int:
    if args.remove:
        return run_demo_remove(args, engine)
    report = make_demo(
        engine,
        attempts=args.attempts,
        seed=args.seed,
        weeks=args.weeks or 104,
        progress=_progress(),
    )
    _checkpoint(engine)
    print(
        f"demo: {report.attempts:,} attempts, {report.responses:,} responses, "
        f"{report.follow_ups:,} follow-ups in campaign #{report.campaign_id} "
        f"in {report.seconds:.1f} s"
    )
    return 0


def run_demo_remove(args: argparse.Namespace, engine: Engine) -> int:
    if args.seed is not None or args.weeks is not None:
        raise InvalidInput("--remove takes neither --seed nor --weeks")
    with session_scope(engine) as session:
        report = remove_demo(session, actor_id=None)
    _checkpoint(engine)
    if not report.removed_anything:
        print("no demo data: nothing to remove")
    else:
        print(
            f"demo removed: {report.campaigns:,} campaign(s), {report.attempts:,} attempt(s) "
            f"({report.attempts_by_real_users:,} by real coordinators), "
            f"{report.responses:,} response(s), {report.follow_ups:,} follow-up(s), "
            f"{report.targets:,} campaign target(s), {report.officials:,} official(s) with "
            f"{report.contact_points:,} contact point(s) and {report.office_hours:,} office-hours "
            f"range(s), {report.users:,} user(s)"
        )
    if report.officials_kept or report.users_kept:
        print(
            f"kept {report.officials_kept:,} demo official(s) and {report.users_kept:,} demo "
            "user(s) that real records refer to"
        )
    return 0


def _checkpoint(engine: Engine) -> None:
    if is_sqlite(engine):
        # One big transaction leaves a WAL as large as the data; hand the space back.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _progress() -> Callable[[int, int], None]:
    """A progress callback printing a line to stderr each time another tenth is done."""
    shown = [0]

    def report(done: int, total: int) -> None:
        tenth = done * 10 // total
        if tenth > shown[0]:
            shown[0] = tenth
            print(f"  {done:,} of {total:,} attempts ({done * 100 // total}%)", file=sys.stderr)

    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    engine = make_engine()
    try:
        migrate(engine)
        return handler(args, engine)
    except (InvalidInput, PermissionDenied) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except (OperationalError, OSError) as exc:
        print(f"error: {_first_line(exc)}", file=sys.stderr)
        return FAILED
    finally:
        engine.dispose()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


if __name__ == "__main__":
    sys.exit(main())
