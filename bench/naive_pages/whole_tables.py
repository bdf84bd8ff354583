"""What the naive pages share: read a whole table into pandas, show as many rows as the real page does."""

from __future__ import annotations

import pandas as pd

from bench import page_timing
from outreach.db import engine_of
from outreach.ui.resources import get_sessions


def table(name: str) -> pd.DataFrame:
    return pd.read_sql(f"SELECT * FROM {name}", engine_of(get_sessions()))  # noqa: S608 - fixed names


def visible(frame: pd.DataFrame) -> pd.DataFrame:
    """The first rows, as many as the real page showed in its main table."""
    rows = page_timing.FLOOR_FRAME["frame"].shape[0]
    return frame.head(max(rows, 1))


def units() -> pd.DataFrame:
    editions = table("editions").rename(
        columns={"id": "edition_id", "code": "edition", "status": "edition_status"}
    )
    return table("stock_units").rename(columns={"id": "unit_id"}).merge(editions, on="edition_id")


def shipped_lines() -> pd.DataFrame:
    """Every shipment line with its shipment, unit language and organization place."""
    shipments = table("shipments").rename(columns={"id": "shipment_id"})
    organizations = table("organizations").rename(columns={"id": "organization_id"})
    lines = table("shipment_lines").merge(shipments, on="shipment_id")
    lines = lines.merge(
        table("stock_units").rename(columns={"id": "unit_id"})[["unit_id", "language"]], on="unit_id"
    )
    return lines.merge(
        organizations[["organization_id", "borough", "community_district"]], on="organization_id", how="left"
    )


def coverage_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """What outreach.coverage.inputs reads in SQL, computed in pandas from whole tables."""
    lines = shipped_lines()
    moved = lines[lines["status"].isin(["shipped", "delivered"])]
    shipped = moved.groupby(
        ["language", "community_district", "borough", "status"], dropna=False, as_index=False
    ).agg(units=("quantity", "sum"))
    shipped["community_district"] = pd.to_numeric(shipped["community_district"]).astype("Int64")
    organizations = table("organizations")
    languages = (
        table("organization_languages")
        .groupby("organization_id")["language"]
        .agg(lambda codes: " ".join(sorted(codes)))
    )
    requests = table("restock_requests")
    waiting = requests[requests["status"].isin(["submitted", "approved", "partially_shipped"])]
    shipments = table("shipments")
    in_transit = shipments[shipments["status"] == "shipped"].groupby("organization_id").size()
    delivered = shipments[shipments["status"] == "delivered"]
    last = pd.to_datetime(delivered.groupby("organization_id")["delivered_at"].max())
    frame = organizations.assign(
        languages=organizations["id"].map(languages).fillna(""),
        open_requests=organizations["id"]
        .map(waiting.groupby("organization_id").size())
        .fillna(0)
        .astype(int),
        in_transit_shipments=organizations["id"].map(in_transit).fillna(0).astype(int),
        last_delivered_at=organizations["id"].map(last),
    )
    recent = frame["last_delivered_at"] >= pd.Timestamp.now() - pd.Timedelta(days=60)
    frame["request_status"] = "long_ago"
    frame.loc[recent, "request_status"] = "recently_delivered"
    frame.loc[frame["in_transit_shipments"] > 0, "request_status"] = "in_transit"
    frame.loc[frame["open_requests"] > 0, "request_status"] = "waiting"
    frame["community_district"] = pd.to_numeric(frame["community_district"]).astype("Int64")
    receipts = (
        table("stock_movements")
        .query("kind == 'receipt'")
        .merge(table("stock_units").rename(columns={"id": "unit_id"})[["unit_id", "language"]], on="unit_id")
    )
    totals = receipts.groupby("language")["quantity"].sum()
    return shipped, frame, totals
