"""Shipments to organizations: draft -> packed -> shipped (stock leaves the depot) -> delivered.

Each step is one transaction guarded by a conditional UPDATE on the status, so a shipment can be shipped
once however many people press the button. Cancelling is possible before shipping and releases any
reservation the shipment carried.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from outreach import audit, inventory
from outreach.catalog import material_of
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.errors import Conflict, InvalidInput, NotFound
from outreach.models import (
    Edition,
    Location,
    Organization,
    RestockRequest,
    RestockRequestLine,
    Shipment,
    ShipmentLine,
    StockUnit,
)
from outreach.organizations.addresses import normalize_key
from outreach.quantities import parse_quantity
from outreach.shipments import totals as shipment_totals
from outreach.text import clean_text

NEXT_STEP = {"draft": "packed", "packed": "shipped", "shipped": "delivered"}
MAX_TEXT_CHARS = 2_000


def _text(value: str | None, *, field: str) -> str | None:
    """One line of typed text, or InvalidInput when it is too long (never cut silently)."""
    return clean_text(value, field=field, max_length=MAX_TEXT_CHARS) or None


def _clean_lines(lines: Mapping[int, object] | Iterable[tuple[int, object]]) -> dict[int, int]:
    pairs = lines.items() if isinstance(lines, Mapping) else lines
    cleaned: dict[int, int] = {}
    for unit_id, quantity in pairs:
        try:
            unit = int(unit_id)
        except (TypeError, ValueError):
            raise InvalidInput(
                f"Stock item {unit_id!r} is not an item id. Pick an item from the list."
            ) from None
        cleaned[unit] = cleaned.get(unit, 0) + parse_quantity(quantity, field="Line quantity")
    if not cleaned:
        raise InvalidInput("The shipment has no lines. Add at least one item and quantity.")
    return cleaned


def add_shipment(
    session: Session,
    *,
    organization_id: int,
    depot_id: int,
    lines: dict[int, int],
    actor: str,
    note: str | None = None,
    request_id: int | None = None,
    reserved: dict[int, int] | None = None,
) -> Shipment:
    """Create a draft inside the caller's transaction (the restock queue uses this with `request_id`)."""
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(f"Organization #{organization_id} does not exist. Pick one from the list.")
    if organization.status != "active":
        raise InvalidInput(f"{organization.name} is paused. Reactivate it in the directory before shipping.")
    if session.get(Location, depot_id) is None:
        raise NotFound(f"Depot #{depot_id} does not exist. Pick a depot from the list.")
    for unit_id in lines:
        unit = session.get(StockUnit, unit_id)
        if unit is None:
            raise NotFound(f"Stock item #{unit_id} does not exist. Pick an item from the list.")
        inventory.require_active(unit)
    text = _text(note, field="The shipment note")
    shipment = Shipment(
        organization_id=organization_id, depot_id=depot_id, note=text, created_by=actor, request_id=request_id
    )
    shipment.lines = [
        ShipmentLine(unit_id=unit_id, quantity=quantity, reserved_quantity=(reserved or {}).get(unit_id, 0))
        for unit_id, quantity in lines.items()
    ]
    session.add(shipment)
    session.flush()
    shipment_totals.shipment_created(session, shipment)
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="shipment",
        entity_id=shipment.id,
        after={
            "organization_id": organization_id,
            "depot_id": depot_id,
            "lines": lines,
            "request_id": request_id,
        },
    )
    return shipment


def create_shipment(
    sessions: SessionFactory,
    *,
    organization_id: int,
    depot_id: int,
    lines: Mapping[int, object] | Iterable[tuple[int, object]],
    actor: str,
    note: str | None = None,
) -> int:
    cleaned = _clean_lines(lines)
    with sessions.begin() as session:
        return add_shipment(
            session, organization_id=organization_id, depot_id=depot_id, lines=cleaned, actor=actor, note=note
        ).id


