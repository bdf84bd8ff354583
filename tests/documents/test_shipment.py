"""What the printed documents are built from, read from a real database (and nothing written)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from outreach import inventory, organizations
from outreach.documents.shipment import DocumentLine, shipment_details
from outreach.errors import NotFound
from outreach.models import AuditEntry
from outreach.restock import fulfilment as restock_fulfilment
from outreach.restock import submission as restock
from outreach.restock import triage as restock_triage
from outreach.shipments import steps as shipments

ACTOR = "tester"


@pytest.fixture
def org(sessions):
    return organizations.create_organization(
        sessions,
        name="Lantern Hill Masjid",
        borough="Brooklyn",
        languages=["bn", "ur"],
        preferred_language="bn",
        address="12 Church Ave",
        zip_code="11218",
        contact_name="Private Person",
        contact_phone="718-555-0100",
        actor=ACTOR,
    )


def audit_rows(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def test_a_shipment_with_its_organization_depot_and_lines_in_shelf_order(sessions, ref, org):
    shipment_id = shipments.create_shipment(
        sessions,
        organization_id=org,
        depot_id=ref.main_depot,
        lines=[
            (ref.units[("booklet", "bn")], 60),
            (ref.units[("flyer", "ur")], 100),
            (ref.units[("flyer", "es")], 50),
        ],
        note="Side door",
        actor=ACTOR,
    )
    before = audit_rows(sessions)
    details = shipment_details(sessions, shipment_id)
    assert audit_rows(sessions) == before  # a read
    assert details.shipment_id == shipment_id and details.status == "draft"
    assert details.organization_name == "Lantern Hill Masjid"
    assert details.address == "12 Church Ave" and details.zip_code == "11218"
    assert details.preferred_language == "bn"
    assert details.depot == "Manhattan central depot"
    assert details.packing_note == "Side door"
    assert details.request_reference is None
    assert details.created_at is not None
    # flyers before booklets; within a material, the catalog's language order (es before ur)
    assert [(line.material, line.language, line.units) for line in details.lines] == [
        ("flyer", "es", 50),
        ("flyer", "ur", 100),
        ("booklet", "bn", 60),
    ]
    assert all(line.edition == "2026-03" for line in details.lines)
    assert (details.total_units, details.total_packs) == (210, 1 + 2 + 2)
    # the slip travels in the box; its receipt code is a random token (it may hold "555" by chance)
    printed = repr(dataclasses.replace(details, receipt_url=None))
    assert "Private Person" not in printed and "555" not in printed


def test_packs_and_loose_units():
    line = DocumentLine("booklet", "bn", "2026-03", 60)
    assert (line.pack_size, line.packs, line.loose) == (25, 2, 10)
    assert (DocumentLine("flyer", "es", "x", 150).packs, DocumentLine("flyer", "es", "x", 150).loose) == (
        3,
        0,
    )


def test_a_shipment_made_from_a_request_carries_its_confirmation_number(sessions, ref, org):
    unit = ref.units[("flyer", "bn")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=500, reference="run", actor=ACTOR
    )
    submitted = restock.submit_request(
        sessions,
        organization_id=org,
        channel="phone",
        lines={unit: 2},
        idempotency_key="doc-test-0001",
        actor=ACTOR,
    )
    restock_triage.claim_request(sessions, request_id=submitted.request_id, actor=ACTOR)
    restock_triage.approve_request(
        sessions, request_id=submitted.request_id, depot_id=ref.main_depot, actor=ACTOR
    )
    shipment_id = restock_fulfilment.create_shipment_from_request(
        sessions, request_id=submitted.request_id, actor=ACTOR
    )
    details = shipment_details(sessions, shipment_id)
    assert details.request_reference == submitted.reference
    assert [(line.language, line.packs) for line in details.lines] == [("bn", 2)]


def test_unknown_ids_are_not_found(sessions, ref):
    with pytest.raises(NotFound, match="Shipment #999"):
        shipment_details(sessions, 999)
