"""Reading a CSV by rule: each encoding, each delimiter, quoting, line numbers, not-a-CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.importing.headers import OFFICIAL_FIELDS, match_columns
from models.importing.reading import NotACsv, read_table
from models.importing.report import ImportRejected

ROWS = [["ФИО", "Телефон"], ["Семёнов Иван", "8 (499) 244-30-25"]]


def written(tmp_path: Path, data: bytes, name: str = "list.csv") -> bytes:
    """The bytes as they come back from a real file (the tests read what they wrote)."""
    path = tmp_path / name
    path.write_bytes(data)
    return path.read_bytes()


def as_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    return "".join(delimiter.join(row) + newline for row in rows)


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("cp1251", b"", "windows-1251"),
    ],
)
def test_each_encoding_is_read_by_rule(
    tmp_path: Path, encoding: str, bom: bytes, expected: str
) -> None:
    """A BOM names the encoding; without one, strict UTF-8, else Windows-1251."""
    data = written(tmp_path, bom + as_text(ROWS).encode(encoding))
    table = read_table(data)
    assert table.encoding == expected
    assert table.header == ("ФИО", "Телефон")
    assert [r.cells for r in table.records] == [("Семёнов Иван", "8 (499) 244-30-25")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_each_delimiter_and_line_end(tmp_path: Path, delimiter: str, newline: str) -> None:
    """Comma, semicolon and tab are sniffed from the header; LF and CRLF both end lines."""
    rows = [["name", "title", "phone"], ["Ann Lee", "Consul", "+12125550100"]]
    table = read_table(written(tmp_path, as_text(rows, delimiter, newline).encode()))
    assert (table.delimiter, table.records[0].cells) == (
        delimiter,
        ("Ann Lee", "Consul", "+12125550100"),
    )


def test_quoted_cells_and_the_line_each_record_starts_on(tmp_path: Path) -> None:
    """Quoted commas, quotes and newlines stay in their cell; line numbers count file lines."""
    text = 'name,notes\r\n"Lee, Ann","said ""no""\r\ntwice"\r\n\r\nBob Roe,plain\r\n'
    table = read_table(written(tmp_path, text.encode()))
    assert [(r.line, r.cells) for r in table.records] == [
        (2, ("Lee, Ann", 'said "no"\r\ntwice')),
        (5, ("Bob Roe", "plain")),
    ]


def test_a_row_of_the_wrong_width_is_reported_with_its_line(tmp_path: Path) -> None:
    table = read_table(written(tmp_path, b"name,title\nAnn,Consul,extra\nBob,Clerk\n"))
    assert table.problems == ("line 2: has 3 cells, the header has 2",)
    assert [r.line for r in table.records] == [3]


def test_an_unbalanced_quote_is_reported_not_swallowed(tmp_path: Path) -> None:
    table = read_table(written(tmp_path, b'name,title\nAnn,Consul\n"Bob,Clerk\nCy,Aide\n'))
    assert [r.line for r in table.records] == [2]
    assert len(table.problems) == 1
    assert table.problems[0].startswith("line 3: cannot be read as CSV")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-an-xlsx", "This is a spreadsheet file"),
        (b"\x00\x01\x02binary\x00", "The file holds NUL bytes"),
        (b"", "The file is empty."),
        (b"  \r\n", "The file is empty."),
        (b"name,phone\r\n", "The file has a header but no rows."),
    ],
)
def test_not_a_csv_is_refused_with_a_clear_message(
    tmp_path: Path, data: bytes, message: str
) -> None:
    with pytest.raises(NotACsv, match="^" + message.replace(".", r"\.")):
        read_table(written(tmp_path, data))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Full Name", "name"),
        ("  ФИО ", "name"),
        ("Имя", "name"),
        ("official", "name"),
        ("POSITION", "title"),
        ("Должность", "title"),
        ("organisation", "organization"),
        ("Ведомство", "organization"),
        ("Страна", "country"),
        ("Tel", "phone"),
        ("Телефон", "phone"),
        ("Faxes", "fax"),
        ("Факс", "fax"),
        ("E-mail", "email"),
        ("Эл. почта", "email"),
        ("Адрес", "address"),
        ("Time Zone", "timezone"),
        ("Часовой пояс", "timezone"),
    ],
)
def test_header_aliases_in_english_and_russian(header: str, field: str) -> None:
    """Headers match case- and space-insensitively, in either language."""
    columns = match_columns(("name" if field != "name" else "x", header), OFFICIAL_FIELDS, ())
    assert columns.index[field] == 1


def test_unknown_columns_are_named_and_a_missing_name_column_rejects() -> None:
    columns = match_columns(("Name", "Birthday", "Shoe size"), OFFICIAL_FIELDS, ("name",))
    assert columns.unknown == ("Birthday", "Shoe size")
    with pytest.raises(ImportRejected) as caught:
        match_columns(("Phone", "Fax"), OFFICIAL_FIELDS, ("name",))
    assert caught.value.problems == [
        "line 1: no name column (name it one of: name, full name, official, фио, имя)"
    ]
