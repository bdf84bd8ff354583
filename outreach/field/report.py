"""The campaign report's figures: per language for the whole campaign, per borough and per community district,
from print run to hands. One long table with stable column names (`exports.CAMPAIGN_REPORT`), read once and
shared by the CSV and the PDF (`outreach.field.report_pdf`). Counts only: no names, no contacts.

- received: units received from print runs (campaign rows only: print runs arrive at depots, not in areas);
- delivered, confirmed, handed_out: the three coverage stages (`outreach.field.stages`);
- open_requests: restock requests still open (submitted, approved, partly shipped) with a line in the language;
- silent_organizations: organizations serving the language on a follow-up list (`outreach.field.followup`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from outreach.catalog import LANGUAGE_CODES
from outreach.coverage import inputs as coverage_data
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.field import followup, stages
from outreach.models import Organization, RestockRequest, RestockRequestLine, StockUnit

LEVELS = ("campaign", "borough", "district")
MEASURES = ["received", "delivered", "confirmed", "handed_out", "open_requests", "silent_organizations"]
COLUMNS = ["level", "borough", "community_district", "language", *MEASURES]
PLACE = ["borough", "community_district", "language"]
CAVEATS = (
    "Need: residents who speak each language and speak English less than “very well” (limited English "
    "proficiency), American Community Survey 5-year estimates by community district: estimates with margins of "
    "error, several years old, and without a figure for English.",
    "Delivered: parcels a coordinator marked delivered. Confirmed: parcels an organization confirmed with its "
    "packing slip's code or its link (a short parcel counts what arrived). Handed out: what organizations "
    "reported, whenever they chose to; an organization that never reported counts as zero.",
    "Silent organizations: a parcel delivered but not confirmed after the configured days, or confirmed and no "
    "handouts reported for 30 days. Silence is a reason to call, not proof that nothing was handed out.",
    "Organizations are placed in a community district from their address or coordinates; those not placed "
    "count in the campaign rows only.",
)


def open_requests(sessions: SessionFactory) -> pd.DataFrame:
    """Open requests per language and place: borough, community_district, language, units (= requests)."""
    statement = (
        select(
            Organization.borough,
            Organization.community_district,
            StockUnit.language,
            RestockRequest.id.label("request_id"),
        )
        .join(RestockRequestLine, RestockRequestLine.request_id == RestockRequest.id)
        .join(StockUnit, StockUnit.id == RestockRequestLine.unit_id)
        .join(Organization, Organization.id == RestockRequest.organization_id)
        .where(RestockRequest.status.in_(coverage_data.WAITING_REQUEST_STATUSES))
        .distinct()
    )
    frame = read_frame(sessions, statement)
    return frame.assign(units=1).drop(columns="request_id")


def silent_by_place(sessions: SessionFactory, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """Silent organizations per language they serve and place: borough, community_district, language, units."""
    listed = followup.current_lists(sessions, now=now)["organization_id"].unique()
    directory = coverage_data.organizations(sessions, for_map=False)
    quiet = directory[directory["id"].isin(listed)]
    rows = [
        (row.borough, row.community_district, code)
        for row in quiet.itertuples()
        for code in str(row.languages).split()
    ]
    return pd.DataFrame(rows, columns=["borough", "community_district", "language"]).assign(units=1)


def _summed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    frame = frame.assign(
        community_district=pd.to_numeric(frame["community_district"]).astype("Int64"),
        borough=frame["borough"]
        .astype(object)
        .where(frame["borough"].notna() & (frame["borough"] != ""), None),
    )
    return frame.groupby(PLACE, dropna=False)["units"].sum().rename(name)


def report_rows(
    received: pd.Series,
    delivered: pd.DataFrame,
    confirmed: pd.DataFrame,
    handed_out: pd.DataFrame,
    requests: pd.DataFrame,
    silent: pd.DataFrame,
) -> pd.DataFrame:
    """The long table (COLUMNS): campaign rows per language, then borough rows, then district rows. Pure.

    `received`: units per language; the others: borough, community_district, language, units (delivered:
    shipment totals with a status, only 'delivered' counts)."""
    delivered = delivered[delivered["status"] == "delivered"] if "status" in delivered else delivered
    parts = [
        _summed(frame, name)
        for frame, name in (
            (delivered, "delivered"),
            (confirmed, "confirmed"),
            (handed_out, "handed_out"),
            (requests, "open_requests"),
            (silent, "silent_organizations"),
        )
    ]
    places = pd.concat(parts, axis=1).fillna(0).astype("int64").reset_index()
    places = places[places["language"].isin(LANGUAGE_CODES)]
    measured = MEASURES[1:]
    campaign = places.groupby("language")[measured].sum().reindex(list(LANGUAGE_CODES), fill_value=0)
    campaign["received"] = pd.Series(received).reindex(campaign.index).fillna(0).astype("int64")
    campaign = campaign.reset_index().assign(level="campaign", borough=None, community_district=pd.NA)
    placed = places[places["borough"].notna()]
    boroughs = placed.groupby(["borough", "language"], as_index=False)[measured].sum()
    boroughs = boroughs.assign(level="borough", community_district=pd.NA, received=pd.NA)
    districts = placed[placed["community_district"].notna()].assign(level="district", received=pd.NA)
    order = {code: i for i, code in enumerate(LANGUAGE_CODES)}
    boroughs = boroughs.sort_values(
        ["borough", "language"], key=lambda s: s.map(order) if s.name == "language" else s
    )
    districts = districts.sort_values(
        ["community_district", "language"], key=lambda s: s.map(order) if s.name == "language" else s
    )
    table = pd.concat([campaign, boroughs, districts], ignore_index=True)[COLUMNS]
    table["community_district"] = pd.to_numeric(table["community_district"]).astype("Int64")
    table["received"] = pd.to_numeric(table["received"]).astype("Int64")
    return table


def campaign_report(sessions: SessionFactory, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """The report's table from the database, as of `now` (the silent lists depend on the day)."""
    return report_rows(
        coverage_data.campaign_totals(sessions),
        stages.stage_units(sessions, "delivered"),
        stages.stage_units(sessions, "confirmed"),
        stages.stage_units(sessions, "handed_out"),
        open_requests(sessions),
        silent_by_place(sessions, now=now or utcnow()),
    )
