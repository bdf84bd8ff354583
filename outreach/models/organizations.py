"""The directory's tables: organizations, the languages they serve, the geocode cache."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.db import utcnow
from outreach.models.base import CATALOG_CODE, Base, _now

# --- organizations ------------------------------------------------------------------------------------


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused')", name="status"),
        CheckConstraint(
            "location_source IS NULL OR location_source IN ('geocoded', 'zip_centroid', 'manual')",
            name="location_source",
        ),
        Index("ix_organizations_dedupe", "name_key", "address_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    faith_tradition: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(String(300))
    zip_code: Mapped[str | None] = mapped_column(String(10))
    borough: Mapped[str | None] = mapped_column(String(20), index=True)
    community_district: Mapped[int | None] = mapped_column(Integer, index=True)  # DCP boro_cd, e.g. 312
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_precision: Mapped[str | None] = mapped_column(String(20))  # exact / approximate
    location_source: Mapped[str | None] = mapped_column(String(20))
    location_note: Mapped[str | None] = mapped_column(Text)  # e.g. why the fallback was used
    # a catalog code (outreach.catalog.CATALOGS): a language, or zh-Hant for Traditional Chinese
    preferred_language: Mapped[str] = mapped_column(CATALOG_CODE, default="en")
    weekly_attendance: Mapped[int | None] = mapped_column(Integer)
    usual_request_packs: Mapped[int | None] = mapped_column(Integer)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    # `languages` as one sorted text, "en es zh": what reads of every organization take (outreach.organizations.served)
    language_list: Mapped[str] = mapped_column(String(80), server_default="")
    name_key: Mapped[str] = mapped_column(String(200), default="")  # normalized, for duplicate checks
    address_key: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = _now()
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    languages: Mapped[list[OrganizationLanguage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def language_codes(self) -> list[str]:
        return sorted(link.language for link in self.languages)


class OrganizationLanguage(Base):
    __tablename__ = "organization_languages"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)


class GeocodeCacheEntry(Base):
    """Every address is looked up once: results keyed by normalized address."""

    __tablename__ = "geocode_cache"

    address_key: Mapped[str] = mapped_column(String(400), primary_key=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = _now()
