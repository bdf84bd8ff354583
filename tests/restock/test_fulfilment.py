"""Fulfilment: a request becomes one shipment, and the request follows that shipment through the shipment
events, in the step's own transaction (a step that fails leaves the request exactly as it was)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from outreach import inventory, organizations
from outreach.errors import Conflict, InvalidInput
from outreach.models import RestockRequest, Shipment, StockMovement
from outreach.restock import fulfilment, triage
from outreach.restock import submission as restock
from outreach.shipments import events
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments

ACTOR = "cora"


@pytest.fixture
def units(sessions, ref):
    """Yiddish flyers (packs of 50) and booklets (packs of 25), 500 each at the main depot."""
    chosen = {"flyer": ref.units[("flyer", "yi")], "booklet": ref.units[("booklet", "yi")]}
    for unit in chosen.values():
        inventory.receive(
            sessions, unit_id=unit, location_id=ref.main_depot, quantity=500, reference="run", actor="t"
        )
    return chosen


@pytest.fixture
def request_id(sessions, ref, units):
    """An approved request for 4 packs of flyers and 2 of booklets (200 + 50 units reserved)."""
    org = organizations.create_organization(
        sessions, name="Lantern Hill Shul", borough="Brooklyn", languages=["yi"], actor="t"
    )
    submitted = restock.submit_request(
        sessions,
        organization_id=org,
        channel="phone",
        actor=ACTOR,
        lines={units["flyer"]: 4, units["booklet"]: 2},
        idempotency_key=uuid.uuid4().hex,
    )
    triage.approve_request(sessions, request_id=submitted.request_id, depot_id=ref.main_depot, actor=ACTOR)
    return submitted.request_id


def request_state(sessions, request_id, units) -> tuple[str, dict[str, int | None]]:
    """The request's status and packs shipped per material, as the queue shows them."""
    with sessions() as session:
        request = session.get(RestockRequest, request_id)
        shipped = {line.unit_id: line.packs_shipped for line in request.lines}
        return request.status, {material: shipped[unit] for material, unit in units.items()}


def stock(sessions, ref, units) -> dict[str, tuple[int, int]]:
    """(on hand, reserved) per material at the main depot."""
    with sessions() as session:
        return {
            material: inventory.balance(session, unit, ref.main_depot) for material, unit in units.items()
        }


def status_of(sessions, shipment_id) -> str:
    return shipment_reads.shipments(sessions).set_index("shipment_id").loc[shipment_id, "status"]


def packed_from(sessions, request_id) -> int:
    shipment_id = fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    shipments.pack_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    return shipment_id


def test_shipping_and_delivering_move_the_request(sessions, ref, units, request_id):
    shipment_id = packed_from(sessions, request_id)
    assert request_state(sessions, request_id, units) == ("approved", {"flyer": 0, "booklet": 0})

    shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert request_state(sessions, request_id, units) == ("shipped", {"flyer": 4, "booklet": 2})
    assert stock(sessions, ref, units) == {"flyer": (300, 0), "booklet": (450, 0)}

    shipments.deliver_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert request_state(sessions, request_id, units) == ("delivered", {"flyer": 4, "booklet": 2})
    assert status_of(sessions, shipment_id) == "delivered"


def test_cancelling_the_shipment_frees_the_request_for_a_new_one(sessions, ref, units, request_id):
    first = packed_from(sessions, request_id)
    shipments.cancel_shipment(sessions, shipment_id=first, reason="wrong van", actor=ACTOR)

    assert request_state(sessions, request_id, units) == ("approved", {"flyer": 0, "booklet": 0})
    assert stock(sessions, ref, units) == {"flyer": (500, 200), "booklet": (500, 50)}  # still reserved
    with sessions() as session:
        assert session.get(Shipment, first).request_id is None
    second = fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    assert second != first and status_of(sessions, second) == "draft"


def test_a_request_is_fulfilled_once(sessions, units, request_id):
    shipment_id = fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    with pytest.raises(Conflict, match=f"shipment #{shipment_id}"):
        fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    lines = shipment_reads.shipment_lines(sessions, shipment_id).set_index("material")
    assert lines.loc["flyer", "quantity"] == 200 and lines.loc["booklet", "reserved_quantity"] == 50


def test_fewer_packs_than_approved_is_a_partial_shipment(sessions, units, request_id):
    shipment_id = fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    event = events.ShipmentShipped(
        shipment_id=shipment_id, request_id=request_id, units=((units["flyer"], 200), (units["booklet"], 25))
    )
    with sessions.begin() as session:
        fulfilment.on_shipment_shipped(session, event)
    assert request_state(sessions, request_id, units) == ("partially_shipped", {"flyer": 4, "booklet": 1})


