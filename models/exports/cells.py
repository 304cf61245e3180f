"""One CSV cell and one CSV line: formula neutralisation, its inverse, and quoting.

Formula neutralisation (OWASP "CSV injection"): a cell that starts with ``=``, ``+``,
``-``, ``@``, TAB, CR or LF is written with a leading ``'``, which spreadsheets show
as text. Decision: a cell that is exactly an E.164 number (``+74992443025``, ASCII
digits only) is left as it is. A plain number cannot run as a formula, and the
officials export promises E.164 values that a script can read back unchanged. So that
:func:`unneutralise` undoes :func:`neutralise` exactly, a cell made of leading ``'``
characters followed by a cell that would be escaped is escaped too (``'=1`` is written
``''=1``).

Quoting: a cell holding a comma, a double quote, CR or LF is written between double
quotes (quotes doubled). Python's csv writer with ``lineterminator="\\n"`` leaves a
lone CR unquoted, which splits a record in two for every reader; :func:`csv_line`
never does. This module is the reference that the SQL-built lines of
``models/exports/lines.py`` must equal byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_START = "=+-@\t\r\n"
_FORMULA_START = frozenset(FORMULA_START)
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_NEEDS_QUOTES = re.compile('[,"\r\n]')
BOM = "\ufeff"


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet (see the module notes)."""
    if cell[:1] in _FORMULA_START or cell[:1] == "'":
        return "'" + cell if _runs_as_formula(cell) else cell
    return cell


def unneutralise(cell: str) -> str:
    """The exact inverse of :func:`neutralise`, for reading our own exports back."""
    if cell[:1] == "'" and _runs_as_formula(cell[1:]):
        return cell[1:]
    return cell


def _runs_as_formula(cell: str) -> bool:
    """Whether ``cell``, once its leading quotes are taken off, starts like a formula."""
    rest = cell.lstrip("'")
    return rest[:1] in _FORMULA_START and not _E164.fullmatch(rest)


def quote(cell: str) -> str:
    """``cell`` as CSV text: between double quotes when it holds ``,``, ``"``, CR or LF."""
    if _NEEDS_QUOTES.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_line(cells: Iterable[str], terminator: str = "\n") -> str:
    """One record: the cells quoted as needed, joined by commas, ended by ``terminator``."""
    return ",".join(quote(cell) for cell in cells) + terminator


def terminator(excel: bool) -> str:
    return "\r\n" if excel else "\n"
