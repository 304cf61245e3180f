"""The alert reader's pieces: file decoding, HTML reduction, places and zones, line kinds."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.alerts import alert_text, check_contact, parse_alert
from models.alerts.blocks import split_blocks
from models.alerts.contacts import numbers_in
from models.alerts.lines import (
    Label,
    is_name,
    is_prose,
    labelled,
    role_by_keyword,
    split_parts,
    strip_prefixes,
)
from models.alerts.places import (
    choose_zone,
    city_of_zone,
    countries_in,
    is_place,
    zones_of_country,
)
from models.alerts.sections import action_lines, clean_lines, is_stop, title_and_description
from models.alerts.source import decode_bytes, email_to_text, html_to_text
from models.vocab import ContactKind


def _email(body: str, *, subtype: str = "plain", charset: str = "utf-8", cte: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = "a@example.org"
    message["To"] = "b@example.org"
    message["Subject"] = "Срочно: позвоните"
    message.set_content(body, subtype=subtype, charset=charset, cte=cte or None)
    return bytes(message)


# --- files to text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Тел.".encode(), "Тел."),
        ("\ufeffФакс".encode(), "Факс"),
        ("Факс".encode("cp1251"), "Факс"),
        (b"\x98\xff", "\x98ÿ"),  # neither UTF-8 nor cp1251 (0x98 is unassigned): Latin-1
    ],
)
def test_bytes_are_decoded_by_the_first_encoding_that_fits(data: bytes, text: str) -> None:
    """UTF-8, UTF-8 with BOM, Windows Cyrillic, and Latin-1 for anything else."""
    assert decode_bytes(data) == text


def test_base64_koi8_email_is_read_without_a_file_name() -> None:
    """RFC 822 headers are recognised in a paste; base64 and KOI8-R are undone."""
    raw = _email("Обращайтесь:\nФакс: 8 (495) 111-22-33\n", charset="koi8-r", cte="base64")
    assert b"base64" in raw
    text = alert_text(raw)
    assert text == "Срочно: позвоните\n\nОбращайтесь:\nФакс: 8 (495) 111-22-33\n"


def test_html_only_email_is_reduced_to_text() -> None:
    """An e-mail with only an HTML body gives that body's text, line by line."""
    raw = _email("<p>Call:<br>Tel: +7 495 111 22 33</p>", subtype="html")
    assert email_to_text(raw.decode()) == "Срочно: позвоните\n\nCall:\nTel: +7 495 111 22 33\n"


def test_email_with_a_wrong_charset_label_still_decodes() -> None:
    """A body whose charset label is unknown falls back to byte decoding."""
    raw = _email("Fax: 8 (495) 111-22-33\n").replace(b'charset="utf-8"', b'charset="x-nonsense"')
    assert "Fax: 8 (495) 111-22-33" in alert_text(raw, "alert.eml")


def test_email_without_a_text_body_gives_its_subject_only() -> None:
    """Nothing to read but the subject (an attachment-only message)."""
    message = EmailMessage()
    message["Subject"] = "Only a picture"
    message.set_content(b"\x89PNG", maintype="image", subtype="png")
    assert alert_text(bytes(message), "a.eml") == "Only a picture\n\n"


def test_html_reduction_keeps_blocks_and_drops_scripts() -> None:
    """Headings and paragraphs end with a blank line, <br> and cells with a newline."""
    markup = (
        "<html><head><style>p{}</style></head><body><nav>Home</nav><h1>Act &amp; win</h1>"
        "<script>Tel: 1</script><p>Call\n<b>now</b>:<br>Tel:&nbsp;+7 495</p>"
        "<table><tr><td>A</td><td>B</td></tr></table><ul><li>one</li><li>two</li></ul></body>"
    )
    assert html_to_text(markup) == "Act & win\n\nCall now:\nTel: +7 495\n\nA\nB\n\none\ntwo\n"


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        ("<!doctype html><p>Hi</p>", "", "Hi\n"),
        ("<p>Hi</p>", "page.HTM", "Hi\n"),
        ("<p>Hi</p>", "notes.txt", "<p>Hi</p>"),
        ("a\r\nb\rc", "", "a\nb\nc"),
        (b"From: a@b\r\nSubject: S\r\n\r\nbody", "alert.txt", "From: a@b\nSubject: S\n\nbody"),
    ],
)
def test_alert_text_goes_by_extension_then_content(
    data: str | bytes, filename: str, expected: str
) -> None:
    """.html or HTML-looking text is reduced; .txt is taken as it is."""
    assert alert_text(data, filename) == expected


