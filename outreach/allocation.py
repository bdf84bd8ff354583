"""The allocation planner: where should the stock of one language go next?

`suggest` is pure (DataFrames in, a Plan out): largest gaps first, to the active organizations serving the
language in each area, in whole packs, each organization capped at what it usually uses, never more than
is available, never from a retired edition. `create_drafts` turns a plan into draft shipments in one
transaction, checking the stock again inside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select

from outreach import audit, inventory
from outreach.catalog import language as language_of
from outreach.catalog import material as material_of
from outreach.coverage import area_of, language_codes
from outreach.db import SessionFactory
from outreach.errors import InvalidInput, NotFound, OutOfStock
from outreach.models import Location, Shipment, ShipmentLine, StockUnit
from outreach.need import check_level

# When an organization has told us neither its usual order nor its attendance.
DEFAULT_CAP_PACKS = 2
LINE_COLUMNS = ["area", "area_label", "organization_id", "organization", "cap_packs", "packs", "units"]
AREA_COLUMNS = ["area", "area_label", "gap", "already_coming", "need_units", "organizations", "units", "note"]


@dataclass(frozen=True)
class Plan:
    lines: pd.DataFrame  # one row per organization: LINE_COLUMNS
    areas: pd.DataFrame  # one row per area with a positive gap: AREA_COLUMNS
    available_units: int
    pack_size: int

    @property
    def allocated_units(self) -> int:
        return int(self.lines["units"].sum()) if not self.lines.empty else 0


def cap_packs(
    usual_request_packs: object, weekly_attendance: object, *, pack_size: int, max_packs: int
) -> int:
    """What one organization usually uses, in packs: its usual request, else one piece per weekly
    attendee, else a small default; never above the per-line maximum."""

    def whole(value: object) -> int | None:
        number = pd.to_numeric(value, errors="coerce")  # type: ignore[call-overload]
        return None if pd.isna(number) or number <= 0 else int(number)

    usual, attendance = whole(usual_request_packs), whole(weekly_attendance)
    if usual is not None:
        packs = usual
    elif attendance is not None:
        packs = math.ceil(attendance / pack_size)
    else:
        packs = DEFAULT_CAP_PACKS
    return max(1, min(packs, max_packs))


def _spread(packs: int, caps: list[int]) -> list[int]:
    """Hand out packs one at a time round the organizations (fair), skipping those at their cap."""
    given = [0] * len(caps)
    while packs > 0:
        progressed = False
        for i, cap in enumerate(caps):
            if packs and given[i] < cap:
                given[i] += 1
                packs -= 1
                progressed = True
        if not progressed:
            break
    return given


def suggest(
    table: pd.DataFrame,
    organizations: pd.DataFrame,
    *,
    language: str,
    level: str,
    available_units: int,
    pack_size: int,
    edition_status: str = "active",
    pending: pd.DataFrame | None = None,
    max_packs: int = 40,
) -> Plan:
    """Suggest packs per area and organization for one language.

    table: `coverage.gap_table` rows (area, area_label, language, gap, in_transit).
    organizations: id, name, status, borough, community_district, languages, usual_request_packs,
    weekly_attendance. pending: language, community_district, borough, units of draft/packed shipments
    (already promised, so they reduce the need like units in transit do).
    """
    if edition_status != "active":
        raise InvalidInput(
            "That stock item is a retired edition; it is never allocated. Choose the current one."
        )
    if pack_size <= 0:
        raise InvalidInput(f"Pack size {pack_size} is not positive.")
    check_level(level)
    budget = max(0, int(available_units)) // pack_size
    rows = table[(table["language"] == language) & table["gap"].notna() & (table["gap"] > 0)].copy()
    coming = rows["in_transit"].astype("int64")
    if pending is not None and not pending.empty:
        mine = pending[pending["language"] == language]
        pending_by_area = mine.assign(area=area_of(mine, level)).groupby("area")["units"].sum()
        coming = coming + rows["area"].map(pending_by_area).fillna(0).astype("int64")
    rows["already_coming"] = coming
    rows["need_units"] = (rows["gap"] - rows["already_coming"]).clip(lower=0)
    rows = rows.sort_values(["need_units", "gap"], ascending=False, kind="mergesort")

    speaks = organizations["languages"].map(lambda value: language in language_codes(value)).astype(bool)
    serving = organizations.loc[(organizations["status"] == "active") & speaks]
    serving = serving.assign(area=area_of(serving, level))
    serving = serving.assign(
        cap_packs=[
            cap_packs(usual, attendance, pack_size=pack_size, max_packs=max_packs)
            for usual, attendance in zip(
                serving["usual_request_packs"], serving["weekly_attendance"], strict=True
            )
        ]
    ).sort_values(["cap_packs", "id"], ascending=[False, True], kind="mergesort")
    by_area = {area: group for area, group in serving.groupby("area", sort=False)}

    lines: list[dict] = []
    summaries: list[dict] = []
    for row in rows.itertuples(index=False):
        here = by_area.get(row.area)
        wanted = math.ceil(row.need_units / pack_size) if row.need_units > 0 else 0
        note = ""
        given: list[int] = []
        if here is None or here.empty:
            note = "no active organization serves this language here"
        elif wanted == 0:
            note = "already covered by shipments on the way"
        elif budget == 0:
            note = "no stock left for this area"
        else:
            caps = here["cap_packs"].tolist()
            given = _spread(min(wanted, budget), caps)
            budget -= sum(given)
            for org, packs in zip(here.itertuples(index=False), given, strict=True):
                if packs:
                    lines.append(
                        {
                            "area": row.area,
                            "area_label": row.area_label,
                            "organization_id": int(org.id),
                            "organization": org.name,
                            "cap_packs": int(org.cap_packs),
                            "packs": packs,
                            "units": packs * pack_size,
                        }
                    )
            if sum(given) < wanted:
                note = "organizations here are at their usual size" if budget else "stock ran out"
        summaries.append(
            {
                "area": row.area,
                "area_label": row.area_label,
                "gap": float(row.gap),
                "already_coming": int(row.already_coming),
                "need_units": float(row.need_units),
                "organizations": 0 if here is None else len(here),
                "units": sum(given) * pack_size,
                "note": note,
            }
        )
    return Plan(
        lines=pd.DataFrame(lines, columns=LINE_COLUMNS),
        areas=pd.DataFrame(summaries, columns=AREA_COLUMNS),
        available_units=max(0, int(available_units)),
        pack_size=pack_size,
    )


def create_drafts(
    sessions: SessionFactory,
    *,
    unit_id: int,
    depot_id: int,
    lines: Iterable[tuple[int, int]],
    actor: str,
    note: str | None = None,
) -> list[int]:
    """Create one draft shipment per (organization id, units) from a plan, all or nothing.

    Checked again here, inside the transaction: the edition is current, quantities are whole packs, and
    the total fits what the depot has available minus what other drafts already promise.
    """
    from outreach.shipments import add_shipment  # shipments imports inventory; keep this module light

    wanted = [(int(org), int(units)) for org, units in lines if int(units) > 0]
    if not wanted:
        raise InvalidInput(
            "The plan is empty: there is nothing to ship. Change the language or the stock item."
        )
    with sessions.begin() as session:
        unit = session.get(StockUnit, unit_id)
        if unit is None:
            raise NotFound(f"Stock item #{unit_id} does not exist. Pick an item from the list.")
        inventory.require_active(unit)
        depot = session.get(Location, depot_id)
        if depot is None:
            raise NotFound(f"Depot #{depot_id} does not exist. Pick a depot from the list.")
        pack_size = material_of(unit.material).pack_size
        odd = [units for _, units in wanted if units % pack_size]
        if odd:
            raise InvalidInput(
                f"{odd[0]:,} units is not a whole number of packs of {pack_size}. Use multiples of {pack_size}."
            )
        promised = session.scalar(
            select(func.coalesce(func.sum(ShipmentLine.quantity - ShipmentLine.reserved_quantity), 0))
            .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
            .where(
                ShipmentLine.unit_id == unit_id,
                Shipment.depot_id == depot_id,
                Shipment.status.in_(("draft", "packed")),
            )
        )
        free = inventory.available(session, unit_id, depot_id) - int(promised or 0)
        total = sum(units for _, units in wanted)
        if total > free:
            raise OutOfStock(
                f"The plan needs {total:,} units of {inventory.unit_label(unit)} but {depot.name} has "
                f"{max(free, 0):,} free (available minus other drafts). Recompute the plan."
            )
        text = note or f"Allocation plan: {language_of(unit.language).english}"
        ids = [
            add_shipment(
                session,
                organization_id=org,
                depot_id=depot_id,
                lines={unit_id: units},
                actor=actor,
                note=text,
            ).id
            for org, units in wanted
        ]
        audit.record(
            session,
            actor=actor,
            action="plan",
            entity="allocation",
            entity_id=unit_id,
            after={"depot_id": depot_id, "units": total, "shipments": ids},
        )
        return ids
