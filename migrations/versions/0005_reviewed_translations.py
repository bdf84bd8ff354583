"""reviewed translations: texts a native speaker corrected, and who reviewed each language when.

`reviewed_texts` holds the reviewed text of a catalog key (and plural form) per language, laid over the JSON
catalogs; `translation_reviews` one row per imported review (outreach/translation_review.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reviewed_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("form", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=120), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewed_texts")),
        sa.UniqueConstraint("language", "key", "form", name="uq_reviewed_texts_key"),
    )
    with op.batch_alter_table("reviewed_texts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewed_texts_language"), ["language"], unique=False)
    op.create_table(
        "translation_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("reviewer", sa.String(length=120), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("texts_changed", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_reviews")),
    )
    with op.batch_alter_table("translation_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_translation_reviews_language"), ["language"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("translation_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_translation_reviews_language"))
    op.drop_table("translation_reviews")
    with op.batch_alter_table("reviewed_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewed_texts_language"))
    op.drop_table("reviewed_texts")
