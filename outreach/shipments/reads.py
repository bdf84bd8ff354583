"""Shipments as the pages show them: the list (filtered, paged, newest first), a shipment's lines, and the
organizations a new shipment can go to. Read-only; the steps in `outreach.shipments.steps` write."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Select, func, or_, select

from outreach.db import SessionFactory, read_frame
from outreach.inventory.reads import ITEM_COLUMNS
from outreach.models import Edition, Location, Organization, Shipment, ShipmentLine, StockUnit
from outreach.organizations.addresses import normalize_key


def _shipment_filters(
    statement: Select,
    *,
    status: str | None,
    organization_id: int | None,
    borough: str | None,
    language: str | None,
) -> Select:
    if status:
        statement = statement.where(Shipment.status == status)
    if organization_id is not None:
        statement = statement.where(Shipment.organization_id == organization_id)
    if borough:
        statement = statement.where(
            Shipment.organization_id.in_(select(Organization.id).where(Organization.borough == borough))
        )
    if language:
        # EXISTS, not IN (...): newest-first paging stops after a page instead of listing every match first.
        statement = statement.where(
            select(ShipmentLine.id)
            .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
            .where(ShipmentLine.shipment_id == Shipment.id, StockUnit.language == language)
            .exists()
        )
    return statement


def shipments(
    sessions: SessionFactory,
    *,
    status: str | None = None,
    organization_id: int | None = None,
    borough: str | None = None,
    language: str | None = None,
    limit: int | None = 1_000,
    offset: int = 0,
) -> pd.DataFrame:
    """One row per shipment with its organization, total units and languages, newest first.

    `limit`/`offset` page through the list (`limit=None`: every match, for exports): the page of shipment
    ids is chosen first (by the primary key, newest first) and only its lines are summed, so a page costs
    the same with 500 or 500,000 shipments.
    """
    chosen = _shipment_filters(
        select(Shipment.id),
        status=status,
        organization_id=organization_id,
        borough=borough,
        language=language,
    ).order_by(Shipment.id.desc())
    if limit is not None:
        chosen = chosen.limit(limit)
    if offset:
        chosen = chosen.offset(offset)
    page = chosen.subquery()
    totals = (
        select(
            ShipmentLine.shipment_id.label("shipment_id"),
            func.sum(ShipmentLine.quantity).label("units"),
            func.count(ShipmentLine.id).label("lines"),
        )
        .where(ShipmentLine.shipment_id.in_(select(page.c.id)))
        .group_by(ShipmentLine.shipment_id)
        .subquery()
    )
    statement = (
        select(
            Shipment.id.label("shipment_id"),
            Shipment.status,
            Organization.name.label("organization"),
            Organization.borough,
            Location.name.label("depot"),
            totals.c.units,
            totals.c.lines,
            Shipment.request_id,
            Shipment.created_at,
            Shipment.shipped_at,
            Shipment.delivered_at,
            Shipment.created_by,
            Shipment.note,
            Shipment.cancel_reason,
        )
        .join(totals, totals.c.shipment_id == Shipment.id)
        .join(Organization, Organization.id == Shipment.organization_id)
        .join(Location, Location.id == Shipment.depot_id)
        .order_by(Shipment.id.desc())
    )
    return read_frame(sessions, statement)


def recipients(sessions: SessionFactory, *, search: str, limit: int = 50) -> pd.DataFrame:
    """Active organizations a shipment can go to whose name or address contains `search` (folded the way
    the directory folds them), at most `limit`, by name: id, name, borough."""
    term = normalize_key(search)
    statement = (
        select(Organization.id, Organization.name, Organization.borough)
        .where(Organization.status == "active")
        .order_by(Organization.name_key, Organization.id)
        .limit(limit)
    )
    if term:
        statement = statement.where(
            or_(
                Organization.name_key.contains(term, autoescape=True),
                Organization.address_key.contains(term, autoescape=True),
            )
        )
    return read_frame(sessions, statement)


def recipient_count(sessions: SessionFactory) -> int:
    """How many active organizations there are (the picker lists them all when there are few)."""
    frame = read_frame(
        sessions,
        select(func.count().label("n")).select_from(Organization).where(Organization.status == "active"),
    )
    return int(frame["n"].iloc[0])


def shipment_lines(sessions: SessionFactory, shipment_id: int) -> pd.DataFrame:
    statement = (
        select(ShipmentLine.unit_id, *ITEM_COLUMNS, ShipmentLine.quantity, ShipmentLine.reserved_quantity)
        .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .where(ShipmentLine.shipment_id == shipment_id)
        .order_by(ShipmentLine.id)
    )
    return read_frame(sessions, statement)
