"""The coverage reads for one language (the planner, a language view of the map) agree with the full reads."""

from __future__ import annotations

import pandas as pd

from outreach import inventory
from outreach.coverage import inputs as coverage_data
from outreach.shipments import totals as shipment_totals
from tests.conftest import ACTOR
from tests.coverage.test_inputs import make_org, ship


def test_one_language_reads_are_the_full_reads_filtered(sessions, ref):
    bangla, spanish = ref.units[("flyer", "bn")], ref.units[("flyer", "es")]
    for unit in (bangla, spanish):
        inventory.receive(
            sessions, unit_id=unit, location_id=ref.main_depot, quantity=1_000, reference="r", actor=ACTOR
        )
    masjid = make_org(sessions, "Jamaica Masjid", languages=["bn"], district=412)
    parish = make_org(sessions, "Cedar Park Parish", languages=["es", "bn"], district=404)
    chapel = make_org(sessions, "Hill Chapel", languages=["es"], district=301)
    ship(sessions, ref, masjid, {bangla: 100})
    ship(sessions, ref, parish, {bangla: 50, spanish: 50}, until="shipped")
    ship(sessions, ref, chapel, {spanish: 200})
    ship(sessions, ref, chapel, {spanish: 25, bangla: 25}, until="packed")

    everything = shipment_totals.shipped_units(sessions)
    only_bangla = shipment_totals.shipped_units(sessions, language="bn")
    expected = everything[everything["language"] == "bn"].sort_values(["community_district", "status"])
    pd.testing.assert_frame_equal(
        only_bangla.sort_values(["community_district", "status"]).reset_index(drop=True),
        expected.reset_index(drop=True),
    )
    assert only_bangla["units"].sum() == 150

    serving = coverage_data.organizations(sessions, language="bn")
    assert serving["id"].tolist() == [masjid, parish]  # the chapel serves Spanish only
    full = coverage_data.organizations(sessions).set_index("id")
    pd.testing.assert_frame_equal(serving.set_index("id"), full.loc[[masjid, parish]])

    pending = shipment_totals.pending_units(sessions, language="bn")
    assert pending["language"].tolist() == ["bn"] and pending["units"].tolist() == [25]
    assert shipment_totals.pending_units(sessions)["units"].sum() == 50
