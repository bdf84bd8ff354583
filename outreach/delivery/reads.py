"""What the runs page, the driver's phone and the run sheets read."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from outreach.catalog import material_of
from outreach.db import SessionFactory, read_frame
from outreach.delivery import windows
from outreach.delivery.driver_links import DriverStop
from outreach.delivery.runs import OPEN, load_run, shipment_packs
from outreach.models import DeliveryRun, DeliveryStop, Location, Organization, Shipment


def runs(sessions: SessionFactory) -> pd.DataFrame:
    """Every run, newest date first: id, run_date, depot, status, locked, stops."""
    stops = select(DeliveryStop.run_id, func.count().label("stops")).group_by(DeliveryStop.run_id).subquery()
    statement = (
        select(
            DeliveryRun.id,
            DeliveryRun.run_date,
            Location.name.label("depot"),
            DeliveryRun.status,
            DeliveryRun.locked,
            func.coalesce(stops.c.stops, 0).label("stops"),
        )
        .join(Location, Location.id == DeliveryRun.depot_id)
        .outerjoin(stops, stops.c.run_id == DeliveryRun.id)
        .order_by(DeliveryRun.run_date.desc(), DeliveryRun.id.desc())
    )
    return read_frame(sessions, statement)


def packed_candidates(sessions: SessionFactory, run_id: int) -> pd.DataFrame:
    """Packed shipments from the run's depot not on an open run: id, organization, borough, located."""
    with sessions() as session:
        depot_id = load_run(session, run_id).depot_id
    busy = (
        select(DeliveryStop.shipment_id)
        .join(DeliveryRun, DeliveryRun.id == DeliveryStop.run_id)
        .where(DeliveryRun.status.in_(OPEN))
    )
    statement = (
        select(
            Shipment.id,
            Organization.name.label("organization"),
            Organization.borough,
            Organization.latitude.is_not(None).label("located"),
        )
        .join(Organization, Organization.id == Shipment.organization_id)
        .where(Shipment.status == "packed", Shipment.depot_id == depot_id, Shipment.id.not_in(busy))
        .order_by(Shipment.id)
    )
    return read_frame(sessions, statement)


def _lines(shipment: Shipment) -> tuple[tuple[str, str, int], ...]:
    return tuple(
        (
            line.unit.material,
            line.unit.language,
            math.ceil(line.quantity / material_of(line.unit.material).pack_size),
        )
        for line in shipment.lines
    )


def stop_details(session: Session, run: DeliveryRun, *, driver_id: int | None = None) -> list[DriverStop]:
    """The planned stops (of one driver, or all), in order, with what a driver needs at each."""
    chosen = [
        s for s in run.stops if s.position is not None and (driver_id is None or s.driver_id == driver_id)
    ]
    shipments = {
        s.id: s
        for s in session.scalars(
            select(Shipment).where(Shipment.id.in_([stop.shipment_id for stop in chosen]))
        )
    }
    schedules = windows.schedules(session, [s.organization_id for s in shipments.values()])
    details = []
    for stop in sorted(chosen, key=lambda s: (s.driver_id or 0, s.position or 0)):
        shipment = shipments[stop.shipment_id]
        org = shipment.organization
        place = ", ".join(part for part in (org.address, org.zip_code, org.borough) if part)
        details.append(
            DriverStop(
                stop_id=stop.id,
                position=stop.position or 0,
                shipment_id=shipment.id,
                organization=org.name,
                address=place,
                latitude=org.latitude,
                longitude=org.longitude,
                contact=org.contact_name,
                phone=org.contact_phone,
                window=windows.format_intervals(schedules[org.id].on(run.run_date)),
                language=org.preferred_language,
                lines=_lines(shipment),
                outcome=stop.outcome,
                outcome_reason=stop.outcome_reason,
            )
        )
    return details


def run_stops(sessions: SessionFactory, run_id: int) -> pd.DataFrame:
    """Every stop of a run for the coordinators: stop_id, shipment_id, driver_id, driver, position, arrival
    (HH:MM), organization, borough, window, packs, shipment status, outcome, why (unplanned or not delivered)."""
    with sessions() as session:
        run = load_run(session, run_id)
        drivers = {d.id: d.name for d in run.drivers}
        shipments = {
            s.id: s
            for s in session.scalars(
                select(Shipment).where(Shipment.id.in_([p.shipment_id for p in run.stops]))
            )
        }
        schedules = windows.schedules(session, [s.organization_id for s in shipments.values()])
        rows = []
        for stop in run.stops:
            shipment = shipments[stop.shipment_id]
            org = shipment.organization
            rows.append(
                {
                    "stop_id": stop.id,
                    "shipment_id": shipment.id,
                    "driver_id": stop.driver_id,
                    "driver": drivers.get(stop.driver_id or 0, ""),
                    "position": stop.position,
                    "arrival": windows.clock(stop.arrival) if stop.arrival is not None else "",
                    "organization": org.name,
                    "borough": org.borough or "",
                    "window": windows.format_intervals(schedules[org.id].on(run.run_date)) or "closed",
                    "packs": shipment_packs(shipment),
                    "shipment_status": shipment.status,
                    "outcome": stop.outcome or "",
                    "why": stop.unplanned_reason or (stop.outcome_reason or "").replace("_", " "),
                }
            )
    frame = pd.DataFrame(rows, columns=list(_STOP_COLUMNS))
    frame["position"] = pd.to_numeric(frame["position"]).astype("Int64")
    frame["driver_id"] = pd.to_numeric(frame["driver_id"]).astype("Int64")
    return frame.sort_values(["driver", "position", "stop_id"], na_position="last").reset_index(drop=True)


_STOP_COLUMNS = (
    "stop_id", "shipment_id", "driver_id", "driver", "position", "arrival", "organization", "borough",
    "window", "packs", "shipment_status", "outcome", "why",
)  # fmt: skip


def run_summary(sessions: SessionFactory, run_id: int) -> dict[str, object]:
    """The run's facts for its header: date, depot, status, locked, pace, hours, drivers."""
    with sessions() as session:
        run = load_run(session, run_id)
        depot = session.get(Location, run.depot_id)
        return {
            "id": run.id,
            "run_date": run.run_date,
            "depot": depot.name if depot else "",
            "depot_id": run.depot_id,
            "status": run.status,
            "locked": run.locked,
            "speed_kmh": run.speed_kmh,
            "service_minutes": run.service_minutes,
            "hours": f"{windows.clock(run.starts_at)}-{windows.clock(run.ends_at)}",
            "drivers": [
                {
                    "id": d.id,
                    "name": d.name,
                    "phone": d.phone or "",
                    "capacity": d.capacity_packs,
                    "link": d.token_hash is not None,
                }
                for d in run.drivers
            ],  # fmt: skip
            "expired": run.run_date < dt.date.today(),
        }
