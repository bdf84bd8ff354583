"""Reads of the ledger: units, depots, editions, stock levels (on hand / reserved / available), history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import and_, case, func, select

from outreach.db import SessionFactory, read_frame
from outreach.inventory.ledger import unit_label
from outreach.models import Edition, Location, StockBalance, StockMovement, StockUnit

# How every table names a stock item (the columns `unit_label` reads), and a unit with its edition's state.
ITEM_COLUMNS = (StockUnit.material, StockUnit.language, Edition.code.label("edition"))
UNIT_COLUMNS = (StockUnit.id.label("unit_id"), *ITEM_COLUMNS, Edition.status.label("edition_status"))

# --- reads --------------------------------------------------------------------------------------------


def units(sessions: SessionFactory, *, include_retired: bool = True) -> pd.DataFrame:
    statement = (
        select(*UNIT_COLUMNS, StockUnit.low_stock_threshold)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .order_by(StockUnit.language, StockUnit.material, Edition.code)
    )
    if not include_retired:
        statement = statement.where(Edition.status == "active")
    return read_frame(sessions, statement)


def locations(sessions: SessionFactory) -> pd.DataFrame:
    return read_frame(
        sessions,
        select(Location.id.label("location_id"), Location.name, Location.borough)
        .where(Location.active.is_(True))
        .order_by(Location.id),
    )


def editions(sessions: SessionFactory) -> pd.DataFrame:
    return read_frame(
        sessions,
        select(
            Edition.id.label("edition_id"),
            Edition.code,
            Edition.title,
            Edition.status,
            Edition.retired_reason,
        ).order_by(Edition.id),
    )


def stock_levels(
    sessions: SessionFactory,
    *,
    language: str | None = None,
    material: str | None = None,
    location_id: int | None = None,
) -> pd.DataFrame:
    """On hand, reserved and available per unit (summed over depots unless one is chosen)."""
    on_hand = func.coalesce(func.sum(StockBalance.on_hand), 0)
    reserved = func.coalesce(func.sum(StockBalance.reserved), 0)
    join_condition = StockBalance.unit_id == StockUnit.id
    if location_id is not None:
        join_condition = and_(join_condition, StockBalance.location_id == location_id)
    statement = (
        select(
            *UNIT_COLUMNS,
            on_hand.label("on_hand"),
            reserved.label("reserved"),
            (on_hand - reserved).label("available"),
            StockUnit.low_stock_threshold,
            case(
                (and_(Edition.status == "active", on_hand - reserved <= StockUnit.low_stock_threshold), True),
                else_=False,
            ).label("low"),
        )
        .join(Edition, Edition.id == StockUnit.edition_id)
        .outerjoin(StockBalance, join_condition)
        .group_by(
            StockUnit.id,
            StockUnit.material,
            StockUnit.language,
            Edition.code,
            Edition.status,
            StockUnit.low_stock_threshold,
        )
        .order_by(StockUnit.language, StockUnit.material, Edition.code)
    )
    if language:
        statement = statement.where(StockUnit.language == language)
    if material:
        statement = statement.where(StockUnit.material == material)
    frame = read_frame(sessions, statement)
    frame["low"] = frame["low"].astype(bool)
    return frame


def balances(sessions: SessionFactory) -> pd.DataFrame:
    """Every balance row, per unit and depot."""
    statement = (
        select(
            StockBalance.unit_id,
            StockBalance.location_id,
            Location.name.label("depot"),
            *ITEM_COLUMNS,
            StockBalance.on_hand,
            StockBalance.reserved,
            (StockBalance.on_hand - StockBalance.reserved).label("available"),
        )
        .join(StockUnit, StockUnit.id == StockBalance.unit_id)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .join(Location, Location.id == StockBalance.location_id)
        .order_by(StockBalance.unit_id, StockBalance.location_id)
    )
    return read_frame(sessions, statement)


def available_per_depot(sessions: SessionFactory, unit_ids: Sequence[int]) -> pd.DataFrame:
    """Units available now (on hand minus reserved) of the given items: one row per item, by its label,
    one column per depot holding any of them (0 where a depot has none). Empty when no depot holds any."""
    statement = (
        select(
            *ITEM_COLUMNS,
            Location.name.label("depot"),
            (StockBalance.on_hand - StockBalance.reserved).label("available"),
        )
        .join(StockUnit, StockUnit.id == StockBalance.unit_id)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .join(Location, Location.id == StockBalance.location_id)
        .where(StockBalance.unit_id.in_([int(unit_id) for unit_id in unit_ids]))
        .order_by(StockBalance.unit_id, StockBalance.location_id)
    )
    frame = read_frame(sessions, statement)
    if frame.empty:
        return pd.DataFrame(index=pd.Index([], name="item"))
    return frame.assign(item=[unit_label(row) for row in frame.itertuples()]).pivot_table(
        index="item", columns="depot", values="available", aggfunc="sum", fill_value=0
    )


def movements(
    sessions: SessionFactory,
    *,
    unit_id: int | None = None,
    location_id: int | None = None,
    kind: str | None = None,
    language: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = 1_000,
    offset: int = 0,
) -> pd.DataFrame:
    """Ledger history, newest first; `limit`/`offset` page through it (`limit=None`: all of it)."""
    statement = (
        select(
            StockMovement.id,
            StockMovement.created_at,
            StockMovement.kind,
            *ITEM_COLUMNS,
            Location.name.label("depot"),
            StockMovement.quantity,
            StockMovement.reason,
            StockMovement.reference,
            StockMovement.shipment_id,
            StockMovement.actor,
        )
        .join(StockUnit, StockUnit.id == StockMovement.unit_id)
        .join(Edition, Edition.id == StockUnit.edition_id)
        .join(Location, Location.id == StockMovement.location_id)
        .order_by(StockMovement.id.desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    if offset:
        statement = statement.offset(offset)
    if unit_id is not None:
        statement = statement.where(StockMovement.unit_id == unit_id)
    if location_id is not None:
        statement = statement.where(StockMovement.location_id == location_id)
    if kind:
        statement = statement.where(StockMovement.kind == kind)
    if language:
        statement = statement.where(StockUnit.language == language)
    if since:
        statement = statement.where(StockMovement.created_at >= since)
    return read_frame(sessions, statement)


def ledger_totals(sessions: SessionFactory) -> pd.DataFrame:
    """Sum of ledger rows per unit and depot (for checking balances against the ledger)."""
    statement = select(
        StockMovement.unit_id, StockMovement.location_id, func.sum(StockMovement.quantity).label("quantity")
    ).group_by(StockMovement.unit_id, StockMovement.location_id)
    return read_frame(sessions, statement)
