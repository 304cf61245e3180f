"""The action-alert reader on whole alerts: the shipped seed and six shapes met in practice.

Each test states, written out by hand, exactly whom the alert asks people to contact,
with every number in E.164, and names the people it must not pick up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.alerts import AlertDraft, DraftContact, DraftOfficial, alert_text, parse_alert
from models.vocab import ContactKind

DATA = Path(__file__).parent / "data" / "alerts"
ROOT = Path(__file__).parent.parent
SEED_ALERT = ROOT.parent / "shared" / "seed" / "000_6b96d70f58fc9d0a.txt"
PHONE, FAX, EMAIL, ADDRESS, WEB = (
    ContactKind.PHONE,
    ContactKind.FAX,
    ContactKind.EMAIL,
    ContactKind.ADDRESS,
    ContactKind.WEB,
)

Who = tuple[str, str, str, str, str]  # name, title, organisation, country, zone
How = tuple[ContactKind, str, str]  # kind, value, label


def read(name: str) -> AlertDraft:
    path = DATA / name
    return parse_alert(alert_text(path.read_bytes(), path.name))


def who(draft: AlertDraft) -> list[Who]:
    return [(o.full_name, o.title, o.organization, o.country, o.timezone) for o in draft.officials]


def how(official: DraftOfficial) -> list[How]:
    return [(c.kind, c.value, c.label) for c in official.contacts]


def names_anywhere(draft: AlertDraft) -> str:
    """Every name, title, organisation and contact the draft holds, as one string."""
    parts = [f"{o.full_name} {o.title} {o.organization}" for o in draft.officials]
    parts += [f"{c.raw} {c.value}" for o in draft.officials for c in o.contacts]
    return " ".join(parts)


@pytest.fixture(scope="module")
def seed_alert() -> str:
    if not SEED_ALERT.exists():  # pragma: no cover - shared/ sits beside every checkout
        pytest.skip("shared/seed is not beside this checkout")
    return SEED_ALERT.read_text("utf-8")


def test_seed_alert_yields_its_four_officials(seed_alert: str) -> None:
    """The HRF alert: the four officials, as written there, each in the right country and zone."""
    draft = parse_alert(seed_alert)
    assert who(draft) == [
        (
            "Viktorov Anatoly Dmitrievich",
            "Head of the Department for Humanitarian Cooperation and Human Rights (DHCHR)",
            "Ministry of Foreign Affairs of Russia",
            "RU",
            "Europe/Moscow",
        ),
        (
            "Evgeniy Zagaynov",
            "Deputy Permanent Representative"
            " (Legal Affairs, Human Rights Issues, Counterterrorism)",
            "Permanent Mission of Russian Federation to the UN",
            "US",
            "America/New_York",
        ),
        (
            "Fedor Strzhizhovskiy",
            "Head of Press, Information and Public Relations Section",
            "Permanent Mission of Russian Federation to the UN",
            "US",
            "America/New_York",
        ),
        (
            "Davide Casale",
            "Political officer for human rights",
            "Delegation of the European Union to Russia",
            "RU",
            "Europe/Moscow",
        ),
    ]


def test_seed_alert_numbers_are_all_found_in_e164(seed_alert: str) -> None:
    """Domestic "8 (499)" numbers, three lines on one row, and the fax two officials share."""
    viktorov, zagaynov, strzhizhovskiy, casale = parse_alert(seed_alert).officials
    assert how(viktorov) == [(PHONE, "+74992443025", ""), (FAX, "+74992443045", "")]
    assert how(zagaynov) == [
        (ADDRESS, "136 East 67 Street, New York, N.Y. 10065", ""),
        (PHONE, "+12128614900", ""),
        (PHONE, "+12128614901", ""),
        (PHONE, "+12128614902", ""),
        (FAX, "+12126280252", ""),
    ]
    assert how(strzhizhovskiy) == [(PHONE, "+12128614903", ""), (FAX, "+12126280252", "")]
    assert how(casale) == [
        (ADDRESS, "14/1, Kadashevskaya embankment, Moscow, 119017, Russian Federation", ""),
        (PHONE, "+74957212011", ""),
    ]


def test_seed_alert_matches_the_shipped_seed(seed_alert: str) -> None:
    """Same people (name words in any order), titles and numbers as data/seed_chechnya.json."""
    seed = json.loads((ROOT / "data" / "seed_chechnya.json").read_text("utf-8"))
    targets = seed["campaign"]["targets"]
    officials = parse_alert(seed_alert).officials
    assert [sorted(o.full_name.split()) for o in officials] == [
        sorted(t["full_name"].split()) for t in targets
    ]
    assert [o.title for o in officials] == [t["title"] for t in targets]
    assert [(o.country, o.timezone) for o in officials] == [
        (t["country"], t["timezone"]) for t in targets
    ]
    assert [sorted(c.raw for c in o.contacts) for o in officials] == [
        sorted(c["raw"] for c in t["contacts"]) for t in targets
    ]


def test_seed_alert_leaves_out_press_contact_and_the_people_it_is_about(seed_alert: str) -> None:
    """Not the press contact, not Putin or Kadyrov, not anyone merely quoted."""
    found = names_anywhere(parse_alert(seed_alert))
    for absent in ("Vidwans", "246-8486", "Putin", "Kadyrov", "Halvorssen", "El-Hage", "Peskov"):
        assert absent not in found


def test_seed_alert_description_is_its_first_full_paragraph(seed_alert: str) -> None:
    """The teaser that ends in "..." is passed over; the page's menu text is no headline."""
    draft = parse_alert(seed_alert)
    assert draft.title == ""
    assert draft.description.startswith("The Human Rights Foundation (HRF) calls on")
    assert draft.description.endswith("human rights defenders in Russia.")
    assert draft.source_text == seed_alert


