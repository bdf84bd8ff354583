"""The delivery totals the shipment steps keep: always equal to the sum of the shipment lines, through
shipping, delivery, cancelling, organizations moving (pin, address), out-of-step tables and concurrent
writers; and readable as the coverage frame."""

from __future__ import annotations

import random
import threading

import pandas as pd
import pytest
from sqlalchemy import delete, func, select, update

from outreach import inventory, organizations
from outreach.db import SessionFactory
from outreach.demo import Reference
from outreach.models import Organization, ShipmentTotal
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments
from outreach.shipments import totals as shipment_totals
from tests.conftest import ship_until

ACTOR = "tester"
SUNSET_PARK = (40.6453, -74.0124)  # Brooklyn community district 7 (boro_cd 307)
FLUSHING = (40.7580, -73.8303)  # Queens community district 7 (boro_cd 407)


def kept(sessions: SessionFactory, stages: tuple[str, ...] = ("shipped", "delivered")) -> dict[tuple, int]:
    """Non-zero totals of these stages: (unit, borough, district, stage) -> units (one depot in these tests)."""
    with sessions() as session:
        rows = session.execute(
            select(ShipmentTotal).where(ShipmentTotal.units != 0, ShipmentTotal.status.in_(stages))
        ).scalars()
        return {(r.unit_id, r.borough, r.community_district, r.status): r.units for r in rows}


def assert_in_step(sessions: SessionFactory) -> None:
    wrong = shipment_totals.differences(sessions)
    assert wrong.empty, wrong.to_string()


def placed_org(sessions: SessionFactory, name: str, point: tuple[float, float]) -> int:
    organization_id = organizations.create_organization(
        sessions, name=name, borough=None, languages=["bn", "es"], actor=ACTOR
    )
    organizations.set_location(
        sessions, organization_id=organization_id, latitude=point[0], longitude=point[1], actor=ACTOR
    )
    return organization_id


@pytest.fixture
def brooklyn(sessions: SessionFactory, ref: Reference) -> tuple[int, int]:
    """The Bangla flyer, stocked, and an organization placed in Brooklyn district 7: (unit id, org id)."""
    flyer_bn = ref.units[("flyer", "bn")]
    stocked(sessions, ref, flyer_bn)
    return flyer_bn, placed_org(sessions, "Lantern Hill Masjid", SUNSET_PARK)


def stocked(sessions: SessionFactory, ref: Reference, *units: int, quantity: int = 10_000) -> None:
    for unit in units:
        inventory.receive(
            sessions, unit_id=unit, location_id=ref.main_depot, quantity=quantity, reference=None, actor=ACTOR
        )


def test_shipping_and_delivering_move_units_between_in_transit_and_delivered(
    sessions: SessionFactory, ref: Reference
) -> None:
    flyer_bn, booklet_es = ref.units[("flyer", "bn")], ref.units[("booklet", "es")]
    stocked(sessions, ref, flyer_bn, booklet_es)
    org = placed_org(sessions, "Lantern Hill Masjid", SUNSET_PARK)
    first = ship_until(sessions, ref, org, {flyer_bn: 100, booklet_es: 50}, until="packed")
    assert kept(sessions) == {}  # packed stock has not left the depot: it is pending
    assert kept(sessions, ("pending",)) == {
        (flyer_bn, "Brooklyn", 307, "pending"): 100,
        (booklet_es, "Brooklyn", 307, "pending"): 50,
    }

    shipments.ship_shipment(sessions, shipment_id=first, actor=ACTOR)
    assert kept(sessions) == {
        (flyer_bn, "Brooklyn", 307, "shipped"): 100,
        (booklet_es, "Brooklyn", 307, "shipped"): 50,
    }
    shipments.deliver_shipment(sessions, shipment_id=first, actor=ACTOR)
    ship_until(sessions, ref, org, {flyer_bn: 200}, until="shipped")
    assert kept(sessions) == {
        (flyer_bn, "Brooklyn", 307, "delivered"): 100,
        (booklet_es, "Brooklyn", 307, "delivered"): 50,
        (flyer_bn, "Brooklyn", 307, "shipped"): 200,
    }
    assert_in_step(sessions)


