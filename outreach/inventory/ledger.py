"""The ledger itself: the one way stock changes (a ledger row and a balance update in one transaction).

Every change updates the balance row with a conditional UPDATE whose row count is checked; the CHECK
constraints on `stock_balances` make a negative balance impossible even if a bug slipped past the condition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outreach import audit
from outreach.catalog import language_of, material_of
from outreach.db import SessionFactory, get_or_not_found, utcnow
from outreach.errors import InvalidInput, OutOfStock
from outreach.models import Location, StockBalance, StockMovement, StockUnit
from outreach.quantities import parse_quantity, parse_signed_quantity
from outreach.text import clean_text

MAX_NOTE_CHARS = 500  # a movement's reason or note: a sentence, not a report
MAX_REFERENCE_CHARS = 120  # stock_movements.reference


# --- the one way stock changes ------------------------------------------------------------------------


def load_unit(session: Session, unit_id: int) -> StockUnit:
    """The stock item, or NotFound: every capability that takes a unit id from a picker loads it here."""
    return get_or_not_found(
        session, StockUnit, unit_id, f"Stock item #{unit_id} does not exist. Pick an item from the list."
    )


def load_depot(session: Session, location_id: int) -> Location:
    """The depot, or NotFound: every capability that takes a depot id from a picker loads it here."""
    return get_or_not_found(
        session, Location, location_id, f"Depot #{location_id} does not exist. Pick a depot from the list."
    )


class UnitRow(Protocol):
    """A row of `inventory.units` or `stock_levels` (from `itertuples`): the edition is its code."""

    @property
    def material(self) -> str: ...

    @property
    def language(self) -> str: ...

    @property
    def edition(self) -> str: ...


def unit_label(unit: StockUnit | UnitRow) -> str:
    """How people name a stock item, everywhere: 'Flyer · Spanish · 2026-03'."""
    edition = unit.edition.code if isinstance(unit, StockUnit) else unit.edition
    return f"{material_of(unit.material).name} · {language_of(unit.language).english} · {edition}"


def require_active(unit: StockUnit) -> None:
    if unit.edition.status != "active":
        raise InvalidInput(
            f"{unit_label(unit)} is a retired edition ({unit.edition.retired_reason or 'no reason given'}); "
            "it cannot be allocated or shipped. Choose the current edition."
        )


def _ensure_balance_row(session: Session, unit_id: int, location_id: int) -> None:
    """Insert a zero balance row if missing, without racing another writer (INSERT .. ON CONFLICT)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(StockBalance)
        .values(unit_id=unit_id, location_id=location_id, on_hand=0, reserved=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["unit_id", "location_id"])
    )
    session.execute(statement)


def balance(session: Session, unit_id: int, location_id: int, *, lock: bool = False) -> tuple[int, int]:
    """On hand and reserved; `lock` holds the row (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serializes writers) so a value read here is still true when this transaction writes."""
    statement = select(StockBalance.on_hand, StockBalance.reserved).where(
        StockBalance.unit_id == unit_id, StockBalance.location_id == location_id
    )
    if lock:
        statement = statement.with_for_update()
    row = session.execute(statement).one_or_none()
    return (row.on_hand, row.reserved) if row else (0, 0)


def available(session: Session, unit_id: int, location_id: int) -> int:
    on_hand, reserved = balance(session, unit_id, location_id)
    return on_hand - reserved