# --- places and zones ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Ministry of Foreign Affairs of Russia", ["RU"]),
        ("Embassy of Belarus in the United Kingdom", ["BY", "GB"]),
        ("Belarusian Ministry of Justice", ["BY"]),
        ("Ukrainian Parliament", ["UA"]),
        ("136 East 67 Street, New York, N.Y. 10065", ["US", "US"]),
        ("317 Hart Senate Office Building, Washington, DC 20510", ["US"]),
        ("Министерство юстиции Российской Федерации", ["RU"]),
        ("посольство Беларуси", ["BY"]),
        ("Prosecutor's Office, Tbilisi", ["GE"]),
        ("a Russian", []),  # an adjective counts only before a noun
        ("Department of the Environment", []),
    ],
)
def test_countries_are_found_by_name_adjective_city_and_us_zip(
    text: str, countries: list[str]
) -> None:
    """ISO names and common names, derived adjectives, Russian names in any case, zone cities."""
    assert countries_in(text) == countries


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Moscow 119991", True),
        ("Minsk, Belarus", True),
        ("New York, N.Y. 10065", True),
        ("Russian Federation", True),
        ("Jordan Lee", False),
        ("Ministry of Justice", False),
        ("", False),
    ],
)
def test_is_place_only_for_text_that_names_places(text: str, place: bool) -> None:
    assert is_place(text) is place


def test_zone_tables_come_from_tzdata() -> None:
    assert zones_of_country("BY") == ["Europe/Minsk"]
    assert "Europe/Moscow" in zones_of_country("RU")
    assert zones_of_country("XX") == []
    assert city_of_zone("America/Indiana/Tell_City") == "Tell City"


@pytest.mark.parametrize(
    ("country", "text", "numbers", "expected"),
    [
        ("BY", "", [], ("Europe/Minsk", "")),  # the country's one zone
        ("US", "Chicago office", ["+12022243121"], ("America/Chicago", "")),  # the city named
        ("RU", "", ["+74992443025"], ("Europe/Moscow", "")),  # the zone of its numbers
        (
            "RU",
            "",
            ["+79161234567"],  # a mobile number: phonenumbers gives zones all over Russia
            ("", "26 time zones in RU and nothing says which: pick one"),
        ),
        (
            "US",
            "",
            ["+12022243121", "+13105550100"],  # offices in Washington and Los Angeles
            ("", "29 time zones in US and nothing says which: pick one"),
        ),
        ("XX", "", [], ("", "no time zone found: pick one")),
    ],
)
def test_zone_choice_goes_country_city_numbers(
    country: str, text: str, numbers: list[str], expected: tuple[str, str]
) -> None:
    """The chain: one zone; else a zone whose city the text names; else the numbers' zone."""
    assert choose_zone(country, text, numbers) == expected


# --- line kinds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "label", "qualifier", "rest"),
    [
        ("Tel (reception): +7 495 111 22 33", Label.PHONE, "reception", "+7 495 111 22 33"),
        ("Telephones: +1 212 861 4900", Label.PHONE, "", "+1 212 861 4900"),
        ("Mobile: +7 916 123 45 67", Label.PHONE, "mobile", "+7 916 123 45 67"),
        ("Tel/Fax: 8 017 226 42 52", Label.PHONE_AND_FAX, "", "8 017 226 42 52"),
        ("Факс 8 (495) 111-22-33", Label.FAX, "", "8 (495) 111-22-33"),
        ("Эл. почта: a@b.ru", Label.EMAIL, "", "a@b.ru"),
        ("Address:136 East 67 Street", Label.ADDRESS, "", "136 East 67 Street"),
        ("Обращение: Уважаемый министр", Label.SALUTATION, "", "Уважаемый министр"),
        ("Twitter: @minjust", Label.WEB, "", "@minjust"),
        ("Приёмная: 8 (495) 111-22-33", Label.PHONE, "Приёмная", "8 (495) 111-22-33"),
        ("Fax line: 8 (495) 111-22-33", Label.FAX, "Fax line", "8 (495) 111-22-33"),
    ],
)
def test_labelled_lines(line: str, label: Label, qualifier: str, rest: str) -> None:
    """English and Russian labels, a qualifier in brackets, "X office:" lines."""
    found = labelled(line)
    assert found is not None
    assert (found.label, found.qualifier, found.rest) == (label, qualifier, rest)


