"""Reviewed translations: texts a native speaker corrected, laid over the JSON catalogs, and who reviewed
each language when (written only by outreach.translation_review)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models.base import Base, _now


class ReviewedText(Base):
    """One reviewed text: a catalog key in one language (`form`: the CLDR plural category of a plural
    entry, "" for a plain text). The newest review of a text replaces its row."""

    __tablename__ = "reviewed_texts"
    __table_args__ = (UniqueConstraint("language", "key", "form", name="uq_reviewed_texts_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    key: Mapped[str] = mapped_column(String(120))
    form: Mapped[str] = mapped_column(String(8), default="")
    text: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(120))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = _now()


class TranslationReview(Base):
    """One review of a language's catalog, imported from the reviewer's spreadsheet (append-only history;
    the newest per language is the one shown)."""

    __tablename__ = "translation_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    reviewer: Mapped[str] = mapped_column(String(120))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    texts_changed: Mapped[int] = mapped_column(Integer, default=0)
    imported_by: Mapped[str] = mapped_column(String(80))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = _now()
