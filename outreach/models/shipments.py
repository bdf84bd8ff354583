"""Shipments, their lines, and the shipment totals kept by the shipment steps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, _now
from outreach.models.organizations import Organization
from outreach.models.stock import StockUnit

# --- shipments ----------------------------------------------------------------------------------------

SHIPMENT_STATUSES = ("draft", "packed", "shipped", "delivered", "cancelled")


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'packed', 'shipped', 'delivered', 'cancelled')", name="status"),
        # The coverage map's marker colours: which organizations have a parcel on the road (status
        # 'shipped') or a delivery since a date, read from the index alone without the whole history.
        Index("ix_shipments_status_delivered", "status", "delivered_at", "organization_id"),
        # The follow-up list: delivered parcels counted per organization in index order (no sort of the
        # whole delivery history), `outreach.field.followup`.
        Index("ix_shipments_status_organization_delivered", "status", "organization_id", "delivered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    depot_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    # A restock request is fulfilled at most once: the database refuses a second shipment for it.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("restock_requests.id"), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = _now()
    packed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    shipped_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    lines: Mapped[list[ShipmentLine]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ShipmentLine.id"
    )
    organization: Mapped[Organization] = relationship(lazy="joined")


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (
        UniqueConstraint("shipment_id", "unit_id", name="uq_shipment_lines_unit"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # One language's lines (coverage and the planner for one language) through its stock units,
        # read from the index alone.
        Index("ix_shipment_lines_unit", "unit_id", "shipment_id", "quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("stock_units.id"))
    quantity: Mapped[int] = mapped_column(Integer)  # units, not packs
    # Units of this line that were reserved for an approved request (released or consumed on ship).
    reserved_quantity: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[StockUnit] = relationship(lazy="joined")


class ShipmentTotal(Base):
    """The shipment lines summed per stock unit x depot x borough x community district x stage: pending
    (draft or packed), shipped (in transit) or delivered. The dashboard, coverage and the planner read
    these few thousand rows instead of every shipment line.

    Derived data, kept by `outreach.shipments.totals` in the same transaction as the shipment step or the
    organization move that changes it, and rebuilt from the shipment lines on demand. An organization not
    placed yet counts under borough '' and district 0 (key columns cannot be NULL: NULLs never conflict).
    """

    __tablename__ = "shipment_totals"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'shipped', 'delivered')", name="status"),
        CheckConstraint("units >= 0 AND reserved >= 0", name="not_negative"),
    )

    unit_id: Mapped[int] = mapped_column(ForeignKey("stock_units.id"), primary_key=True)
    depot_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    borough: Mapped[str] = mapped_column(String(20), primary_key=True)
    community_district: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    units: Mapped[int] = mapped_column(BigInteger, default=0)  # sum of the lines' quantity
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)  # sum of their reserved_quantity
