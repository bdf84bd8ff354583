"""Data versions: a counter per table, bumped in the same transaction as every write (outreach/data_versions.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models.base import Base


class DataVersion(Base):
    """How many committed transactions wrote `table_name`, spread over a few slots per table.

    The version of a table is the sum over its slots; each committing writer adds one to one slot, chosen at
    random, so concurrent writers of one table rarely wait for each other's row lock (PostgreSQL).
    """

    __tablename__ = "data_versions"

    table_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
