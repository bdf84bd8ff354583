"""Restock requests, part three: reads for the coordinators' queue, a leader's own list, and the CSV export.

Contact details appear only in `request_detail` (coordinators). The leader's view
(`organization_requests`) is limited to one organization and holds no contact data or notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from outreach import exports
from outreach.catalog import material_of
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.inventory.reads import ITEM_COLUMNS
from outreach.models import (
    Edition,
    Location,
    Organization,
    RestockRequest,
    RestockRequestLine,
    Shipment,
    StockUnit,
)
from outreach.restock.triage import load_request, shipment_of

PACK_COLUMNS = (
    RestockRequestLine.packs_requested,
    RestockRequestLine.packs_approved,
    RestockRequestLine.packs_shipped,
)
# What the queue and the export show of a request (joined: its organization, depot and shipment).
REQUEST_COLUMNS = (
    Organization.name.label("organization"),
    Organization.borough,
    RestockRequest.channel,
    RestockRequest.created_at,
    RestockRequest.claimed_by,
    Location.name.label("depot"),
    Shipment.id.label("shipment_id"),
)
QUEUE_COLUMNS = [
    "request_id",
    "reference",
    "status",
    "organization_id",
    "organization",
    "borough",
    "channel",
    "languages",
    "packs_requested",
    "packs_approved",
    "packs_shipped",
    "created_at",
    "age_days",
    "claimed_by",
    "depot",
    "shipment_id",
    "shipment_status",
    "decided_by",
    "decision_reason",
]


def _lines(sessions: SessionFactory, request_ids: Sequence[int] | None = None) -> pd.DataFrame:
    original = aliased(StockUnit)
    statement = (
        select(
            RestockRequestLine.request_id,
            RestockRequestLine.id.label("line_id"),
            RestockRequestLine.unit_id,
            *ITEM_COLUMNS,
            Edition.status.label("edition_status"),
            *PACK_COLUMNS,
            RestockRequestLine.substituted_from_unit_id,
            original.material.label("substituted_from_material"),
            original.language.label("substituted_from_language"),
            RestockRequestLine.reason,
        )
        .join(StockUnit, StockUnit.id == RestockRequestLine.unit_id)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .outerjoin(original, original.id == RestockRequestLine.substituted_from_unit_id)
        .order_by(RestockRequestLine.request_id, RestockRequestLine.id)
    )
    if request_ids is not None:
        statement = statement.where(RestockRequestLine.request_id.in_(list(request_ids)))
    frame = read_frame(sessions, statement)
    frame["pack_size"] = [material_of(code).pack_size for code in frame["material"]]
    return frame


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to. Frozen and hashable: the ui caches a page of the queue by it."""

    statuses: tuple[str, ...] = ()  # none: every status
    borough: str | None = None
    language: str | None = None  # of any line's material
    min_age_days: int = 0
    organization_id: int | None = None

    def __post_init__(self) -> None:
        # A list of statuses would make the filters unhashable (and so no cache key).
        object.__setattr__(self, "statuses", tuple(self.statuses))


def _where(statement: Select, filters: QueueFilters) -> Select:
    """The queue's filters, in SQL, on restock_requests alone (subqueries, not joins: a page of ids and
    the count are then read from indexes)."""
    if filters.statuses:
        statement = statement.where(RestockRequest.status.in_(list(filters.statuses)))
    if filters.borough:
        statement = statement.where(
            RestockRequest.organization_id.in_(
                select(Organization.id).where(Organization.borough == filters.borough)
            )
        )
    if filters.organization_id is not None:
        statement = statement.where(RestockRequest.organization_id == filters.organization_id)
    if filters.language:
        statement = statement.where(
            RestockRequest.id.in_(
                select(RestockRequestLine.request_id)
                .join(StockUnit, StockUnit.id == RestockRequestLine.unit_id)
                .where(StockUnit.language == filters.language)
            )
        )
    if filters.min_age_days:
        statement = statement.where(
            RestockRequest.created_at <= utcnow() - dt.timedelta(days=filters.min_age_days)
        )
    return statement


