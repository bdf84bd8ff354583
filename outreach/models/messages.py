"""Messages out: the outbox, coordinators' notification settings, organizations' opt-outs, the sender's lease.

Only `outreach.messages` writes these tables (tests/test_ownership.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models.base import Base, _now

MESSAGE_STATUSES = ("pending", "sent", "failed")
NOTIFY_MODES = ("each", "digest", "off")


class OutboxMessage(Base):
    """One e-mail, rendered when its event happened and written in the event's own transaction.

    `key` names the message (e.g. "submitted:org:42"): UNIQUE, so an event handled twice queues it once, and
    the Message-ID header is derived from it, so a resend after a crash carries the same Message-ID.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(f"status IN {MESSAGE_STATUSES}", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = _now()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _now()
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class NotificationSetting(Base):
    """What one coordinator wants: a message per new request ('each'), a daily 'digest', or nothing ('off'),
    for the boroughs in `boroughs` (comma-separated codes; empty means every borough)."""

    __tablename__ = "notification_settings"
    __table_args__ = (CheckConstraint(f"mode IN {NOTIFY_MODES}", name="mode"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), default="each")
    boroughs: Mapped[str] = mapped_column(String(200), default="")
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = _now()


class MailOptOut(Base):
    """An organization that wants no more e-mail (its one-click unsubscribe, or a coordinator's switch)."""

    __tablename__ = "mail_opt_outs"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # link / coordinator
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = _now()


class SenderLease(Base):
    """Who may send right now: one row per lease name; a sender holds it until `expires_at` and renews it."""

    __tablename__ = "sender_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
