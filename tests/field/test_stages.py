"""Coverage stages on a real database: delivered, confirmed received and handed out side by side, per 1,000
LEP speakers, with the share of organizations that reported at all."""

from __future__ import annotations

import pandas as pd
import pytest

from outreach import inventory, organizations
from outreach.coverage import gaps, need
from outreach.coverage import inputs as coverage_data
from outreach.field import handouts, receipts, stages
from tests.conftest import ACTOR, ship_until


@pytest.fixture
def field(sessions, ref):
    unit = ref.units[("flyer", "ar")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=2000, reference="r", actor=ACTOR
    )
    place = {"borough": "Queens", "latitude": 40.7557, "longitude": -73.9249}
    noor = organizations.create_organization(
        sessions, name="Masjid Al-Noor", languages=["ar"], actor=ACTOR, **place
    )
    quiet = organizations.create_organization(
        sessions, name="Quiet Mosque", languages=["ar"], actor=ACTOR, **place
    )
    first = ship_until(sessions, ref, noor, {unit: 100})
    ship_until(sessions, ref, quiet, {unit: 200})
    receipts.confirm_receipt(
        sessions,
        shipment_id=first,
        organization_id=noor,
        channel="link",
        language="ar",
        received_packs={unit: "1"},
        actor="x",
    )
    checked = handouts.check_report(
        sessions, organization_id=noor, typed={("flyer", "ar"): ("40", "10")}, unit="pieces"
    )
    handouts.report_handouts(
        sessions, organization_id=noor, report=checked, submission_key="k", language="ar", actor="x"
    )
    return noor, quiet


def test_three_stages_side_by_side(sessions, ref, field):
    noor, quiet = field
    district = organizations.get_organization(sessions, noor).community_district
    table = stages.stages_table(
        need.need("district"),
        stages.stage_units(sessions, "delivered"),
        stages.stage_units(sessions, "confirmed"),
        stages.stage_units(sessions, "handed_out"),
        coverage_data.organizations(sessions),
        stages.reporting_organizations(sessions),
        level="district",
        language="ar",
    )
    row = table[table["area"] == district].iloc[0]
    assert (row["delivered"], row["confirmed"], row["handed_out"]) == (300, 50, 40)
    assert row["delivered_per_1000"] == round(300 / row["lep_speakers"] * 1000, 1)
    assert (row["organizations"], row["reporting"], row["reporting_share"]) == (2, 1, 0.5)
    elsewhere = table[table["area"] != district]
    assert (elsewhere[["delivered", "confirmed", "handed_out"]] == 0).all().all()
    assert elsewhere["reporting_share"].isna().all()  # nobody serves Arabic there: no share, not 0 %


def test_any_stage_feeds_the_gap_table(sessions, ref, field):
    confirmed = stages.stage_units(sessions, "confirmed", language="ar")
    assert list(confirmed.columns) == ["language", "community_district", "borough", "status", "units"]
    assert confirmed["units"].sum() == 50 and set(confirmed["status"]) == {"delivered"}
    totals = stages.campaign_stages(sessions)
    assert {k: totals[k] for k in ("delivered", "confirmed", "handed_out", "reporting", "receiving")} == {
        "delivered": 300,
        "confirmed": 50,
        "handed_out": 40,
        "reporting": 1,
        "receiving": 2,
    }


@pytest.mark.parametrize("level", ["district", "borough"])
def test_counted_organizations_give_the_same_stage_table(sessions, ref, field, level):
    noor, quiet = field
    listed = coverage_data.organizations(sessions)
    reporting = stages.reporting_organizations(sessions)
    assert reporting == {noor}
    units = [stages.stage_units(sessions, stage) for stage in ("delivered", "confirmed", "handed_out")]
    by_rows = stages.stages_table(need.need(level), *units, listed, reporting, level=level, language="ar")
    counted = gaps.count_organizations(listed, reporting)
    assert counted["reported"].sum() == 1 and counted["organizations"].sum() == len(listed) == 2
    by_counts = stages.stages_table(need.need(level), *units, counted, level=level, language="ar")
    pd.testing.assert_frame_equal(by_counts, by_rows)
    assert (by_counts["reporting"] == 1).sum() == 1  # Noor's area: one of two reported