@pytest.mark.parametrize(
    "line",
    [
        "Address your letter to the minister",  # a sentence, no colon
        "Phone them today",  # no number
        "Email: none given",  # no address
        "Visit us at: 14 Zhitnaya Street, 119991",  # an address, not an office number
        "Office hours: 9 to 18",  # too few digits
    ],
)
def test_lines_that_are_not_contact_lines(line: str) -> None:
    assert labelled(line) is None


def test_prose_and_parts() -> None:
    assert is_prose("Please send appeals before 14 June 2026.")
    assert not is_prose("Head of the Department for Humanitarian Cooperation")
    assert split_parts("A, B (c, d) – E - F-G") == ["A", "B (c, d)", "E", "F-G"]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Head of the Department for Human Rights", "title"),
        ("Department for Human Rights", "org"),
        ("Prosecutor General's Office", "org"),
        ("заместитель министра юстиции", "title"),
        ("Министерству юстиции", "org"),
        ("Political officer for human rights", "title"),
        ("Судаков Иван", ""),  # a surname that begins like "суд" is no court
    ],
)
def test_role_by_first_keyword(text: str, role: str) -> None:
    assert role_by_keyword(text) == role


@pytest.mark.parametrize(
    ("line", "stripped"),
    [
        ("Mr. Viktar Halubovich", ("Viktar Halubovich", "")),
        ("H.E. David Lomidze", ("David Lomidze", "")),
        ("Senator Margaret Ellison (D-MA)", ("Margaret Ellison", "Senator")),
        ("Ambassador Her Excellency Ana Costa", ("Ana Costa", "Ambassador")),
    ],
)
def test_prefixes_do_not_break_names(line: str, stripped: tuple[str, str]) -> None:
    assert strip_prefixes(line) == stripped


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Viktorov Anatoly Dmitrievich", True),
        ("Ludwig van Beethoven", True),
        ("J. R. Smith", True),
        ("Тимофеев Андрей Николаевич", True),
        ("Russian Federation", False),
        ("Ministry of Justice", False),
        ("In Moscow", False),
        ("Prince", False),
        ("Room 12 Block", False),
        ("information officer", False),
    ],
)
def test_what_counts_as_a_name(text: str, name: bool) -> None:
    assert is_name(text) is name


# --- sections ------------------------------------------------------------------------


def test_quoted_replies_and_original_messages_are_dropped() -> None:
    lines = clean_lines(
        "Call:\u200b\n> quoted\nOn Mon, 1 Jun 2026, Ann <a@b> wrote:\n"
        "1 июня 2026 г. Иван <i@b> написал:\nkept\n-----Original Message-----\nold"
    )
    assert lines == ["Call:", "kept"]


def test_without_a_marker_the_text_is_read_up_to_a_stop_line() -> None:
    assert action_lines(["Ann Lee", "Tel: 1", "Press contact:", "Bo Li", "Tel: 2"]) == [
        "Ann Lee",
        "Tel: 1",
    ]


def test_a_marker_keeps_what_follows_its_colon_and_reopens_after_a_stop() -> None:
    lines = ["intro", "Please write to: Ann Lee", "Copies to: X", "b", "Who to call:", "c"]
    assert action_lines(lines) == ["", "Ann Lee", "", "c"]


@pytest.mark.parametrize("line", ["About Civic Watch", "-- ", "Thanks,", "Контакты для прессы:"])
def test_stop_lines(line: str) -> None:
    assert is_stop(line)


# --- blocks and officials ------------------------------------------------------------


def test_continuation_lines_join_the_contact_above() -> None:
    """A bare number after a Tel line, an address's second line, a bare e-mail address."""
    (block,) = split_blocks(
        [
            "Ann Lee",
            "Tel: +7 495 111 22 33",
            "+7 495 111 22 44",
            "Address: 14 Zhitnaya St",
            "Moscow 119991",
            "ann@example.ru",
        ]
    )
    assert [(c.label, c.rest) for c in block.contact_lines] == [
        (Label.PHONE, "+7 495 111 22 33"),
        (Label.PHONE, "+7 495 111 22 44"),
        (Label.ADDRESS, "14 Zhitnaya St"),
        (Label.ADDRESS, "Moscow 119991"),
        (Label.EMAIL, "ann@example.ru"),
    ]


def test_a_separator_or_blank_line_before_a_new_name_ends_a_block() -> None:
    blocks = split_blocks(["Ann Lee", "Minister of Culture", "", "Bob Stone", "---", "Cy Dee"])
    assert [b.header.name for b in blocks] == ["Ann Lee", "Bob Stone", "Cy Dee"]


