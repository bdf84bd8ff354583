"""The allocation planner's use case: what is free to allocate at a depot, and the plan for one language.

Pure, like `allocation.suggest`: the frames come in already read (the planner page caches the reads and
the plan), so a rerun that changes nothing recomputes nothing.
"""

from __future__ import annotations

import pandas as pd

from outreach.coverage import allocation, gaps, need

LEVEL = "district"  # organizations are placed by community district: the finest area with need figures


def free_stock(levels: pd.DataFrame, pending: pd.DataFrame, *, depot_id: int) -> pd.DataFrame:
    """The current-edition items of `levels` (stock at one depot) with what is still free to allocate.

    `promised`: units that draft and packed shipments from this depot will take (not reserved yet);
    `free` = available - promised, never below zero. A retired edition is never allocated, so it is left out.
    """
    current = levels[levels["edition_status"] == "active"]
    if pending.empty:
        promised = pd.Series(dtype="int64")
    else:
        promised = pending[pending["depot_id"] == depot_id].groupby("unit_id")["units"].sum()
    current = current.assign(promised=current["unit_id"].map(promised).fillna(0).astype("int64"))
    return current.assign(free=(current["available"] - current["promised"]).clip(lower=0))


def plan_for_language(
    shipped: pd.DataFrame,
    organizations: pd.DataFrame,
    totals: pd.Series,
    pending: pd.DataFrame,
    *,
    language: str,
    units: int,
    pack_size: int,
    edition_status: str,
    desert_min_lep: int,
    max_packs: int,
) -> allocation.Plan:
    """The gap table of one language by community district, and the plan that splits `units` over it.

    `shipped`, `organizations` and `pending` may hold this language's rows only (the page reads no more).
    """
    table = gaps.gap_table(
        need.need(LEVEL),
        shipped,
        organizations,
        totals,
        level=LEVEL,
        desert_min_lep=desert_min_lep,
        language=language,
    )
    return allocation.suggest(
        table,
        organizations,
        language=language,
        level=LEVEL,
        available_units=units,
        pack_size=pack_size,
        edition_status=edition_status,
        pending=pending,
        max_packs=max_packs,
    )
