"""Delivery runs: a date, a depot, drivers with a capacity in packs, and a set of packed shipments.

draft (drivers and stops being gathered) -> planned ("Plan the run": OR-Tools assigns and orders the stops;
coordinators may reorder by hand and lock the order) -> out (sent out: every planned shipment is shipped in
one transaction through the shipment steps, and each driver gets a private link) -> done (every stop has an
outcome). Shipments are only ever moved by `outreach.shipments.steps`; this module writes its own tables.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach import audit, inventory
from outreach.catalog import material_of
from outreach.db import SessionFactory, get_or_not_found
from outreach.delivery import routing, windows
from outreach.errors import Conflict, InvalidInput
from outreach.models import DeliveryDriver, DeliveryRun, DeliveryStop, Shipment
from outreach.phones import normalize_phone
from outreach.quantities import parse_quantity
from outreach.shipments import steps as shipment_steps
from outreach.text import clean_text

# Where a run starts when the depot has no coordinates of its own: a central point of the depot's borough.
BOROUGH_POINTS = {
    "Manhattan": (40.7549, -73.9840),
    "Brooklyn": (40.6782, -73.9442),
    "Bronx": (40.8448, -73.8648),
    "Queens": (40.7282, -73.7949),
    "Staten Island": (40.5795, -74.1502),
}
MAX_SECONDS = 7.0  # the search budget for the largest runs (bench: 300 stops, 6 drivers plan in under 10 s)
OPEN = ("draft", "planned")


def load_run(session: Session, run_id: int) -> DeliveryRun:
    return get_or_not_found(
        session, DeliveryRun, run_id, f"Delivery run #{run_id} does not exist. Pick a run from the list."
    )


def _editable(run: DeliveryRun, what: str) -> None:
    if run.status not in OPEN:
        raise Conflict(f"Run #{run.id} is already {run.status}, so its {what} cannot change.")


def _unlocked(run: DeliveryRun) -> None:
    _editable(run, "stops")
    if run.locked:
        raise Conflict(f"The order of run #{run.id} is locked. Unlock it first to change the stops.")


def create_run(
    sessions: SessionFactory,
    *,
    run_date: dt.date,
    depot_id: int,
    actor: str,
    speed_kmh: float = 18.0,
    service_minutes: int = 10,
    hours: str = "09:00-18:00",
) -> int:
    day = windows.parse_intervals(hours)
    if len(day) != 1:
        raise InvalidInput(f"Run hours {hours!r}: give one start and end, like 09:00-18:00.")
    if not 3 <= speed_kmh <= 90:
        raise InvalidInput(
            f"Average speed {speed_kmh} km/h is not plausible: use 3 to 90 (18 in city traffic)."
        )
    if not 0 <= service_minutes <= 120:
        raise InvalidInput(f"Time per stop {service_minutes} min: use 0 to 120 minutes.")
    with sessions.begin() as session:
        depot = inventory.load_depot(session, depot_id)
        latitude, longitude = BOROUGH_POINTS.get(depot.borough or "", BOROUGH_POINTS["Manhattan"])
        run = DeliveryRun(
            run_date=run_date,
            depot_id=depot_id,
            speed_kmh=float(speed_kmh),
            service_minutes=int(service_minutes),
            starts_at=day[0][0],
            ends_at=day[0][1],
            start_latitude=latitude,
            start_longitude=longitude,
            created_by=actor,
        )
        audit.add_and_record(
            session,
            run,
            actor=actor,
            entity="delivery_run",
            after={"run_date": run_date.isoformat(), "depot_id": depot_id, "hours": hours},
        )
        return run.id


def add_driver(
    sessions: SessionFactory, *, run_id: int, name: str, phone: str | None, capacity: object, actor: str
) -> int:
    who = clean_text(name, field="The driver's name", max_length=120)
    if not who:
        raise InvalidInput("Give the driver's name (a first name is enough).")
    number = normalize_phone(phone) if phone and phone.strip() else None
    packs = parse_quantity(capacity, field="Capacity in packs")
    with sessions.begin() as session:
        run = load_run(session, run_id)
        _editable(run, "drivers")
        driver = DeliveryDriver(run_id=run_id, name=who, phone=number, capacity_packs=packs)
        audit.add_and_record(
            session,
            driver,
            actor=actor,
            entity="delivery_driver",
            after={"run_id": run_id, "capacity": packs},
        )
        return driver.id


def remove_driver(sessions: SessionFactory, *, run_id: int, driver_id: int, actor: str) -> None:
    with sessions.begin() as session:
        run = load_run(session, run_id)
        _unlocked(run)
        driver = next((d for d in run.drivers if d.id == driver_id), None)
        if driver is None:
            raise InvalidInput(f"Driver #{driver_id} is not on run #{run_id}.")
        for stop in run.stops:
            if stop.driver_id == driver_id:
                stop.driver_id, stop.position, stop.arrival = None, None, None
        run.drivers.remove(driver)
        audit.record(
            session, actor=actor, action="remove_driver", entity="delivery_run", entity_id=run_id,
            before={"driver_id": driver_id},
        )  # fmt: skip


def shipment_packs(shipment: Shipment) -> int:
    """Packs in a shipment (a last partial pack counts as one)."""
    return sum(
        math.ceil(line.quantity / material_of(line.unit.material).pack_size) for line in shipment.lines
    )


def add_shipments(sessions: SessionFactory, *, run_id: int, shipment_ids: list[int], actor: str) -> int:
    """Put packed shipments from the run's depot on the run; returns how many were added."""
    added = 0
    with sessions.begin() as session:
        run = load_run(session, run_id)
        _unlocked(run)
        on_run = {stop.shipment_id for stop in run.stops}
        for shipment_id in shipment_ids:
            shipment = get_or_not_found(
                session, Shipment, shipment_id, f"Shipment #{shipment_id} does not exist."
            )
            if shipment.status != "packed":
                raise InvalidInput(
                    f"Shipment #{shipment_id} is {shipment.status}; only packed shipments go on a run."
                )
            if shipment.depot_id != run.depot_id:
                raise InvalidInput(f"Shipment #{shipment_id} leaves from another depot than run #{run_id}.")
            if shipment.organization.latitude is None or shipment.organization.longitude is None:
                raise InvalidInput(
                    f"{shipment.organization.name} (shipment #{shipment_id}) has no location yet. "
                    "Place it on the map in the directory first."
                )
            other = session.scalar(
                select(DeliveryStop.run_id)
                .join(DeliveryRun, DeliveryRun.id == DeliveryStop.run_id)
                .where(
                    DeliveryStop.shipment_id == shipment_id,
                    DeliveryStop.run_id != run_id,
                    DeliveryRun.status.in_(OPEN),
                )
            )
            if other is not None:
                raise Conflict(
                    f"Shipment #{shipment_id} is already on run #{other}. Take it off that run first."
                )
            if shipment_id in on_run:
                continue
            run.stops.append(DeliveryStop(shipment_id=shipment_id))
            on_run.add(shipment_id)
            added += 1
        audit.record(
            session, actor=actor, action="add_stops", entity="delivery_run", entity_id=run_id,
            after={"shipment_ids": sorted(shipment_ids)},
        )  # fmt: skip
    return added


