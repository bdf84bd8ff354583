"""Shipment lines summed per stock unit x depot x borough x community district x stage, kept as shipments move.

Summing every shipment line on each page load grows with the campaign (1.1 million lines at fifty times
New York's size). The `shipment_totals` table holds the same sums in a few thousand rows, changed in the
same transaction as whatever changes them:

- creating a shipment adds its lines to "pending" (a draft or packed shipment: promised, still in stock);
- cancelling takes them out again (only a draft or packed shipment can be cancelled);
- shipping moves them from "pending" to "shipped" (in transit), delivering from "shipped" to "delivered";
- moving an organization (a corrected pin, a new address) moves its units along. This is a flush hook, so
  every code path that changes an organization's borough or district is covered.

Lines never change after a shipment is created, nor does its depot, so nothing else can put the table out
of step except writes that go around these functions (bulk loads): `rebuild` recomputes it from the
lines (migration backfill, bulk loads, restores), `differences` compares the two.

Locking: each writer first locks the organization row (SELECT ... FOR UPDATE on PostgreSQL; SQLite runs one
writer at a time), then changes total rows in key order. A move and a shipment to the same organization
therefore never interleave, and two writers never wait on each other in a cycle.

    python -m outreach.shipments.totals check     # exit 1 and list the differences if out of step
    python -m outreach.shipments.totals rebuild   # recompute from the shipment lines
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import defaultdict
from typing import Any

import pandas as pd
from sqlalchemy import case, delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from outreach.db import SessionFactory, read_frame
from outreach.models import Organization, Shipment, ShipmentLine, ShipmentTotal, StockUnit

log = logging.getLogger(__name__)

# A shipment's status -> its stage here. Cancelled shipments count nowhere.
STAGE_OF = {"draft": "pending", "packed": "pending", "shipped": "shipped", "delivered": "delivered"}
# Key columns cannot be NULL (NULLs never conflict in a unique key): an organization not placed yet
# counts here, and reads turn these back into missing values.
UNPLACED_BOROUGH = ""
UNPLACED_DISTRICT = 0
KEY = ("unit_id", "depot_id", "borough", "community_district", "status")

Place = tuple[str, int]
Key = tuple[int, int, str, int, str]
Change = tuple[int, int]  # (units, reserved) to add


def place_of(borough: str | None, community_district: int | None) -> Place:
    return (
        borough or UNPLACED_BOROUGH,
        UNPLACED_DISTRICT if community_district is None else int(community_district),
    )


# --- writes (inside the caller's transaction) -----------------------------------------------------------


def shipment_created(session: Session, shipment: Shipment) -> None:
    _move(session, shipment, None, "pending")


def shipment_cancelled(session: Session, shipment: Shipment) -> None:
    _move(session, shipment, "pending", None)


def shipment_shipped(session: Session, shipment: Shipment) -> None:
    _move(session, shipment, "pending", "shipped")


def shipment_returned(session: Session, shipment: Shipment) -> None:
    _move(session, shipment, "shipped", "pending")


def shipment_delivered(session: Session, shipment: Shipment) -> None:
    _move(session, shipment, "shipped", "delivered")


def _move(session: Session, shipment: Shipment, old: str | None, new: str | None) -> None:
    """The shipment's lines leave stage `old` and join stage `new` (None: no stage)."""
    borough, district = _locked_place(session, shipment.organization_id)
    changes: dict[Key, Change] = defaultdict(lambda: (0, 0))
    for line in shipment.lines:
        for stage, sign in ((old, -1), (new, 1)):
            if stage is not None:
                key = (line.unit_id, shipment.depot_id, borough, district, stage)
                _add(changes, key, sign * line.quantity, sign * line.reserved_quantity)
    _apply(session, changes)


def _add(changes: dict[Key, Change], key: Key, units: int, reserved: int) -> None:
    before = changes[key]
    changes[key] = (before[0] + units, before[1] + reserved)


def _locked_place(session: Session, organization_id: int) -> Place:
    """The organization's place as committed, its row locked until the end of the transaction."""
    row = session.execute(
        select(Organization.borough, Organization.community_district)
        .where(Organization.id == organization_id)
        .with_for_update()
    ).one()
    return place_of(row.borough, row.community_district)