def test_letter_appeal_reads_several_countries_and_salutations() -> None:
    """An urgent-action appeal: multi-line blocks, domestic numbers, Dear Minister."""
    draft = read("ua_letter_appeal.txt")
    assert draft.title == "URGENT ACTION: Journalist held incommunicado in Minsk"
    assert who(draft) == [
        (
            "Viktar Halubovich",
            "Prosecutor General",
            "Office of the Prosecutor General",
            "BY",
            "Europe/Minsk",
        ),
        (
            "Ihar Savitski",
            "Minister of Internal Affairs",
            "Ministry of Internal Affairs",
            "BY",
            "Europe/Minsk",
        ),
        (
            "Aigerim Seitkali",
            "Ambassador",
            "Embassy of Kazakhstan in the United Kingdom",
            "GB",
            "Europe/London",
        ),
    ]
    halubovich, savitski, seitkali = draft.officials
    assert [o.salutation for o in draft.officials] == [
        "Dear Prosecutor General",
        "Dear Minister",
        "Your Excellency",
    ]
    assert how(halubovich) == [
        (FAX, "+375172264252", ""),
        (EMAIL, "appeals@prokuratura.example.by", ""),
        (ADDRESS, "vul. Internatsionalnaya 22, 220030 Minsk, Belarus", ""),
    ]
    assert how(savitski) == [
        (PHONE, "+375172187802", ""),
        (FAX, "+375172187899", ""),
        (ADDRESS, "Haradski Val 4, 220030 Minsk, Belarus", ""),
    ]
    assert how(seitkali) == [
        (PHONE, "+442079251757", ""),
        (EMAIL, "London@embassy.example.kz", ""),
        (ADDRESS, "125 Pall Mall, London SW1Y 5EA, United Kingdom", ""),
    ]
    assert all(o.problems == [] for o in draft.officials)


def test_letter_appeal_leaves_out_copies_media_and_quoted_politician() -> None:
    """ "COPIES TO" and "Media contact" end the list; a senator quoted in the text is no target."""
    found = names_anywhere(read("ua_letter_appeal.txt"))
    for absent in ("Kensington", "+442073610005", "Brandt", "+442079460321", "Whitcombe"):
        assert absent not in found


def test_call_your_senators_keeps_every_office_with_its_label() -> None:
    """Several offices per senator, each number labelled; US numbers because the address is."""
    draft = read("senators.txt")
    assert draft.title == "Tell the Senate: pass the Press Freedom Abroad Act"
    assert who(draft) == [
        ("Margaret Ellison", "Senator", "", "US", "America/New_York"),
        ("Daniel Okafor", "United States Senator", "", "US", "America/New_York"),
    ]
    ellison, okafor = draft.officials
    assert how(ellison) == [
        (PHONE, "+12022244543", "Washington office"),
        (PHONE, "+16175653170", "Boston office"),
        (PHONE, "+14137854610", "Springfield office"),
        (WEB, "https://ellison.senate.example.gov/contact", ""),
        (ADDRESS, "317 Russell Senate Office Building, Washington, DC 20510", ""),
    ]
    assert how(okafor) == [
        (ADDRESS, "255 Dirksen Senate Office Building, Washington, DC 20510", ""),
        (PHONE, "+12022242742", "Washington office"),
        (PHONE, "+16175658519", "Boston office"),
        (PHONE, "+15086770523", "Fall River office"),
    ]
    found = names_anywhere(draft)
    for absent in ("Mendes", "Avery", "+16175550142"):
        assert absent not in found


def test_russian_alert_reads_cyrillic_blocks_and_domestic_numbers() -> None:
    """«Обращайтесь», «Телефон», «Факс», «Тел.» with two numbers, «Обращение»; no press contact."""
    draft = read("ru_alert.txt")
    assert draft.title == "Срочная акция: освободите правозащитницу Марину Соколову"
    assert who(draft) == [
        (
            "Тимофеев Андрей Николаевич",
            "Прокурор Республики Татарстан",
            "Прокуратура Республики Татарстан",
            "RU",
            "Europe/Moscow",
        ),
        (
            "Белова Ирина Сергеевна",
            "заместитель министра юстиции Российской Федерации",
            "Министерство юстиции Российской Федерации",
            "RU",
            "Europe/Moscow",
        ),
    ]
    timofeev, belova = draft.officials
    assert timofeev.salutation == "Уважаемый Андрей Николаевич"
    assert how(timofeev) == [
        (ADDRESS, "420111, г. Казань, ул. Кремлёвская, д. 35", ""),
        (PHONE, "+78432920361", ""),
        (FAX, "+78432920502", ""),
        (EMAIL, "priemnaya@tatprok.example.ru", ""),
    ]
    assert how(belova) == [
        (ADDRESS, "119991, г. Москва, ул. Житная, д. 14", ""),
        (PHONE, "+74959555999", ""),
        (PHONE, "+74959555779", ""),
        (FAX, "+74959555800", ""),
    ]
    found = names_anywhere(draft)
    for absent in ("Орлов", "+79161234567", "Ласточкин", "Соколов"):
        assert absent not in found


