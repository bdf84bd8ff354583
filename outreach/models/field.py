"""What the field tells us back: parcels confirmed received, handouts reported, follow-up calls.

Written only by `outreach.field`. A receipt belongs to a shipment (one per shipment: the database refuses a
second); the shipments table itself is never touched. Handout reports are rows that are never overwritten:
each report is a new row, the newest per organization and item is the current one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models.base import Base, _now


class ReceiptKey(Base):
    """The secret that signs the receipt codes printed on packing slips (HMAC-SHA256). Made once, on first
    use; a newer row replaces it (old slips then stop working)."""

    __tablename__ = "receipt_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))  # 32 random bytes, hex
    created_at: Mapped[dt.datetime] = _now()


class Receipt(Base):
    """An organization confirmed that a parcel arrived: who (a name, if given), when, through which code,
    and whether fewer packs arrived than the slip listed."""

    __tablename__ = "receipts"
    __table_args__ = (
        CheckConstraint("channel IN ('slip', 'link', 'coordinator')", name="channel"),
        Index("ix_receipts_organization_confirmed", "organization_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    channel: Mapped[str] = mapped_column(String(12))
    language: Mapped[str] = mapped_column(String(5), default="en")  # the language the leader used
    confirmed_by: Mapped[str | None] = mapped_column(String(200))  # the name a leader typed (optional)
    confirmed_at: Mapped[dt.datetime] = _now()
    mismatch: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(120))  # a coordinator closed the mismatch
    reviewed_at: Mapped[dt.datetime | None] = mapped_column()
    review_note: Mapped[str | None] = mapped_column(Text)


class ReceiptLine(Base):
    """A line of a mismatched receipt: the units the slip listed and the units that arrived."""

    __tablename__ = "receipt_lines"
    __table_args__ = (
        UniqueConstraint("receipt_id", "unit_id", name="uq_receipt_lines_unit"),
        CheckConstraint("units_received >= 0 AND units_listed >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("stock_units.id"))
    units_listed: Mapped[int] = mapped_column(Integer)
    units_received: Mapped[int] = mapped_column(Integer)


class HandoutReport(Base):
    """How many pieces of one item an organization handed out since its last report, and how many are left.

    Pieces, not packs (the form converts). A submission with several items shares its `submission_key`, which
    makes a double click store it once.
    """

    __tablename__ = "handout_reports"
    __table_args__ = (
        CheckConstraint("handed_out >= 0", name="handed_out_not_negative"),
        CheckConstraint("remaining IS NULL OR remaining >= 0", name="remaining_not_negative"),
        UniqueConstraint("submission_key", "material", "language", name="uq_handout_reports_submission"),
        Index("ix_handout_reports_organization_reported", "organization_id", "reported_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    material: Mapped[str] = mapped_column(String(12))
    language: Mapped[str] = mapped_column(String(5))
    handed_out: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int | None] = mapped_column(Integer)
    reported_by: Mapped[str | None] = mapped_column(String(200))
    reported_in: Mapped[str] = mapped_column(String(5), default="en")  # the language the leader used
    channel: Mapped[str] = mapped_column(String(12), default="link")
    submission_key: Mapped[str] = mapped_column(String(80))
    reported_at: Mapped[dt.datetime] = _now()


class FollowUpCall(Base):
    """A coordinator called (or tried to call) a silent organization: why it was on the list, and a note."""

    __tablename__ = "follow_up_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # not_confirmed / not_reporting
    note: Mapped[str | None] = mapped_column(Text)
    called_by: Mapped[str] = mapped_column(String(120))
    called_at: Mapped[dt.datetime] = _now()
