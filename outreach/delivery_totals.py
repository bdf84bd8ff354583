"""Units shipped and delivered per stock unit x borough x community district, kept as shipments move.

Summing every shipment line on each page load grows with the campaign (1.1 million lines at fifty times
New York's size). The `delivery_totals` table holds the same sums in a few thousand rows, changed in the
same transaction as whatever changes them:

- shipping adds the shipment's lines to "shipped" at its organization's place;
- delivering moves them from "shipped" to "delivered";
- moving an organization (a corrected pin, a new address) moves its shipped and delivered units along. This
  is a flush hook, so every code path that changes an organization's borough or district is covered.

Cancelling is only possible before shipping, so it changes nothing here. `rebuild` recomputes the table from
the shipment lines (migration backfill, bulk loads, restores); `differences` compares the two.

Locking: each writer first locks the organization row (SELECT ... FOR UPDATE on PostgreSQL; SQLite runs one
writer at a time), then changes total rows in key order. A move and a shipment to the same organization
therefore never interleave, and two writers never wait on each other in a cycle.

    python -m outreach.delivery_totals check     # exit 1 and list the differences if out of step
    python -m outreach.delivery_totals rebuild   # recompute from the shipment lines
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import defaultdict

import pandas as pd
from sqlalchemy import delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from outreach.db import SessionFactory, read_frame
from outreach.models import DeliveryTotal, Organization, Shipment, ShipmentLine, StockUnit

log = logging.getLogger(__name__)

STATUSES = ("shipped", "delivered")
# Key columns cannot be NULL (NULLs never conflict in a unique key): an organization not placed yet
# counts here, and reads turn these back into missing values.
UNPLACED_BOROUGH = ""
UNPLACED_DISTRICT = 0
KEY = ("unit_id", "borough", "community_district", "status")

Place = tuple[str, int]
Key = tuple[int, str, int, str]


def place_of(borough: str | None, community_district: int | None) -> Place:
    return (
        borough or UNPLACED_BOROUGH,
        UNPLACED_DISTRICT if community_district is None else int(community_district),
    )


# --- writes (inside the caller's transaction) -----------------------------------------------------------


def shipment_shipped(session: Session, shipment: Shipment) -> None:
    """The shipment's lines are now in transit to its organization."""
    place = _locked_place(session, shipment.organization_id)
    _apply(session, {(line.unit_id, *place, "shipped"): line.quantity for line in shipment.lines})


def shipment_delivered(session: Session, shipment: Shipment) -> None:
    """The shipment's lines move from in transit to delivered."""
    place = _locked_place(session, shipment.organization_id)
    changes: dict[Key, int] = {}
    for line in shipment.lines:
        changes[(line.unit_id, *place, "shipped")] = -line.quantity
        changes[(line.unit_id, *place, "delivered")] = line.quantity
    _apply(session, changes)


def _locked_place(session: Session, organization_id: int) -> Place:
    """The organization's place as committed, its row locked until the end of the transaction."""
    row = session.execute(
        select(Organization.borough, Organization.community_district)
        .where(Organization.id == organization_id)
        .with_for_update()
    ).one()
    return place_of(row.borough, row.community_district)


def _apply(session: Session, changes: dict[Key, int]) -> bool:
    """Add each change to its total row, in key order. A total that would go below zero means the table
    is out of step with the shipment lines (a bulk load, a hand edit): it is rebuilt, in this transaction,
    rather than refusing the coordinator's shipment. False when it had to rebuild."""
    for key, delta in sorted(changes.items()):
        if delta > 0:
            session.execute(_upsert(session, dict(zip(KEY, key, strict=True)), delta))
        elif delta < 0:
            columns = DeliveryTotal.__table__.c
            result = session.execute(
                update(DeliveryTotal)
                .where(*(columns[name] == value for name, value in zip(KEY, key, strict=True)))
                .where(columns.units >= -delta)
                .values(units=columns.units + delta)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                log.warning("delivery totals were out of step at %s; rebuilding them", key)
                rebuild(session)
                return False
    return True


def _upsert(session: Session, key: dict[str, object], units: int):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DeliveryTotal).values(
        **key, units=units
    )
    return statement.on_conflict_do_update(
        index_elements=list(KEY), set_={"units": DeliveryTotal.__table__.c.units + statement.excluded.units}
    )


@event.listens_for(Session, "before_flush")
def _follow_moved_organizations(session: Session, flush_context: object, instances: object) -> None:
    """An organization whose borough or district changes takes its shipped and delivered units along.

    Runs before the flush writes the organization, so the database still holds its old place.
    """
    for organization in [obj for obj in session.dirty if isinstance(obj, Organization)]:
        attributes = inspect(organization).attrs
        if not (
            attributes.borough.history.has_changes() or attributes.community_district.history.has_changes()
        ):
            continue
        if organization.id is None:
            continue
        old = _locked_place(session, organization.id)
        new = place_of(organization.borough, organization.community_district)
        if old == new:
            continue
        changes: dict[Key, int] = defaultdict(int)
        for unit_id, status, units in _organization_units(session, organization.id):
            changes[(unit_id, *old, status)] -= units
            changes[(unit_id, *new, status)] += units
        if not _apply(session, changes):
            # Rebuilt from the database, where the organization is still at its old place: move it now.
            _apply(session, changes)


