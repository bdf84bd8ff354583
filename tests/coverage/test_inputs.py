"""The coverage read layer against a real database (SQLite here, PostgreSQL via KYR_TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import shape

from outreach import inventory, organizations
from outreach.coverage import gaps as coverage
from outreach.coverage import inputs as coverage_data
from outreach.coverage import need
from outreach.db import utcnow
from outreach.models import RestockRequest
from outreach.shipments import totals as shipment_totals
from tests.conftest import ACTOR
from tests.conftest import ship_until as ship


def point_in(district: int) -> tuple[float, float]:
    feature = next(f for f in need.boundaries("district")["features"] if f["properties"]["area"] == district)
    point = shape(feature["geometry"]).representative_point()
    return point.y, point.x


def make_org(sessions, name, *, languages, district=None, borough="Brooklyn", coordinates=True, **fields):
    """An organization in `district` (placed by its coordinates, or given the district when it has none)."""
    latitude, longitude = point_in(district) if coordinates and district else (None, None)
    return organizations.create_organization(
        sessions,
        name=name,
        borough=borough,
        languages=languages,
        actor=ACTOR,
        community_district=None if latitude is not None else district,
        latitude=latitude,
        longitude=longitude,
        contact_name="Private Person",
        contact_phone="718-555-0199",
        contact_email="private@example.org",
        **fields,
    )


@pytest.fixture
def stocked(sessions, ref):
    for key in (("flyer", "bn"), ("booklet", "bn"), ("flyer", "ht"), ("flyer", "en")):
        inventory.receive(
            sessions,
            unit_id=ref.units[key],
            location_id=ref.main_depot,
            quantity=1000,
            reference="run",
            actor=ACTOR,
        )
    return ref


def test_shipped_units_group_by_language_district_and_status(sessions, stocked):
    ref = stocked
    kensington = make_org(sessions, "Kensington Masjid", languages=["bn"], district=312)
    flatbush = make_org(sessions, "Flatbush Church", languages=["ht"], district=314)
    loose = make_org(sessions, "Unplaced Chapel", languages=["bn"], district=None, borough="Queens")
    ship(sessions, ref, kensington, {ref.units[("flyer", "bn")]: 100, ref.units[("booklet", "bn")]: 50})
    ship(sessions, ref, kensington, {ref.units[("flyer", "bn")]: 50}, until="shipped")
    ship(sessions, ref, flatbush, {ref.units[("flyer", "ht")]: 200})
    ship(
        sessions, ref, flatbush, {ref.units[("flyer", "ht")]: 50}, until="packed"
    )  # not yet shipped: not supply
    ship(sessions, ref, loose, {ref.units[("flyer", "bn")]: 25})

    frame = shipment_totals.shipped_units(sessions)
    got = {
        (
            r.language,
            None
            if r.community_district is None or str(r.community_district) == "<NA>"
            else int(r.community_district),
            r.status,
        ): int(r.units)
        for r in frame.itertuples()
    }
    assert got == {
        ("bn", 312, "delivered"): 150,  # flyers and booklets summed in SQL
        ("bn", 312, "shipped"): 50,
        ("ht", 314, "delivered"): 200,
        ("bn", None, "delivered"): 25,
    }
    table = coverage.gap_table(
        need.need("district"),
        frame,
        coverage_data.organizations(sessions),
        coverage_data.campaign_totals(sessions),
        level="district",
        desert_min_lep=1000,
        language="bn",
    )
    kensington_row = table[table["area"] == 312].iloc[0]
    assert kensington_row["delivered"] == 150 and kensington_row["in_transit"] == 50
    assert (
        coverage.unplaced(frame, coverage_data.organizations(sessions), level="district")["delivered"] == 25
    )


def test_campaign_totals_count_print_runs_only(sessions, stocked):
    inventory.adjust(
        sessions,
        unit_id=stocked.units[("flyer", "bn")],
        location_id=stocked.main_depot,
        change=-10,
        reason="water damage",
        actor=ACTOR,
    )
    totals = coverage_data.campaign_totals(sessions)
    assert totals["bn"] == 2000 and totals["ht"] == 1000 and totals["en"] == 1000
    assert totals["yi"] == 0  # every language present, even with no print run


def test_campaign_totals_of_an_empty_campaign(sessions, ref):
    totals = coverage_data.campaign_totals(sessions)
    assert (totals == 0).all() and len(totals) == 10
    assert shipment_totals.shipped_units(sessions).empty
    assert coverage_data.organizations(sessions).empty
    assert shipment_totals.pending_units(sessions).empty


def test_organizations_request_status_and_no_contact_details(sessions, stocked):
    ref = stocked
    waiting = make_org(sessions, "Waiting Temple", languages=["bn", "en"], district=312)
    moving = make_org(sessions, "Moving Church", languages=["ht"], district=314)
    recent = make_org(sessions, "Recent Shul", languages=["en"], district=312, coordinates=False)
    quiet = make_org(sessions, "Quiet Chapel", languages=[], district=301, weekly_attendance=120)
    with sessions.begin() as session:
        session.add(
            RestockRequest(
                reference="R-1", idempotency_key="k-1", organization_id=waiting, status="submitted"
            )
        )
        session.add(
            RestockRequest(reference="R-2", idempotency_key="k-2", organization_id=recent, status="delivered")
        )
    ship(sessions, ref, moving, {ref.units[("flyer", "ht")]: 50}, until="shipped")
    ship(sessions, ref, recent, {ref.units[("flyer", "en")]: 50})
    ship(sessions, ref, waiting, {ref.units[("flyer", "bn")]: 50})

    frame = coverage_data.organizations(sessions).set_index("id")
    assert frame.loc[waiting, "request_status"] == "waiting"  # an open request wins over a delivery
    assert frame.loc[moving, "request_status"] == "in_transit"
    assert frame.loc[recent, "request_status"] == "recently_delivered"
    assert frame.loc[quiet, "request_status"] == "long_ago"
    assert frame.loc[waiting, "languages"] == "bn en"
    assert frame.loc[quiet, "languages"] == ""
    assert frame.loc[quiet, "weekly_attendance"] == 120
    assert frame.loc[recent, "latitude"] != frame.loc[recent, "latitude"]  # NaN: not on the map
    assert not {"contact_name", "contact_phone", "contact_email", "address", "notes"} & set(frame.columns)
    assert "Private Person" not in frame.to_string() and "718-555-0199" not in frame.to_string()

    later = coverage_data.organizations(
        sessions, now=utcnow() + dt.timedelta(days=coverage_data.RECENT_DAYS + 1)
    )
    assert later.set_index("id").loc[recent, "request_status"] == "long_ago"


def test_the_planners_read_has_active_organizations_serving_the_language_without_map_columns(
    sessions, stocked
):
    serving = make_org(sessions, "Serving Temple", languages=["bn", "en"], district=312)
    paused = make_org(sessions, "Paused Chapel", languages=["bn"], district=312)
    make_org(sessions, "Other Church", languages=["ht"], district=314)
    organizations.pause_organization(sessions, organization_id=paused, reason="closed", actor="t")
    frame = coverage_data.organizations(sessions, language="bn", for_map=False, only_active=True)
    assert list(frame["id"]) == [serving]
    assert frame.loc[0, "languages"] == "bn en" and frame.loc[0, "community_district"] == 312
    assert not {"latitude", "longitude", "request_status"} & set(frame.columns)
    everyone = coverage_data.organizations(sessions, language="bn")
    assert set(everyone["id"]) == {serving, paused}


def test_pending_units_are_drafts_and_packed_not_reserved(sessions, stocked):
    ref = stocked
    org = make_org(sessions, "Drafty Masjid", languages=["bn"], district=312)
    ship(sessions, ref, org, {ref.units[("flyer", "bn")]: 100}, until="draft")
    ship(sessions, ref, org, {ref.units[("flyer", "bn")]: 50}, until="packed")
    ship(sessions, ref, org, {ref.units[("flyer", "bn")]: 75}, until="shipped")  # left stock: not pending
    frame = shipment_totals.pending_units(sessions)
    assert len(frame) == 1
    record = frame.iloc[0]
    assert record["unit_id"] == ref.units[("flyer", "bn")] and record["units"] == 150
    assert record["language"] == "bn" and int(record["community_district"]) == 312
    assert record["depot_id"] == ref.main_depot