def queue(
    sessions: SessionFactory,
    filters: QueueFilters = QueueFilters(),
    *,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """One row per request, oldest first (the order to work them in). No contact details.

    `limit`/`offset` give one page (filters and order in SQL); `queue_count` counts the same filters.
    """
    order = (RestockRequest.created_at, RestockRequest.id)
    statement = (
        select(
            RestockRequest.id.label("request_id"),
            RestockRequest.reference,
            RestockRequest.status,
            RestockRequest.organization_id,
            *REQUEST_COLUMNS,
            Shipment.status.label("shipment_status"),
            RestockRequest.decided_by,
            RestockRequest.decision_reason,
        )
        .join(Organization, Organization.id == RestockRequest.organization_id)
        .outerjoin(Location, Location.id == RestockRequest.depot_id)
        .outerjoin(Shipment, Shipment.request_id == RestockRequest.id)
        .order_by(*order)
    )
    if limit is None and not offset:
        statement = _where(statement, filters)
    else:
        # A page: first its ids, from restock_requests alone (index (status, created_at, id)), then the
        # joins for those rows only; joining first would sort every match with its joined columns.
        ids = _where(select(RestockRequest.id).order_by(*order), filters).offset(offset)
        if limit is not None:
            ids = ids.limit(limit)
        page_ids = [int(value) for value in read_frame(sessions, ids)["id"]]
        statement = statement.where(RestockRequest.id.in_(page_ids))
    frame = read_frame(sessions, statement)
    frame = frame.join(_line_totals(sessions, frame["request_id"].tolist()), on="request_id")
    now = utcnow()
    frame["age_days"] = [(now - pd.Timestamp(at).to_pydatetime()).days for at in frame["created_at"]]
    for column in ("packs_requested", "packs_approved", "packs_shipped"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["languages"] = frame["languages"].fillna("")
    return frame[QUEUE_COLUMNS]


def _line_totals(sessions: SessionFactory, request_ids: list[int]) -> pd.DataFrame:
    """Packs per request summed in SQL, and its languages ('en, yi'), for the requests of one page."""
    columns = ["packs_requested", "packs_approved", "packs_shipped", "languages"]
    if not request_ids:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="request_id"))
    ids = [int(value) for value in request_ids]
    sums = read_frame(
        sessions,
        select(
            RestockRequestLine.request_id,
            func.sum(RestockRequestLine.packs_requested).label("packs_requested"),
            func.sum(func.coalesce(RestockRequestLine.packs_approved, 0)).label("packs_approved"),
            func.sum(func.coalesce(RestockRequestLine.packs_shipped, 0)).label("packs_shipped"),
        )
        .where(RestockRequestLine.request_id.in_(ids))
        .group_by(RestockRequestLine.request_id),
    ).set_index("request_id")
    # Distinct pairs in SQL; joined into one string in pandas (string aggregation differs between databases).
    spoken = read_frame(
        sessions,
        select(RestockRequestLine.request_id, StockUnit.language)
        .join(StockUnit, StockUnit.id == RestockRequestLine.unit_id)
        .where(RestockRequestLine.request_id.in_(ids))
        .distinct()
        .order_by(RestockRequestLine.request_id, StockUnit.language),
    )
    sums["languages"] = spoken.groupby("request_id")["language"].agg(", ".join)
    return sums[columns]


def queue_count(sessions: SessionFactory, filters: QueueFilters = QueueFilters()) -> int:
    """How many requests `queue` lists with the same filters (for "rows X–Y of N")."""
    statement = _where(select(func.count()).select_from(RestockRequest), filters)
    return int(read_frame(sessions, statement).iloc[0, 0])


