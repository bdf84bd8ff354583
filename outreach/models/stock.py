"""The stock ledger's tables: editions, stock units, depots, balances (CHECKed), movements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.db import utcnow
from outreach.models.base import Base, _now

# --- stock --------------------------------------------------------------------------------------------


class Edition(Base):
    """A version of the text (law or policy changes). A retired edition is never allocated or shipped."""

    __tablename__ = "editions"
    __table_args__ = (CheckConstraint("status IN ('active', 'retired')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="active")
    retired_reason: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = _now()


class StockUnit(Base):
    """What is counted: material x language x edition."""

    __tablename__ = "stock_units"
    __table_args__ = (
        UniqueConstraint("material", "language", "edition_id", name="uq_stock_units_item"),
        CheckConstraint("low_stock_threshold >= 0", name="threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    material: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), index=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    low_stock_threshold: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = _now()

    edition: Mapped[Edition] = relationship(lazy="joined")


class Location(Base):
    """A depot that holds stock."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    borough: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = _now()


class StockBalance(Base):
    """Derived balance per unit and location, kept in step with the ledger in the same transaction.

    The CHECKs are the last line of defence: no code path can leave stock negative or reserve more
    than is on hand, on SQLite or PostgreSQL, whatever the concurrency.
    """

    __tablename__ = "stock_balances"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    )

    unit_id: Mapped[int] = mapped_column(ForeignKey("stock_units.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = _now()


class StockMovement(Base):
    """The append-only ledger. `quantity` is signed: + into the location, - out of it."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('receipt', 'shipment', 'adjustment', 'count', 'transfer_out', 'transfer_in', 'return')",
            name="kind",
        ),
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        Index("ix_stock_movements_unit_location", "unit_id", "location_id"),
        # Print runs (receipts) are a handful of rows among a million: totals and history find them directly.
        Index("ix_stock_movements_kind", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("stock_units.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(120))  # print run, shipment, transfer id
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
