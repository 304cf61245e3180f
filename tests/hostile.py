"""Hostile text (issue 13): strings that try to become markup, a link, an image, a script,
a formula or something else on their way to the screen, and a world that stores them in
the free-text fields through the model layer (as a form would, cleaning included).

Every script or event handler in here sets ``window.__pwned``: a browser test that finds
it set has seen one run. Every address is under ``evil.example``: a request there, a
link there or an image from there means text was interpreted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import accounts, campaigns, directory
from models.campaigns import CampaignInput
from models.commands import ResponseInput, log_attempt
from models.db import make_engine, session_scope
from models.directory import OfficialInput
from models.tables import Campaign, User
from models.vocab import CampaignStatus, Channel, ContactKind, Outcome, Role, Stance

EVIL = "evil.example"
HOSTILE: tuple[str, ...] = (
    # HTML: scripts, event handlers, remote images, frames, styles.
    "<script>window.__pwned = 1</script>",
    '<img src="x" onerror="window.__pwned = 1">',
    f'<img src="http://{EVIL}/html.png">',
    '<svg onload="window.__pwned = 1"><circle r="9"/></svg>',
    f'<a href="http://{EVIL}/html-link">an HTML link</a>',
    f'<iframe src="http://{EVIL}/frame"></iframe>',
    "<style>body { display: none }</style>",
    "<!-- a comment --> <b>bold</b> <details open>details</details>",
    "&lt;script&gt; &#106;avascript:alert(1) &amp; &copy;",
    # Markdown links and images, inline and by reference.
    "[javascript link](javascript:window.__pwned=1)",
    f"[a Markdown link](http://{EVIL}/md-link)",
    f'[a titled link](https://{EVIL}/titled "title")',
    f"![a remote image](http://{EVIL}/md.png)",
    f"![a reference image][pic]\n\n[pic]: http://{EVIL}/ref.png",
    f"[a reference link][ref]\n\n[ref]: http://{EVIL}/ref",
    f"<http://{EVIL}/angle> and <mailer@{EVIL}>",
    # Bare addresses that GFM would make links of.
    f"http://{EVIL}/bare",
    f"HTTPS://{EVIL.upper()}/SHOUT",
    f"www.{EVIL}/www",
    f"mailer@{EVIL}",
    f"mailto:mailer@{EVIL} xmpp:mailer@{EVIL}/chat",
    # Streamlit's directives, icons, emoji and typography.
    ":red[red] :blue-background[blue] :green-badge[badge] :rainbow[rainbow]",
    ':color[styled]{foreground="red" background="#ff0"} :shimmer[shimmer] :small[small]',
    ":material/call: :material_call: :streamlit: :smile: :+1: :help[tip]",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    # LaTeX (KaTeX), including its \href.
    "$x^2$ and $$\\frac{1}{2}$$",
    f"$\\href{{http://{EVIL}/katex}}{{click}}$",
    # Markdown structure where none was meant.
    "# not a heading\n> not a quote\n- not a list\n1. not a list\n---",
    "**bold** _italic_ ~~strike~~ `code` ***both***",
    "| a | b |\n|---|---|\n| c | d |",
    f"`x```y`![merged](http://{EVIL}/merge.png)``",  # two code spans that must not merge
    # Spreadsheet formulas (DDE included), with a leading tab and CR.
    f'=HYPERLINK("http://{EVIL}/cell","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 after a tab",
    "\r=1+1 after a carriage return",
    # SQL quotes and format strings.
    'Robert\'); DROP TABLE officials;-- "double" `back`',
    "%s %d %(name)s {0} {name!r} {{}} %n",
    # Bidi overrides, zero-width characters, Cyrillic and Arabic.
    "\u202eexe.tnemucod\u202c and \u2066isolated\u2069",
    "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom\u2060word",
    "Министерство иностранных дел Российской Федерации",
    "مرحبا بكم في الحملة",
)
MEGABYTE = ("A megabyte of text <img src=x onerror=window.__pwned=1> " * 20_000)[: 1 << 20]

# One value per free-text field, within each field's limit (models.directory, models.campaigns,
# models.commands, models.accounts). Values shown as Markdown elements are one line
# without double spaces, so their text in the browser is exactly the stored text.
ADMIN_NAME = "boss"  # tests.browser.ADMIN, made by cli.py before this world is stored
USER_NAME = "mallory"
USER_DISPLAY = f"Mallory ![u](http://{EVIL}/user.png) :blue[Coordinator] mallory@{EVIL}"
CAMPAIGN_NAME = f"Free them :red[now] ![c](http://{EVIL}/camp.png) www.{EVIL} $x^2$"
OFFICIAL_NAME = f"Ivan <b>Petrov</b> :streamlit: ivan@{EVIL} [x](http://{EVIL}/o)"
OFFICIAL_TITLE = f"Head of $x^2$ [the department](http://{EVIL}/title) :material_call:"
ORGANISATION = f"МИД России <img src=http://{EVIL}/org.png onerror=window.__pwned=1>"
CONTACT_LABEL = f"Office :material/call: https://{EVIL}/label -> :smile:"
ADDRESS = f"![a](http://{EVIL}/address.png) Smolenskaya-Sennaya 32/34 www.{EVIL}"
EMAIL = f"press@{EVIL}"
WEB = f"http://{EVIL}/site"
NEW_USER_NAME = f"eve ![e](http://{EVIL}/eve.png) www.{EVIL} :red[eve]"


def joined(limit: int, separator: str = "\n") -> str:
    """As many of the hostile strings as fit in ``limit`` characters, in order."""
    text = ""
    for item in HOSTILE:
        candidate = f"{text}{separator}{item}" if text else item
        if len(candidate) > limit:
            break
        text = candidate
    return text


DESCRIPTION = joined(5_000)
ASK = joined(2_000, " ")
CALL_SCRIPT = "**Introduce yourself.** Say why you call.\n\n" + joined(19_000, "\n\n")
NOTES = joined(10_000)
SUMMARY = joined(2_000, " ")
OFFICIAL_NOTES = joined(10_000)


def store_hostile_world(database_url: str) -> None:
    """Store the values above in a seeded database: a coordinator, an active campaign
    (the seed campaign closed, so Log outreach opens on this one), its one official
    with four contact points, and an attempt with a response and a follow-up."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            admin_id = session.scalars(select(User.id).where(User.name == ADMIN_NAME)).one()
            user_id = accounts.create_account(
                session,
                name=USER_NAME,
                password="a hostile passphrase",
                role=Role.COORDINATOR,
                actor_id=admin_id,
                display_name=USER_DISPLAY,
            )
            for seeded in session.scalars(select(Campaign.id)).all():
                campaigns.set_status(session, seeded, CampaignStatus.CLOSED, actor_id=admin_id)
            data = CampaignInput(
                name=CAMPAIGN_NAME, description=DESCRIPTION, ask=ASK, call_script=CALL_SCRIPT
            )
            campaign_id = campaigns.create_campaign(session, data, actor_id=admin_id)
            official = OfficialInput(
                full_name=OFFICIAL_NAME,
                title=OFFICIAL_TITLE,
                organization=ORGANISATION,
                country="RU",
                timezone="Europe/Moscow",
                notes=OFFICIAL_NOTES,
            )
            official_id = directory.create_official(session, official, actor_id=admin_id)
            for kind, value in (
                (ContactKind.PHONE, "+7 499 244-30-25"),
                (ContactKind.EMAIL, EMAIL),
                (ContactKind.WEB, WEB),
                (ContactKind.ADDRESS, ADDRESS),
            ):
                directory.add_contact_point(
                    session,
                    official_id=official_id,
                    kind=kind,
                    value=value,
                    label=CONTACT_LABEL,
                    is_primary=True,
                    actor_id=admin_id,
                )
            campaigns.add_target(session, campaign_id, official_id, actor_id=admin_id)
            log_attempt(
                session,
                campaign_id=campaign_id,
                official_id=official_id,
                channel=Channel.PHONE,
                outcome=Outcome.SPOKE_TO_STAFF,
                actor_id=user_id,
                idempotency_key="hostile-world-1",
                occurred_at=datetime.now(UTC) - timedelta(hours=1),
                notes=NOTES,
                follow_up_on=datetime.now(UTC).date(),
                response=ResponseInput(Stance.NONCOMMITTAL, summary=SUMMARY),
            )
    finally:
        engine.dispose()
