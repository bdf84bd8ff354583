"""The rows the ledger counts: editions (retired ones are never shipped), stock units, depots, thresholds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach import audit
from outreach.catalog import borough_of, language_of, material_of
from outreach.db import SessionFactory, get_or_not_found, utcnow
from outreach.errors import InvalidInput
from outreach.inventory.ledger import MAX_NOTE_CHARS, load_unit
from outreach.models import Edition, Location, StockUnit
from outreach.quantities import parse_quantity
from outreach.text import clean_text

# --- catalog rows -------------------------------------------------------------------------------------


def _load_edition(session: Session, edition_id: int) -> Edition:
    return get_or_not_found(session, Edition, edition_id, f"Edition #{edition_id} does not exist.")


def create_edition(sessions: SessionFactory, *, code: str, title: str, actor: str) -> int:
    code = clean_text(code, field="Edition code", max_length=40, required=True)
    with sessions.begin() as session:
        if session.scalar(select(Edition.id).where(Edition.code == code)):
            raise InvalidInput(f"Edition {code!r} already exists. Choose another code.")
        edition = Edition(code=code, title=clean_text(title, field="Title", max_length=200) or code)
        return audit.add_and_record(
            session, edition, actor=actor, entity="edition", after={"code": code, "title": edition.title}
        )


def retire_edition(sessions: SessionFactory, *, edition_id: int, reason: str, actor: str) -> None:
    reason_text = clean_text(reason, field="Reason for retiring", max_length=MAX_NOTE_CHARS, required=True)
    with sessions.begin() as session:
        edition = _load_edition(session, edition_id)
        before = {"status": edition.status}
        edition.status, edition.retired_reason, edition.retired_at = "retired", reason_text, utcnow()
        audit.record(
            session,
            actor=actor,
            action="retire",
            entity="edition",
            entity_id=edition_id,
            before=before,
            after={"status": "retired", "reason": reason_text},
        )


def ensure_unit(
    sessions: SessionFactory,
    *,
    material: str,
    language: str,
    edition_id: int,
    actor: str,
    low_stock_threshold: int = 0,
) -> int:
    """Return the stock unit for material x language x edition, creating it if needed."""
    material_of(material)
    language_of(language)
    threshold = parse_quantity(low_stock_threshold, field="Low-stock threshold", allow_zero=True)
    with sessions.begin() as session:
        _load_edition(session, edition_id)
        existing = session.scalar(
            select(StockUnit.id).where(
                StockUnit.material == material,
                StockUnit.language == language,
                StockUnit.edition_id == edition_id,
            )
        )
        if existing:
            return existing
        unit = StockUnit(
            material=material,
            language=language,
            edition_id=edition_id,
            low_stock_threshold=threshold,
        )
        return audit.add_and_record(
            session,
            unit,
            actor=actor,
            entity="stock_unit",
            after={"material": material, "language": language, "edition_id": edition_id},
        )


def create_location(sessions: SessionFactory, *, name: str, borough: str | None, actor: str) -> int:
    clean = clean_text(name, field="Depot name", max_length=120, required=True)
    borough = borough_of(borough).name if borough else None  # "bk" -> "Brooklyn"; unknown is refused
    with sessions.begin() as session:
        if session.scalar(select(Location.id).where(Location.name == clean)):
            raise InvalidInput(f"A depot named {clean!r} already exists.")
        location = Location(name=clean, borough=borough)
        return audit.add_and_record(
            session, location, actor=actor, entity="location", after={"name": clean, "borough": borough}
        )


def set_low_stock_threshold(sessions: SessionFactory, *, unit_id: int, threshold: object, actor: str) -> None:
    value = parse_quantity(threshold, field="Low-stock threshold", allow_zero=True)
    with sessions.begin() as session:
        unit = load_unit(session, unit_id)
        before = unit.low_stock_threshold
        unit.low_stock_threshold = value
        audit.record(
            session,
            actor=actor,
            action="set_threshold",
            entity="stock_unit",
            entity_id=unit_id,
            before={"low_stock_threshold": before},
            after={"low_stock_threshold": value},
        )
