"""Campaign progress for the dashboard: printed, in stock, in transit, delivered, by language x borough."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from outreach import inventory
from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES
from outreach.db import SessionFactory, read_frame
from outreach.models import Location, StockBalance, StockMovement, StockUnit
from outreach.shipments import totals as shipment_totals

MEASURES = ("in stock", "in transit", "delivered")


def overview(sessions: SessionFactory) -> tuple[dict[str, int], pd.DataFrame, pd.DataFrame]:
    """What the dashboard shows, read once: totals, the language x borough long table, low-stock rows.

    The shipment aggregate (the one query that grows with the campaign) runs once, not once per figure.
    """
    moved = shipment_totals.shipped_units(sessions, by_district=False)
    levels = inventory.stock_levels(sessions)
    low = levels[levels["low"]].reset_index(drop=True)
    return totals(sessions, moved=moved, levels=levels), language_borough(sessions, moved=moved), low


def totals(
    sessions: SessionFactory, *, moved: pd.DataFrame | None = None, levels: pd.DataFrame | None = None
) -> dict[str, int]:
    """Whole-campaign unit counts: received from print runs, on hand, reserved, in transit, delivered.

    `moved` (shipment_totals.shipped_units by borough) and `levels` (inventory.stock_levels) when already read.
    """
    received = read_frame(
        sessions,
        select(func.coalesce(func.sum(StockMovement.quantity), 0).label("n")).where(
            StockMovement.kind == "receipt"
        ),
    )["n"].iloc[0]
    levels = inventory.stock_levels(sessions) if levels is None else levels
    moved = shipment_totals.shipped_units(sessions, by_district=False) if moved is None else moved
    by_status = moved.groupby("status")["units"].sum() if not moved.empty else pd.Series(dtype=int)
    return {
        "received": int(received),
        "on_hand": int(levels["on_hand"].sum()),
        "reserved": int(levels["reserved"].sum()),
        "in_transit": int(by_status.get("shipped", 0)),
        "delivered": int(by_status.get("delivered", 0)),
    }


def language_borough(sessions: SessionFactory, *, moved: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long table: language, borough, measure (in stock | in transit | delivered), units.

    Stock counts where the depot is; shipments count where the organization is.
    """
    stock = read_frame(
        sessions,
        select(StockUnit.language, Location.borough, func.sum(StockBalance.on_hand).label("units"))
        .join(StockUnit, StockUnit.id == StockBalance.unit_id)
        .join(Location, Location.id == StockBalance.location_id)
        .group_by(StockUnit.language, Location.borough),
    )
    stock["measure"] = "in stock"
    moved = (shipment_totals.shipped_units(sessions, by_district=False) if moved is None else moved).copy()
    moved["measure"] = moved["status"].map({"shipped": "in transit", "delivered": "delivered"})
    frame = pd.concat([stock, moved.drop(columns="status")], ignore_index=True)
    frame["borough"] = frame["borough"].fillna("Unassigned")
    frame["units"] = frame["units"].astype(int)
    return frame[["language", "borough", "measure", "units"]]


def pivot(long: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Language x borough grid of one measure, every language and borough present, with totals."""
    chosen = long[long["measure"] == measure]
    boroughs = list(BOROUGH_NAMES) + sorted(set(chosen["borough"]) - set(BOROUGH_NAMES))
    grid = chosen.pivot_table(
        index="language", columns="borough", values="units", aggfunc="sum", fill_value=0
    )
    grid = grid.reindex(index=list(LANGUAGE_CODES), columns=boroughs, fill_value=0).astype(int)
    grid["Total"] = grid.sum(axis=1)
    return grid
