"""SQLAlchemy 2.0 tables, one module per capability; import them from here. Alembic migrations in `migrations/` are generated from these.

Conventions: naive UTC timestamps (`outreach.db.utcnow`), quantities as whole units, status values as short
strings checked by the database. Balances are derived from the ledger, and the database refuses a
negative balance (CHECK constraints on `stock_balances`).
"""

from outreach.models.base import NAMING, Base
from outreach.models.data_versions import DataVersion
from outreach.models.delivery import (
    NOT_DELIVERED_REASONS,
    RUN_STATUSES,
    ClosedDate,
    DeliveryDriver,
    DeliveryHours,
    DeliveryRun,
    DeliverySchedule,
    DeliveryStop,
)
from outreach.models.field import FollowUpCall, HandoutReport, Receipt, ReceiptKey, ReceiptLine
from outreach.models.messages import (
    MESSAGE_STATUSES,
    NOTIFY_MODES,
    MailOptOut,
    NotificationSetting,
    OutboxMessage,
    SenderLease,
)
from outreach.models.organizations import GeocodeCacheEntry, Organization, OrganizationLanguage
from outreach.models.people import AUDIT_APPEND_ONLY_DDL, AuditEntry, RoleMapping, User, UserSession
from outreach.models.restock import REQUEST_STATUSES, RestockRequest, RestockRequestLine, RestockToken
from outreach.models.shipments import SHIPMENT_STATUSES, Shipment, ShipmentLine, ShipmentTotal
from outreach.models.stock import Edition, Location, StockBalance, StockMovement, StockUnit
from outreach.models.translations import ReviewedText, TranslationReview

__all__ = [
    "AUDIT_APPEND_ONLY_DDL",
    "AuditEntry",
    "Base",
    "DataVersion",
    "ClosedDate",
    "DeliveryDriver",
    "DeliveryHours",
    "DeliveryRun",
    "DeliverySchedule",
    "DeliveryStop",
    "Edition",
    "FollowUpCall",
    "GeocodeCacheEntry",
    "HandoutReport",
    "Location",
    "MESSAGE_STATUSES",
    "MailOptOut",
    "NOTIFY_MODES",
    "NotificationSetting",
    "OutboxMessage",
    "NAMING",
    "NOT_DELIVERED_REASONS",
    "Organization",
    "OrganizationLanguage",
    "REQUEST_STATUSES",
    "Receipt",
    "ReceiptKey",
    "ReceiptLine",
    "RUN_STATUSES",
    "RestockRequest",
    "RestockRequestLine",
    "RestockToken",
    "ReviewedText",
    "RoleMapping",
    "SHIPMENT_STATUSES",
    "Shipment",
    "ShipmentLine",
    "SenderLease",
    "ShipmentTotal",
    "StockBalance",
    "StockMovement",
    "StockUnit",
    "TranslationReview",
    "User",
    "UserSession",
]