def remove_stop(sessions: SessionFactory, *, run_id: int, stop_id: int, actor: str) -> None:
    with sessions.begin() as session:
        run = load_run(session, run_id)
        _unlocked(run)
        stop = _stop_of(run, stop_id)
        run.stops.remove(stop)
        audit.record(
            session, actor=actor, action="remove_stop", entity="delivery_run", entity_id=run_id,
            before={"shipment_id": stop.shipment_id},
        )  # fmt: skip


def _stop_of(run: DeliveryRun, stop_id: int) -> DeliveryStop:
    stop = next((s for s in run.stops if s.id == stop_id), None)
    if stop is None:
        raise InvalidInput(f"Stop #{stop_id} is not on run #{run.id}. Reload the page.")
    return stop


def problem(
    session: Session, run: DeliveryRun
) -> tuple[routing.Depot, list[routing.Stop], list[routing.Driver]]:
    """The run as the router sees it: the depot, each stop's packs and windows that day, the drivers."""
    shipments = {
        s.id: s
        for s in session.scalars(select(Shipment).where(Shipment.id.in_([p.shipment_id for p in run.stops])))
    }
    schedules = windows.schedules(session, [s.organization_id for s in shipments.values()])
    stops = []
    for stop in run.stops:
        shipment = shipments[stop.shipment_id]
        organization = shipment.organization
        spans = schedules[organization.id].on(run.run_date)
        stops.append(
            routing.Stop(
                stop.id, float(organization.latitude or 0), float(organization.longitude or 0),
                shipment_packs(shipment), tuple(spans),
            )
        )  # fmt: skip
    depot = routing.Depot(run.start_latitude, run.start_longitude, run.starts_at, run.ends_at)
    drivers = [routing.Driver(d.id, d.capacity_packs) for d in run.drivers]
    return depot, stops, drivers


