"""Coverage of what reached people: three stages side by side, per language and area.

- delivered: units in delivered shipments (the shipment totals, as the coverage map always showed);
- confirmed: units the organizations confirmed received (what arrived: a short parcel counts what came);
- handed out: pieces the organizations reported handing out.

Each per 1,000 LEP speakers, with the share of the active organizations serving the language in the area that
have reported at all, so a low figure from silence is not read as a low figure from need. `stage_units` gives
the coverage gap table and the planner any stage in the shape of the shipment totals (status 'delivered').
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import select

from outreach.coverage import gaps
from outreach.db import SessionFactory, read_frame
from outreach.field import handouts, receipts
from outreach.models import HandoutReport
from outreach.shipments import totals as shipment_totals

STAGES = {
    "delivered": "Delivered",
    "confirmed": "Confirmed received",
    "handed_out": "Reported handed out",
}
STAGE_COLUMNS = [
    "area",
    "area_label",
    "borough",
    "language",
    "lep_speakers",
    "delivered",
    "confirmed",
    "handed_out",
    "delivered_per_1000",
    "confirmed_per_1000",
    "handed_out_per_1000",
    "organizations",
    "reporting",
    "reporting_share",
]


def _as_delivered(frame: pd.DataFrame, language: str | None) -> pd.DataFrame:
    """A stage's units in the shape of `shipment_totals.shipped_units` (status 'delivered')."""
    if language is not None:
        frame = frame[frame["language"] == language]
    frame = frame.assign(
        status="delivered",
        units=frame["units"].astype("int64"),
        community_district=pd.to_numeric(frame["community_district"]).astype("Int64"),
    )
    frame["borough"] = (
        frame["borough"].astype(object).where(frame["borough"].notna() & (frame["borough"] != ""), None)
    )
    return frame[["language", "community_district", "borough", "status", "units"]].reset_index(drop=True)


def stage_units(sessions: SessionFactory, stage: str, *, language: str | None = None) -> pd.DataFrame:
    """Units of one stage per language, district and borough (status 'delivered'; delivered also keeps the
    shipments in transit, as the coverage map shows them)."""
    if stage == "delivered":
        return shipment_totals.shipped_units(sessions, language=language)
    if stage == "confirmed":
        return _as_delivered(receipts.confirmed_units(sessions), language)
    if stage == "handed_out":
        return _as_delivered(handouts.handed_out_units(sessions), language)
    raise ValueError(f"Unknown stage {stage!r}: one of {', '.join(STAGES)}")


def reporting_organizations(sessions: SessionFactory) -> set[int]:
    """Organizations that have sent at least one handout report."""
    frame = read_frame(sessions, select(HandoutReport.organization_id).distinct())
    return {int(value) for value in frame["organization_id"]}


def _supply(frame: pd.DataFrame, level: str, name: str) -> pd.DataFrame:
    supplied = gaps.supply(frame, level=level)
    return supplied[["language", "area", "delivered"]].rename(columns={"delivered": name})


def stages_table(
    need: pd.DataFrame,
    delivered: pd.DataFrame,
    confirmed: pd.DataFrame,
    handed_out: pd.DataFrame,
    organizations: pd.DataFrame,
    reporting: Iterable[int] = (),
    *,
    level: str,
    language: str | None = None,
) -> pd.DataFrame:
    """Per area and language with LEP data: the three stages in units and per 1,000 LEP speakers, the active
    organizations serving the language there, how many of them reported, and that share (NaN: none serve).

    Pure pandas. `need` from outreach.coverage.need; the three unit frames as `stage_units` gives them;
    `organizations` as outreach.coverage.inputs.organizations (id, borough, community_district, status,
    languages) with `reporting` the ids that reported, or counted (`gaps.count_organizations`: `reported`
    and `organizations` per row)."""
    table = need if language is None else need[need["language"] == language]
    table = table.copy()
    for name, frame in (("delivered", delivered), ("confirmed", confirmed), ("handed_out", handed_out)):
        table = table.merge(_supply(frame, level, name), on=["language", "area"], how="left")
        table[name] = table[name].fillna(0).astype("int64")
        per = table[name] / table["lep_speakers"].where(table["lep_speakers"] > 0) * 1_000
        table[f"{name}_per_1000"] = per.round(1)
    # Listed organizations are looked up in `reporting`; counted ones (gaps.count_organizations) say it.
    reported = (
        organizations["reported"].to_numpy(dtype=bool)
        if "reported" in organizations.columns
        else organizations["id"].isin(list(reporting)).to_numpy(dtype=bool)
    )
    serving = gaps.serving(organizations, level=level).rename(
        columns={"active_organizations": "organizations"}
    )
    reporters = gaps.serving(organizations[reported], level=level)
    counts = serving.merge(
        reporters.rename(columns={"active_organizations": "reporting"}), on=["language", "area"], how="left"
    )
    if level == "district":
        counts["area"] = pd.to_numeric(counts["area"]).astype("int64")
    table = table.merge(counts, on=["language", "area"], how="left")
    table["organizations"] = table["organizations"].fillna(0).astype("int64")
    table["reporting"] = table["reporting"].fillna(0).astype("int64")
    table["reporting_share"] = np.where(
        table["organizations"] > 0,
        table["reporting"] / table["organizations"].where(table["organizations"] > 0),
        np.nan,
    )
    return table.sort_values(["language", "delivered"], ascending=[True, False])[STAGE_COLUMNS].reset_index(
        drop=True
    )


def campaign_stages(sessions: SessionFactory) -> dict[str, int]:
    """Whole-campaign units at each stage, and organizations delivered to / reporting (the dashboard)."""
    delivered = shipment_totals.shipped_units(sessions, by_district=False)
    return {
        "delivered": int(delivered.loc[delivered["status"] == "delivered", "units"].sum()),
        "confirmed": int(receipts.confirmed_units(sessions)["units"].sum()),
        "handed_out": int(handouts.handed_out_units(sessions)["units"].sum()),
        "reporting": len(reporting_organizations(sessions)),
        "receiving": handouts.receiving_count(sessions),
    }