def request_lines(sessions: SessionFactory, request_id: int) -> pd.DataFrame:
    """The lines of one request, with units per pack and where a line was substituted from."""
    return _lines(sessions, [request_id]).drop(columns=["request_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class RequestDetail:
    """One request as a coordinator sees it, including the contact for this request."""

    request_id: int
    reference: str
    status: str
    organization_id: int
    organization: str
    borough: str | None
    organization_status: str
    channel: str
    language: str  # the leader's
    contact_name: str | None
    contact_phone: str | None
    note: str | None
    on_hand_reported: int | None  # packs the leader said they still have
    claimed_by: str | None
    claimed_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str | None
    depot_id: int | None  # where stock is reserved, once approved
    depot: str | None
    created_by: str
    created_at: dt.datetime
    shipment_id: int | None
    shipment_status: str | None


def request_detail(sessions: SessionFactory, request_id: int) -> RequestDetail:
    """Everything about one request for a coordinator, including the contact for this request."""
    with sessions() as session:
        request = load_request(session, request_id)
        shipment = shipment_of(session, request_id)
        depot = session.get(Location, request.depot_id) if request.depot_id else None
        return RequestDetail(
            request_id=request.id,
            reference=request.reference,
            status=request.status,
            organization_id=request.organization_id,
            organization=request.organization.name,
            borough=request.organization.borough,
            organization_status=request.organization.status,
            channel=request.channel,
            language=request.language,
            contact_name=request.contact_name,
            contact_phone=request.contact_phone,
            note=request.note,
            on_hand_reported=request.on_hand_reported,
            claimed_by=request.claimed_by,
            claimed_at=request.claimed_at,
            decided_by=request.decided_by,
            decided_at=request.decided_at,
            decision_reason=request.decision_reason,
            depot_id=request.depot_id,
            depot=depot.name if depot else None,
            created_by=request.created_by,
            created_at=request.created_at,
            shipment_id=shipment.id if shipment else None,
            shipment_status=shipment.status if shipment else None,
        )


def organization_requests(sessions: SessionFactory, organization_id: int, *, limit: int = 20) -> pd.DataFrame:
    """A leader's view: this organization's recent requests, one row per line. No contacts, no notes."""
    recent = (
        select(RestockRequest.id)
        .where(RestockRequest.organization_id == organization_id)
        .order_by(RestockRequest.created_at.desc(), RestockRequest.id.desc())
        .limit(limit)
    )
    statement = (
        select(
            RestockRequest.id.label("request_id"),
            RestockRequest.reference,
            RestockRequest.created_at,
            RestockRequest.status,
            StockUnit.material,
            StockUnit.language,
            *PACK_COLUMNS,
        )
        .join(RestockRequestLine, RestockRequestLine.request_id == RestockRequest.id)
        .join(StockUnit, StockUnit.id == RestockRequestLine.unit_id)
        .where(RestockRequest.organization_id == organization_id, RestockRequest.id.in_(recent))
        .order_by(RestockRequest.created_at.desc(), RestockRequest.id.desc(), RestockRequestLine.id)
    )
    return read_frame(sessions, statement)


def export_frame(sessions: SessionFactory, filters: QueueFilters = QueueFilters()) -> pd.DataFrame:
    """One row per request line for spreadsheets (`exports.REQUESTS`): every request `queue` would list with
    the same filters (all pages), in one query. Contacts are left out."""
    statement = _where(
        select(
            RestockRequest.reference,
            RestockRequest.status,
            *REQUEST_COLUMNS,
            *ITEM_COLUMNS,
            *PACK_COLUMNS,
            RestockRequestLine.reason,
            RestockRequest.decided_by,
            RestockRequest.decision_reason,
        )
        .join(Organization, Organization.id == RestockRequest.organization_id)
        .join(RestockRequestLine, RestockRequestLine.request_id == RestockRequest.id)
        .join(StockUnit, StockUnit.id == RestockRequestLine.unit_id)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .outerjoin(Location, Location.id == RestockRequest.depot_id)
        .outerjoin(Shipment, Shipment.request_id == RestockRequest.id)
        .order_by(RestockRequest.created_at, RestockRequest.id, RestockRequestLine.id),
        filters,
    )
    frame = read_frame(sessions, statement)
    pack_sizes = frame["material"].map(lambda code: material_of(code).pack_size).astype("Int64")
    # Empty until the line is approved, as packs_approved is.
    frame["units_approved"] = pd.to_numeric(frame["packs_approved"]).astype("Int64") * pack_sizes
    return exports.shape(frame, exports.REQUESTS)
