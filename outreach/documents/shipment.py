"""What the printed documents say about a shipment, read from the database (read-only).

`shipment_details` gathers a shipment, its organization, depot, request reference and lines into one plain
value that `outreach.documents.pdf` turns into PDFs without touching the database. No contact details are read:
the packing slip travels with the box.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from outreach import i18n
from outreach.catalog import LANGUAGE_CODES, MATERIAL_CODES, material_of
from outreach.db import SessionFactory, read_frame
from outreach.errors import NotFound
from outreach.field import receipts
from outreach.inventory.reads import ITEM_COLUMNS
from outreach.models import Edition, Location, Organization, RestockRequest, Shipment, ShipmentLine, StockUnit


@dataclass(frozen=True)
class DocumentLine:
    material: str  # code: flyer, booklet
    language: str  # code: es, bn, ...
    edition: str
    units: int

    @property
    def pack_size(self) -> int:
        return material_of(self.material).pack_size

    @property
    def packs(self) -> int:
        """Whole packs; `loose` holds what is left over (a shipment counts units, people count packs)."""
        return self.units // self.pack_size

    @property
    def loose(self) -> int:
        return self.units % self.pack_size


@dataclass(frozen=True)
class ShipmentDetails:
    shipment_id: int
    status: str
    organization_name: str
    address: str | None
    zip_code: str | None
    borough: str | None
    preferred_language: str  # a catalog code: the ten languages, or zh-Hant
    depot: str
    created_at: dt.datetime | None
    request_reference: str | None
    packing_note: str | None
    lines: tuple[DocumentLine, ...]
    receipt_url: str | None = None  # the packing slip's "we received it" code (outreach.field.receipts)

    @property
    def total_units(self) -> int:
        return sum(line.units for line in self.lines)

    @property
    def total_packs(self) -> int:
        return sum(line.packs for line in self.lines)


def _order(line: DocumentLine) -> tuple[int, int, str]:
    # Pickers walk the shelves material by material, language by language, in the catalog's order.
    material_rank = (
        MATERIAL_CODES.index(line.material) if line.material in MATERIAL_CODES else len(MATERIAL_CODES)
    )
    language_rank = (
        LANGUAGE_CODES.index(line.language) if line.language in LANGUAGE_CODES else len(LANGUAGE_CODES)
    )
    return material_rank, language_rank, line.edition


def shipment_details(sessions: SessionFactory, shipment_id: int) -> ShipmentDetails:
    """Everything the pick list and packing slip print for one shipment; NotFound for an unknown id."""
    header = read_frame(
        sessions,
        select(
            Shipment.id,
            Shipment.status,
            Shipment.created_at,
            Shipment.note,
            Organization.name,
            Organization.address,
            Organization.zip_code,
            Organization.borough,
            Organization.preferred_language,
            Location.name.label("depot"),
            RestockRequest.reference,
        )
        .join(Organization, Organization.id == Shipment.organization_id)
        .join(Location, Location.id == Shipment.depot_id)
        .outerjoin(RestockRequest, RestockRequest.id == Shipment.request_id)
        .where(Shipment.id == shipment_id),
    )
    if header.empty:
        raise NotFound(f"Shipment #{shipment_id} does not exist. Pick a shipment from the list.")
    row = header.iloc[0]
    lines = read_frame(
        sessions,
        select(*ITEM_COLUMNS, ShipmentLine.quantity)
        .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .where(ShipmentLine.shipment_id == shipment_id),
    )
    document_lines = sorted(
        (
            DocumentLine(str(r.material), str(r.language), str(r.edition), int(r.quantity))
            for r in lines.itertuples(index=False)
        ),
        key=_order,
    )
    return ShipmentDetails(
        shipment_id=int(row["id"]),
        status=str(row["status"]),
        organization_name=str(row["name"]),
        address=_text(row["address"]),
        zip_code=_text(row["zip_code"]),
        borough=_text(row["borough"]),
        preferred_language=i18n.normalize(_text(row["preferred_language"])),
        depot=str(row["depot"]),
        created_at=_timestamp(row["created_at"]),
        request_reference=_text(row["reference"]),
        packing_note=_text(row["note"]),
        lines=tuple(document_lines),
        receipt_url=None if row["status"] == "cancelled" else receipts.receipt_url(sessions, int(row["id"])),
    )


def _text(value: object) -> str | None:
    # DataFrames turn SQL NULL into None or NaN depending on the column; both mean "not given".
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _timestamp(value: object) -> dt.datetime | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    stamp: dt.datetime = pd.Timestamp(value).to_pydatetime()  # type: ignore[arg-type]
    return stamp