def _organization_units(session: Session, organization_id: int) -> list[tuple[int, str, int]]:
    return [
        (int(unit_id), str(status), int(units))
        for unit_id, status, units in session.execute(
            select(ShipmentLine.unit_id, Shipment.status, func.sum(ShipmentLine.quantity))
            .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
            .where(Shipment.organization_id == organization_id, Shipment.status.in_(STATUSES))
            .group_by(ShipmentLine.unit_id, Shipment.status)
        )
    ]


def recomputed_statement():  # type: ignore[no-untyped-def]
    """The totals summed from the shipment lines: what the table must hold."""
    borough = func.coalesce(Organization.borough, UNPLACED_BOROUGH)
    district = func.coalesce(Organization.community_district, UNPLACED_DISTRICT)
    return (
        select(
            ShipmentLine.unit_id,
            borough.label("borough"),
            district.label("community_district"),
            Shipment.status,
            func.sum(ShipmentLine.quantity).label("units"),
        )
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(Organization, Organization.id == Shipment.organization_id)
        .where(Shipment.status.in_(STATUSES))
        .group_by(ShipmentLine.unit_id, borough, district, Shipment.status)
    )


def rebuild(session: Session) -> None:
    """Recompute every total from the shipment lines, in the caller's transaction."""
    session.execute(delete(DeliveryTotal))
    session.execute(insert(DeliveryTotal).from_select([*KEY, "units"], recomputed_statement()))


# --- reads --------------------------------------------------------------------------------------------


def units(sessions: SessionFactory, *, language: str | None = None, by_district: bool = True) -> pd.DataFrame:
    """Units per language x community district x borough x status (shipped = in transit; delivered).

    Columns: language, community_district (Int64; missing when the organization has no district),
    borough (None when not placed), status, units. `by_district=False`: per borough only, without the
    community_district column (the dashboard). `language`: that language only.
    """
    places = (
        [DeliveryTotal.community_district, DeliveryTotal.borough] if by_district else [DeliveryTotal.borough]
    )
    statement = (
        select(
            StockUnit.language, *places, DeliveryTotal.status, func.sum(DeliveryTotal.units).label("units")
        )
        .join(StockUnit, StockUnit.id == DeliveryTotal.unit_id)
        .where(DeliveryTotal.units > 0)
        .group_by(StockUnit.language, *places, DeliveryTotal.status)
        .order_by(StockUnit.language, *places, DeliveryTotal.status)
    )
    if language is not None:
        statement = statement.where(StockUnit.language == language)
    frame = read_frame(sessions, statement)
    frame["units"] = frame["units"].astype("int64")
    frame["borough"] = frame["borough"].astype(object).where(frame["borough"] != UNPLACED_BOROUGH, None)
    if by_district:
        district = pd.to_numeric(frame["community_district"]).astype("Int64")
        frame["community_district"] = district.mask(district == UNPLACED_DISTRICT)
        return frame[["language", "community_district", "borough", "status", "units"]]
    return frame[["language", "borough", "status", "units"]]


def differences(sessions: SessionFactory) -> pd.DataFrame:
    """Keys where the table and the shipment lines disagree: unit_id, borough, community_district, status,
    kept, expected. Empty when the table is in step."""
    kept = read_frame(sessions, select(DeliveryTotal).where(DeliveryTotal.units != 0))
    expected = read_frame(sessions, recomputed_statement())
    merged = kept.rename(columns={"units": "kept"}).merge(
        expected.rename(columns={"units": "expected"}), on=list(KEY), how="outer"
    )
    merged[["kept", "expected"]] = merged[["kept", "expected"]].fillna(0).astype("int64")
    return merged[merged["kept"] != merged["expected"]].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    from outreach.db import make_engine, make_sessions

    parser = argparse.ArgumentParser(
        prog="python -m outreach.delivery_totals", description=__doc__.split("\n")[0]
    )
    parser.add_argument("action", choices=("check", "rebuild"))
    args = parser.parse_args(argv)
    sessions = make_sessions(make_engine())
    if args.action == "rebuild":
        with sessions.begin() as session:
            rebuild(session)
        print("Rebuilt the delivery totals from the shipment lines.")
        return 0
    wrong = differences(sessions)
    if wrong.empty:
        print("The delivery totals match the shipment lines.")
        return 0
    print(f"{len(wrong)} delivery totals differ from the shipment lines (run 'rebuild' to fix):")
    print(wrong.to_string(index=False))
    return 1


if __name__ == "__main__":
    sys.exit(main())
