"""Cutting the contact section into blocks, one per official: header lines (name, title,
organisation, address) followed by labelled contact lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.alerts import lines as kinds
from models.alerts.lines import Label, Labelled


@dataclass
class Header:
    """What the unlabelled lines of a block say."""

    name: str = ""
    role: str = ""  # "Senator" from "Senator Jane Doe"
    titles: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)


@dataclass
class Block:
    header: Header = field(default_factory=Header)
    contact_lines: list[Labelled] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # every line, for finding places

    @property
    def closed(self) -> bool:
        """Contacts have begun: the next header line starts another official."""
        return bool(self.contact_lines)


def split_blocks(section: list[str]) -> list[Block]:
    """Blocks in reading order; lines that are prose or belong to no block are skipped."""
    blocks: list[Block] = [Block()]
    after_blank = False
    for line in section:
        stripped = line.strip().lstrip("•*·-– ").strip() if line.strip() else ""
        if not stripped or kinds.is_separator(line):
            after_blank = True
            if kinds.is_separator(line):
                blocks.append(Block())
            continue
        _take(blocks, stripped, after_blank)
        after_blank = False
    return [block for block in blocks if block.header.name or block.contact_lines]


def _take(blocks: list[Block], line: str, after_blank: bool) -> None:
    contact = kinds.labelled(line)
    if contact is None and kinds.is_prose(line):
        return
    block = blocks[-1]
    if contact is not None:
        block.contact_lines.append(contact)
    else:
        continuation = _continuation(block, line)
        if continuation is not None:
            block.contact_lines.append(continuation)
        else:
            if block.closed or (after_blank and block.header.name):
                block = Block()
                blocks.append(block)
            read_header_line(block.header, line)
    block.text.append(line)


def _continuation(block: Block, line: str) -> Labelled | None:
    """A bare line that carries on the previous contact line: another number, an
    address's next line, an e-mail address."""
    if not block.contact_lines:
        return None
    previous = block.contact_lines[-1]
    if "@" in line and " " not in line.strip():
        return Labelled(
            Label.EMAIL, previous.qualifier if previous.label is Label.EMAIL else "", line
        )
    if previous.label is Label.ADDRESS and kinds.is_address(line):
        return Labelled(Label.ADDRESS, previous.qualifier, line)
    digits = sum(ch.isdigit() for ch in line)
    mostly_number = digits >= 7 and digits * 2 >= len(line.replace(" ", ""))
    if mostly_number and previous.label in (Label.PHONE, Label.FAX, Label.PHONE_AND_FAX):
        return Labelled(previous.label, previous.qualifier, line)
    return None


def read_header_line(header: Header, line: str) -> None:
    """Put one unlabelled line of a block into its header: a name, title, org or address."""
    parts = kinds.split_parts(line) or [""]  # a line of commas alone has no parts
    name, role = kinds.strip_prefixes(parts[0])
    if not header.name and kinds.is_name(name):
        header.name, header.role = name, role
        _read_tail(header, parts[1:])
        return
    if kinds.is_address(line):
        header.address.append(line)
        return
    role_of_line = kinds.role_by_keyword(line)
    if role_of_line == "title":
        header.titles.append(line)
    elif role_of_line == "org":
        header.orgs.append(line)


def _read_tail(header: Header, parts: list[str]) -> None:
    """The parts after a name on one line: titles, then the organisation, then places.

    The organisation is the last part led by an organisation word; what lies between
    the name and it is the title, commas and all ("Head of Press, Information ...").
    """
    while parts and kinds.is_place(parts[-1]):
        header.address.insert(0, parts.pop())
    org_at = max((i for i, p in enumerate(parts) if kinds.role_by_keyword(p) == "org"), default=-1)
    if org_at >= 0:
        header.orgs.append(", ".join(parts[org_at:]))
        parts = parts[:org_at]
    if parts:
        header.titles.append(", ".join(parts))
