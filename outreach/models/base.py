"""The declarative base, its naming convention, the timestamp column every table uses, and the catalog-code type."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


# A written catalog's code (outreach.catalog.CATALOGS): a language, or "zh-Hant" (seven characters). VARCHAR(16)
# on PostgreSQL (migration 0010 widened it from 5); SQLite never enforces a VARCHAR length, and widening a column
# there means rebuilding the table, which its foreign keys refuse inside the migration's transaction: so SQLite
# keeps the declared VARCHAR(5) and stores the longer codes all the same.
CATALOG_CODE = String(16).with_variant(String(5), "sqlite")
