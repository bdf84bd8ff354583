"""Restock links (token hashes), requests and their lines."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.db import utcnow
from outreach.models.base import CATALOG_CODE, Base, _now
from outreach.models.organizations import Organization
from outreach.models.stock import StockUnit

# --- restock requests ---------------------------------------------------------------------------------

REQUEST_STATUSES = (
    "submitted",
    "approved",
    "partially_shipped",
    "shipped",
    "delivered",
    "rejected",
    "cancelled",
)


class RestockToken(Base):
    """An organization's private restock link. Only the SHA-256 of the token is stored."""

    __tablename__ = "restock_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = _now()
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))  # revoked / rotated


class RestockRequest(Base):
    __tablename__ = "restock_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'approved', 'partially_shipped', 'shipped', 'delivered', "
            "'rejected', 'cancelled')",
            name="status",
        ),
        CheckConstraint("channel IN ('link', 'phone', 'coordinator')", name="channel"),
        # Open requests per organization (coverage map, planner) from the index alone.
        Index("ix_restock_requests_status_organization", "status", "organization_id"),
        # The triage queue: a page of the oldest requests with given statuses, without sorting them all.
        Index("ix_restock_requests_status_created", "status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # confirmation number shown to leader
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("restock_tokens.id"), index=True)
    channel: Mapped[str] = mapped_column(String(12), default="link")
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    language: Mapped[str] = mapped_column(CATALOG_CODE, default="en")  # catalog the leader read (zh-Hant too)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    on_hand_reported: Mapped[int | None] = mapped_column(Integer)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    depot_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))  # where stock is reserved
    created_by: Mapped[str] = mapped_column(String(120), default="restock-link")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[RestockRequestLine]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RestockRequestLine.id"
    )
    organization: Mapped[Organization] = relationship(lazy="joined")


class RestockRequestLine(Base):
    __tablename__ = "restock_request_lines"
    __table_args__ = (
        CheckConstraint("packs_requested > 0", name="packs_requested_positive"),
        CheckConstraint("packs_approved IS NULL OR packs_approved >= 0", name="packs_approved"),
        CheckConstraint("packs_shipped >= 0", name="packs_shipped"),
        # The queue's language filter: requests with a line of these units, from the index alone.
        Index("ix_restock_request_lines_unit_request", "unit_id", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("restock_requests.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("stock_units.id"))
    packs_requested: Mapped[int] = mapped_column(Integer)
    packs_approved: Mapped[int | None] = mapped_column(Integer)
    packs_shipped: Mapped[int] = mapped_column(Integer, default=0)
    substituted_from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("stock_units.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[StockUnit] = relationship(lazy="joined", foreign_keys=[unit_id])