def test_unnamed_contacts_and_unknown_places_are_problems() -> None:
    """Contacts under no name, and an official with nothing to place, are flagged."""
    draft = parse_alert("Please call:\nFax: +7 (495) 111-22-33\n\nAnn Lee\nMinister of Culture\n")
    unnamed, ann = draft.officials
    assert (unnamed.full_name, unnamed.country, unnamed.timezone) == ("", "RU", "Europe/Moscow")
    assert unnamed.problems == ["no name found for these contact points: enter one"]
    assert (ann.country, ann.timezone) == ("", "")
    assert ann.problems == [
        "no country found: pick one",
        "no time zone found: pick one",
        "no phone, fax, e-mail or address found",
    ]


def test_region_reads_numbers_when_nothing_else_places_them() -> None:
    """ "(202) 224-3121" is valid in the US only: with region US it is read, with RU refused."""
    text = "Call your senators:\nAnn Lee\nPhone: (202) 224-3121\n"
    (us,) = parse_alert(text, region="us").officials
    assert [(c.value, us.country, us.timezone) for c in us.contacts] == [
        ("+12022243121", "US", "America/New_York")
    ]
    (ru,) = parse_alert(text).officials
    assert [(c.kind, c.value) for c in ru.contacts] == [(ContactKind.PHONE, "")]
    assert ru.problems == ["no country found: pick one", "no time zone found: pick one"]


def test_digit_runs_the_matcher_passes_over_are_kept() -> None:
    """A number glued to a letter is still read; short runs (a house number) are not numbers."""
    contacts = numbers_in("No. 12, N84951112233; 8 (495) 111-22", ContactKind.FAX, "", "RU")
    assert [(c.raw, c.value) for c in contacts] == [
        ("84951112233", "+74951112233"),
        ("8 (495) 111-22", ""),
    ]


def test_title_is_not_looked_for_past_a_stop_line() -> None:
    """A press block before any prose ends the search: no headline, no description."""
    assert title_and_description(["Press contact: Ann", "", "Long enough prose " * 5 + "."]) == (
        "",
        "",
    )


def test_phone_and_fax_line_gives_both() -> None:
    """One number labelled "Tel/Fax" is both a phone and a fax contact."""
    text = "Ann Lee, Minister of Culture\nTel/Fax: 8 (017) 218 78 02\n"
    (official,) = parse_alert(text, region="BY").officials
    assert [(c.kind, c.value) for c in official.contacts] == [
        (ContactKind.PHONE, "+375172187802"),
        (ContactKind.FAX, "+375172187802"),
    ]
    assert (official.country, official.timezone) == ("BY", "Europe/Minsk")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_alert_never_raises(text: str) -> None:
    """Whatever is pasted, the reader returns a draft (perhaps an empty one)."""
    draft = parse_alert(text)
    assert draft.source_text == text


@settings(max_examples=100, deadline=None)
@given(st.binary(), st.sampled_from(["", "a.txt", "a.eml", "a.html"]))
def test_alert_text_never_raises(data: bytes, filename: str) -> None:
    assert isinstance(alert_text(data, filename), str)


@pytest.mark.parametrize(
    ("kind", "raw", "region", "value", "problem"),
    [
        (ContactKind.PHONE, "8 (499) 244-30-25", "RU", "+74992443025", ""),
        (ContactKind.FAX, " (212) 628-0252 ", "US", "+12126280252", ""),
        (ContactKind.PHONE, "+353 1 678 20", "IE", "", "is not a valid number"),
        (ContactKind.EMAIL, "Press@MFA.Example.ORG", "RU", "Press@mfa.example.org", ""),
        (ContactKind.EMAIL, "press at mfa", "RU", "", "is not an e-mail address"),
        (
            ContactKind.ADDRESS,
            "14/1  Kadashevskaya emb.,  Moscow,",
            "RU",
            "14/1 Kadashevskaya emb., Moscow",
            "",
        ),
        (ContactKind.PHONE, "   ", "RU", "", "empty"),
    ],
)
def test_a_contact_corrected_in_the_preview_is_read_again(
    kind: ContactKind, raw: str, region: str, value: str, problem: str
) -> None:
    """A retyped number is parsed again in the official's region; bad text is a problem."""
    checked = check_contact(kind, raw, "office", region)
    assert (checked.kind, checked.value, checked.label) == (kind, value, "office")
    assert problem in checked.problem
    assert bool(checked.problem) == bool(problem)
