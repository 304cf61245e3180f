"""Reading an action alert into a draft campaign: whom to contact, how, and where they sit.

The chain for each official: the block's country (from its address, else its numbers
written with a country code, else the places its title and organisation name, else
the alert's other officials, else ``region``), its numbers read in that country, and
its zone chosen by ``places.choose_zone``.
"""

from __future__ import annotations

from collections import Counter

import phonenumbers

from models.alerts import contacts as found
from models.alerts.blocks import Block, split_blocks
from models.alerts.draft import AlertDraft, DraftContact, DraftOfficial
from models.alerts.lines import Label
from models.alerts.places import choose_zone, countries_in, is_place
from models.alerts.sections import action_lines, clean_lines, title_and_description
from models.vocab import ContactKind

NUMBER_LABELS = (Label.PHONE, Label.FAX, Label.PHONE_AND_FAX)


def parse_alert(text: str, *, region: str = "RU") -> AlertDraft:
    """A draft of the campaign an alert asks for; numbers without a country code and
    without a place to say otherwise are read in ``region``."""
    lines = clean_lines(text)
    title, description = title_and_description(lines)
    blocks = split_blocks(action_lines(lines))
    evidence = [block_country(block) for block in blocks]
    fallback = _most_common([c for c in evidence if c]) or region.upper()
    officials = [
        official_from(block, country, fallback)
        for block, country in zip(blocks, evidence, strict=True)
    ]
    return AlertDraft(title, description, officials, text)


def _most_common(codes: list[str]) -> str:
    return Counter(codes).most_common(1)[0][0] if codes else ""


def block_country(block: Block) -> str:
    """The country the block's office is in, by the strongest evidence; "" when none."""
    address = " ".join(block.header.address)
    address += " " + " ".join(c.rest for c in block.contact_lines if c.label is Label.ADDRESS)
    in_address = countries_in(address)
    if in_address:
        return in_address[-1]
    by_number = _countries_of_international_numbers(block)
    if by_number:
        return _most_common(by_number)
    in_header = countries_in(" ".join(block.header.titles + block.header.orgs))
    return in_header[-1] if in_header else ""


def _countries_of_international_numbers(block: Block) -> list[str]:
    codes = []
    for line in block.contact_lines:
        if line.label in NUMBER_LABELS:
            for match in phonenumbers.PhoneNumberMatcher(line.rest, "ZZ"):
                codes.append(phonenumbers.region_code_for_number(match.number) or "")
    return [code for code in codes if code and code != "001"]


def official_from(block: Block, country: str, fallback: str) -> DraftOfficial:
    """The draft official of one block; ``country`` is "" when the block does not say."""
    region = country or fallback
    contacts = [c for line in block.contact_lines for c in found.contacts_from(line, region)]
    postal = ", ".join(block.header.address)
    contacts += [found.address(postal)] if postal and not is_place(postal) else []
    valid = [
        c.value for c in contacts if c.kind in (ContactKind.PHONE, ContactKind.FAX) and c.value
    ]
    problems = []
    if not country and valid:
        country = region  # its numbers are valid there, so that is where it is
    if not country:
        problems.append("no country found: pick one")
    zone, zone_problem = choose_zone(country, " ".join(block.text), valid) if country else ("", "")
    problems += (
        [zone_problem] if zone_problem else ["no time zone found: pick one"] if not zone else []
    )
    return DraftOfficial(
        full_name=block.header.name,
        title="; ".join(block.header.titles) or block.header.role,
        organization="; ".join(block.header.orgs),
        country=country,
        timezone=zone,
        salutation=_salutation(block),
        contacts=contacts,
        problems=problems + _block_problems(block, contacts),
    )


def _salutation(block: Block) -> str:
    said = [line.rest for line in block.contact_lines if line.label is Label.SALUTATION]
    return said[0].strip() if said else ""


def _block_problems(block: Block, contacts: list[DraftContact]) -> list[str]:
    """What is missing from the official; a contact's own problem stays on the contact."""
    problems = []
    if not block.header.name:
        problems.append("no name found for these contact points: enter one")
    if not contacts:
        problems.append("no phone, fax, e-mail or address found")
    return problems
