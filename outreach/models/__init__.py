"""SQLAlchemy 2.0 tables, one module per capability; import them from here. Alembic migrations in `migrations/` are generated from these.

Conventions: naive UTC timestamps (`outreach.db.utcnow`), quantities as whole units, status values as short
strings checked by the database. Balances are derived from the ledger, and the database refuses a
negative balance (CHECK constraints on `stock_balances`).
"""

from outreach.models.base import NAMING, Base
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
from outreach.models.organizations import GeocodeCacheEntry, Organization, OrganizationLanguage
from outreach.models.people import AUDIT_APPEND_ONLY_DDL, AuditEntry, RoleMapping, User, UserSession
from outreach.models.restock import REQUEST_STATUSES, RestockRequest, RestockRequestLine, RestockToken
from outreach.models.shipments import SHIPMENT_STATUSES, Shipment, ShipmentLine, ShipmentTotal
from outreach.models.stock import Edition, Location, StockBalance, StockMovement, StockUnit

__all__ = [
    "AUDIT_APPEND_ONLY_DDL",
    "AuditEntry",
    "Base",
    "ClosedDate",
    "DeliveryDriver",
    "DeliveryHours",
    "DeliveryRun",
    "DeliverySchedule",
    "DeliveryStop",
    "Edition",
    "GeocodeCacheEntry",
    "Location",
    "NAMING",
    "NOT_DELIVERED_REASONS",
    "Organization",
    "OrganizationLanguage",
    "REQUEST_STATUSES",
    "RUN_STATUSES",
    "RestockRequest",
    "RestockRequestLine",
    "RestockToken",
    "RoleMapping",
    "SHIPMENT_STATUSES",
    "Shipment",
    "ShipmentLine",
    "ShipmentTotal",
    "StockBalance",
    "StockMovement",
    "StockUnit",
    "User",
    "UserSession",
]