def test_drafts_are_pending_and_cancelled_shipments_count_nowhere(
    sessions: SessionFactory, ref: Reference, brooklyn: tuple[int, int]
) -> None:
    flyer_bn, org = brooklyn
    ship_until(sessions, ref, org, {flyer_bn: 100}, until="draft")
    packed = ship_until(sessions, ref, org, {flyer_bn: 50}, until="packed")
    assert kept(sessions, ("pending",)) == {(flyer_bn, "Brooklyn", 307, "pending"): 150}
    shipments.cancel_shipment(sessions, shipment_id=packed, reason="closed for renovation", actor=ACTOR)
    assert kept(sessions, ("pending",)) == {(flyer_bn, "Brooklyn", 307, "pending"): 100}
    assert kept(sessions) == {}
    pending = shipment_totals.pending_units(sessions, language="bn")
    assert pending[["unit_id", "depot_id", "community_district", "borough", "units"]].to_dict("records") == [
        {
            "unit_id": flyer_bn,
            "depot_id": ref.main_depot,
            "community_district": 307,
            "borough": "Brooklyn",
            "units": 100,
        }
    ]
    assert shipment_totals.pending_units(sessions, language="es").empty
    assert_in_step(sessions)


def test_a_moved_organization_takes_its_units_to_its_new_district(
    sessions: SessionFactory, ref: Reference, brooklyn: tuple[int, int]
) -> None:
    flyer_bn, org = brooklyn
    ship_until(sessions, ref, org, {flyer_bn: 100}, until="delivered")
    ship_until(sessions, ref, org, {flyer_bn: 50}, until="shipped")
    ship_until(sessions, ref, org, {flyer_bn: 25}, until="draft")

    organizations.set_location(
        sessions, organization_id=org, latitude=FLUSHING[0], longitude=FLUSHING[1], actor=ACTOR
    )
    assert kept(sessions, ("pending", "shipped", "delivered")) == {
        (flyer_bn, "Queens", 407, "delivered"): 100,
        (flyer_bn, "Queens", 407, "shipped"): 50,
        (flyer_bn, "Queens", 407, "pending"): 25,
    }
    assert_in_step(sessions)


def test_an_organization_not_yet_placed_counts_apart_until_it_is_placed(
    sessions: SessionFactory, ref: Reference
) -> None:
    flyer_bn = ref.units[("flyer", "bn")]
    stocked(sessions, ref, flyer_bn)
    org = organizations.create_organization(
        sessions, name="Unplaced Chapel", borough=None, languages=["bn"], actor=ACTOR
    )
    ship_until(sessions, ref, org, {flyer_bn: 100}, until="delivered")
    frame = shipment_totals.shipped_units(sessions)
    assert str(frame["community_district"].dtype) == "Int64"
    assert len(frame) == 1 and pd.isna(frame["community_district"].iloc[0])
    assert frame[["language", "borough", "status", "units"]].to_dict("records") == [
        {"language": "bn", "borough": None, "status": "delivered", "units": 100}
    ]
    organizations.set_location(
        sessions, organization_id=org, latitude=SUNSET_PARK[0], longitude=SUNSET_PARK[1], actor=ACTOR
    )
    assert kept(sessions) == {(flyer_bn, "Brooklyn", 307, "delivered"): 100}
    assert_in_step(sessions)


def test_reads_by_language_and_by_borough_match_the_lines(sessions: SessionFactory, ref: Reference) -> None:
    flyer_bn, booklet_bn, booklet_es = (
        ref.units[("flyer", "bn")],
        ref.units[("booklet", "bn")],
        ref.units[("booklet", "es")],
    )
    stocked(sessions, ref, flyer_bn, booklet_bn, booklet_es)
    brooklyn = placed_org(sessions, "Lantern Hill Masjid", SUNSET_PARK)
    queens = placed_org(sessions, "Cedar Park Parish", FLUSHING)
    ship_until(sessions, ref, brooklyn, {flyer_bn: 100, booklet_bn: 25}, until="delivered")
    ship_until(sessions, ref, queens, {booklet_es: 75, flyer_bn: 50}, until="shipped")

    bengali = shipment_totals.shipped_units(sessions, language="bn")
    assert set(bengali["language"]) == {"bn"}
    assert bengali.set_index(["community_district", "status"])["units"].to_dict() == {
        (307, "delivered"): 125,
        (407, "shipped"): 50,
    }
    boroughs = shipment_totals.shipped_units(sessions, by_district=False)
    assert list(boroughs.columns) == ["language", "borough", "status", "units"]
    assert boroughs.set_index(["language", "borough", "status"])["units"].to_dict() == {
        ("bn", "Brooklyn", "delivered"): 125,
        ("bn", "Queens", "shipped"): 50,
        ("es", "Queens", "shipped"): 75,
    }


def test_an_out_of_step_table_is_rebuilt_instead_of_refusing_a_delivery(
    sessions: SessionFactory, ref: Reference, brooklyn: tuple[int, int]
) -> None:
    flyer_bn, org = brooklyn
    shipment_id = ship_until(sessions, ref, org, {flyer_bn: 100}, until="shipped")
    with sessions.begin() as session:  # someone emptied the table by hand
        session.execute(delete(ShipmentTotal))
    assert not shipment_totals.differences(sessions).empty

    shipments.deliver_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
    assert kept(sessions) == {(flyer_bn, "Brooklyn", 307, "delivered"): 100}
    assert_in_step(sessions)


