"""Dashboard figures: `overview` reads the shipment aggregate once and agrees with the separate reads."""

from __future__ import annotations

import pandas as pd

from outreach import inventory, organizations
from outreach.coverage import progress
from outreach.shipments import steps as shipments
from tests.conftest import ACTOR


def test_overview_matches_the_separate_reads(sessions, ref):
    unit = ref.units[("flyer", "bn")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=500, reference="run", actor=ACTOR
    )
    inventory.set_low_stock_threshold(sessions, unit_id=unit, threshold=10_000, actor=ACTOR)
    org = organizations.create_organization(
        sessions, name="Jamaica Masjid", borough="Queens", languages=["bn"], actor=ACTOR
    )
    for deliver in (True, False):
        shipment = shipments.create_shipment(
            sessions, organization_id=org, depot_id=ref.main_depot, lines={unit: 100}, actor=ACTOR
        )
        shipments.pack_shipment(sessions, shipment_id=shipment, actor=ACTOR)
        shipments.ship_shipment(sessions, shipment_id=shipment, actor=ACTOR)
        if deliver:
            shipments.deliver_shipment(sessions, shipment_id=shipment, actor=ACTOR)

    totals, long, low = progress.overview(sessions)

    assert totals == progress.totals(sessions)
    assert totals == {"received": 500, "on_hand": 300, "reserved": 0, "in_transit": 100, "delivered": 100}
    pd.testing.assert_frame_equal(long, progress.language_borough(sessions))
    grid = progress.pivot(long, "delivered")
    assert grid.loc["bn", "Queens"] == 100 and grid.loc["bn", "Total"] == 100
    assert unit in low["unit_id"].tolist()
    levels = inventory.stock_levels(sessions)
    pd.testing.assert_frame_equal(low, levels[levels["low"]].reset_index(drop=True))
