"""The allocation planner: where should the stock of one language go next?

`suggest` is pure (DataFrames in, a Plan out): largest gaps first, to the active organizations serving the
language in each area, in whole packs, each organization capped at what it usually uses, never more than
is available, never from a retired edition. `create_drafts` turns a plan into draft shipments in one
transaction, checking the stock again inside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from outreach import audit, inventory
from outreach.catalog import language_of, material_of
from outreach.coverage.gaps import area_of, language_codes
from outreach.coverage.need import check_level
from outreach.db import SessionFactory
from outreach.errors import InvalidInput, OutOfStock
from outreach.models import Shipment, ShipmentLine

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
    usual_request_packs: pd.Series, weekly_attendance: pd.Series, *, pack_size: int, max_packs: int
) -> np.ndarray:
    """What each organization usually uses, in packs: its usual request, else one piece per weekly
    attendee, else a small default; never above the per-line maximum, never below one pack.

    Whole columns at once; a value that is missing, not a number or not positive counts as not told,
    and a fraction is cut to its whole part first (2.7 packs usually means 2)."""
    usual = _whole(usual_request_packs)
    attendance = _whole(weekly_attendance)
    with np.errstate(invalid="ignore"):
        packs = np.where(
            usual > 0,
            np.trunc(usual),
            np.where(attendance > 0, np.ceil(np.trunc(attendance) / pack_size), DEFAULT_CAP_PACKS),
        )
    # Clip while still float: an absurd (even infinite) usual size becomes the maximum, never an overflow.
    return np.maximum(1, np.minimum(packs, max_packs)).astype("int64")


def _whole(values: pd.Series) -> np.ndarray:
    """Numbers as floats, with NaN for anything missing or not a number."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce")
    return np.asarray(numbers.astype("float64"), dtype="float64")


