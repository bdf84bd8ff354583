"""Delivery runs end to end in the domain: plan, send out, a driver's taps, and what the ledger says."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from icalendar import Calendar
from sqlalchemy import select

from outreach import inventory, organizations
from outreach.db import SessionFactory
from outreach.delivery import driver_links, reads, runs
from outreach.demo import Reference
from outreach.errors import Conflict, InvalidInput, NotFound
from outreach.messages import calendar
from outreach.models import AuditEntry, Shipment, StockMovement
from outreach.shipments import totals
from tests.conftest import ACTOR, ship_until

MONDAY = dt.date(2026, 12, 7)


def _org(sessions: SessionFactory, name: str, lat: float, lon: float, tradition: str = "Christian") -> int:
    return organizations.create_organization(
        sessions, name=name, borough="Brooklyn", languages=["es"], actor=ACTOR, faith_tradition=tradition,
        latitude=lat, longitude=lon, address="1 Main St", contact_name="Ana", contact_phone="718-555-0101",
    )  # fmt: skip


@pytest.fixture
def stocked(sessions: SessionFactory, ref: Reference) -> Reference:
    unit = ref.units[("flyer", "es")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=5000, reference="r", actor=ACTOR
    )
    return ref


def _packed(sessions: SessionFactory, ref: Reference, count: int) -> list[int]:
    unit = ref.units[("flyer", "es")]
    points = [(40.68 + i * 0.01, -73.95 + (i % 3) * 0.01) for i in range(count)]
    orgs = [_org(sessions, f"Iglesia {i}", lat, lon) for i, (lat, lon) in enumerate(points)]
    return [ship_until(sessions, ref, org, {unit: 100}, until="packed") for org in orgs]


def _run(sessions: SessionFactory, ref: Reference, shipments: list[int], *, day: dt.date = MONDAY) -> int:
    run_id = runs.create_run(sessions, run_date=day, depot_id=ref.main_depot, actor=ACTOR)
    runs.add_driver(sessions, run_id=run_id, name="Rosa", phone="718-555-0199", capacity="20", actor=ACTOR)
    runs.add_driver(sessions, run_id=run_id, name="Sam", phone=None, capacity=20, actor=ACTOR)
    runs.add_shipments(sessions, run_id=run_id, shipment_ids=shipments, actor=ACTOR)
    return run_id


def test_plan_assigns_every_stop_within_capacity(sessions: SessionFactory, stocked: Reference) -> None:
    run_id = _run(sessions, stocked, _packed(sessions, stocked, 5))
    plan = runs.plan(sessions, run_id=run_id, actor=ACTOR, seconds=1)
    assert not plan.unplanned
    stops = reads.run_stops(sessions, run_id)
    assert stops["position"].notna().all()
    assert (stops.groupby("driver")["packs"].sum() <= 20).all()
    assert all(arrival >= "09:00" for arrival in stops["arrival"])


def test_a_church_is_not_visited_on_sunday_morning_and_a_closed_day_is_explained(
    sessions: SessionFactory, stocked: Reference
) -> None:
    shipments = _packed(sessions, stocked, 2)
    sunday = dt.date(2026, 12, 6)
    run_id = _run(sessions, stocked, shipments, day=sunday)
    runs.plan(sessions, run_id=run_id, actor=ACTOR, seconds=1)
    stops = reads.run_stops(sessions, run_id)
    assert all(arrival >= "13:00" for arrival in stops["arrival"])


def test_a_shipment_too_big_for_any_driver_is_explained(sessions: SessionFactory, stocked: Reference) -> None:
    unit = stocked.units[("flyer", "es")]
    big = ship_until(sessions, stocked, _org(sessions, "Big", 40.7, -73.95), {unit: 50 * 30}, until="packed")
    run_id = _run(sessions, stocked, [big])
    plan = runs.plan(sessions, run_id=run_id, actor=ACTOR, seconds=1)
    assert "capacity" in plan.unplanned[reads.run_stops(sessions, run_id)["stop_id"][0]]


def test_only_packed_shipments_from_the_run_depot(sessions: SessionFactory, stocked: Reference) -> None:
    unit = stocked.units[("flyer", "es")]
    draft = ship_until(sessions, stocked, _org(sessions, "Draft", 40.7, -73.95), {unit: 50}, until="draft")
    run_id = runs.create_run(sessions, run_date=MONDAY, depot_id=stocked.main_depot, actor=ACTOR)
    with pytest.raises(InvalidInput, match=f"#{draft} is draft"):
        runs.add_shipments(sessions, run_id=run_id, shipment_ids=[draft], actor=ACTOR)


def test_reorder_by_hand_then_lock(sessions: SessionFactory, stocked: Reference) -> None:
    run_id = _run(sessions, stocked, _packed(sessions, stocked, 4))
    runs.plan(sessions, run_id=run_id, actor=ACTOR, seconds=1)
    stops = reads.run_stops(sessions, run_id)
    last = stops.iloc[-1]
    runs.move_stop(sessions, run_id=run_id, stop_id=int(last.stop_id), driver_id=int(stops.iloc[0].driver_id),
                   position=1, actor=ACTOR)  # fmt: skip
    moved = reads.run_stops(sessions, run_id).set_index("stop_id").loc[int(last.stop_id)]
    assert moved.position == 1 and moved.driver_id == int(stops.iloc[0].driver_id)
    runs.set_locked(sessions, run_id=run_id, locked=True, actor=ACTOR)
    with pytest.raises(Conflict, match="locked"):
        runs.plan(sessions, run_id=run_id, actor=ACTOR, seconds=1)


def test_driver_delivers_twice_reports_one_closed_and_the_ledger_follows(
    sessions: SessionFactory, stocked: Reference
) -> None:
    shipments = _packed(sessions, stocked, 3)
    today = driver_links.today()
    run_id = _run(sessions, stocked, shipments, day=today)  # a run for today: its driver links are live
    runs.plan(sessions, run_id=run_id, actor=ACTOR, seconds=1)
    # Windows on a weekend may leave stops out; put any unplanned stop on a driver by hand.
    for row in reads.run_stops(sessions, run_id).itertuples():
        if pd.isna(row.position):
            runs.move_stop(sessions, run_id=run_id, stop_id=row.stop_id, driver_id=_driver_ids(sessions, run_id)[0],
                           position=1, actor=ACTOR)  # fmt: skip
    assert runs.send_out(sessions, run_id=run_id, actor=ACTOR) == 3
    tokens = driver_links.issue(sessions, run_id=run_id, actor=ACTOR)
    routes = {driver: driver_links.route(sessions, token) for driver, token in tokens.items()}
    stops = [(tokens[d], stop) for d, route in routes.items() for stop in route.stops]
    assert len(stops) == 3
    (t1, s1), (t2, s2), (t3, s3) = stops
    assert driver_links.mark_delivered(sessions, token=t1, stop_id=s1.stop_id) == "delivered"
    assert driver_links.mark_delivered(sessions, token=t1, stop_id=s1.stop_id) == "delivered"  # retried tap
    driver_links.mark_delivered(sessions, token=t2, stop_id=s2.stop_id)
    assert (
        driver_links.mark_not_delivered(sessions, token=t3, stop_id=s3.stop_id, reason="closed")
        == "not_delivered"
    )
    assert driver_links.mark_delivered(sessions, token=t3, stop_id=s3.stop_id) == "not_delivered"
    with sessions() as session:
        status = {s.id: s.status for s in session.scalars(select(Shipment).where(Shipment.id.in_(shipments)))}
        assert status[s1.shipment_id] == status[s2.shipment_id] == "delivered"
        assert status[s3.shipment_id] == "packed"
        kinds = [
            m.kind
            for m in session.scalars(select(StockMovement).where(StockMovement.shipment_id == s3.shipment_id))
        ]
        assert kinds == ["shipment", "return"]
        returned = session.scalars(select(AuditEntry).where(AuditEntry.action == "return")).one()
        assert "closed" in str(returned.after)
    with sessions() as session:  # the closed stop's 100 flyers are back on the shelf, the delivered 200 gone
        on_hand, _ = inventory.balance(session, stocked.units[("flyer", "es")], stocked.main_depot)
    assert on_hand == 5000 - 200
    assert totals.differences(sessions).empty
    delivered = totals.shipped_units(sessions, language="es")
    assert int(delivered[delivered.status == "delivered"]["units"].sum()) == 200
    assert int(delivered[delivered.status == "shipped"]["units"].sum()) == 0
    assert reads.runs(sessions).set_index("id").loc[run_id, "status"] == "done"


def _driver_ids(sessions: SessionFactory, run_id: int) -> list[int]:
    return [d["id"] for d in reads.run_summary(sessions, run_id)["drivers"]]  # type: ignore[index]


def test_a_bad_or_expired_driver_link_says_nothing(sessions: SessionFactory, stocked: Reference) -> None:
    run_id = _run(sessions, stocked, _packed(sessions, stocked, 1), day=dt.date(2020, 1, 6))
    runs.plan(sessions, run_id=run_id, actor=ACTOR, seconds=1)
    tokens = driver_links.issue(sessions, run_id=run_id, actor=ACTOR)
    with pytest.raises(NotFound):
        driver_links.route(sessions, next(iter(tokens.values())))  # the run date has passed
    with pytest.raises(NotFound):
        driver_links.route(sessions, "x" * 43)


def test_the_deliveries_calendar_shows_a_run_shipment_on_the_run_date(
    sessions: SessionFactory, stocked: Reference
) -> None:
    on_run, off_run = _packed(sessions, stocked, 2)
    _run(sessions, stocked, [on_run])
    events = {
        str(event["uid"]): event.decoded("dtstart")
        for event in Calendar.from_ical(calendar.feed(sessions)).walk("VEVENT")
    }
    assert events[f"shipment-{on_run}@kyr-tracker"] == MONDAY
    assert events[f"shipment-{off_run}@kyr-tracker"] != MONDAY  # packed today, on no run: its packing day