def _apply(session: Session, changes: dict[Key, Change]) -> bool:
    """Add each change to its total row, in key order. A total that would go below zero means the table
    is out of step with the shipment lines (a bulk load, a hand edit): it is rebuilt, in this transaction,
    rather than refusing the coordinator's shipment. False when it had to rebuild."""
    columns = ShipmentTotal.__table__.c
    for key, (units, reserved) in sorted(changes.items()):
        where = [columns[name] == value for name, value in zip(KEY, key, strict=True)]
        if units > 0:
            session.execute(_upsert(session, dict(zip(KEY, key, strict=True)), units, reserved))
        elif units < 0:
            result = session.execute(
                update(ShipmentTotal)
                .where(*where, columns.units >= -units, columns.reserved >= -reserved)
                .values(units=columns.units + units, reserved=columns.reserved + reserved)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                log.warning("shipment totals were out of step at %s; rebuilding them", key)
                rebuild(session)
                return False
    return True


def _upsert(session: Session, key: dict[str, Any], units: int, reserved: int) -> Any:
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ShipmentTotal).values(
        **key, units=units, reserved=reserved
    )
    columns = ShipmentTotal.__table__.c
    return statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={
            "units": columns.units + statement.excluded.units,
            "reserved": columns.reserved + statement.excluded.reserved,
        },
    )


@event.listens_for(Session, "before_flush")
def _follow_moved_organizations(session: Session, flush_context: object, instances: object) -> None:
    """An organization whose borough or district changes takes its shipment totals along.

    Runs before the flush writes the organization, so the database still holds its old place.
    """
    for organization in [obj for obj in session.dirty if isinstance(obj, Organization)]:
        attributes = inspect(organization).attrs
        moved = (
            attributes.borough.history.has_changes() or attributes.community_district.history.has_changes()
        )
        if not moved or organization.id is None:
            continue
        old = _locked_place(session, organization.id)
        new = place_of(organization.borough, organization.community_district)
        if old == new:
            continue
        changes: dict[Key, Change] = defaultdict(lambda: (0, 0))
        for unit_id, depot_id, stage, units, reserved in _organization_lines(session, organization.id):
            for place, sign in ((old, -1), (new, 1)):
                _add(changes, (unit_id, depot_id, *place, stage), sign * units, sign * reserved)
        if not _apply(session, changes):
            # Rebuilt from the database, where the organization is still at its old place: move it now.
            _apply(session, changes)


def _stage() -> Any:
    return case((Shipment.status.in_(("draft", "packed")), "pending"), else_=Shipment.status)


def _organization_lines(session: Session, organization_id: int) -> list[tuple[int, int, str, int, int]]:
    stage = _stage()
    rows = session.execute(
        select(
            ShipmentLine.unit_id,
            Shipment.depot_id,
            stage,
            func.sum(ShipmentLine.quantity),
            func.sum(ShipmentLine.reserved_quantity),
        )
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.organization_id == organization_id, Shipment.status.in_(list(STAGE_OF)))
        .group_by(ShipmentLine.unit_id, Shipment.depot_id, stage)
    )
    return [(int(u), int(d), str(s), int(n), int(r)) for u, d, s, n, r in rows]


def recomputed_statement() -> Any:
    """The totals summed from the shipment lines: what the table must hold."""
    borough = func.coalesce(Organization.borough, UNPLACED_BOROUGH)
    district = func.coalesce(Organization.community_district, UNPLACED_DISTRICT)
    stage = _stage()
    return (
        select(
            ShipmentLine.unit_id,
            Shipment.depot_id,
            borough.label("borough"),
            district.label("community_district"),
            stage.label("status"),
            func.sum(ShipmentLine.quantity).label("units"),
            func.sum(ShipmentLine.reserved_quantity).label("reserved"),
        )
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(Organization, Organization.id == Shipment.organization_id)
        .where(Shipment.status.in_(list(STAGE_OF)))
        .group_by(ShipmentLine.unit_id, Shipment.depot_id, borough, district, stage)
    )


def rebuild(session: Session) -> None:
    """Recompute every total from the shipment lines, in the caller's transaction."""
    session.execute(delete(ShipmentTotal))
    session.execute(insert(ShipmentTotal).from_select([*KEY, "units", "reserved"], recomputed_statement()))


# --- reads --------------------------------------------------------------------------------------------


def _places(frame: pd.DataFrame) -> pd.DataFrame:
    """The placeholder borough and district back to missing values."""
    frame["borough"] = frame["borough"].astype(object).where(frame["borough"] != UNPLACED_BOROUGH, None)
    if "community_district" in frame:
        district = pd.to_numeric(frame["community_district"]).astype("Int64")
        frame["community_district"] = district.mask(district == UNPLACED_DISTRICT)
    return frame