def spread(packs: np.ndarray, caps: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Hand out packs[g] one at a time round the organizations of group g (fair), in their order,
    skipping those at their cap: what each one gets.

    caps[i] belongs to group group[i]; each group's organizations are contiguous and in hand-out order.
    Computed in closed form rather than pack by pack: after t whole rounds organization i has min(cap_i, t);
    t is the most rounds the packs fully pay for, and what is left (fewer packs than organizations still
    below their cap) goes one each to the first of those still below their cap, in order.
    """
    packs = np.maximum(np.asarray(packs, dtype="int64"), 0)
    caps = np.maximum(np.asarray(caps, dtype="int64"), 0)
    group = np.asarray(group, dtype="int64")
    if caps.size == 0:
        return caps.copy()
    groups = len(packs)
    # Binary search, all groups at once, for the largest t with sum(min(cap_i, t)) <= packs.
    low = np.zeros(groups, dtype="int64")
    high = np.zeros(groups, dtype="int64")
    np.maximum.at(high, group, caps)
    while (low < high).any():
        middle = (low + high + 1) // 2
        fits = _round_total(caps, group, middle, groups) <= packs
        low = np.where(fits, middle, low)
        high = np.where(fits, high, middle - 1)
    given = np.minimum(caps, low[group])
    left = packs - _round_total(caps, group, low, groups)
    below_cap = caps > low[group]
    # Position of each organization among those of its group still below their cap, in order.
    running = np.cumsum(below_cap)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(group)) + 1))
    before_group = (running - below_cap)[starts]
    rank = running - 1 - np.repeat(before_group, np.diff(np.append(starts, len(group))))
    return given + (below_cap & (rank < left[group]))


def _round_total(caps: np.ndarray, group: np.ndarray, rounds: np.ndarray, groups: int) -> np.ndarray:
    """Packs each group hands out in `rounds` whole rounds."""
    return np.bincount(group, weights=np.minimum(caps, rounds[group]), minlength=groups).astype("int64")


def _serves(languages: pd.Series, language: str) -> np.ndarray:
    """Which organizations serve `language`: decided once per distinct languages value (a few hundred
    combinations among thousands of organizations), one by one only for unhashable values (lists)."""
    try:
        codes, distinct = pd.factorize(languages)
    except TypeError:
        return np.fromiter((language in language_codes(value) for value in languages), bool, len(languages))
    # The extra False at the end is what a missing value (code -1) reads.
    hits = np.array([language in language_codes(value) for value in distinct] + [False], dtype=bool)
    return hits[codes]


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

    Areas are served one after another, largest need first, each taking what it wants (up to what its
    organizations usually use) from what is left; within an area the packs go round its organizations,
    largest usual size first. Whole columns at a time: no loop over areas or organizations.
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
    rows = rows.reset_index(drop=True)

    serving = organizations.loc[
        (organizations["status"] == "active").to_numpy(dtype=bool, na_value=False)
        & _serves(organizations["languages"], language)
    ]
    serving = pd.DataFrame(
        {
            "area": area_of(serving, level),
            "organization_id": serving["id"],
            "organization": serving["name"],
            "cap_packs": cap_packs(
                serving["usual_request_packs"],
                serving["weekly_attendance"],
                pack_size=pack_size,
                max_packs=max_packs,
            ),
        }
    ).sort_values(["cap_packs", "organization_id"], ascending=[False, True], kind="mergesort")
    serving = serving[serving["area"].notna()]  # an organization with no known area cannot fill a gap
    serving = serving.assign(order=np.arange(len(serving.index)))
    # Each area row with its organizations, in area order then hand-out order.
    pairs = rows[["area", "area_label"]].assign(row=np.arange(len(rows.index))).merge(serving, on="area")
    pairs = pairs.iloc[np.lexsort((pairs["order"].to_numpy(), pairs["row"].to_numpy()))]
    row_of = pairs["row"].to_numpy(dtype="int64")
    caps = pairs["cap_packs"].to_numpy(dtype="int64")

    counted = np.bincount(row_of, minlength=len(rows.index))
    cap_total = np.bincount(row_of, weights=caps, minlength=len(rows.index)).astype("int64")
    need = rows["need_units"].to_numpy(dtype="float64")
    wanted = np.where(need > 0, np.ceil(need / pack_size), 0).astype("int64")
    # Each area takes min(wanted, its organizations' usual total) while stock lasts: what the areas before
    # it took is a running total capped at the budget.
    asks = np.where((counted > 0) & (wanted > 0), np.minimum(wanted, cap_total), 0)
    taken_through = np.minimum(np.cumsum(asks), budget)
    taken = np.diff(taken_through, prepend=0)
    left_after = budget - taken_through
    left_before = left_after + taken
    note = np.select(
        [counted == 0, wanted == 0, left_before == 0, (taken < wanted) & (left_after > 0), taken < wanted],
        [
            "no active organization serves this language here",
            "already covered by shipments on the way",
            "no stock left for this area",
            "organizations here are at their usual size",
            "stock ran out",
        ],
        "",
    )

    packs = spread(taken, caps, row_of)
    lines = pairs.assign(packs=packs, units=packs * pack_size)[packs > 0]
    areas = pd.DataFrame(
        {
            "area": rows["area"],
            "area_label": rows["area_label"],
            "gap": rows["gap"].astype("float64"),
            "already_coming": rows["already_coming"].astype("int64"),
            "need_units": rows["need_units"].astype("float64"),
            "organizations": counted,
            "units": taken * pack_size,
            "note": pd.Series(note, dtype="str"),
        }
    )
    return Plan(
        lines=lines.astype({"organization_id": "int64"})[LINE_COLUMNS].reset_index(drop=True),
        areas=areas[AREA_COLUMNS],
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
    from outreach.shipments.steps import add_shipment  # shipments imports inventory; keep this module light

    wanted = [(int(org), int(units)) for org, units in lines if int(units) > 0]
    if not wanted:
        raise InvalidInput(
            "The plan is empty: there is nothing to ship. Change the language or the stock item."
        )
    with sessions.begin() as session:
        unit = inventory.load_unit(session, unit_id)
        inventory.require_active(unit)
        depot = inventory.load_depot(session, depot_id)
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
