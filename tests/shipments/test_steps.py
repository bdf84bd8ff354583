"""Shipments on a real database: draft -> packed -> shipped (one ledger row per line) -> delivered, cancel
before shipping, and every refusal (twice, out of stock, retired, paused, empty) writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from outreach import audit, inventory, organizations
from outreach.db import SessionFactory
from outreach.demo import Reference
from outreach.errors import Conflict, InvalidInput, NotFound, OutOfStock
from outreach.models import AuditEntry, Organization, Shipment, StockBalance, StockMovement
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments
from outreach.shipments import totals as shipment_totals

ACTOR = "tester"


def snapshot(sessions: SessionFactory) -> tuple:
    """Ledger rows, audit rows, balances and shipment statuses: equal before and after a refusal."""
    with sessions() as session:
        ledger = session.scalar(select(func.count()).select_from(StockMovement))
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
        rows = session.execute(
            select(
                StockBalance.unit_id, StockBalance.location_id, StockBalance.on_hand, StockBalance.reserved
            )
        ).all()
        statuses = session.execute(select(Shipment.id, Shipment.status)).all()
    return ledger, audits, sorted(tuple(r) for r in rows), sorted(tuple(s) for s in statuses)


def on_hand(sessions: SessionFactory, unit: int, location: int) -> int:
    with sessions() as session:
        return inventory.balance(session, unit, location)[0]


def status_of(sessions: SessionFactory, shipment_id: int) -> str:
    return shipment_reads.shipments(sessions).set_index("shipment_id").loc[shipment_id, "status"]


@pytest.fixture
def org(sessions: SessionFactory) -> int:
    return organizations.create_organization(
        sessions,
        name="Lantern Hill Masjid",
        borough="Brooklyn",
        languages=["bn", "ur"],
        actor=ACTOR,
        preferred_language="bn",
    )


@pytest.fixture
def other_org(sessions: SessionFactory) -> int:
    return organizations.create_organization(
        sessions,
        name="Cedar Park Catholic Parish",
        borough="Queens",
        languages=["es"],
        actor=ACTOR,
        preferred_language="es",
    )


@pytest.fixture
def stock(sessions: SessionFactory, ref: Reference) -> dict[str, int]:
    """Bangla flyers 200, Urdu booklets 50, Spanish flyers 500 at the main depot."""
    units = {
        "bn": ref.units[("flyer", "bn")],
        "ur": ref.units[("booklet", "ur")],
        "es": ref.units[("flyer", "es")],
    }
    for code, quantity in (("bn", 200), ("ur", 50), ("es", 500)):
        inventory.receive(
            sessions,
            unit_id=units[code],
            location_id=ref.main_depot,
            quantity=quantity,
            reference=None,
            actor=ACTOR,
        )
    return units


def packed(sessions: SessionFactory, ref: Reference, org: int, lines: dict[int, int]) -> int:
    shipment_id = shipments.create_shipment(
        sessions, organization_id=org, depot_id=ref.main_depot, lines=lines, actor=ACTOR
    )
    shipments.pack_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    return shipment_id


def test_full_lifecycle(sessions, ref, org, stock):
    shipment_id = shipments.create_shipment(
        sessions,
        organization_id=org,
        depot_id=ref.main_depot,
        lines=[(stock["bn"], "100"), (stock["ur"], 25), (stock["bn"], 50)],  # the same item twice is summed
        actor=ACTOR,
        note="  for Friday   prayers ",
    )
    lines = shipment_reads.shipment_lines(sessions, shipment_id).set_index("unit_id")
    assert lines.loc[stock["bn"], "quantity"] == 150 and lines.loc[stock["ur"], "quantity"] == 25
    row = shipment_reads.shipments(sessions).iloc[0]
    assert (row["status"], row["organization"], row["units"], row["lines"], row["note"]) == (
        "draft",
        "Lantern Hill Masjid",
        175,
        2,
        "for Friday prayers",
    )
    assert inventory.movements(sessions, kind="shipment").empty  # a draft moves no stock

    shipments.pack_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert status_of(sessions, shipment_id) == "packed"
    assert on_hand(sessions, stock["bn"], ref.main_depot) == 200

    shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert status_of(sessions, shipment_id) == "shipped"
    ledger = inventory.movements(sessions, kind="shipment")
    assert sorted(ledger["quantity"].tolist()) == [-150, -25]  # one row per line
    assert set(ledger["shipment_id"]) == {shipment_id}
    assert set(ledger["reference"]) == {f"shipment #{shipment_id}"}
    assert on_hand(sessions, stock["bn"], ref.main_depot) == 50
    assert on_hand(sessions, stock["ur"], ref.main_depot) == 25

    shipments.deliver_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    final = shipment_reads.shipments(sessions).iloc[0]
    assert final["status"] == "delivered"
    assert final["shipped_at"] is not None and final["delivered_at"] is not None
    assert on_hand(sessions, stock["bn"], ref.main_depot) == 50  # delivery moves no stock again
    actions = audit.history(sessions, entity="shipment", entity_id=shipment_id)["action"].tolist()
    assert actions == ["deliver", "ship", "pack", "create"]


def test_cancel_before_shipping(sessions, ref, org, stock):
    draft = shipments.create_shipment(
        sessions, organization_id=org, depot_id=ref.main_depot, lines={stock["bn"]: 50}, actor=ACTOR
    )
    packed_id = packed(sessions, ref, org, {stock["ur"]: 25})
    with pytest.raises(InvalidInput, match="Say why"):
        shipments.cancel_shipment(sessions, shipment_id=draft, reason="  ", actor=ACTOR)
    shipments.cancel_shipment(sessions, shipment_id=draft, reason="Closed for renovation", actor=ACTOR)
    shipments.cancel_shipment(sessions, shipment_id=packed_id, reason="Asked to wait", actor=ACTOR)
    frame = shipment_reads.shipments(sessions, status="cancelled").set_index("shipment_id")
    assert set(frame.index) == {draft, packed_id}
    assert frame.loc[draft, "cancel_reason"] == "Closed for renovation"
    assert inventory.movements(sessions, kind="shipment").empty
    entry = audit.history(sessions, entity="shipment", entity_id=packed_id).iloc[0]
    assert entry["action"] == "cancel" and '"packed"' in entry["before"]
    with pytest.raises(Conflict, match="is cancelled"):
        shipments.pack_shipment(sessions, shipment_id=draft, actor=ACTOR)
    with pytest.raises(Conflict, match="is cancelled"):
        shipments.ship_shipment(sessions, shipment_id=packed_id, actor=ACTOR)


def test_cancel_after_shipping_is_refused(sessions, ref, org, stock):
    shipment_id = packed(sessions, ref, org, {stock["bn"]: 50})
    shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    before = snapshot(sessions)
    with pytest.raises(
        Conflict, match=f"Shipment #{shipment_id} is shipped, so it cannot be marked cancelled"
    ):
        shipments.cancel_shipment(sessions, shipment_id=shipment_id, reason="too late", actor=ACTOR)
    shipments.deliver_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    with pytest.raises(Conflict, match="is delivered"):
        shipments.cancel_shipment(sessions, shipment_id=shipment_id, reason="too late", actor=ACTOR)
    assert snapshot(sessions)[0] == before[0]


def test_shipping_twice_is_a_conflict_and_writes_one_set_of_rows(sessions, ref, org, stock):
    shipment_id = packed(sessions, ref, org, {stock["bn"]: 50, stock["ur"]: 25})
    shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    before = snapshot(sessions)
    with pytest.raises(Conflict, match=f"Shipment #{shipment_id} is shipped, so it cannot be marked shipped"):
        shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert snapshot(sessions) == before
    rows = inventory.movements(sessions, kind="shipment")
    assert len(rows) == 2 and set(rows["shipment_id"]) == {shipment_id}
    assert on_hand(sessions, stock["bn"], ref.main_depot) == 150


def test_pack_twice_and_out_of_order_steps_are_refused(sessions, ref, org, stock):
    shipment_id = shipments.create_shipment(
        sessions, organization_id=org, depot_id=ref.main_depot, lines={stock["bn"]: 50}, actor=ACTOR
    )
    with pytest.raises(Conflict, match="is draft, so it cannot be marked shipped"):
        shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    with pytest.raises(Conflict, match="is draft, so it cannot be marked delivered"):
        shipments.deliver_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    shipments.pack_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    before = snapshot(sessions)
    with pytest.raises(Conflict, match="is packed, so it cannot be marked packed"):
        shipments.pack_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert snapshot(sessions) == before
    with pytest.raises(NotFound, match="#424242"):
        shipments.pack_shipment(sessions, shipment_id=424242, actor=ACTOR)


def test_shipping_more_than_available_names_the_item_and_writes_nothing(sessions, ref, org, stock):
    # The first line (Bangla) could be covered; the second (Urdu, 50 on hand) cannot: nothing may leave.
    shipment_id = packed(sessions, ref, org, {stock["bn"]: 100, stock["ur"]: 75})
    before = snapshot(sessions)
    with pytest.raises(OutOfStock) as caught:
        shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    message = str(caught.value)
    assert "Only 50 of Booklet · Urdu · 2026-03 are available at Manhattan central depot" in message
    assert "75 were asked for" in message
    assert snapshot(sessions) == before
    assert status_of(sessions, shipment_id) == "packed"
    assert inventory.movements(sessions, kind="shipment").empty
    # Receive more and it ships.
    inventory.receive(
        sessions, unit_id=stock["ur"], location_id=ref.main_depot, quantity=25, reference=None, actor=ACTOR
    )
    shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert on_hand(sessions, stock["ur"], ref.main_depot) == 0


def test_shipping_from_a_depot_without_stock(sessions, ref, org, stock):
    shipment_id = shipments.create_shipment(
        sessions,
        organization_id=org,
        depot_id=ref.depots["Brooklyn depot"],
        lines={stock["bn"]: 50},
        actor=ACTOR,
    )
    shipments.pack_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    with pytest.raises(OutOfStock, match="Only 0 of Flyer · Bangla .* at Brooklyn depot"):
        shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert status_of(sessions, shipment_id) == "packed"


def test_retired_edition_cannot_be_shipped(sessions, ref, org, stock):
    old = ref.retired_units[("flyer", "es")]
    inventory.adjust(
        sessions, unit_id=old, location_id=ref.main_depot, change=100, reason="leftover", actor=ACTOR
    )
    before = snapshot(sessions)
    with pytest.raises(InvalidInput, match="Flyer · Spanish · 2025-01 is a retired edition"):
        shipments.create_shipment(
            sessions,
            organization_id=org,
            depot_id=ref.main_depot,
            lines={stock["bn"]: 50, old: 50},
            actor=ACTOR,
        )
    assert snapshot(sessions) == before

    # An edition retired after the shipment was packed: shipping is refused and nothing leaves.
    edition = inventory.create_edition(sessions, code="2026-09", title="Autumn", actor=ACTOR)
    autumn = inventory.ensure_unit(sessions, material="flyer", language="bn", edition_id=edition, actor=ACTOR)
    inventory.receive(
        sessions, unit_id=autumn, location_id=ref.main_depot, quantity=50, reference=None, actor=ACTOR
    )
    shipment_id = packed(sessions, ref, org, {stock["bn"]: 50, autumn: 50})
    inventory.retire_edition(sessions, edition_id=edition, reason="withdrawn", actor=ACTOR)
    before = snapshot(sessions)
    with pytest.raises(InvalidInput, match="Flyer · Bangla · 2026-09 is a retired edition"):
        shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert snapshot(sessions) == before
    assert status_of(sessions, shipment_id) == "packed"


def test_paused_organization_is_refused(sessions, ref, org, stock):
    with sessions.begin() as session:
        organization = session.get(Organization, org)
        assert organization is not None
        organization.status = "paused"
    before = snapshot(sessions)
    with pytest.raises(InvalidInput, match="Lantern Hill Masjid is paused"):
        shipments.create_shipment(
            sessions, organization_id=org, depot_id=ref.main_depot, lines={stock["bn"]: 50}, actor=ACTOR
        )
    assert snapshot(sessions) == before


@pytest.mark.parametrize(
    ("lines", "error", "named"),
    [
        ({}, InvalidInput, "no lines"),
        ([], InvalidInput, "no lines"),
        ({"BN": 50}, InvalidInput, "'BN'"),
        ({424242: 50}, NotFound, "#424242"),
    ],
)
def test_bad_lines_are_refused(sessions, ref, org, stock, lines, error, named):
    before = snapshot(sessions)
    with pytest.raises(error, match=named):
        shipments.create_shipment(
            sessions, organization_id=org, depot_id=ref.main_depot, lines=lines, actor=ACTOR
        )
    assert snapshot(sessions) == before


@pytest.mark.parametrize(
    ("quantity", "named"), [(0, "0"), (-5, "-5"), ("2.5", "2.5"), ("ten", "ten"), (10**12, "1000000000000")]
)
def test_bad_line_quantities_are_refused(sessions, ref, org, stock, quantity, named):
    before = snapshot(sessions)
    with pytest.raises(InvalidInput, match=f"Line quantity.*{named}"):
        shipments.create_shipment(
            sessions, organization_id=org, depot_id=ref.main_depot, lines={stock["bn"]: quantity}, actor=ACTOR
        )
    assert snapshot(sessions) == before


def test_unknown_organization_or_depot(sessions, ref, org, stock):
    before = snapshot(sessions)
    with pytest.raises(NotFound, match="#424242"):
        shipments.create_shipment(
            sessions, organization_id=424242, depot_id=ref.main_depot, lines={stock["bn"]: 5}, actor=ACTOR
        )
    with pytest.raises(NotFound, match="Depot #424242"):
        shipments.create_shipment(
            sessions, organization_id=org, depot_id=424242, lines={stock["bn"]: 5}, actor=ACTOR
        )
    assert snapshot(sessions) == before


def test_reads_filter_by_status_borough_and_language(sessions, ref, org, other_org, stock):
    bangla = packed(sessions, ref, org, {stock["bn"]: 100, stock["ur"]: 25})
    spanish = packed(sessions, ref, other_org, {stock["es"]: 150})
    draft = shipments.create_shipment(
        sessions, organization_id=other_org, depot_id=ref.main_depot, lines={stock["es"]: 50}, actor=ACTOR
    )
    shipments.ship_shipment(sessions, shipment_id=bangla, actor=ACTOR)
    shipments.ship_shipment(sessions, shipment_id=spanish, actor=ACTOR)
    shipments.deliver_shipment(sessions, shipment_id=spanish, actor=ACTOR)

    assert shipment_reads.shipments(sessions)["shipment_id"].tolist() == [
        draft,
        spanish,
        bangla,
    ]  # newest first
    assert shipment_reads.shipments(sessions, status="shipped")["shipment_id"].tolist() == [bangla]
    assert shipment_reads.shipments(sessions, status="draft")["shipment_id"].tolist() == [draft]
    assert shipment_reads.shipments(sessions, borough="Queens")["shipment_id"].tolist() == [draft, spanish]
    assert shipment_reads.shipments(sessions, language="ur")["shipment_id"].tolist() == [bangla]
    assert (
        shipment_reads.shipments(sessions, language="ur").iloc[0]["units"] == 125
    )  # all lines, not just Urdu
    assert shipment_reads.shipments(sessions, organization_id=org)["shipment_id"].tolist() == [bangla]
    assert shipment_reads.shipments(sessions, language="yi").empty
    assert len(shipment_reads.shipments(sessions, limit=1)) == 1

    lines = shipment_reads.shipment_lines(sessions, bangla)
    assert lines[["material", "language", "edition", "quantity", "reserved_quantity"]].values.tolist() == [
        ["flyer", "bn", "2026-03", 100, 0],
        ["booklet", "ur", "2026-03", 25, 0],
    ]

    moved = shipment_totals.shipped_units(sessions, by_district=False)
    table = {(r.language, r.borough, r.status): r.units for r in moved.itertuples()}
    assert table == {
        ("bn", "Brooklyn", "shipped"): 100,
        ("ur", "Brooklyn", "shipped"): 25,
        ("es", "Queens", "delivered"): 150,
    }  # drafts and packed shipments are not counted
