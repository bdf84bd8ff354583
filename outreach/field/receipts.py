"""Parcels confirmed received by the organization: the packing slip's code, "We received it", mismatches.

The code on a packing slip is single-purpose: it names one shipment and is signed with HMAC-SHA256 under a
random key kept in the database (`receipt_keys`, made on first use), so the same slip can be printed again
and again, a code cannot be guessed or moved to another shipment, and it opens nothing but that parcel's
confirmation. Every bad code gets the same polite NotFound. The organization's restock link shows the same
confirmation for each of its parcels on the road or delivered.

A receipt is its own row (one per shipment, the database refuses a second); the shipment itself is never
written here. "We got fewer packs than listed" keeps the count per line and waits in the coordinators' queue
until one of them closes it with a note.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outreach import audit, i18n
from outreach.catalog import material_of
from outreach.config import settings
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.errors import Conflict, InvalidInput, NotFound
from outreach.models import (
    Organization,
    Receipt,
    ReceiptKey,
    ReceiptLine,
    Shipment,
    ShipmentLine,
    StockUnit,
)
from outreach.quantities import parse_quantity
from outreach.text import clean_text

RECEIVABLE = ("shipped", "delivered")  # a parcel on the road or delivered can be confirmed
SIGNATURE_CHARS = 27  # of base64url(HMAC-SHA256): 160 bits, short enough for a small QR code
_CODE_SHAPE = re.compile(rf"^([1-9][0-9]{{0,11}})\.([A-Za-z0-9_-]{{{SIGNATURE_CHARS}}})$")
MAX_NAME_CHARS = 200
MAX_NOTE_CHARS = 1_000
RECENT_CONFIRMED_DAYS = 30  # confirmed parcels stay listed (as confirmed) on the leader's page this long


@dataclass(frozen=True)
class ParcelLine:
    unit_id: int
    material: str
    language: str
    units: int

    @property
    def packs(self) -> int:
        """Packs as the leader counts them (a part pack counts as one)."""
        return -(-self.units // material_of(self.material).pack_size)


@dataclass(frozen=True)
class Parcel:
    """A shipment as the leader sees it: no depot, no notes, no contact data."""

    shipment_id: int
    organization_id: int
    status: str
    sent_on: dt.date | None
    lines: tuple[ParcelLine, ...]
    confirmed_at: dt.datetime | None


@dataclass(frozen=True)
class Confirmation:
    receipt_id: int
    mismatch: bool  # fewer units arrived than the slip listed


# --- the code on the packing slip -------------------------------------------------------------------------


def _signing_key(session: Session) -> bytes:
    row = session.scalar(select(ReceiptKey).order_by(ReceiptKey.id.desc()).limit(1))
    if row is None:
        try:
            with session.begin_nested():  # two first printers at once: one key wins, the other reads it
                row = ReceiptKey(id=1, secret=secrets.token_hex(32))
                session.add(row)
        except IntegrityError:
            row = session.scalar(select(ReceiptKey).order_by(ReceiptKey.id.desc()).limit(1))
        assert row is not None
    return bytes.fromhex(row.secret)


def _signature(key: bytes, shipment_id: int) -> str:
    digest = hmac.new(key, f"kyr-receipt:{shipment_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:SIGNATURE_CHARS]


def receipt_code(sessions: SessionFactory, shipment_id: int) -> str:
    """The code printed on shipment `shipment_id`'s packing slip: '<id>.<signature>'."""
    with sessions.begin() as session:
        return f"{shipment_id}.{_signature(_signing_key(session), shipment_id)}"


def receipt_url(sessions: SessionFactory, shipment_id: int) -> str:
    return f"{settings().public_url}/restock?r={receipt_code(sessions, shipment_id)}"


def invalid_code() -> NotFound:
    return i18n.localized(NotFound, "receipt.invalid")


def shipment_of_code(sessions: SessionFactory, code: str) -> int:
    """The shipment a packing-slip code names, or the same NotFound for any bad, forged or old code."""
    match = _CODE_SHAPE.match(code or "")
    if match is None:
        raise invalid_code()
    shipment_id = int(match.group(1))
    with sessions() as session:
        keys = [bytes.fromhex(k) for k in session.scalars(select(ReceiptKey.secret))]
    if not any(hmac.compare_digest(_signature(key, shipment_id), match.group(2)) for key in keys):
        raise invalid_code()
    return shipment_id


@dataclass(frozen=True)
class ScannedSlip:
    """What the public page may know once a packing-slip code checks out: that parcel and whose it is."""

    parcel: Parcel
    organization_name: str
    preferred_language: str


