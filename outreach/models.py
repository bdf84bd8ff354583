"""SQLAlchemy 2.0 tables. Alembic migrations in `migrations/` are generated from these.

Conventions: naive UTC timestamps (`outreach.db.utcnow`), quantities as whole units, status values as short
strings checked by the database. Balances are derived from the ledger, and the database refuses a
negative balance (CHECK constraints on `stock_balances`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from outreach.db import utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _now() -> Mapped[dt.datetime]:
    return mapped_column(DateTime, default=utcnow, nullable=False)


# --- people -------------------------------------------------------------------------------------------


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'coordinator', 'organizer')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None for single-sign-on users
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = _now()


class AuditEntry(Base):
    """Append-only: no code path updates or deletes a row."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON


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


MOVEMENT_KINDS = ("receipt", "shipment", "adjustment", "count", "transfer_out", "transfer_in", "return")


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


# --- organizations ------------------------------------------------------------------------------------


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused')", name="status"),
        CheckConstraint(
            "location_source IS NULL OR location_source IN ('geocoded', 'zip_centroid', 'manual')",
            name="location_source",
        ),
        Index("ix_organizations_dedupe", "name_key", "address_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    faith_tradition: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(String(300))
    zip_code: Mapped[str | None] = mapped_column(String(10))
    borough: Mapped[str | None] = mapped_column(String(20), index=True)
    community_district: Mapped[int | None] = mapped_column(Integer, index=True)  # DCP boro_cd, e.g. 312
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_precision: Mapped[str | None] = mapped_column(String(20))  # exact / approximate
    location_source: Mapped[str | None] = mapped_column(String(20))
    location_note: Mapped[str | None] = mapped_column(Text)  # e.g. why the fallback was used
    preferred_language: Mapped[str] = mapped_column(String(5), default="en")
    weekly_attendance: Mapped[int | None] = mapped_column(Integer)
    usual_request_packs: Mapped[int | None] = mapped_column(Integer)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    name_key: Mapped[str] = mapped_column(String(200), default="")  # normalized, for duplicate checks
    address_key: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = _now()
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    languages: Mapped[list[OrganizationLanguage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def language_codes(self) -> list[str]:
        return sorted(link.language for link in self.languages)


class OrganizationLanguage(Base):
    __tablename__ = "organization_languages"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)


class GeocodeCacheEntry(Base):
    """Every address is looked up once: results keyed by normalized address."""

    __tablename__ = "geocode_cache"

    address_key: Mapped[str] = mapped_column(String(400), primary_key=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = _now()


# --- shipments ----------------------------------------------------------------------------------------

SHIPMENT_STATUSES = ("draft", "packed", "shipped", "delivered", "cancelled")


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'packed', 'shipped', 'delivered', 'cancelled')", name="status"),
        # The coverage map's marker colours: which organizations have a parcel on the road (status
        # 'shipped') or a delivery since a date, read from the index alone without the whole history.
        Index("ix_shipments_status_delivered", "status", "delivered_at", "organization_id"),
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
    language: Mapped[str] = mapped_column(String(5), default="en")  # language the leader used
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


# --- trust: single sign-on role mappings, append-only audit -------------------------------------------


class RoleMapping(Base):
    """Single sign-on: an exact e-mail address or an '@domain' that gets a role at first sign-in."""

    __tablename__ = "role_mappings"
    __table_args__ = (CheckConstraint("role IN ('admin', 'coordinator', 'organizer')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(254), unique=True)  # jane@nyc.gov or @nyc.gov
    role: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = _now()


# The database itself refuses to change or remove an audit row, whatever code runs against it. The
# migration executes the same statements (AUDIT_APPEND_ONLY_DDL) for databases built by Alembic.
AUDIT_APPEND_ONLY_DDL: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_log is append-only: rows cannot be changed or deleted'; END $$",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    ),
}
for _dialect, _statements in AUDIT_APPEND_ONLY_DDL.items():
    for _statement in _statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
