"""catalog codes: an organization's preferred language and a request's language may be a written catalog.

Traditional Chinese is a catalog of its own (`zh-Hant`, outreach/catalog.py CATALOGS) next to Simplified (`zh`):
the organization's preferred language (its restock page and documents) and the language a leader used for a
request may now name it. Seven characters do not fit the old VARCHAR(5) (PostgreSQL refuses them), so both
columns widen to 16 on PostgreSQL (room for any BCP 47 language-Script-REGION tag). SQLite is left alone: it
never enforces a VARCHAR length, and changing a declared type there rebuilds the table, which the foreign keys
of a populated database refuse inside the migration's transaction (outreach/models/base.py CATALOG_CODE).
Stock and coverage keep language codes.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-03 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("organizations", "preferred_language"), ("restock_requests", "language"))


def _resize(old: int, new: int) -> None:
    if op.get_bind().dialect.name == "sqlite":  # no length enforced; a rebuild would trip the foreign keys
        return
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.String(length=old), type_=sa.String(length=new), existing_nullable=False
            )


def upgrade() -> None:
    _resize(5, 16)


def downgrade() -> None:
    # Traditional Chinese falls back to Simplified: the only catalog code longer than five characters.
    op.execute("UPDATE organizations SET preferred_language = 'zh' WHERE preferred_language = 'zh-Hant'")
    op.execute("UPDATE restock_requests SET language = 'zh' WHERE language = 'zh-Hant'")
    _resize(16, 5)