def resolve_code(sessions: SessionFactory, code: str) -> ScannedSlip:
    """The parcel a packing-slip code opens (on the road or delivered), or the one NotFound."""
    shipment_id = shipment_of_code(sessions, code)
    found = parcels(sessions, shipment_id=shipment_id)
    if not found:
        raise invalid_code()
    with sessions() as session:
        organization = session.get(Organization, found[0].organization_id)
        if organization is None:
            raise invalid_code()
        return ScannedSlip(
            parcel=found[0],
            organization_name=organization.name,
            preferred_language=i18n.normalize(organization.preferred_language),
        )


# --- what the leader sees -----------------------------------------------------------------------------


def parcels(
    sessions: SessionFactory,
    *,
    organization_id: int | None = None,
    shipment_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[Parcel]:
    """Parcels on the road or delivered, newest first, with their receipt if any: every unconfirmed one, and
    those confirmed in the last RECENT_CONFIRMED_DAYS (or exactly `shipment_id`)."""
    cutoff = (now or utcnow()) - dt.timedelta(days=RECENT_CONFIRMED_DAYS)
    statement = (
        select(
            Shipment.id.label("shipment_id"),
            Shipment.organization_id,
            Shipment.status,
            func.coalesce(Shipment.shipped_at, Shipment.created_at).label("sent_at"),
            Receipt.confirmed_at,
            ShipmentLine.unit_id,
            StockUnit.material,
            StockUnit.language,
            ShipmentLine.quantity,
        )
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
        .outerjoin(Receipt, Receipt.shipment_id == Shipment.id)
        .where(Shipment.status.in_(RECEIVABLE))
        .order_by(Shipment.id.desc(), ShipmentLine.id)
    )
    if shipment_id is not None:
        statement = statement.where(Shipment.id == shipment_id)
    else:
        statement = statement.where(Receipt.id.is_(None) | (Receipt.confirmed_at >= cutoff))
    if organization_id is not None:
        statement = statement.where(Shipment.organization_id == organization_id)
    frame = read_frame(sessions, statement)
    found: list[Parcel] = []
    for sid, rows in frame.groupby("shipment_id", sort=False):
        first = rows.iloc[0]
        found.append(
            Parcel(
                shipment_id=int(sid),  # type: ignore[call-overload]
                organization_id=int(first["organization_id"]),
                status=str(first["status"]),
                sent_on=None if pd.isna(first["sent_at"]) else pd.Timestamp(first["sent_at"]).date(),
                lines=tuple(
                    ParcelLine(int(r.unit_id), str(r.material), str(r.language), int(r.quantity))
                    for r in rows.itertuples()
                ),
                confirmed_at=None
                if pd.isna(first["confirmed_at"])
                else pd.Timestamp(first["confirmed_at"]).to_pydatetime(),
            )
        )
    return found


# --- confirming -----------------------------------------------------------------------------------------


def _received_units(line: ParcelLine, typed: object) -> int:
    """Units that arrived of one line, from the packs the leader typed (never more than listed)."""
    packs = parse_quantity(typed, field=(line.material, line.language), allow_zero=True, maximum=100_000)
    return min(line.units, packs * material_of(line.material).pack_size)


def confirm_receipt(
    sessions: SessionFactory,
    *,
    shipment_id: int,
    organization_id: int,
    channel: str,
    language: str,
    confirmed_by: str | None = None,
    received_packs: Mapping[int, object] | None = None,
    note: str | None = None,
    actor: str,
) -> Confirmation:
    """Record that the organization received shipment `shipment_id`.

    `received_packs`: packs that arrived per stock unit, only when fewer came than the slip listed (the
    receipt is then a mismatch with the counts per line). The shipment must belong to `organization_id`
    (the caller resolved the link or code) and be on the road or delivered. A second confirmation of the
    same parcel is refused (Conflict) and changes nothing.
    """
    name = clean_text(confirmed_by, field="The name", max_length=MAX_NAME_CHARS) or None
    text = clean_text(note, field="The note", max_length=MAX_NOTE_CHARS) or None
    found = parcels(sessions, organization_id=organization_id, shipment_id=shipment_id)
    if not found:
        raise invalid_code()
    parcel = found[0]
    if parcel.confirmed_at is not None:
        raise i18n.localized(Conflict, "receipt.already", date=f"{parcel.confirmed_at:%Y-%m-%d}")
    by_unit = {line.unit_id: line for line in parcel.lines}
    short: list[tuple[ParcelLine, int]] = []
    for unit_id, typed in (received_packs or {}).items():
        line = by_unit.get(int(unit_id))
        if line is None:
            raise InvalidInput(f"Stock item #{unit_id} is not in shipment #{shipment_id}.")
        units = _received_units(line, typed)
        if units < line.units:
            short.append((line, units))
    with sessions.begin() as session:
        receipt = Receipt(
            shipment_id=shipment_id,
            organization_id=organization_id,
            channel=channel,
            language=i18n.normalize(language),
            confirmed_by=name,
            mismatch=bool(short),
            note=text,
        )
        try:
            with session.begin_nested():
                receipt_id = audit.add_and_record(
                    session,
                    receipt,
                    actor=actor,
                    entity="receipt",
                    action="confirm_receipt",
                    after={
                        "shipment_id": shipment_id,
                        "channel": channel,
                        "mismatch": bool(short),
                        "short": {line.unit_id: [line.units, units] for line, units in short},
                    },
                )
        except IntegrityError:  # confirmed at the same moment from another phone
            raise i18n.localized(Conflict, "receipt.already", date=f"{utcnow():%Y-%m-%d}") from None
        for line, units in short:
            session.add(
                ReceiptLine(
                    receipt_id=receipt_id, unit_id=line.unit_id, units_listed=line.units, units_received=units
                )
            )
        return Confirmation(receipt_id=receipt_id, mismatch=bool(short))


# --- the coordinators' side -----------------------------------------------------------------------------


def confirmed_among(session: Session, shipment_ids: list[int]) -> set[int]:
    """Which of these shipments the organization has confirmed (the messages' overdue-receipt check)."""
    if not shipment_ids:
        return set()
    return set(session.scalars(select(Receipt.shipment_id).where(Receipt.shipment_id.in_(shipment_ids))))


def open_mismatches(sessions: SessionFactory) -> pd.DataFrame:
    """Receipts with fewer units than listed that no coordinator has closed yet, one row per short line:
    receipt_id, shipment_id, organization, confirmed_at, confirmed_by, material, language, units_listed,
    units_received, note."""
    statement = (
        select(
            Receipt.id.label("receipt_id"),
            Receipt.shipment_id,
            Organization.name.label("organization"),
            Receipt.confirmed_at,
            Receipt.confirmed_by,
            StockUnit.material,
            StockUnit.language,
            ReceiptLine.units_listed,
            ReceiptLine.units_received,
            Receipt.note,
        )
        .join(ReceiptLine, ReceiptLine.receipt_id == Receipt.id)
        .join(StockUnit, StockUnit.id == ReceiptLine.unit_id)
        .join(Organization, Organization.id == Receipt.organization_id)
        .where(Receipt.mismatch.is_(True), Receipt.reviewed_at.is_(None))
        .order_by(Receipt.confirmed_at, Receipt.id, ReceiptLine.id)
    )
    return read_frame(sessions, statement)


def close_mismatch(sessions: SessionFactory, *, receipt_id: int, note: str | None, actor: str) -> None:
    """A coordinator dealt with a short parcel (sent the rest, or found the count was right)."""
    text = clean_text(note, field="The note", max_length=MAX_NOTE_CHARS) or None
    with sessions.begin() as session:
        receipt = session.get(Receipt, receipt_id)
        if receipt is None or not receipt.mismatch:
            raise NotFound(f"Receipt #{receipt_id} has no mismatch to close. Reload the list.")
        if receipt.reviewed_at is not None:
            raise Conflict(f"Receipt #{receipt_id} was already closed by {receipt.reviewed_by}.")
        receipt.reviewed_at = utcnow()
        receipt.reviewed_by = actor
        receipt.review_note = text
        audit.record(
            session,
            actor=actor,
            action="close_mismatch",
            entity="receipt",
            entity_id=receipt_id,
            before={"reviewed_at": None},
            after={"reviewed_by": actor, "note": text},
        )


def confirmed_units(sessions: SessionFactory) -> pd.DataFrame:
    """Units confirmed received (what arrived, so short lines count what came), per language, borough and
    community district: language, borough, community_district, units. No contact data."""
    shortfall = select(ReceiptLine.receipt_id, ReceiptLine.unit_id, ReceiptLine.units_received).subquery()
    units = func.coalesce(shortfall.c.units_received, ShipmentLine.quantity)
    statement = (
        select(
            StockUnit.language,
            Organization.borough,
            Organization.community_district,
            func.sum(units).label("units"),
        )
        .select_from(Receipt)
        .join(ShipmentLine, ShipmentLine.shipment_id == Receipt.shipment_id)
        .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
        .join(Organization, Organization.id == Receipt.organization_id)
        .outerjoin(
            shortfall,
            (shortfall.c.receipt_id == Receipt.id) & (shortfall.c.unit_id == ShipmentLine.unit_id),
        )
        .group_by(StockUnit.language, Organization.borough, Organization.community_district)
    )
    return read_frame(sessions, statement)
