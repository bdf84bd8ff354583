"""The database reads behind coverage and the planner. Read-only; the aggregation happens in SQL.

Nothing here selects contact details (names, phones, emails of contact people): organizers see these
frames. Dialect-neutral SQL only (`aggregate_strings` is group_concat on SQLite, string_agg on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import case, func, literal, select

from outreach.catalog import LANGUAGE_CODES
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.models import (
    Organization,
    OrganizationLanguage,
    RestockRequest,
    Shipment,
    ShipmentLine,
    StockMovement,
    StockUnit,
)

# "Recently delivered" on the map: within this many days. Older: "nothing for a long time".
RECENT_DAYS = 60
WAITING_REQUEST_STATUSES = ("submitted", "approved", "partially_shipped")
PENDING_SHIPMENT_STATUSES = ("draft", "packed")


def shipped_units(
    sessions: SessionFactory, *, language: str | None = None, by_district: bool = True
) -> pd.DataFrame:
    """Units per language x community district x borough x status, for shipped (in transit) and delivered.

    Columns: language, community_district, borough, status, units. Rows with no district or borough are
    kept (the organization has not been placed yet): coverage reports them apart. `language`: only that
    language's units (the lines are found through their stock units, a tenth of the work for one language).
    `by_district=False`: per borough only, without the community_district column (the dashboard).
    """
    # Grouped by stock unit, not language: the database then joins no stock_units row per line and groups
    # by an integer; the twenty-odd units are folded into their languages in pandas.
    places = (
        [Organization.community_district, Organization.borough] if by_district else [Organization.borough]
    )
    statement = (
        select(ShipmentLine.unit_id, *places, Shipment.status, func.sum(ShipmentLine.quantity).label("units"))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(Organization, Organization.id == Shipment.organization_id)
        .where(Shipment.status.in_(("shipped", "delivered")))
        .group_by(ShipmentLine.unit_id, *places, Shipment.status)
    )
    if language is not None:
        statement = statement.where(
            ShipmentLine.unit_id.in_(select(StockUnit.id).where(StockUnit.language == language))
        )
    frame = read_frame(sessions, statement)
    languages = read_frame(sessions, select(StockUnit.id, StockUnit.language)).set_index("id")["language"]
    keys = ["language", *(["community_district"] if by_district else []), "borough", "status"]
    frame = (
        frame.assign(language=frame["unit_id"].map(languages))
        .groupby(keys, dropna=False, as_index=False)["units"]
        .sum()
    )
    frame["units"] = frame["units"].astype("int64")
    if by_district:
        frame["community_district"] = pd.to_numeric(frame["community_district"]).astype("Int64")
    return frame


def campaign_totals(sessions: SessionFactory) -> pd.Series:
    """The campaign total per language: units received from print runs (receipt movements), all editions.

    Every language code appears (0 when nothing was printed), so an empty campaign gives zeros, not gaps.
    """
    statement = (
        select(StockUnit.language, func.sum(StockMovement.quantity).label("units"))
        .join(StockUnit, StockUnit.id == StockMovement.unit_id)
        .where(StockMovement.kind == "receipt")
        .group_by(StockUnit.language)
    )
    frame = read_frame(sessions, statement)
    totals = pd.Series(0, index=list(LANGUAGE_CODES), dtype="int64", name="units")
    if not frame.empty:
        totals.update(frame.set_index("language")["units"].astype("int64"))
    return totals


def organizations(
    sessions: SessionFactory,
    *,
    recent_days: int = RECENT_DAYS,
    now: dt.datetime | None = None,
    language: str | None = None,
) -> pd.DataFrame:
    """Every organization (or, with `language`, those serving it) with what the coverage map and planner
    need, and no contact details.

    Columns: id, name, borough, community_district, latitude, longitude, status, weekly_attendance,
    usual_request_packs, languages (space-separated codes), open_requests, in_transit_shipments,
    last_delivered_at, request_status (waiting / in_transit / recently_delivered / long_ago).
    """
    since = (now or utcnow()) - dt.timedelta(days=recent_days)
    # With a language, every aggregate below is limited to the organizations serving it, not only the
    # final rows: the summaries then read a tenth of the requests and shipments.
    serving = (
        None
        if language is None
        else select(OrganizationLanguage.organization_id).where(OrganizationLanguage.language == language)
    )
    spoken = select(
        OrganizationLanguage.organization_id.label("organization_id"),
        func.aggregate_strings(OrganizationLanguage.language, " ").label("languages"),
    )
    waiting = select(
        RestockRequest.organization_id.label("organization_id"), func.count().label("open_requests")
    ).where(RestockRequest.status.in_(WAITING_REQUEST_STATUSES))
    moving = select(
        Shipment.organization_id.label("organization_id"),
        func.sum(case((Shipment.status == "shipped", 1), else_=0)).label("in_transit_shipments"),
        func.max(case((Shipment.status == "delivered", Shipment.delivered_at), else_=None)).label(
            "last_delivered_at"
        ),
    ).where(Shipment.status.in_(("shipped", "delivered")))
    if serving is not None:
        spoken = spoken.where(OrganizationLanguage.organization_id.in_(serving))
        waiting = waiting.where(RestockRequest.organization_id.in_(serving))
        moving = moving.where(Shipment.organization_id.in_(serving))
    languages = spoken.group_by(OrganizationLanguage.organization_id).subquery()
    requests = waiting.group_by(RestockRequest.organization_id).subquery()
    deliveries = moving.group_by(Shipment.organization_id).subquery()
    open_requests = func.coalesce(requests.c.open_requests, 0)
    in_transit = func.coalesce(deliveries.c.in_transit_shipments, 0)
    # An open request is what a coordinator acts on, so it wins over a parcel on the road.
    request_status = case(
        (open_requests > 0, literal("waiting")),
        (in_transit > 0, literal("in_transit")),
        (deliveries.c.last_delivered_at >= since, literal("recently_delivered")),
        else_=literal("long_ago"),
    )
    statement = (
        select(
            Organization.id,
            Organization.name,
            Organization.borough,
            Organization.community_district,
            Organization.latitude,
            Organization.longitude,
            Organization.status,
            Organization.weekly_attendance,
            Organization.usual_request_packs,
            func.coalesce(languages.c.languages, "").label("languages"),
            open_requests.label("open_requests"),
            in_transit.label("in_transit_shipments"),
            deliveries.c.last_delivered_at,
            request_status.label("request_status"),
        )
        .outerjoin(languages, languages.c.organization_id == Organization.id)
        .outerjoin(requests, requests.c.organization_id == Organization.id)
        .outerjoin(deliveries, deliveries.c.organization_id == Organization.id)
        .order_by(Organization.id)
    )
    if serving is not None:
        statement = statement.where(Organization.id.in_(serving))
    frame = read_frame(sessions, statement)
    frame["community_district"] = pd.to_numeric(frame["community_district"]).astype("Int64")
    for column in ("latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    # Sorted codes, so 'zh es' and 'es zh' (aggregation order is not guaranteed) read the same.
    frame["languages"] = frame["languages"].map(lambda text: " ".join(sorted(str(text).split())))
    return frame


def pending_units(sessions: SessionFactory, *, language: str | None = None) -> pd.DataFrame:
    """Units promised by draft and packed shipments but not reserved (they leave stock only when shipped).

    Columns: unit_id, depot_id, language, community_district, borough, units. The planner subtracts
    these from what is free at a depot and from an area's need, so two plans cannot promise the same stock.
    `language`: that language's units only.
    """
    statement = (
        select(
            ShipmentLine.unit_id,
            Shipment.depot_id,
            StockUnit.language,
            Organization.community_district,
            Organization.borough,
            func.sum(ShipmentLine.quantity - ShipmentLine.reserved_quantity).label("units"),
        )
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
        .join(Organization, Organization.id == Shipment.organization_id)
        .where(Shipment.status.in_(PENDING_SHIPMENT_STATUSES))
        .group_by(
            ShipmentLine.unit_id,
            Shipment.depot_id,
            StockUnit.language,
            Organization.community_district,
            Organization.borough,
        )
    )
    if language is not None:
        statement = statement.where(StockUnit.language == language)
    frame = read_frame(sessions, statement)
    frame["units"] = frame["units"].astype("int64")
    frame["community_district"] = pd.to_numeric(frame["community_district"]).astype("Int64")
    return frame