def test_email_alert_is_decoded_and_its_quoted_reply_ignored() -> None:
    """A quoted-printable Latin-1 e-mail: the subject is the title, the quoted minister is not
    a target, and numbers follow the country the other official's address names."""
    draft = read("france_reply.eml")
    assert draft.title == "Action needed: Amir Haddad must not be deported — call Lyon and Paris"
    assert draft.description.startswith("Amir Haddad, a blogger who fled Syria in 2019")
    assert who(draft) == [
        (
            "Chloé Renard",
            "Prefect of the Rhône department",
            "Prefecture of the Rhône, Lyon",
            "FR",
            "Europe/Paris",
        ),
        (
            "Laurent Mercier",
            "Director General for Foreigners in France",
            "Ministry of the Interior",
            "FR",
            "Europe/Paris",
        ),
    ]
    renard, mercier = draft.officials
    assert how(renard) == [(PHONE, "+33472616060", ""), (FAX, "+33472616400", "")]
    assert how(mercier) == [
        (PHONE, "+33149274927", ""),
        (EMAIL, "laurent.mercier@interieur.example.fr", ""),
        (ADDRESS, "Place Beauvau, 75008 Paris", ""),
    ]
    found = names_anywhere(draft)
    for absent in ("Garnier", "+33140076060", "Kovács", "Campaign desk"):
        assert absent not in found


def test_html_alert_reads_a_table_and_skips_scripts_and_media_contact() -> None:
    """Table cells with <br> lines, entities, a <script> holding a number that is not a target."""
    draft = read("georgia.html")
    assert draft.title == "Free Tamar Beridze now"
    assert draft.description.endswith("Her next hearing is on 18 June.")
    assert who(draft) == [
        (
            "Nino Kvaratskhelia",
            "Prosecutor General of Georgia",
            "Prosecutor’s Office of Georgia",
            "GE",
            "Asia/Tbilisi",
        ),
        (
            "David Lomidze",
            "Ambassador",
            "Embassy of Georgia to the United States",
            "US",
            "America/New_York",
        ),
    ]
    kvaratskhelia, lomidze = draft.officials
    assert how(kvaratskhelia) == [
        (PHONE, "+995322405201", ""),
        (FAX, "+995322405309", ""),
        (EMAIL, "info@pog.example.ge", ""),
    ]
    assert how(lomidze) == [
        (PHONE, "+12023872390", ""),
        (FAX, "+12023870864", ""),
        (ADDRESS, "1824 R Street NW, Washington, DC 20009", ""),
    ]
    found = names_anywhere(draft)
    for absent in ("+995322000000", "Gelashvili", "+995599123456", "Abashidze"):
        assert absent not in found


def test_invalid_numbers_are_kept_with_a_problem_never_stored() -> None:
    """A number missing digits is a contact with no value and a reason; a hidden e-mail too."""
    draft = read("invalid_number.txt")
    assert who(draft) == [
        (
            "Helen Strand",
            "Minister for the Environment",
            "Department of the Environment",
            "IE",
            "Europe/Dublin",
        ),
        (
            "Tomasz Wierzbicki",
            "Chief Forester",
            "State Forest Service of Poland",
            "PL",
            "Europe/Warsaw",
        ),
    ]
    strand, wierzbicki = draft.officials
    assert how(strand) == [
        (PHONE, "+35316782000", "switchboard"),
        (PHONE, "", ""),
        (FAX, "+35316782449", ""),
    ]
    assert how(wierzbicki) == [(PHONE, "+48221855000", ""), (PHONE, "", ""), (EMAIL, "", "")]
    bad = [c for o in draft.officials for c in o.contacts if not c.value]
    assert [c.raw for c in bad] == ["+353 1 678 20", "+48 22 185 5", "[email protected]"]
    assert bad[0].problem.startswith("“+353 1 678 20” is not a valid number for IE")
    assert bad[2].problem == "the web page hid this e-mail address: copy it from the original alert"
    assert "Hale" not in names_anywhere(draft)


def test_each_contact_is_a_draft_contact_with_its_raw_text() -> None:
    """``raw`` is the text as written in the alert, whatever the value became."""
    strand = read("invalid_number.txt").officials[0]
    assert strand.contacts[0] == DraftContact(
        PHONE, "+353 1 678 2000", "+35316782000", "switchboard"
    )
