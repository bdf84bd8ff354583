"""The shipment events bus: handlers run in the step's transaction, a step nobody hears refuses to run, and
every place that runs steps has restock fulfilment listening."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outreach import inventory, organizations
from outreach.models import StockMovement
from outreach.shipments import events
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments

ROOT = Path(__file__).resolve().parents[2]
ACTOR = "tester"
EVENT_TYPES = (events.ShipmentShipped, events.ShipmentDelivered, events.ShipmentCancelled)


@pytest.fixture
def packed(sessions, ref) -> int:
    org = organizations.create_organization(
        sessions, name="Cedar Park Parish", borough="Queens", languages=["es"], actor=ACTOR
    )
    unit = ref.units[("flyer", "es")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=100, reference=None, actor=ACTOR
    )
    shipment_id = shipments.create_shipment(
        sessions, organization_id=org, depot_id=ref.main_depot, lines={unit: 50}, actor=ACTOR
    )
    shipments.pack_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    return shipment_id


def test_steps_publish_what_happened_in_their_transaction(sessions, ref, packed, monkeypatch):
    heard: list[tuple[object, bool]] = []

    def listen(session, event):
        heard.append((event, session.in_transaction()))

    for event_type in EVENT_TYPES:
        monkeypatch.setitem(events.SUBSCRIBERS, event_type, {"tests.listen": listen})
    shipments.ship_shipment(sessions, shipment_id=packed, actor=ACTOR)
    shipments.deliver_shipment(sessions, shipment_id=packed, actor=ACTOR)

    units = ((ref.units[("flyer", "es")], 50),)
    assert heard == [
        (events.ShipmentShipped(shipment_id=packed, request_id=None, units=units), True),
        (events.ShipmentDelivered(shipment_id=packed, request_id=None, units=units), True),
    ]


def test_cancelling_publishes_the_request_it_was_made_from(sessions, packed, monkeypatch):
    heard: list[object] = []
    monkeypatch.setitem(
        events.SUBSCRIBERS,
        events.ShipmentCancelled,
        {"tests.listen": lambda session, event: heard.append(event)},
    )
    shipments.cancel_shipment(sessions, shipment_id=packed, reason="closed", actor=ACTOR)
    assert heard == [events.ShipmentCancelled(shipment_id=packed, request_id=None)]


def test_a_step_nobody_hears_refuses_to_run_and_writes_nothing(sessions, packed, monkeypatch):
    monkeypatch.setattr(events, "SUBSCRIBERS", {})
    with pytest.raises(events.MissingSubscriber, match="ShipmentShipped"):
        shipments.ship_shipment(sessions, shipment_id=packed, actor=ACTOR)
    assert shipment_reads.shipments(sessions).set_index("shipment_id").loc[packed, "status"] == "packed"
    with sessions() as session:
        assert session.scalar(select(func.count()).where(StockMovement.kind == "shipment")) == 0


def test_subscribing_again_replaces_the_handler(monkeypatch):
    monkeypatch.setattr(events, "SUBSCRIBERS", {})

    def handler(session, event):
        pass

    events.subscribe(events.ShipmentShipped, handler)
    events.subscribe(events.ShipmentShipped, handler)  # a module Streamlit imported again
    assert events.subscribers(events.ShipmentShipped) == [f"{__name__}.{handler.__qualname__}"]


@pytest.mark.parametrize(
    "entry_point",
    [
        "outreach.ui.resources",  # every page gets its sessions here
        "outreach.demo",  # python -m outreach.demo loads demo data through the steps
        "outreach.messages.__main__",  # python -m outreach.messages send
    ],
)
def test_every_place_that_runs_steps_has_fulfilment_listening(entry_point):
    """A fresh interpreter, so nothing imported by other tests can hide a missing subscription."""
    probe = (
        f"import {entry_point}\n"
        "from outreach.shipments import events\n"
        "for event_type in (events.ShipmentShipped, events.ShipmentDelivered, events.ShipmentCancelled):\n"
        "    print(event_type.__name__, *events.subscribers(event_type))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    # Restock imports the messages' notices, so the organizations' shipped and delivered mail is wired too.
    assert result.stdout.splitlines() == [
        "ShipmentShipped outreach.messages.notices.on_shipment_shipped "
        "outreach.restock.fulfilment.on_shipment_shipped",
        "ShipmentDelivered outreach.messages.notices.on_shipment_delivered "
        "outreach.restock.fulfilment.on_shipment_delivered",
        "ShipmentCancelled outreach.restock.fulfilment.on_shipment_cancelled",
    ]