def apply_movement(
    session: Session,
    *,
    unit_id: int,
    location_id: int,
    kind: str,
    quantity: int,
    actor: str,
    reserved_change: int = 0,
    reason: str | None = None,
    reference: str | None = None,
    shipment_id: int | None = None,
) -> None:
    """Change one balance and write its ledger row, inside the caller's transaction.

    `reserved_change` moves the reservation in the same UPDATE (negative when a shipment consumes a
    reservation, positive when approval reserves stock; a pure reservation has quantity 0 and no ledger row).
    Raises OutOfStock, naming the item and what is available, when the balance cannot cover it.
    """
    if quantity > 0 or reserved_change > 0:
        _ensure_balance_row(session, unit_id, location_id)
    new_on_hand = StockBalance.on_hand + quantity
    new_reserved = StockBalance.reserved + reserved_change
    result = session.execute(
        update(StockBalance)
        .where(
            StockBalance.unit_id == unit_id,
            StockBalance.location_id == location_id,
            new_on_hand >= 0,
            new_reserved >= 0,
            new_reserved <= new_on_hand,
        )
        .values(on_hand=new_on_hand, reserved=new_reserved, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        on_hand, reserved = balance(session, unit_id, location_id)
        unit, location = load_unit(session, unit_id), load_depot(session, location_id)
        if quantity == 0 and reserved_change < 0:
            raise OutOfStock(
                f"Only {reserved:,} of {unit_label(unit)} are reserved at {location.name}; "
                f"{-reserved_change:,} cannot be released. Reload the page and try again."
            )
        wanted = -quantity if quantity < 0 else reserved_change
        raise OutOfStock(
            f"Only {on_hand - reserved:,} of {unit_label(unit)} are available at {location.name} "
            f"({on_hand:,} on hand, {reserved:,} reserved); {wanted:,} were asked for. "
            "Reduce the quantity or receive more stock first."
        )
    if quantity:
        session.add(
            StockMovement(
                unit_id=unit_id,
                location_id=location_id,
                kind=kind,
                quantity=quantity,
                reason=reason,
                reference=reference,
                shipment_id=shipment_id,
                actor=actor,
            )
        )


Plan = Callable[[Session], tuple[list[dict], dict]]


def _write(
    sessions: SessionFactory,
    action: str,
    unit_id: int,
    location_ids: tuple[int, ...],
    actor: str,
    plan: Plan,
) -> dict:
    """Run ledger changes in one transaction and audit the balances before and after.

    `plan` returns the changes (applied to `unit_id` at `location_ids[0]` unless a change names another
    location) and the audit detail; it runs inside the transaction so it can read what it changes.
    Returns the detail; writes nothing when the plan has no changes.
    """
    try:
        with sessions.begin() as session:
            unit = load_unit(session, unit_id)
            for location_id in location_ids:  # every depot, so an unknown one is NotFound, not a FK error
                load_depot(session, location_id)
            if action == "receive":
                require_active(unit)
            changes, detail = plan(session)
            if not changes:
                return detail
            touched = sorted({(unit_id, c.get("location_id", location_ids[0])) for c in changes})
            # Lock in a fixed order, so two opposite transfers cannot deadlock on PostgreSQL.
            before = {f"{u}@{loc}": balance(session, u, loc, lock=True) for u, loc in touched}
            for change in changes:
                apply_movement(
                    session, **{"unit_id": unit_id, "location_id": location_ids[0], "actor": actor, **change}
                )
            after = {f"{u}@{loc}": balance(session, u, loc) for u, loc in touched}
            audit.record(
                session,
                actor=actor,
                action=action,
                entity="stock_unit",
                entity_id=unit_id,
                before={"balances": before},
                after={"balances": after, **detail},
            )
            return detail
    except IntegrityError as exc:  # the CHECK constraints caught what the condition missed
        raise OutOfStock(f"The database refused a change that would make stock negative ({action}).") from exc


def receive(
    sessions: SessionFactory,
    *,
    unit_id: int,
    location_id: int,
    quantity: object,
    reference: str | None,
    actor: str,
) -> None:
    """A print run arrives at a depot."""
    amount = parse_quantity(quantity, field="Quantity received")
    ref = clean_text(reference, field="Print run reference", max_length=MAX_REFERENCE_CHARS) or None
    changes = [{"kind": "receipt", "quantity": amount, "reference": ref}]
    detail = {"quantity": amount, "reference": ref}
    _write(sessions, "receive", unit_id, (location_id,), actor, lambda _session: (changes, detail))


def adjust(
    sessions: SessionFactory, *, unit_id: int, location_id: int, change: object, reason: str, actor: str
) -> None:
    """Correct stock up or down with a reason (damaged, found, given out at an event)."""
    amount = parse_signed_quantity(change, field="Adjustment")
    why = clean_text(reason, field="Reason", max_length=MAX_NOTE_CHARS)
    if not why:
        raise InvalidInput("Reason is required. Say briefly why, e.g. 'water damage' or 'recount'.")
    changes = [{"kind": "adjustment", "quantity": amount, "reason": why}]
    detail = {"change": amount, "reason": why}
    _write(sessions, "adjust", unit_id, (location_id,), actor, lambda _session: (changes, detail))


def count(
    sessions: SessionFactory,
    *,
    unit_id: int,
    location_id: int,
    counted: object,
    actor: str,
    reason: str | None = None,
) -> int:
    """Record a physical count; writes the correcting movement (if any) and returns it."""
    value = parse_quantity(counted, field="Counted quantity", allow_zero=True)
    note = clean_text(reason, field="Note", max_length=MAX_NOTE_CHARS) or None

    def plan(session: Session) -> tuple[list[dict], dict]:
        # Read and correct in the same transaction, with the row locked: a shipment committed between a
        # separate read and the write would otherwise make the "correction" wrong.
        if value:
            _ensure_balance_row(session, unit_id, location_id)
        on_hand, reserved = balance(session, unit_id, location_id, lock=True)
        if value < reserved:
            raise InvalidInput(
                f"The count of {value:,} is below the {reserved:,} units reserved for approved requests. "
                "Recount, or reduce those approvals first."
            )
        difference = value - on_hand
        changes = (
            [{"kind": "count", "quantity": difference, "reason": note or f"physical count: {value}"}]
            if difference
            else []
        )
        return changes, {"counted": value, "difference": difference}

    detail = _write(sessions, "count", unit_id, (location_id,), actor, plan)
    return int(detail["difference"])


def transfer(
    sessions: SessionFactory,
    *,
    unit_id: int,
    from_location_id: int,
    to_location_id: int,
    quantity: object,
    actor: str,
    reason: str | None = None,
) -> None:
    amount = parse_quantity(quantity, field="Quantity to transfer")
    if from_location_id == to_location_id:
        raise InvalidInput("Choose two different depots to transfer between.")
    reference = f"transfer {from_location_id}->{to_location_id} at {utcnow():%Y-%m-%d %H:%M:%S}"
    note = clean_text(reason, field="Note", max_length=MAX_NOTE_CHARS) or None
    changes = [
        {"kind": "transfer_out", "quantity": -amount, "reference": reference, "reason": note},
        {
            "kind": "transfer_in",
            "quantity": amount,
            "location_id": to_location_id,
            "reference": reference,
            "reason": note,
        },
    ]
    detail = {"quantity": amount, "to_location_id": to_location_id}
    _write(
        sessions,
        "transfer",
        unit_id,
        (from_location_id, to_location_id),
        actor,
        lambda _session: (changes, detail),
    )


def reserve(session: Session, *, unit_id: int, location_id: int, quantity: int, actor: str) -> None:
    """Hold stock for an approved request, inside the caller's transaction (the caller audits)."""
    amount = parse_quantity(quantity, field="Quantity to reserve", allow_zero=True)
    require_active(load_unit(session, unit_id))
    load_depot(session, location_id)
    _change_reservation(session, unit_id, location_id, amount, actor)


def release(session: Session, *, unit_id: int, location_id: int, quantity: int, actor: str) -> None:
    """Give back a reservation (request reduced, rejected or cancelled)."""
    amount = parse_quantity(quantity, field="Quantity to release", allow_zero=True)
    _change_reservation(session, unit_id, location_id, -amount, actor)


def _change_reservation(session: Session, unit_id: int, location_id: int, change: int, actor: str) -> None:
    """Only the reserved count moves: no stock enters or leaves, so no ledger row is written."""
    if change:
        apply_movement(
            session,
            unit_id=unit_id,
            location_id=location_id,
            kind="adjustment",
            quantity=0,
            reserved_change=change,
            actor=actor,
        )
