"""shipments by status, organization and delivery date: the follow-up list counts each organization's
unconfirmed deliveries in index order, without sorting the whole delivery history (at fifty times the campaign
444,000 deliveries: 0.43 s with the older (status, delivered_at, organization_id) index, 0.27 s with this one).

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-04 14:50:41
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_shipments_status_organization_delivered"


def upgrade() -> None:
    op.create_index(NAME, "shipments", ["status", "organization_id", "delivered_at"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="shipments")
