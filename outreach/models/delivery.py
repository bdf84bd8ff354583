"""Delivery: each organization's weekly hours and closed dates, delivery runs, their drivers and stops.

Times of day are whole minutes after midnight, New York time (0..1440), so the tables read alike on SQLite
and PostgreSQL. An organization without a `delivery_schedules` row uses the defaults of its faith tradition
(`outreach.delivery.windows`); with one, its `delivery_hours` rows are its week (no row on a day: closed).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, _now

RUN_STATUSES = ("draft", "planned", "out", "done")
STOP_OUTCOMES = ("delivered", "not_delivered")
NOT_DELIVERED_REASONS = ("closed", "refused", "address_wrong")


class DeliverySchedule(Base):
    """Marks an organization whose week was set by hand (a coordinator or its leader)."""

    __tablename__ = "delivery_schedules"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = _now()


class DeliveryHours(Base):
    """One open interval on one weekday (0 = Monday) of an organization's set week."""

    __tablename__ = "delivery_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("opens >= 0 AND closes <= 1440 AND opens < closes", name="interval"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[int] = mapped_column(Integer)
    closes: Mapped[int] = mapped_column(Integer)


class ClosedDate(Base):
    """A day the organization cannot receive anything (a holiday, a funeral, a renovation)."""

    __tablename__ = "delivery_closed_dates"
    __table_args__ = (UniqueConstraint("organization_id", "closed_on", name="uq_delivery_closed_dates_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    closed_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = _now()


class DeliveryRun(Base):
    __tablename__ = "delivery_runs"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'planned', 'out', 'done')", name="status"),
        CheckConstraint("speed_kmh > 0 AND service_minutes >= 0", name="pace"),
        CheckConstraint("starts_at >= 0 AND ends_at <= 1440 AND starts_at < ends_at", name="day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_date: Mapped[dt.date] = mapped_column(Date, index=True)
    depot_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    locked: Mapped[bool] = mapped_column(default=False)
    speed_kmh: Mapped[float] = mapped_column(Float, default=18.0)
    service_minutes: Mapped[int] = mapped_column(Integer, default=10)
    starts_at: Mapped[int] = mapped_column(Integer, default=9 * 60)
    ends_at: Mapped[int] = mapped_column(Integer, default=18 * 60)
    start_latitude: Mapped[float] = mapped_column(Float)
    start_longitude: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = _now()

    drivers: Mapped[list[DeliveryDriver]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DeliveryDriver.id"
    )
    stops: Mapped[list[DeliveryStop]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DeliveryStop.id"
    )


class DeliveryDriver(Base):
    """A volunteer for one run: no account, a private link (only its SHA-256 kept) valid to the run date."""

    __tablename__ = "delivery_drivers"
    __table_args__ = (CheckConstraint("capacity_packs > 0", name="capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("delivery_runs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    capacity_packs: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_on: Mapped[dt.date | None] = mapped_column(Date)


class DeliveryStop(Base):
    """A packed shipment on a run: its driver and place in the order once planned, its outcome once visited."""

    __tablename__ = "delivery_stops"
    __table_args__ = (
        UniqueConstraint("run_id", "shipment_id", name="uq_delivery_stops_shipment"),
        CheckConstraint("outcome IS NULL OR outcome IN ('delivered', 'not_delivered')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("delivery_runs.id", ondelete="CASCADE"), index=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_drivers.id", ondelete="SET NULL"))
    position: Mapped[int | None] = mapped_column(Integer)
    arrival: Mapped[int | None] = mapped_column(Integer)  # planned minutes after midnight
    unplanned_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(15))
    outcome_reason: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