def test_an_out_of_step_table_still_follows_a_move(
    sessions: SessionFactory, ref: Reference, brooklyn: tuple[int, int]
) -> None:
    flyer_bn, org = brooklyn
    ship_until(sessions, ref, org, {flyer_bn: 100}, until="delivered")
    with sessions.begin() as session:
        session.execute(update(ShipmentTotal).values(units=1))
    organizations.set_location(
        sessions, organization_id=org, latitude=FLUSHING[0], longitude=FLUSHING[1], actor=ACTOR
    )
    assert kept(sessions) == {(flyer_bn, "Queens", 407, "delivered"): 100}


def test_the_check_command_reports_and_rebuild_repairs(
    sessions: SessionFactory,
    ref: Reference,
    brooklyn: tuple[int, int],
    app_env: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    flyer_bn, org = brooklyn
    ship_until(sessions, ref, org, {flyer_bn: 100}, until="delivered")
    assert shipment_totals.main(["check"]) == 0
    with sessions.begin() as session:
        session.execute(update(ShipmentTotal).values(units=7))
    assert shipment_totals.main(["check"]) == 1
    assert "differ from the shipment lines" in capsys.readouterr().out
    assert shipment_totals.main(["rebuild"]) == 0
    assert shipment_totals.main(["check"]) == 0
    assert kept(sessions) == {(flyer_bn, "Brooklyn", 307, "delivered"): 100}


def test_a_random_campaign_keeps_the_totals_equal_to_the_lines(
    sessions: SessionFactory, ref: Reference
) -> None:
    rng = random.Random(7)
    units = [ref.units[(material, code)] for material in ("flyer", "booklet") for code in ("bn", "es", "ur")]
    stocked(sessions, ref, *units, quantity=100_000)
    places = [SUNSET_PARK, FLUSHING, (40.8448, -73.8648), (40.7831, -73.9712)]  # + Bronx, Manhattan
    orgs = [placed_org(sessions, f"Organization {i}", places[i % len(places)]) for i in range(5)]
    open_shipments: list[int] = []
    for _ in range(40):
        action = rng.choice(["new", "advance", "advance", "move", "cancel"])
        if action == "new" or not open_shipments:
            lines = {unit: 25 * rng.randint(1, 4) for unit in rng.sample(units, rng.randint(1, 3))}
            open_shipments.append(ship_until(sessions, ref, rng.choice(orgs), lines, until="draft"))
        elif action == "advance":
            shipment_id = rng.choice(open_shipments)
            status = shipment_reads.shipments(sessions).set_index("shipment_id").loc[shipment_id, "status"]
            verb = {"draft": shipments.pack_shipment, "packed": shipments.ship_shipment}.get(
                status, shipments.deliver_shipment
            )
            verb(sessions, shipment_id=shipment_id, actor=ACTOR)
            if status == "shipped":
                open_shipments.remove(shipment_id)
        elif action == "move":
            point = rng.choice(places)
            organizations.set_location(
                sessions, organization_id=rng.choice(orgs), latitude=point[0], longitude=point[1], actor=ACTOR
            )
        else:
            shipment_id = rng.choice(open_shipments)
            status = shipment_reads.shipments(sessions).set_index("shipment_id").loc[shipment_id, "status"]
            if status in ("draft", "packed"):
                shipments.cancel_shipment(sessions, shipment_id=shipment_id, reason="test", actor=ACTOR)
                open_shipments.remove(shipment_id)
        assert_in_step(sessions)
    assert sum(kept(sessions).values()) > 0


def test_concurrent_deliveries_and_a_move_of_the_same_organization_stay_in_step(
    sessions: SessionFactory, ref: Reference, brooklyn: tuple[int, int]
) -> None:
    flyer_bn, org = brooklyn
    shipped = [ship_until(sessions, ref, org, {flyer_bn: 50}, until="shipped") for _ in range(4)]
    barrier = threading.Barrier(len(shipped) + 1, timeout=60)
    errors: list[BaseException] = []

    def run(action) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            action()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    actions = [
        lambda shipment_id=shipment_id: shipments.deliver_shipment(
            sessions, shipment_id=shipment_id, actor=ACTOR
        )
        for shipment_id in shipped
    ]
    actions.append(
        lambda: organizations.set_location(
            sessions, organization_id=org, latitude=FLUSHING[0], longitude=FLUSHING[1], actor=ACTOR
        )
    )
    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert kept(sessions) == {(flyer_bn, "Queens", 407, "delivered"): 200}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Organization)) == 1