def test_a_failure_after_the_request_moved_rolls_the_whole_step_back(
    sessions, ref, units, request_id, monkeypatch
):
    """Fulfilment's handler runs first and changes the request; a later failure undoes it with the rest."""
    shipment_id = packed_from(sessions, request_id)
    before = stock(sessions, ref, units)

    def fail(session, event):
        raise RuntimeError("the van broke down mid-transaction")

    heard = dict(events.SUBSCRIBERS[events.ShipmentShipped])
    monkeypatch.setitem(events.SUBSCRIBERS, events.ShipmentShipped, {**heard, "tests.fail": fail})
    with pytest.raises(RuntimeError, match="van broke down"):
        shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)

    assert request_state(sessions, request_id, units) == ("approved", {"flyer": 0, "booklet": 0})
    assert status_of(sessions, shipment_id) == "packed"
    assert stock(sessions, ref, units) == before
    with sessions() as session:
        assert session.scalar(select(func.count()).where(StockMovement.kind == "shipment")) == 0


def test_a_shipment_cancelled_meanwhile_cannot_ship_and_leaves_the_request(sessions, units, request_id):
    shipment_id = packed_from(sessions, request_id)
    shipments.cancel_shipment(sessions, shipment_id=shipment_id, reason="closed", actor="dan")
    with pytest.raises(Conflict, match="is cancelled"):
        shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert request_state(sessions, request_id, units) == ("approved", {"flyer": 0, "booklet": 0})


def test_a_retired_edition_at_ship_time_leaves_the_request(sessions, ref, units, request_id):
    shipment_id = packed_from(sessions, request_id)
    inventory.retire_edition(sessions, edition_id=ref.edition_id, reason="law changed", actor="t")
    with pytest.raises(InvalidInput, match="retired"):
        shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert request_state(sessions, request_id, units) == ("approved", {"flyer": 0, "booklet": 0})
    assert status_of(sessions, shipment_id) == "packed"


def test_a_delivery_refused_leaves_the_shipped_request(sessions, units, request_id):
    shipment_id = packed_from(sessions, request_id)
    shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    shipments.deliver_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    with pytest.raises(Conflict, match="is delivered"):
        shipments.deliver_shipment(sessions, shipment_id=shipment_id, actor="dan")
    assert request_state(sessions, request_id, units) == ("delivered", {"flyer": 4, "booklet": 2})


def test_a_shipment_without_a_request_touches_no_request(sessions, ref, units, request_id):
    org = organizations.create_organization(
        sessions, name="Bronx Temple", borough="Bronx", languages=["yi"], actor="t"
    )
    plain = shipments.create_shipment(
        sessions, organization_id=org, depot_id=ref.main_depot, lines={units["flyer"]: 50}, actor=ACTOR
    )
    for step in (shipments.pack_shipment, shipments.ship_shipment, shipments.deliver_shipment):
        step(sessions, shipment_id=plain, actor=ACTOR)
    assert request_state(sessions, request_id, units) == ("approved", {"flyer": 0, "booklet": 0})


def test_fulfilment_hears_every_shipment_event():
    for event_type in (events.ShipmentShipped, events.ShipmentDelivered, events.ShipmentCancelled):
        assert any(name.startswith("outreach.restock.fulfilment.") for name in events.subscribers(event_type))


def test_a_shipment_returned_to_the_depot_puts_the_request_back_to_approved(sessions, ref, units, request_id):
    """Could not deliver (a delivery run): the stock and its reservation come back, the request waits again."""
    before = stock(sessions, ref, units)
    shipment_id = packed_from(sessions, request_id)
    shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert request_state(sessions, request_id, units) == ("shipped", {"flyer": 4, "booklet": 2})
    with sessions.begin() as session:
        shipments.return_to_depot(session, shipment_id=shipment_id, reason="closed", actor="driver")
    assert status_of(sessions, shipment_id) == "packed"
    assert request_state(sessions, request_id, units) == ("approved", {"flyer": 0, "booklet": 0})
    assert stock(sessions, ref, units) == before  # on hand and reserved exactly as before it left
    with sessions() as session:
        kinds = session.scalars(
            select(StockMovement.kind)
            .where(StockMovement.shipment_id == shipment_id)
            .order_by(StockMovement.id)
        ).all()
    assert kinds == ["shipment", "shipment", "return", "return"]
    shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)  # the next run takes it again
    assert request_state(sessions, request_id, units)[0] == "shipped"


def test_only_a_shipped_shipment_can_come_back(sessions, ref, units, request_id):
    shipment_id = packed_from(sessions, request_id)
    with pytest.raises(Conflict, match="packed"), sessions.begin() as session:
        shipments.return_to_depot(session, shipment_id=shipment_id, reason="closed", actor="driver")
    with pytest.raises(InvalidInput, match="why"), sessions.begin() as session:
        shipments.return_to_depot(session, shipment_id=shipment_id, reason="  ", actor="driver")