def shipped_units(
    sessions: SessionFactory, *, language: str | None = None, by_district: bool = True
) -> pd.DataFrame:
    """Units per language x community district x borough x status, shipped (in transit) and delivered:
    what the dashboard (per borough), coverage and the planner show, in no particular order.

    Columns: language, community_district (Int64; missing when the organization has no district),
    borough (None when not placed), status, units. `by_district=False`: per borough only, without the
    community_district column (the dashboard). `language`: that language only.
    """
    places = (
        [ShipmentTotal.community_district, ShipmentTotal.borough] if by_district else [ShipmentTotal.borough]
    )
    statement = (
        select(
            StockUnit.language, *places, ShipmentTotal.status, func.sum(ShipmentTotal.units).label("units")
        )
        .join(StockUnit, StockUnit.id == ShipmentTotal.unit_id)
        .where(ShipmentTotal.status.in_(("shipped", "delivered")), ShipmentTotal.units > 0)
        .group_by(StockUnit.language, *places, ShipmentTotal.status)
    )
    if language is not None:
        statement = statement.where(StockUnit.language == language)
    frame = read_frame(sessions, statement)
    frame["units"] = frame["units"].astype("int64")
    columns = ["language", *(["community_district"] if by_district else []), "borough", "status", "units"]
    # In no particular order: every reader sums it. Sorting these texts by PostgreSQL's collation took half
    # the query's time (7 of 12 ms at campaign scale), and sorting in pandas cost as much again.
    return _places(frame)[columns]


def pending_units(sessions: SessionFactory, *, language: str | None = None) -> pd.DataFrame:
    """Units promised by draft and packed shipments but not reserved (they leave stock only when shipped).

    Columns: unit_id, depot_id, language, community_district, borough, units.
    """
    unreserved = func.sum(ShipmentTotal.units - ShipmentTotal.reserved)
    statement = (
        select(
            ShipmentTotal.unit_id,
            ShipmentTotal.depot_id,
            StockUnit.language,
            ShipmentTotal.community_district,
            ShipmentTotal.borough,
            unreserved.label("units"),
        )
        .join(StockUnit, StockUnit.id == ShipmentTotal.unit_id)
        .where(ShipmentTotal.status == "pending")
        .group_by(
            ShipmentTotal.unit_id,
            ShipmentTotal.depot_id,
            StockUnit.language,
            ShipmentTotal.community_district,
            ShipmentTotal.borough,
        )
        .having(unreserved > 0)
        .order_by(ShipmentTotal.unit_id, ShipmentTotal.depot_id, ShipmentTotal.community_district)
    )
    if language is not None:
        statement = statement.where(StockUnit.language == language)
    frame = read_frame(sessions, statement)
    frame["units"] = frame["units"].astype("int64")
    return _places(frame)


def differences(sessions: SessionFactory) -> pd.DataFrame:
    """Keys where the table and the shipment lines disagree: the key columns, kept and expected units and
    reservations. Empty when the table is in step."""
    kept = read_frame(
        sessions, select(ShipmentTotal).where((ShipmentTotal.units != 0) | (ShipmentTotal.reserved != 0))
    )
    expected = read_frame(sessions, recomputed_statement())
    merged = kept.merge(expected, on=list(KEY), how="outer", suffixes=("_kept", "_expected"))
    numbers = ["units_kept", "units_expected", "reserved_kept", "reserved_expected"]
    merged[numbers] = merged[numbers].fillna(0).astype("int64")
    wrong = (merged["units_kept"] != merged["units_expected"]) | (
        merged["reserved_kept"] != merged["reserved_expected"]
    )
    return merged[wrong].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    from outreach.db import make_engine, make_sessions

    parser = argparse.ArgumentParser(
        prog="python -m outreach.shipments.totals", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("action", choices=("check", "rebuild"))
    args = parser.parse_args(argv)
    sessions = make_sessions(make_engine())
    if args.action == "rebuild":
        with sessions.begin() as session:
            rebuild(session)
        print("Rebuilt the shipment totals from the shipment lines.")
        return 0
    wrong = differences(sessions)
    if wrong.empty:
        print("The shipment totals match the shipment lines.")
        return 0
    print(f"{len(wrong)} shipment totals differ from the shipment lines (run 'rebuild' to fix):")
    print(wrong.to_string(index=False))
    return 1


if __name__ == "__main__":
    sys.exit(main())
