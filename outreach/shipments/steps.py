"""Shipments to organizations: draft -> packed -> shipped (stock leaves the depot) -> delivered.

Each step is one transaction guarded by a conditional UPDATE on the status, so a shipment can be shipped
once however many people press the button. Cancelling is possible before shipping and releases any
reservation the shipment carried.

Shipping, delivering and cancelling publish an event (`outreach.shipments.events`) in the same transaction;
a shipment made from a restock request is followed there by `outreach.restock.fulfilment`, which owns the
request. The reads are in `outreach.shipments.reads`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session

from outreach import audit, inventory
from outreach.db import SessionFactory, get_or_not_found, utcnow
from outreach.errors import Conflict, InvalidInput
from outreach.models import Organization, Shipment, ShipmentLine
from outreach.quantities import parse_quantity
from outreach.shipments import events
from outreach.shipments import totals as shipment_totals
from outreach.text import clean_text

NEXT_STEP = {"draft": "packed", "packed": "shipped", "shipped": "delivered"}
MAX_TEXT_CHARS = 2_000
Moved = TypeVar("Moved", events.ShipmentShipped, events.ShipmentDelivered)


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
    organization = get_or_not_found(
        session,
        Organization,
        organization_id,
        f"Organization #{organization_id} does not exist. Pick one from the list.",
    )
    if organization.status != "active":
        raise InvalidInput(f"{organization.name} is paused. Reactivate it in the directory before shipping.")
    inventory.load_depot(session, depot_id)
    for unit_id in lines:
        inventory.require_active(inventory.load_unit(session, unit_id))
    text = _text(note, field="The shipment note")
    shipment = Shipment(
        organization_id=organization_id, depot_id=depot_id, note=text, created_by=actor, request_id=request_id
    )
    shipment.lines = [
        ShipmentLine(unit_id=unit_id, quantity=quantity, reserved_quantity=(reserved or {}).get(unit_id, 0))
        for unit_id, quantity in lines.items()
    ]
    audit.add_and_record(
        session,
        shipment,
        actor=actor,
        entity="shipment",
        after={
            "organization_id": organization_id,
            "depot_id": depot_id,
            "lines": lines,
            "request_id": request_id,
        },
    )
    shipment_totals.shipment_created(session, shipment)
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
    shipment = get_or_not_found(session, Shipment, shipment_id, f"Shipment #{shipment_id} does not exist.")
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
        _record_step(session, shipment_id, actor, "pack", before="draft", after={"status": "packed"})


def ship_shipment(sessions: SessionFactory, *, shipment_id: int, actor: str) -> None:
    """Stock leaves the depot: one ledger row per line, all or nothing."""
    with sessions.begin() as session:
        ship(session, shipment_id=shipment_id, actor=actor)


def deliver_shipment(sessions: SessionFactory, *, shipment_id: int, actor: str) -> None:
    with sessions.begin() as session:
        deliver(session, shipment_id=shipment_id, actor=actor)


def deliver(session: Session, *, shipment_id: int, actor: str) -> None:
    """The delivered step inside the caller's transaction (a driver's tap records its stop alongside)."""
    shipment = _advance(session, shipment_id, ("shipped",), "delivered")
    shipment_totals.shipment_delivered(session, shipment)
    events.publish(session, _moved(events.ShipmentDelivered, shipment))
    _record_step(session, shipment_id, actor, "deliver", before="shipped", after={"status": "delivered"})


def ship(session: Session, *, shipment_id: int, actor: str) -> None:
    """The shipped step inside the caller's transaction (a delivery run sends its shipments out together)."""
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
    events.publish(session, _moved(events.ShipmentShipped, shipment))
    lines = {line.unit_id: line.quantity for line in shipment.lines}
    _record_step(
        session, shipment_id, actor, "ship", before="packed", after={"status": "shipped", "lines": lines}
    )


def return_to_depot(session: Session, *, shipment_id: int, reason: str, actor: str) -> None:
    """Could not deliver: a shipped shipment comes back to its depot and is packed again, for the coordinators.

    The stock returns in the ledger (a 'return' row per line, re-reserving what the shipment had reserved),
    the totals move back to pending, and ShipmentReturned lets a restock request become approved again.
    """
    why = _text(reason, field="The reason it could not be delivered")
    if not why:
        raise InvalidInput("Say why the shipment could not be delivered (closed, refused, address wrong).")
    shipment = _advance(session, shipment_id, ("shipped",), "packed")
    for line in sorted(shipment.lines, key=lambda line: line.unit_id):
        inventory.apply_movement(
            session,
            unit_id=line.unit_id,
            location_id=shipment.depot_id,
            kind="return",
            quantity=line.quantity,
            reserved_change=line.reserved_quantity,
            actor=actor,
            reason=why,
            reference=f"shipment #{shipment.id} not delivered",
            shipment_id=shipment.id,
        )
    shipment.shipped_at = None
    shipment_totals.shipment_returned(session, shipment)
    events.publish(session, events.ShipmentReturned(shipment_id=shipment.id, request_id=shipment.request_id))
    _record_step(
        session, shipment_id, actor, "return", before="shipped", after={"status": "packed", "reason": why}
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
        # A void shipment fulfils nothing: clearing the unique request_id lets the request (which keeps
        # its reservation) be turned into a new shipment.
        request_id, shipment.request_id = shipment.request_id, None
        events.publish(session, events.ShipmentCancelled(shipment_id=shipment.id, request_id=request_id))
        _record_step(
            session,
            shipment_id,
            actor,
            "cancel",
            before=previous,
            after={"status": "cancelled", "reason": why},
        )


def _moved(event_type: type[Moved], shipment: Shipment) -> Moved:
    """The event of a step that moved the shipment's units on (shipped, delivered)."""
    units = tuple((line.unit_id, line.quantity) for line in shipment.lines)
    return event_type(shipment_id=shipment.id, request_id=shipment.request_id, units=units)


def _record_step(
    session: Session,
    shipment_id: int,
    actor: str,
    action: str,
    *,
    before: str | None,
    after: dict[str, object],
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="shipment",
        entity_id=shipment_id,
        before={"status": before},
        after=after,
    )
