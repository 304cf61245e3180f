"""cli.py's campaign commands: list campaigns, add one, choose its targets, read an alert.

``campaign add`` makes an **active** campaign unless ``--status`` says otherwise: from
the shell an admin sets up a campaign to be worked (add it, add its targets, done);
drafts are what the import of an action alert makes, for an admin to review first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import phonenumbers
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.alerts import alert_text, parse_alert
from models.campaigns import (
    CampaignInput,
    add_target,
    create_campaign,
    find_campaign,
    remove_target,
    set_tier,
)
from models.db import session_scope
from models.from_alert import NUMBER_KINDS, NoOfficialsFound, PlannedOfficial, create_from_alert
from models.phones import format_international
from models.queries import Option, campaign_list, campaign_options, match_officials
from models.text import InvalidInput
from models.vocab import CampaignStatus


def add_campaign_commands(commands: Any) -> None:
    campaign = commands.add_parser("campaign", help="list, add and target campaigns")
    action = campaign.add_subparsers(dest="action", required=True, metavar="ACTION")
    action.add_parser("list", help="one line per campaign").set_defaults(handler=run_list)

    add = action.add_parser("add", help="add a campaign (active unless --status says otherwise)")
    add.add_argument("name")
    add.add_argument("--script", metavar="FILE", help="the call script, a Markdown file (- stdin)")
    add.add_argument("--ask", default="", metavar="TEXT")
    add.add_argument("--description", default="", metavar="TEXT")
    add.add_argument(
        "--status", choices=[s.value for s in CampaignStatus], default=CampaignStatus.ACTIVE.value
    )
    add.set_defaults(handler=run_add)

    target = action.add_parser("target", help="add or remove a campaign's target officials")
    target.add_argument("name", help="the campaign's name (any case)")
    which = target.add_mutually_exclusive_group(required=True)
    which.add_argument("--add", nargs="+", metavar="OFFICIAL", help="an id or an exact full name")
    which.add_argument("--remove", nargs="+", metavar="OFFICIAL")
    target.add_argument("--tier", type=_tier, metavar="N", help="1 = call first (default 1)")
    target.set_defaults(handler=run_target)

    alert = action.add_parser(
        "from-alert", help="make a draft campaign from an action alert (.txt, .eml, .html)"
    )
    alert.add_argument("path", metavar="PATH")
    alert.add_argument("--name", required=True, help="the new campaign's name")
    alert.add_argument(
        "--region",
        type=_region,
        default="RU",
        metavar="CC",
        help="where numbers without a country code are read when the alert does not say (RU)",
    )
    alert.add_argument(
        "--dry-run", action="store_true", help="print what would be made, change nothing"
    )
    alert.set_defaults(handler=run_from_alert)


def _region(text: str) -> str:
    code = text.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise argparse.ArgumentTypeError(f"“{text}” is not a two-letter country code such as RU")
    return code


def _tier(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise argparse.ArgumentTypeError(f"“{text}” is not a tier; use a number from 1 to 99")
    return int(text)


def run_list(_args: argparse.Namespace, engine: Engine) -> int:
    with session_scope(engine, write=False) as session:
        frame = campaign_list(session)
    if frame.empty:
        print("no campaigns yet (run: cli.py seed, or cli.py campaign add NAME)")
    for row in frame.itertuples(index=False):
        demo = "\tdemo" if row.is_demo else ""
        print(f"{row.campaign}\t{row.status}\t{row.targets} target(s){demo}")
    return 0


def run_add(args: argparse.Namespace, engine: Engine) -> int:
    data = CampaignInput(
        name=args.name,
        description=args.description,
        ask=args.ask,
        call_script=_read_script(args.script),
        status=CampaignStatus(args.status),
    )
    with session_scope(engine) as session:
        create_campaign(session, data, actor_id=None)
    print(f"created campaign “{' '.join(args.name.split())}” ({args.status})")
    return 0


def _read_script(path: str | None) -> str:
    if path is None:
        return ""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read the script {path}: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise InvalidInput(f"the script {path} is not UTF-8 text") from None


def run_target(args: argparse.Namespace, engine: Engine) -> int:
    """Resolve every official first: one unknown or ambiguous, and nothing is changed."""
    if args.remove and args.tier is not None:
        raise InvalidInput("--tier goes with --add (or set a tier on the Campaigns page)")
    lines: list[str] = []
    with session_scope(engine) as session:
        campaign_id = campaign_id_named(session, args.name)
        officials = [resolve_official(session, ref) for ref in args.add or args.remove]
        for official in dict.fromkeys(officials):
            if args.add:
                lines.append(_add_one(session, campaign_id, official, args.tier))
            else:
                removed = remove_target(session, campaign_id, official.id, actor_id=None)
                verb = "removed" if removed else "not a target, nothing to remove:"
                lines.append(f"{verb} {official.label}")
    print("\n".join(lines))
    return 0


def _add_one(session: Session, campaign_id: int, official: Option, tier: int | None) -> str:
    if add_target(session, campaign_id, official.id, tier=tier or 1, actor_id=None):
        return f"added {official.label} (tier {tier or 1})"
    if tier is not None and set_tier(session, campaign_id, official.id, tier, actor_id=None):
        return f"moved {official.label} to tier {tier}"
    return f"already a target: {official.label}"


def resolve_official(session: Session, reference: str) -> Option:
    """The one official ``reference`` names (an id, or a full name in any case)."""
    found = match_officials(session, reference)
    if not found:
        raise InvalidInput(f"no official has the id or full name “{reference}”")
    if len(found) > 1:
        listed = "; ".join(f"#{o.id} {o.label}" for o in found)
        raise InvalidInput(f"“{reference}” names {len(found)} officials ({listed}); give the id")
    return found[0]


def campaign_id_named(session: Session, name: str) -> int:
    """The campaign named ``name`` (whatever its case); otherwise an error naming them all."""
    found = find_campaign(session, name)
    if found is not None:
        return found
    options = campaign_options(session)
    known = "; ".join(f"“{o.label}”" for o in options) or "none yet (run: cli.py seed)"
    raise InvalidInput(f"no campaign is named “{name}”. Known campaigns: {known}")


def run_from_alert(args: argparse.Namespace, engine: Engine) -> int:
    """One line per official found, then the summary; exit 1 when the alert names nobody."""
    draft = parse_alert(alert_text(_read_alert(args.path), args.path), region=args.region)
    try:
        with session_scope(engine) as session:
            report = create_from_alert(
                session,
                draft,
                name=args.name,
                actor_id=None,
                region=args.region,
                dry_run=args.dry_run,
            )
    except NoOfficialsFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for planned in report.officials:
        print(_official_line(planned))
    for line in report.not_saved:
        print(f"problem\t{line}")
    if args.dry_run:
        print("dry run: nothing was changed")
    elif not report.changed:
        print("nothing to change: the campaign already holds this alert")
    print(report.summary())
    return 0


def _read_alert(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the alert {path}: {exc.strerror}") from exc


def _official_line(planned: PlannedOfficial) -> str:
    draft, match = planned.draft, planned.match
    status = "new" if match is None else f"matched #{match.official_id} by {match.by}"
    where = ", ".join(p for p in (draft.title, draft.organization) if p)
    contacts = ", ".join(
        f"{c.kind} {format_international(c.value) if c.kind in NUMBER_KINDS else c.value}"
        for c in draft.contacts
        if not c.problem
    )
    zone = draft.timezone or "time zone unknown"
    return f"{status}\t{draft.full_name}\t{where}\t{zone}\t{contacts}"
