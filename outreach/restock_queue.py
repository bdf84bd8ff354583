"""Restock requests, part three: reads for the coordinators' queue, a leader's own list, and the CSV export.

Contact details appear only in `request_detail` (coordinators). The leader's view
(`organization_requests`) is limited to one organization and holds no contact data or notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import aliased

from outreach.catalog import material as material_of
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.errors import NotFound
from outreach.models import (
    Edition,
    Location,
    Organization,
    RestockRequest,
    RestockRequestLine,
    Shipment,
    StockUnit,
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
            StockUnit.material,
            StockUnit.language,
            Edition.code.label("edition"),
            Edition.status.label("edition_status"),
            RestockRequestLine.packs_requested,
            RestockRequestLine.packs_approved,
            RestockRequestLine.packs_shipped,
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


def queue(
    sessions: SessionFactory,
    *,
    statuses: Sequence[str] | None = None,
    borough: str | None = None,
    language: str | None = None,
    min_age_days: int | None = None,
    organization_id: int | None = None,
    limit: int = 1_000,
) -> pd.DataFrame:
    """One row per request, oldest first (the order to work them in). No contact details."""
    statement = (
        select(
            RestockRequest.id.label("request_id"),
            RestockRequest.reference,
            RestockRequest.status,
            RestockRequest.organization_id,
            Organization.name.label("organization"),
            Organization.borough,
            RestockRequest.channel,
            RestockRequest.created_at,
            RestockRequest.claimed_by,
            Location.name.label("depot"),
            Shipment.id.label("shipment_id"),
            Shipment.status.label("shipment_status"),
            RestockRequest.decided_by,
            RestockRequest.decision_reason,
        )
        .join(Organization, Organization.id == RestockRequest.organization_id)
        .outerjoin(Location, Location.id == RestockRequest.depot_id)
        .outerjoin(Shipment, Shipment.request_id == RestockRequest.id)
        .order_by(RestockRequest.created_at, RestockRequest.id)
        .limit(limit)
    )
    if statuses:
        statement = statement.where(RestockRequest.status.in_(list(statuses)))
    if borough:
        statement = statement.where(Organization.borough == borough)
    if organization_id is not None:
        statement = statement.where(RestockRequest.organization_id == organization_id)
    if language:
        statement = statement.where(
            RestockRequest.id.in_(
                select(RestockRequestLine.request_id)
                .join(StockUnit, StockUnit.id == RestockRequestLine.unit_id)
                .where(StockUnit.language == language)
            )
        )
    if min_age_days:
        statement = statement.where(RestockRequest.created_at <= utcnow() - dt.timedelta(days=min_age_days))
    frame = read_frame(sessions, statement)
    lines = _lines(sessions, frame["request_id"].tolist())
    totals = lines.groupby("request_id").agg(
        packs_requested=("packs_requested", "sum"),
        packs_approved=("packs_approved", "sum"),
        packs_shipped=("packs_shipped", "sum"),
        languages=("language", lambda codes: ", ".join(sorted(set(codes)))),
    )
    frame = frame.join(totals, on="request_id")
    now = utcnow()
    frame["age_days"] = [(now - pd.Timestamp(at).to_pydatetime()).days for at in frame["created_at"]]
    for column in ("packs_requested", "packs_approved", "packs_shipped"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["languages"] = frame["languages"].fillna("")
    return frame[QUEUE_COLUMNS]


def request_lines(sessions: SessionFactory, request_id: int) -> pd.DataFrame:
    """The lines of one request, with units per pack and where a line was substituted from."""
    return _lines(sessions, [request_id]).drop(columns=["request_id"]).reset_index(drop=True)


def request_detail(sessions: SessionFactory, request_id: int) -> dict[str, Any]:
    """Everything about one request for a coordinator, including the contact for this request."""
    with sessions() as session:
        request = session.get(RestockRequest, request_id)
        if request is None:
            raise NotFound(f"Restock request #{request_id} does not exist. Reload the queue.")
        shipment = session.scalar(select(Shipment).where(Shipment.request_id == request_id))
        depot = session.get(Location, request.depot_id) if request.depot_id else None
        return {
            "request_id": request.id,
            "reference": request.reference,
            "status": request.status,
            "organization_id": request.organization_id,
            "organization": request.organization.name,
            "borough": request.organization.borough,
            "organization_status": request.organization.status,
            "channel": request.channel,
            "language": request.language,
            "contact_name": request.contact_name,
            "contact_phone": request.contact_phone,
            "note": request.note,
            "on_hand_reported": request.on_hand_reported,
            "claimed_by": request.claimed_by,
            "claimed_at": request.claimed_at,
            "decided_by": request.decided_by,
            "decided_at": request.decided_at,
            "decision_reason": request.decision_reason,
            "depot_id": request.depot_id,
            "depot": depot.name if depot else None,
            "created_by": request.created_by,
            "created_at": request.created_at,
            "shipment_id": shipment.id if shipment else None,
            "shipment_status": shipment.status if shipment else None,
        }


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
            RestockRequestLine.packs_requested,
            RestockRequestLine.packs_approved,
            RestockRequestLine.packs_shipped,
        )
        .join(RestockRequestLine, RestockRequestLine.request_id == RestockRequest.id)
        .join(StockUnit, StockUnit.id == RestockRequestLine.unit_id)
        .where(RestockRequest.organization_id == organization_id, RestockRequest.id.in_(recent))
        .order_by(RestockRequest.created_at.desc(), RestockRequest.id.desc(), RestockRequestLine.id)
    )
    return read_frame(sessions, statement)


def export_frame(sessions: SessionFactory, **filters: Any) -> pd.DataFrame:
    """One row per request line for spreadsheets (same filters as `queue`). Contacts are left out."""
    requests = queue(sessions, **filters)
    lines = _lines(sessions, requests["request_id"].tolist())
    header = requests.drop(columns=["packs_requested", "packs_approved", "packs_shipped", "languages"])
    merged = header.merge(lines, on="request_id", how="inner")
    merged["units_approved"] = merged["packs_approved"].fillna(0).astype(int) * merged["pack_size"]
    return merged[
        [
            "reference",
            "status",
            "organization",
            "borough",
            "channel",
            "created_at",
            "claimed_by",
            "depot",
            "shipment_id",
            "material",
            "language",
            "edition",
            "packs_requested",
            "packs_approved",
            "packs_shipped",
            "units_approved",
            "reason",
            "decided_by",
            "decision_reason",
        ]
    ]
