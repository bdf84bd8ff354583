"""organizations.language_list: the languages an organization serves as one sorted text ("en es zh"), kept with
its organization_languages rows (outreach/organizations/served.py). The coverage map reads 50,000 organizations
at fifty times the campaign; aggregating their language rows on each read cost SQLite ~130 ms and PostgreSQL
~150 ms of that read.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:55:00
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language_list", sa.String(length=80), server_default="", nullable=False))
    connection = op.get_bind()
    served: dict[int, list[str]] = defaultdict(list)
    for organization_id, code in connection.execute(
        sa.text("SELECT organization_id, language FROM organization_languages")
    ):
        served[organization_id].append(code)
    changes = [{"key": key, "text": " ".join(sorted(set(codes)))} for key, codes in served.items()]
    if changes:
        connection.execute(sa.text("UPDATE organizations SET language_list = :text WHERE id = :key"), changes)


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("language_list")
