"""The planner's use case: free stock at a depot, and the plan for one language over read frames."""

from __future__ import annotations

import pandas as pd
import pytest

from outreach import inventory
from outreach.coverage import inputs as coverage_data
from outreach.coverage import planning
from outreach.errors import InvalidInput
from outreach.shipments import totals as shipment_totals
from tests.conftest import ACTOR
from tests.conftest import ship_until as ship
from tests.coverage.test_inputs import make_org

LEVELS = pd.DataFrame(
    [
        (1, "flyer", "bn", "2026-03", "active", 500),
        (2, "booklet", "bn", "2026-03", "active", 100),
        (3, "flyer", "bn", "2025-01", "retired", 900),
    ],
    columns=["unit_id", "material", "language", "edition", "edition_status", "available"],
)
PENDING = pd.DataFrame(
    [(1, 7, 120), (1, 8, 50), (2, 7, 300)],  # unit 2 is promised more than is available
    columns=["unit_id", "depot_id", "units"],
)


def test_free_stock_is_available_minus_what_drafts_from_this_depot_promise():
    free = planning.free_stock(LEVELS, PENDING, depot_id=7).set_index("unit_id")
    assert list(free.index) == [1, 2]  # a retired edition is never allocated
    assert free.loc[1, ["promised", "free"]].tolist() == [120, 380]  # depot 8's draft is not ours
    assert free.loc[2, ["promised", "free"]].tolist() == [300, 0]  # never below zero


def test_free_stock_without_pending_shipments_is_what_is_available():
    empty = pd.DataFrame(columns=["unit_id", "depot_id", "units"])
    free = planning.free_stock(LEVELS, empty, depot_id=7).set_index("unit_id")
    assert free["promised"].tolist() == [0, 0] and free["free"].tolist() == [500, 100]


@pytest.fixture
def bangla(sessions, ref):
    """5,000 Bangla flyers printed; two masjids in QN 08 that usually take 4 packs; 100 flyers delivered
    to a third organization in BK 12."""
    unit = ref.units[("flyer", "bn")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=5000, reference="run", actor=ACTOR
    )
    orgs = [
        make_org(sessions, f"Fresh Meadows Masjid {n}", languages=["bn"], district=408, usual_request_packs=4)
        for n in (1, 2)
    ]
    kensington = make_org(sessions, "Kensington Masjid", languages=["bn"], district=312)
    ship(sessions, ref, kensington, {unit: 100})
    return orgs


def plan(sessions, *, units=4900, edition_status="active"):
    return planning.plan_for_language(
        shipment_totals.shipped_units(sessions, language="bn"),
        coverage_data.organizations(sessions, language="bn", for_map=False, only_active=True),
        coverage_data.campaign_totals(sessions),
        shipment_totals.pending_units(sessions, language="bn"),
        language="bn",
        units=units,
        pack_size=50,
        edition_status=edition_status,
        desert_min_lep=1_000,
        max_packs=40,
    )


def in_district(suggested, area):
    return suggested.lines[suggested.lines["area"] == area]


def test_the_plan_goes_to_the_organizations_serving_the_language_where_the_gap_is(sessions, bangla):
    suggested = plan(sessions)
    fresh_meadows = in_district(suggested, 408)
    assert set(fresh_meadows["organization_id"]) == set(bangla)
    assert fresh_meadows["units"].tolist() == [200, 200]  # each capped at its usual 4 packs
    # Kensington had 100 delivered and is still behind: it gets its default 2 packs.
    assert in_district(suggested, 312)["units"].tolist() == [100]
    assert suggested.allocated_units == 500 and suggested.pack_size == 50


def test_the_plan_never_exceeds_the_budget_and_counts_drafts_as_on_the_way(sessions, ref, bangla):
    small = plan(sessions, units=120)
    assert small.allocated_units == 100 and set(small.lines["units"]) == {50}  # whole packs of 50
    ship(sessions, ref, bangla[0], {ref.units[("flyer", "bn")]: 300}, until="draft")
    # QN 08's fair share (5,000 x 5,446 / 59,237 = 460 units) less the 300 drafted: 4 packs left.
    assert in_district(plan(sessions), 408)["units"].tolist() == [100, 100]


def test_a_retired_edition_is_refused(sessions, bangla):
    with pytest.raises(InvalidInput, match="retired edition"):
        plan(sessions, edition_status="retired")
