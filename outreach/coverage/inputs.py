"""The database reads behind coverage and the planner (besides the shipment totals in
`outreach.shipments.totals`). Read-only; the aggregation happens in SQL.

Nothing here selects contact details (names, phones, emails of contact people): organizers see these
frames. Dialect-neutral SQL only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import case, func, literal, select

from outreach.catalog import LANGUAGE_CODES
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.models import (
    Organization,
    OrganizationLanguage,
    RestockRequest,
    Shipment,
    StockMovement,
    StockUnit,
)

# "Recently delivered" on the map: within this many days. Older: "nothing for a long time".
RECENT_DAYS = 60
WAITING_REQUEST_STATUSES = ("submitted", "approved", "partially_shipped")


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
    for_map: bool = True,
    only_active: bool = False,
    with_names: bool = True,
) -> pd.DataFrame:
    """Every organization (or, with `language`, those serving it) with what the coverage map and planner
    need, and no contact details.

    Columns: id, name, borough, community_district, latitude, longitude, status, weekly_attendance,
    usual_request_packs, languages (space-separated codes, sorted), request_status (waiting / in_transit /
    recently_delivered / long_ago). `for_map=False` leaves out latitude, longitude and request_status
    (the planner); `only_active`: paused organizations left out (neither gaps nor plans count them);
    `with_names=False` leaves out the names (the coverage page names only what it shows: `organization_names`).
    """
    statement = select(
        Organization.id,
        *([Organization.name] if with_names else []),
        Organization.borough,
        Organization.community_district,
        *([Organization.latitude, Organization.longitude] if for_map else []),
        Organization.status,
        Organization.weekly_attendance,
        Organization.usual_request_packs,
        Organization.language_list.label("languages"),
        *([_request_status(now or utcnow(), recent_days).label("request_status")] if for_map else []),
    )
    if language is not None:
        statement = statement.where(Organization.id.in_(_serving(language)))
    if only_active:
        statement = statement.where(Organization.status == "active")
    statement = statement.order_by(Organization.id)
    frame = read_frame(sessions, statement)
    frame["community_district"] = pd.to_numeric(frame["community_district"]).astype("Int64")
    for column in ("latitude", "longitude") if for_map else ():
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return frame


def organization_names(
    sessions: SessionFactory, ids: list[int] | None = None, *, language: str | None = None
) -> pd.Series:
    """Names by organization id: of `ids` (the organizations a page shows, a few thousand at most), or of
    every organization (serving `language`) when the page shows most of them: sending a thousand ids cost
    PostgreSQL more than reading the names it was not asked for."""
    statement = select(Organization.id, Organization.name)
    if ids is not None:
        if not ids:
            return pd.Series(dtype="str", name="name")
        statement = statement.where(Organization.id.in_(ids))
    elif language is not None:
        statement = statement.where(Organization.id.in_(_serving(language)))
    return read_frame(sessions, statement).set_index("id")["name"]


def _serving(language: str) -> Any:
    return select(OrganizationLanguage.organization_id).where(OrganizationLanguage.language == language)


def _request_status(now: dt.datetime, recent_days: int) -> Any:
    """The map's marker colour per organization: waiting / in_transit / recently_delivered / long_ago.

    Each status is a set of organization ids read from an index on (status, ...): open requests, parcels on
    the road and deliveries in the last `recent_days` are a small part of the history, never summed here.
    """
    waiting = select(RestockRequest.organization_id).where(
        RestockRequest.status.in_(WAITING_REQUEST_STATUSES)
    )
    on_the_road = select(Shipment.organization_id).where(Shipment.status == "shipped")
    recently = select(Shipment.organization_id).where(
        Shipment.status == "delivered", Shipment.delivered_at >= now - dt.timedelta(days=recent_days)
    )
    # An open request is what a coordinator acts on, so it wins over a parcel on the road.
    return case(
        (Organization.id.in_(waiting), literal("waiting")),
        (Organization.id.in_(on_the_road), literal("in_transit")),
        (Organization.id.in_(recently), literal("recently_delivered")),
        else_=literal("long_ago"),
    )
