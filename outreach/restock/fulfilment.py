"""Restock requests, part three: fulfilment, the only writer of a request's status once stock moves.

`create_shipment_from_request` turns an approved request into a draft shipment of its approved lines,
carrying their reservations, once: Shipment.request_id is UNIQUE, so the database itself refuses a second
fulfilment.

From then on the Shipments page moves the shipment, and shipments never touch a request row: each step
publishes an event (`outreach.shipments.events`) that the handlers below, subscribed when this module is
imported, apply in the step's own transaction. So the ledger rows, the shipment and the request change
together or not at all:

- ShipmentShipped: each line's packs shipped; the request is shipped, or partially shipped when fewer packs
  left than were approved;
- ShipmentDelivered: the same packs, and the request is delivered;
- ShipmentCancelled: the request is approved again, keeping its reservation, ready for a new shipment;
- ShipmentReturned (could not deliver): the request is approved again; its shipment is packed again.

Restock imports shipments, never the other way round. Every place that runs shipment steps imports this
module (see `outreach.shipments.events`); a step that runs where nobody did raises instead of skipping it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outreach import audit
from outreach.catalog import material_of
from outreach.db import SessionFactory
from outreach.errors import Conflict, InvalidInput
from outreach.models import RestockRequest, RestockRequestLine
from outreach.restock.triage import guard_request, load_request, refuse_if_shipment, shipment_of
from outreach.shipments import events
from outreach.shipments import steps as shipments


def request_line_units(session: Session, request_id: int) -> dict[int, int]:
    """Approved units per stock unit for a request (what its shipment carries)."""
    rows = session.scalars(select(RestockRequestLine).where(RestockRequestLine.request_id == request_id))
    return {
        line.unit_id: (line.packs_approved or 0) * material_of(line.unit.material).pack_size
        for line in rows
        if line.packs_approved
    }


def create_shipment_from_request(
    sessions: SessionFactory, *, request_id: int, actor: str, note: str | None = None
) -> int:
    """A draft shipment of the approved lines, carrying their reservations; possible once per request."""
    try:
        with sessions.begin() as session:
            request = load_request(session, request_id)
            guard_request(session, request, ("approved",), actor, "turned into a shipment")
            refuse_if_shipment(session, request)
            units = request_line_units(session, request_id)
            if not units or request.depot_id is None:
                raise InvalidInput(f"Request {request.reference} has no approved packs to ship.")
            shipment = shipments.add_shipment(
                session,
                organization_id=request.organization_id,
                depot_id=request.depot_id,
                lines=units,
                reserved=units,
                request_id=request_id,
                actor=actor,
                note=note or f"Restock request {request.reference}",
            )
            audit.record(
                session,
                actor=actor,
                action="fulfil",
                entity="restock_request",
                entity_id=request_id,
                after={"shipment_id": shipment.id},
            )
            return shipment.id
    except IntegrityError as exc:  # UNIQUE(shipments.request_id): someone else made the shipment first
        with sessions() as session:
            existing = shipment_of(session, request_id)
        which = f" (shipment #{existing.id})" if existing else ""
        raise Conflict(
            f"Restock request #{request_id} already has a shipment{which}; it can be fulfilled once. "
            "Open it on the Shipments page."
        ) from exc


# --- following the shipment ---------------------------------------------------------------------------


def _request_of(session: Session, request_id: int | None) -> RestockRequest | None:
    return None if request_id is None else session.get(RestockRequest, request_id)


def _record_packs_shipped(request: RestockRequest, units: tuple[tuple[int, int], ...]) -> bool:
    """Set each line's packs shipped from the shipment's units; True when every approved pack left."""
    shipped_units = dict(units)
    fully = True
    for line in request.lines:
        pack = material_of(line.unit.material).pack_size
        line.packs_shipped = shipped_units.get(line.unit_id, 0) // pack
        if line.packs_shipped < (line.packs_approved or 0):
            fully = False
    return fully


def on_shipment_shipped(session: Session, event: events.ShipmentShipped) -> None:
    request = _request_of(session, event.request_id)
    if request is not None:
        fully = _record_packs_shipped(request, event.units)
        request.status = "shipped" if fully else "partially_shipped"


def on_shipment_delivered(session: Session, event: events.ShipmentDelivered) -> None:
    request = _request_of(session, event.request_id)
    if request is not None:
        _record_packs_shipped(request, event.units)
        request.status = "delivered"


def on_shipment_cancelled(session: Session, event: events.ShipmentCancelled) -> None:
    request = _request_of(session, event.request_id)
    if request is not None:
        request.status = "approved"


def on_shipment_returned(session: Session, event: events.ShipmentReturned) -> None:
    """Back at the depot, packed again: nothing has left for the request, which waits for the next run."""
    request = _request_of(session, event.request_id)
    if request is not None:
        for line in request.lines:
            line.packs_shipped = 0
        request.status = "approved"


events.subscribe(events.ShipmentShipped, on_shipment_shipped)
events.subscribe(events.ShipmentDelivered, on_shipment_delivered)
events.subscribe(events.ShipmentCancelled, on_shipment_cancelled)
events.subscribe(events.ShipmentReturned, on_shipment_returned)
