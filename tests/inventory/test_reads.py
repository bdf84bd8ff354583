"""Reads of the ledger: what is available per item and depot, labelled the one way stock items are labelled."""

from __future__ import annotations

from outreach import inventory
from outreach.models import StockUnit

ACTOR = "tester"


def test_available_per_depot_is_on_hand_minus_reserved_by_item_and_depot(sessions, ref):
    flyers, booklets, other = (
        ref.units[("flyer", "bn")],
        ref.units[("booklet", "bn")],
        ref.units[("flyer", "es")],
    )
    main, brooklyn = ref.depots["Manhattan central depot"], ref.depots["Brooklyn depot"]
    for unit_id, depot, quantity in ((flyers, main, 100), (flyers, brooklyn, 30), (booklets, main, 25)):
        inventory.receive(
            sessions, unit_id=unit_id, location_id=depot, quantity=quantity, reference="run", actor=ACTOR
        )
    inventory.receive(sessions, unit_id=other, location_id=main, quantity=500, reference="run", actor=ACTOR)
    with sessions.begin() as session:
        inventory.reserve(session, unit_id=flyers, location_id=main, quantity=40, actor=ACTOR)

    table = inventory.available_per_depot(sessions, [flyers, booklets])

    assert table.to_dict(orient="index") == {
        "Booklet · Bangla · 2026-03": {"Brooklyn depot": 0, "Manhattan central depot": 25},
        "Flyer · Bangla · 2026-03": {"Brooklyn depot": 30, "Manhattan central depot": 60},
    }  # the Spanish flyers asked for by nobody stay out


def test_available_per_depot_of_items_no_depot_holds_is_empty(sessions, ref):
    assert inventory.available_per_depot(sessions, [ref.units[("flyer", "yi")]]).empty
    assert inventory.available_per_depot(sessions, []).empty


def test_a_read_row_and_its_stock_unit_have_the_same_label(sessions, ref):
    row = next(r for r in inventory.units(sessions).itertuples() if r.unit_id == ref.units[("booklet", "ht")])
    with sessions() as session:
        unit = session.get(StockUnit, ref.units[("booklet", "ht")])
        assert unit is not None
        assert inventory.unit_label(row) == inventory.unit_label(unit) == "Booklet · Haitian Kreyòl · 2026-03"
