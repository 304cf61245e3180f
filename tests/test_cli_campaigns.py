"""cli.py campaign list|add|target and export officials --campaign, as real processes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.exports import OFFICIAL_COLUMNS
from models.tables import Campaign, CampaignTarget, Official
from tests.factories import make_official
from tests.test_cli import SEED_CAMPAIGN, cli, read_csv

VIKTOROV = "Anatoly Dmitrievich Viktorov"


def targets(engine: Engine, name: str) -> list[tuple[str, int]]:
    with Session(engine) as session:
        rows = session.execute(
            select(Official.full_name, CampaignTarget.tier)
            .join(CampaignTarget, CampaignTarget.official_id == Official.id)
            .join(Campaign, Campaign.id == CampaignTarget.campaign_id)
            .where(Campaign.name == name)
            .order_by(CampaignTarget.tier, Official.full_name)
        )
        return [(r[0], r[1]) for r in rows]


def test_add_then_list(db_url: str, tmp_path: Path, engine: Engine) -> None:
    """add makes an active campaign with the script read from the file; list shows one
    line per campaign: name, status, target count."""
    cli(db_url, "seed")
    script = tmp_path / "script.md"
    script.write_text("## Hello\n\nAsk for the **release**.\n", encoding="utf-8")

    added = cli(db_url, "campaign", "add", "Free them", "--script", str(script), "--ask", "Free")
    drafted = cli(db_url, "campaign", "add", "Чечня: черновик", "--status", "draft")
    listed = cli(db_url, "campaign", "list")

    assert (added.returncode, added.stdout) == (0, "created campaign “Free them” (active)\n")
    assert drafted.stdout == "created campaign “Чечня: черновик” (draft)\n"
    assert listed.stdout.splitlines() == [
        f"{SEED_CAMPAIGN}\tactive\t4 target(s)",
        "Free them\tactive\t0 target(s)",
        "Чечня: черновик\tdraft\t0 target(s)",
    ]
    with Session(engine) as session:
        campaign = session.scalars(select(Campaign).where(Campaign.name == "Free them")).one()
        assert (campaign.call_script, campaign.ask) == (
            "## Hello\n\nAsk for the **release**.",
            "Free",
        )


def test_a_name_taken_in_another_case_is_a_usage_error(db_url: str) -> None:
    """Exit 2, one line naming the existing campaign."""
    cli(db_url, "campaign", "add", "Чечня")
    done = cli(db_url, "campaign", "add", "ЧЕЧНЯ")
    assert (done.returncode, done.stderr) == (
        2,
        "error: A campaign named “Чечня” already exists.\n",
    )


def test_a_missing_script_file_is_a_usage_error(sqlite_url: str, tmp_path: Path) -> None:
    done = cli(sqlite_url, "campaign", "add", "X", "--script", str(tmp_path / "nope.md"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: cannot read the script {tmp_path / 'nope.md'}: ")
    assert cli(sqlite_url, "campaign", "list").stdout.startswith("no campaigns yet")


def test_target_add_by_name_any_case_and_by_id_with_tiers(db_url: str, engine: Engine) -> None:
    """Officials named by full name (any case) or id; --tier sets the tier, also of one that
    already is a target; --remove takes them off."""
    cli(db_url, "seed")
    cli(db_url, "campaign", "add", "Second")
    with Session(engine) as session:
        viktorov_id = session.scalar(select(Official.id).where(Official.full_name == VIKTOROV))

    first = cli(db_url, "campaign", "target", "second", "--add", VIKTOROV.upper())
    second = cli(db_url, "campaign", "target", "Second", "--add", str(viktorov_id), "--tier", "2")
    after_tiers = targets(engine, "Second")
    removed = cli(db_url, "campaign", "target", "Second", "--remove", str(viktorov_id))

    label = f"{VIKTOROV} — "
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"added {label}")
    assert first.stdout.endswith("(tier 1)\n")
    assert second.stdout.startswith(f"moved {label}")
    assert after_tiers == [(VIKTOROV, 2)]
    assert (removed.returncode, removed.stdout.startswith(f"removed {label}")) == (0, True)
    assert targets(engine, "Second") == []


def test_an_unknown_or_ambiguous_official_changes_nothing(db_url: str, engine: Engine) -> None:
    """One bad name among good ones: exit 2, a clear line, and no target added."""
    cli(db_url, "campaign", "add", "Second")
    with Session(engine) as session, session.begin():
        first = make_official(session, "Ivan Petrov", organization="Ministry A")
        second = make_official(session, "Ivan Petrov", organization="Ministry B")
        make_official(session, "Olga Known")

    unknown = cli(db_url, "campaign", "target", "Second", "--add", "Olga Known", "Nobody")
    ambiguous = cli(db_url, "campaign", "target", "Second", "--add", "ivan petrov")
    no_campaign = cli(db_url, "campaign", "target", "Nope", "--add", "Olga Known")

    assert (unknown.returncode, unknown.stderr) == (
        2,
        "error: no official has the id or full name “Nobody”\n",
    )
    assert (ambiguous.returncode, ambiguous.stderr) == (
        2,
        f"error: “ivan petrov” names 2 officials (#{first} Ivan Petrov — Ministry A; "
        f"#{second} Ivan Petrov — Ministry B); give the id\n",
    )
    assert no_campaign.returncode == 2
    assert no_campaign.stderr.startswith("error: no campaign is named “Nope”.")
    assert targets(engine, "Second") == []


def test_target_needs_add_or_remove(sqlite_url: str) -> None:
    done = cli(sqlite_url, "campaign", "target", "X")
    assert done.returncode == 2
    assert "one of the arguments --add --remove is required" in done.stderr


def test_export_officials_of_one_campaign(db_url: str, tmp_path: Path) -> None:
    """Only the campaign's targets' contact points, with the documented columns."""
    cli(db_url, "seed")
    cli(db_url, "campaign", "add", "Only Viktorov")
    cli(db_url, "campaign", "target", "Only Viktorov", "--add", VIKTOROV)
    out = tmp_path / "officials.csv"

    done = cli(db_url, "export", "officials", "--campaign", "only viktorov", "--out", str(out))
    rows = read_csv(out)
    unknown = cli(db_url, "export", "officials", "--campaign", "Nope", "--out", str(out))

    assert done.returncode == 0, done.stderr
    assert rows[0] == list(OFFICIAL_COLUMNS)
    assert {r[0] for r in rows[1:]} == {VIKTOROV}
    assert done.stderr.strip() == f"wrote {len(rows) - 1} contact point row(s) to {out}"
    assert len(rows) - 1 == 2  # his phone and his fax
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error: no campaign is named “Nope”. Known campaigns: ")


SEED_ALERT = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_6b96d70f58fc9d0a.txt"
ALERTS = Path(__file__).resolve().parent / "data" / "alerts"


def test_from_alert_makes_a_draft_campaign_and_a_rerun_changes_nothing(
    db_url: str, engine: Engine
) -> None:
    """One line per official, the summary last; the second run matches all four and writes
    nothing; --dry-run on a fresh name prints the plan and writes nothing either."""
    first = cli(db_url, "campaign", "from-alert", str(SEED_ALERT), "--name", "Chechnya alert")
    with Session(engine) as session:
        before = (
            session.scalars(select(Official.full_name).order_by(Official.id)).all(),
            session.scalar(select(Campaign.status).where(Campaign.name == "Chechnya alert")),
        )
    again = cli(db_url, "campaign", "from-alert", str(SEED_ALERT), "--name", "chechnya ALERT")
    dry = cli(db_url, "campaign", "from-alert", str(SEED_ALERT), "--name", "Other", "--dry-run")

    lines = first.stdout.splitlines()
    assert first.returncode == 0
    assert [line.split("\t")[:2] for line in lines[:4]] == [
        ["new", "Viktorov Anatoly Dmitrievich"],
        ["new", "Evgeniy Zagaynov"],
        ["new", "Fedor Strzhizhovskiy"],
        ["new", "Davide Casale"],
    ]
    assert "fax +7 499 244-30-45" in lines[0]
    assert (
        lines[-1] == 'campaign "Chechnya alert": 4 officials (4 new, 0 matched), 11 contact points'
    )
    assert before[1] == "draft"
    assert again.returncode == 0
    assert again.stdout.splitlines()[-2:] == [
        "nothing to change: the campaign already holds this alert",
        'campaign "chechnya ALERT": 4 officials (0 new, 4 matched), 11 contact points',
    ]
    assert dry.stdout.splitlines()[-2:] == [
        "dry run: nothing was changed",
        'campaign "Other": 4 officials (0 new, 4 matched), 11 contact points',
    ]
    with Session(engine) as session:
        assert session.scalars(select(Official.full_name).order_by(Official.id)).all() == before[0]
        assert session.scalar(select(Campaign.id).where(Campaign.name == "Other")) is None


def test_from_alert_names_the_numbers_it_could_not_read(db_url: str) -> None:
    """Invalid numbers are printed as problems (not saved), before the summary."""
    done = cli(
        db_url, "campaign", "from-alert", str(ALERTS / "invalid_number.txt"), "--name", "Forests"
    )
    problems = [line for line in done.stdout.splitlines() if line.startswith("problem\t")]
    assert done.returncode == 0
    assert len(problems) == 3
    assert "Helen Strand: phone “+353 1 678 20” not saved" in problems[0]


def test_from_alert_exit_codes(db_url: str, tmp_path: Path) -> None:
    """Nobody to contact: exit 1, nothing changed. A missing file or a bad region: exit 2."""
    prose = tmp_path / "prose.txt"
    prose.write_text("We are outraged.\n\nShare this page.\n", encoding="utf-8")
    nobody = cli(db_url, "campaign", "from-alert", str(prose), "--name", "X")
    missing = cli(db_url, "campaign", "from-alert", str(tmp_path / "nope.txt"), "--name", "X")
    region = cli(db_url, "campaign", "from-alert", str(prose), "--name", "X", "--region", "ZZ")
    listed = cli(db_url, "campaign", "list")
    assert (nobody.returncode, nobody.stderr) == (
        1,
        "error: No officials to contact were found in the alert: nothing was changed.\n",
    )
    assert missing.returncode == 2
    assert "cannot read the alert" in missing.stderr
    assert region.returncode == 2
    assert "“ZZ” is not a two-letter country code" in region.stderr
    assert "X\t" not in listed.stdout
