"""The officials export: one row per contact point, phone and fax values in E.164.

An official without contact points is one row with empty ``kind``, ``value`` and
``label`` (an outer join), so every official of the directory is in the file.

The whole directory includes archived officials (``archived`` is ``true``), so the file
is the directory as it stands and can be read back; with a campaign, only its targets,
in calling order (tier, then name).
"""

from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.exports.cells import BOM, csv_line, neutralise, terminator
from models.exports.columns import OFFICIAL_COLUMNS
from models.tables import CampaignTarget, ContactPoint, Official


def write_officials(
    session: Session, out: BinaryIO, *, excel: bool = False, campaign_id: int | None = None
) -> int:
    """Write the officials export to ``out`` as UTF-8; returns the number of rows."""
    end = terminator(excel)
    out.write(((BOM if excel else "") + csv_line(OFFICIAL_COLUMNS, end)).encode())
    rows = 0
    for row in session.execute(officials_select(campaign_id)):
        *text, archived_at = row
        cells = [neutralise("" if cell is None else str(cell)) for cell in text]
        out.write(csv_line([*cells, "false" if archived_at is None else "true"], end).encode())
        rows += 1
    return rows


def officials_select(campaign_id: int | None) -> Select[*tuple[Any, ...]]:
    stmt = select(
        Official.full_name, Official.title, Official.organization, Official.timezone,
        ContactPoint.kind, ContactPoint.value, ContactPoint.label, Official.country,
        Official.archived_at,
    ).outerjoin(  # an official without (live) contact points is one row with empty ones
        ContactPoint,
        (ContactPoint.official_id == Official.id) & ContactPoint.removed_at.is_(None),
    )  # fmt: skip
    order: list[Any] = [Official.full_name, Official.id, ContactPoint.position, ContactPoint.id]
    if campaign_id is not None:
        stmt = stmt.join(CampaignTarget, CampaignTarget.official_id == Official.id).where(
            CampaignTarget.campaign_id == campaign_id
        )
        order.insert(0, CampaignTarget.tier)
    return stmt.order_by(*order)