def plan(sessions: SessionFactory, *, run_id: int, actor: str, seconds: float | None = None) -> routing.Plan:
    """Plan the run with OR-Tools and store each stop's driver, place and planned arrival, or why not."""
    with sessions.begin() as session:
        run = load_run(session, run_id)
        _unlocked(run)
        if not run.drivers:
            raise InvalidInput(f"Run #{run_id} has no driver yet. Add at least one driver with a capacity.")
        if not run.stops:
            raise InvalidInput(f"Run #{run_id} has no shipments yet. Add packed shipments first.")
        depot, stops, drivers = problem(session, run)
        limit = seconds if seconds is not None else min(MAX_SECONDS, 1.0 + len(stops) / 40)
        result = routing.plan_run(
            depot, stops, drivers, speed_kmh=run.speed_kmh, service_minutes=run.service_minutes, seconds=limit
        )
        by_id = {stop.id: stop for stop in run.stops}
        for stop in run.stops:
            stop.driver_id, stop.position, stop.arrival = None, None, None
            stop.unplanned_reason = result.unplanned.get(stop.id)
        for driver_id, visits in result.routes.items():
            for position, visit in enumerate(visits, start=1):
                target = by_id[visit.stop_id]
                target.driver_id, target.position, target.arrival = driver_id, position, visit.arrival
        run.status = "planned"
        audit.record(
            session, actor=actor, action="plan", entity="delivery_run", entity_id=run_id,
            after={
                "routes": {str(k): [v.stop_id for v in vs] for k, vs in result.routes.items()},
                "unplanned": {str(k): v for k, v in result.unplanned.items()},
            },
        )  # fmt: skip
        return result


def move_stop(
    sessions: SessionFactory, *, run_id: int, stop_id: int, driver_id: int, position: int, actor: str
) -> None:
    """Reorder by hand: put the stop at `position` (1-based) in `driver_id`'s list; times are recomputed."""
    with sessions.begin() as session:
        run = load_run(session, run_id)
        _unlocked(run)
        if run.status != "planned":
            raise Conflict(f"Plan run #{run_id} first; then stops can be reordered by hand.")
        stop = _stop_of(run, stop_id)
        if driver_id not in {d.id for d in run.drivers}:
            raise InvalidInput(f"Driver #{driver_id} is not on run #{run_id}.")
        before = (stop.driver_id, stop.position)
        orders = _orders(run)
        for order in orders.values():
            if stop in order:
                order.remove(stop)
        target = orders.setdefault(driver_id, [])
        target.insert(max(0, min(position - 1, len(target))), stop)
        stop.driver_id, stop.unplanned_reason = driver_id, None
        _retime(session, run, orders)
        audit.record(
            session, actor=actor, action="move_stop", entity="delivery_run", entity_id=run_id,
            before={"stop_id": stop_id, "driver_id": before[0], "position": before[1]},
            after={"stop_id": stop_id, "driver_id": driver_id, "position": position},
        )  # fmt: skip


def _orders(run: DeliveryRun) -> dict[int, list[DeliveryStop]]:
    orders: dict[int, list[DeliveryStop]] = {d.id: [] for d in run.drivers}
    for stop in sorted(run.stops, key=lambda s: (s.position or 0, s.id)):
        if stop.driver_id is not None and stop.position is not None:
            orders.setdefault(stop.driver_id, []).append(stop)
    return orders


def _retime(session: Session, run: DeliveryRun, orders: dict[int, list[DeliveryStop]]) -> None:
    depot, stops, _ = problem(session, run)
    for order in orders.values():
        visits = routing.timed_route(
            depot, [s.id for s in order], stops, speed_kmh=run.speed_kmh, service_minutes=run.service_minutes
        )
        for position, (stop, visit) in enumerate(zip(order, visits, strict=True), start=1):
            stop.position, stop.arrival = position, (visit.arrival if visit.arrival >= 0 else None)


def set_locked(sessions: SessionFactory, *, run_id: int, locked: bool, actor: str) -> None:
    with sessions.begin() as session:
        run = load_run(session, run_id)
        _editable(run, "order")
        if locked and run.status != "planned":
            raise Conflict(f"Plan run #{run_id} before locking its order.")
        before, run.locked = run.locked, locked
        audit.record(
            session, actor=actor, action="lock" if locked else "unlock", entity="delivery_run",
            entity_id=run_id, before={"locked": before}, after={"locked": locked},
        )  # fmt: skip


def send_out(sessions: SessionFactory, *, run_id: int, actor: str) -> int:
    """The vans leave: every planned stop's shipment is shipped (stock leaves the depot), all or nothing.

    Stops left unplanned stay packed and are taken off the run, back with the coordinators. Locks the order.
    Returns the number of shipments sent out. Driver links are made separately (`driver_links.issue`).
    """
    with sessions.begin() as session:
        run = load_run(session, run_id)
        if run.status != "planned":
            raise Conflict(f"Run #{run_id} is {run.status}; plan it before sending it out.")
        planned = [s for s in run.stops if s.driver_id is not None and s.position is not None]
        if not planned:
            raise InvalidInput(
                f"No stop of run #{run_id} is planned. Plan the run or move stops to a driver."
            )
        for stop in [s for s in run.stops if s not in planned]:
            run.stops.remove(stop)
        for stop in sorted(planned, key=lambda s: s.shipment_id):
            shipment_steps.ship(session, shipment_id=stop.shipment_id, actor=actor)
        run.status, run.locked = "out", True
        audit.record(
            session, actor=actor, action="send_out", entity="delivery_run", entity_id=run_id,
            after={"shipment_ids": sorted(s.shipment_id for s in planned)},
        )  # fmt: skip
        return len(planned)