def _advance(session: Session, shipment_id: int, expected: tuple[str, ...], new_status: str) -> Shipment:
    """Move the status only if it is still what we expect; otherwise someone got there first."""
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFound(f"Shipment #{shipment_id} does not exist.")
    stamp = {
        "packed": "packed_at",
        "shipped": "shipped_at",
        "delivered": "delivered_at",
        "cancelled": "cancelled_at",
    }[new_status]
    result = session.execute(
        update(Shipment)
        .where(Shipment.id == shipment_id, Shipment.status.in_(expected))
        .values(status=new_status, **{stamp: utcnow()})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(shipment)
        raise Conflict(
            f"Shipment #{shipment_id} is {shipment.status}, so it cannot be marked {new_status}. "
            "Reload the page to see its current state."
        )
    session.refresh(shipment)
    return shipment


def pack_shipment(sessions: SessionFactory, *, shipment_id: int, actor: str) -> None:
    with sessions.begin() as session:
        _advance(session, shipment_id, ("draft",), "packed")
        audit.record(
            session,
            actor=actor,
            action="pack",
            entity="shipment",
            entity_id=shipment_id,
            before={"status": "draft"},
            after={"status": "packed"},
        )


def ship_shipment(sessions: SessionFactory, *, shipment_id: int, actor: str) -> None:
    """Stock leaves the depot: one ledger row per line, all or nothing."""
    with sessions.begin() as session:
        shipment = _advance(session, shipment_id, ("packed",), "shipped")
        # A fixed order (by unit) so two shipments sharing items lock balance rows alike: no deadlock.
        for line in sorted(shipment.lines, key=lambda line: line.unit_id):
            inventory.require_active(line.unit)
            inventory.apply_movement(
                session,
                unit_id=line.unit_id,
                location_id=shipment.depot_id,
                kind="shipment",
                quantity=-line.quantity,
                reserved_change=-line.reserved_quantity,
                actor=actor,
                reference=f"shipment #{shipment.id}",
                shipment_id=shipment.id,
            )
        shipment_totals.shipment_shipped(session, shipment)
        _sync_request(session, shipment)
        audit.record(
            session,
            actor=actor,
            action="ship",
            entity="shipment",
            entity_id=shipment_id,
            before={"status": "packed"},
            after={"status": "shipped", "lines": {ln.unit_id: ln.quantity for ln in shipment.lines}},
        )


def deliver_shipment(sessions: SessionFactory, *, shipment_id: int, actor: str) -> None:
    with sessions.begin() as session:
        shipment = _advance(session, shipment_id, ("shipped",), "delivered")
        shipment_totals.shipment_delivered(session, shipment)
        _sync_request(session, shipment)
        audit.record(
            session,
            actor=actor,
            action="deliver",
            entity="shipment",
            entity_id=shipment_id,
            before={"status": "shipped"},
            after={"status": "delivered"},
        )


def cancel_shipment(sessions: SessionFactory, *, shipment_id: int, reason: str, actor: str) -> None:
    why = _text(reason, field="The reason for cancelling")
    if not why:
        raise InvalidInput("Say why the shipment is cancelled (e.g. 'organization closed for renovation').")
    with sessions.begin() as session:
        before = session.get(Shipment, shipment_id)
        previous = before.status if before else None
        shipment = _advance(session, shipment_id, ("draft", "packed"), "cancelled")
        shipment.cancel_reason = why
        shipment_totals.shipment_cancelled(session, shipment)
        # The reservation stays with the approved request; only the shipment is void, so the
        # request can be turned into a new shipment (the unique request_id is cleared here).
        if shipment.request_id is not None:
            request = session.get(RestockRequest, shipment.request_id)
            shipment.request_id = None
            if request is not None:
                request.status = "approved"
        audit.record(
            session,
            actor=actor,
            action="cancel",
            entity="shipment",
            entity_id=shipment_id,
            before={"status": previous},
            after={"status": "cancelled", "reason": why},
        )


def _sync_request(session: Session, shipment: Shipment) -> None:
    """Keep a linked restock request's lines and status in step with its shipment."""
    if shipment.request_id is None:
        return
    request = session.get(RestockRequest, shipment.request_id)
    if request is None:
        return
    shipped_units = {line.unit_id: line.quantity for line in shipment.lines}
    fully = True
    for line in request.lines:
        pack = material_of(line.unit.material).pack_size
        line.packs_shipped = shipped_units.get(line.unit_id, 0) // pack
        if line.packs_shipped < (line.packs_approved or 0):
            fully = False
    if shipment.status == "delivered":
        request.status = "delivered"
    elif shipment.status == "shipped":
        request.status = "shipped" if fully else "partially_shipped"


# --- reads --------------------------------------------------------------------------------------------


def _shipment_filters(
    statement: Select,
    *,
    status: str | None,
    organization_id: int | None,
    borough: str | None,
    language: str | None,
) -> Select:
    if status:
        statement = statement.where(Shipment.status == status)
    if organization_id is not None:
        statement = statement.where(Shipment.organization_id == organization_id)
    if borough:
        statement = statement.where(
            Shipment.organization_id.in_(select(Organization.id).where(Organization.borough == borough))
        )
    if language:
        # EXISTS, not IN (...): newest-first paging stops after a page instead of listing every match first.
        statement = statement.where(
            select(ShipmentLine.id)
            .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
            .where(ShipmentLine.shipment_id == Shipment.id, StockUnit.language == language)
            .exists()
        )
    return statement


def shipments(
    sessions: SessionFactory,
    *,
    status: str | None = None,
    organization_id: int | None = None,
    borough: str | None = None,
    language: str | None = None,
    limit: int | None = 1_000,
    offset: int = 0,
) -> pd.DataFrame:
    """One row per shipment with its organization, total units and languages, newest first.

    `limit`/`offset` page through the list (`limit=None`: every match, for exports): the page of shipment
    ids is chosen first (by the primary key, newest first) and only its lines are summed, so a page costs
    the same with 500 or 500,000 shipments.
    """
    chosen = _shipment_filters(
        select(Shipment.id),
        status=status,
        organization_id=organization_id,
        borough=borough,
        language=language,
    ).order_by(Shipment.id.desc())
    if limit is not None:
        chosen = chosen.limit(limit)
    if offset:
        chosen = chosen.offset(offset)
    page = chosen.subquery()
    totals = (
        select(
            ShipmentLine.shipment_id.label("shipment_id"),
            func.sum(ShipmentLine.quantity).label("units"),
            func.count(ShipmentLine.id).label("lines"),
        )
        .where(ShipmentLine.shipment_id.in_(select(page.c.id)))
        .group_by(ShipmentLine.shipment_id)
        .subquery()
    )
    statement = (
        select(
            Shipment.id.label("shipment_id"),
            Shipment.status,
            Organization.name.label("organization"),
            Organization.borough,
            Location.name.label("depot"),
            totals.c.units,
            totals.c.lines,
            Shipment.request_id,
            Shipment.created_at,
            Shipment.shipped_at,
            Shipment.delivered_at,
            Shipment.created_by,
            Shipment.note,
            Shipment.cancel_reason,
        )
        .join(totals, totals.c.shipment_id == Shipment.id)
        .join(Organization, Organization.id == Shipment.organization_id)
        .join(Location, Location.id == Shipment.depot_id)
        .order_by(Shipment.id.desc())
    )
    return read_frame(sessions, statement)


def recipients(sessions: SessionFactory, *, search: str, limit: int = 50) -> pd.DataFrame:
    """Active organizations a shipment can go to whose name or address contains `search` (folded the way
    the directory folds them), at most `limit`, by name: id, name, borough."""
    term = normalize_key(search)
    statement = (
        select(Organization.id, Organization.name, Organization.borough)
        .where(Organization.status == "active")
        .order_by(Organization.name_key, Organization.id)
        .limit(limit)
    )
    if term:
        statement = statement.where(
            or_(
                Organization.name_key.contains(term, autoescape=True),
                Organization.address_key.contains(term, autoescape=True),
            )
        )
    return read_frame(sessions, statement)


def recipient_count(sessions: SessionFactory) -> int:
    """How many active organizations there are (the picker lists them all when there are few)."""
    frame = read_frame(
        sessions,
        select(func.count().label("n")).select_from(Organization).where(Organization.status == "active"),
    )
    return int(frame["n"].iloc[0])


def shipment_lines(sessions: SessionFactory, shipment_id: int) -> pd.DataFrame:
    statement = (
        select(
            ShipmentLine.unit_id,
            StockUnit.material,
            StockUnit.language,
            Edition.code.label("edition"),
            ShipmentLine.quantity,
            ShipmentLine.reserved_quantity,
        )
        .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .where(ShipmentLine.shipment_id == shipment_id)
        .order_by(ShipmentLine.id)
    )
    return read_frame(sessions, statement)


def request_line_units(session: Session, request_id: int) -> dict[int, int]:
    """Approved units per stock unit for a request (used to pre-fill its shipment)."""
    rows = session.scalars(select(RestockRequestLine).where(RestockRequestLine.request_id == request_id))
    return {
        line.unit_id: (line.packs_approved or 0) * material_of(line.unit.material).pack_size
        for line in rows
        if line.packs_approved
    }
