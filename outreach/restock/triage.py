"""Restock requests, part two: what coordinators do with them.

claim -> approve (reserves stock at a depot, whole or per line, reduced with a reason); or substitute a line,
reject or cancel. Turning an approved request into a shipment, and following that shipment, is
`outreach.restock.fulfilment`.

Every decision is one transaction that starts with a conditional UPDATE of the request (expected status,
and not claimed by someone else), so when two coordinators act at once exactly one UPDATE matches and the
other gets a Conflict that says who holds the request or what state it is in.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outreach import audit, inventory
from outreach.catalog import material_of
from outreach.db import SessionFactory, get_or_not_found, utcnow
from outreach.errors import Conflict, InvalidInput, NotFound, OutOfStock
from outreach.messages import notices
from outreach.models import Location, RestockRequest, RestockRequestLine, Shipment
from outreach.quantities import parse_quantity
from outreach.text import clean_text

OPEN_STATUSES = ("submitted", "approved")


def load_request(session: Session, request_id: int) -> RestockRequest:
    return get_or_not_found(
        session,
        RestockRequest,
        request_id,
        f"Restock request #{request_id} does not exist. Reload the queue.",
    )


def _reason(text: str | None, *, required: str | None = None) -> str | None:
    cleaned = clean_text(text, field="The reason", max_length=2_000)
    if required and not cleaned:
        raise InvalidInput(required)
    return cleaned or None


def _conflict(request: RestockRequest, actor: str, verb: str) -> Conflict:
    if request.claimed_by and request.claimed_by != actor:
        since = f" since {request.claimed_at:%Y-%m-%d %H:%M} UTC" if request.claimed_at else ""
        return Conflict(
            f"Request {request.reference} is claimed by {request.claimed_by}{since}, so it cannot be "
            f"{verb} by you. Ask them, or wait until they release it."
        )
    return Conflict(
        f"Request {request.reference} is {request.status.replace('_', ' ')}, so it cannot be {verb}. "
        "Reload the queue to see its current state."
    )


def guard_request(
    session: Session,
    request: RestockRequest,
    expected: tuple[str, ...],
    actor: str,
    verb: str,
    **values: object,
) -> None:
    """The conditional UPDATE every decision starts with; it also locks the row until commit."""
    result = session.execute(
        update(RestockRequest)
        .where(
            RestockRequest.id == request.id,
            RestockRequest.status.in_(expected),
            or_(RestockRequest.claimed_by.is_(None), RestockRequest.claimed_by == actor),
        )
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(request)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _conflict(request, actor, verb)


def shipment_of(session: Session, request_id: int) -> Shipment | None:
    return session.scalar(select(Shipment).where(Shipment.request_id == request_id))


def _units(line: RestockRequestLine, packs: int | None = None) -> int:
    count = (line.packs_approved if packs is None else packs) or 0
    return count * material_of(line.unit.material).pack_size


def _release_all(session: Session, request: RestockRequest, actor: str) -> None:
    if request.depot_id is None:
        return
    for line in request.lines:
        inventory.release(
            session, unit_id=line.unit_id, location_id=request.depot_id, quantity=_units(line), actor=actor
        )


def _lines_state(request: RestockRequest) -> dict[int, dict[str, object]]:
    return {
        line.id: {"unit_id": line.unit_id, "requested": line.packs_requested, "approved": line.packs_approved}
        for line in request.lines
    }


# --- claim --------------------------------------------------------------------------------------------


def claim_request(sessions: SessionFactory, *, request_id: int, actor: str) -> None:
    """Take a request so two coordinators do not work on the same one."""
    with sessions.begin() as session:
        request = load_request(session, request_id)
        guard_request(
            session, request, OPEN_STATUSES, actor, "claimed", claimed_by=actor, claimed_at=utcnow()
        )
        audit.record(
            session,
            actor=actor,
            action="claim",
            entity="restock_request",
            entity_id=request_id,
            after={"claimed_by": actor},
        )


def unclaim_request(sessions: SessionFactory, *, request_id: int, actor: str, force: bool = False) -> None:
    """Release a claim (your own; `force` lets an admin free one held by someone who is away)."""
    with sessions.begin() as session:
        request = load_request(session, request_id)
        holder = request.claimed_by
        if holder is None:
            return
        if holder != actor and not force:
            raise _conflict(request, actor, "released")
        session.execute(
            update(RestockRequest)
            .where(RestockRequest.id == request_id, RestockRequest.claimed_by == holder)
            .values(claimed_by=None, claimed_at=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session,
            actor=actor,
            action="unclaim",
            entity="restock_request",
            entity_id=request_id,
            before={"claimed_by": holder},
            after={"claimed_by": None},
        )


# --- approve ------------------------------------------------------------------------------------------


def approve_request(
    sessions: SessionFactory,
    *,
    request_id: int,
    depot_id: int,
    actor: str,
    packs: Mapping[int, object] | None = None,
    reasons: Mapping[int, str] | None = None,
    reason: str | None = None,
) -> None:
    """Approve all lines (or `packs` per line id, fewer with a reason) and reserve the stock at `depot_id`."""
    packs, reasons = dict(packs or {}), dict(reasons or {})
    overall = _reason(reason)
    try:
        with sessions.begin() as session:
            request = load_request(session, request_id)
            depot = inventory.load_depot(session, depot_id)
            unknown = set(packs) - {line.id for line in request.lines}
            if unknown:
                raise InvalidInput(f"Line(s) {sorted(unknown)} are not part of request {request.reference}.")
            decided = _decide_lines(request, packs, reasons, overall)
            before = _lines_state(request)
            guard_request(
                session,
                request,
                ("submitted",),
                actor,
                "approved",
                status="approved",
                depot_id=depot_id,
                decided_by=actor,
                decided_at=utcnow(),
                decision_reason=overall,
            )
            for line in request.lines:
                approved, line_reason = decided[line.id]
                line.packs_approved = approved
                if line_reason:
                    line.reason = line_reason
                _reserve(session, line, approved, depot, actor)
            audit.record(
                session,
                actor=actor,
                action="approve",
                entity="restock_request",
                entity_id=request_id,
                before={"status": "submitted", "lines": before},
                after={"status": "approved", "depot_id": depot_id, "lines": _lines_state(request)},
            )
            notices.request_decided(session, request_id)  # the organization's message, in this transaction
    except IntegrityError as exc:  # the balance CHECKs caught what the conditional UPDATE did not
        raise OutOfStock(
            "The database refused a reservation beyond the stock on hand. Approve fewer packs."
        ) from exc


def _decide_lines(
    request: RestockRequest, packs: dict[int, object], reasons: dict[int, str], overall: str | None
) -> dict[int, tuple[int, str | None]]:
    decided: dict[int, tuple[int, str | None]] = {}
    for line in request.lines:
        label = inventory.unit_label(line.unit)
        approved = parse_quantity(
            packs.get(line.id, line.packs_requested),
            field=f"Packs approved for {label}",
            allow_zero=True,
            maximum=line.packs_requested,
        )
        own = _reason(reasons.get(line.id))
        why = own or overall
        if approved < line.packs_requested and not why:
            raise InvalidInput(
                f"Say why {label} is reduced from {line.packs_requested} to {approved} packs "
                "(e.g. 'low stock; more next month')."
            )
        decided[line.id] = (approved, why if approved < line.packs_requested else own)
    if not any(approved for approved, _ in decided.values()):
        raise InvalidInput(
            "Every line is approved at 0 packs. To decline the request, reject it with a reason."
        )
    return decided


def _reserve(session: Session, line: RestockRequestLine, packs: int, depot: Location, actor: str) -> None:
    if not packs:
        return
    inventory.require_active(line.unit)
    units = _units(line, packs)
    free = inventory.available(session, line.unit_id, depot.id)
    if free < units:
        pack = material_of(line.unit.material).pack_size
        raise OutOfStock(
            f"Approving {packs} packs of {inventory.unit_label(line.unit)} needs {units:,} units, but only "
            f"{free:,} are available at {depot.name} ({free // pack} packs). Approve fewer packs, choose "
            "another depot, or receive stock first."
        )
    inventory.reserve(session, unit_id=line.unit_id, location_id=depot.id, quantity=units, actor=actor)


# --- substitute, reject, cancel -----------------------------------------------------------------------


def substitute_line(
    sessions: SessionFactory, *, request_id: int, line_id: int, unit_id: int, reason: str, actor: str
) -> None:
    """Replace a line's item (another edition, material or language) keeping its pack counts."""
    why = _reason(reason, required="Say why the item is substituted (e.g. 'booklets out of stock').")
    with sessions.begin() as session:
        request = load_request(session, request_id)
        line = next((ln for ln in request.lines if ln.id == line_id), None)
        if line is None:
            raise NotFound(f"Line #{line_id} is not part of request {request.reference}.")
        new_unit = inventory.load_unit(session, unit_id)
        inventory.require_active(new_unit)
        if new_unit.id == line.unit_id:
            raise InvalidInput(
                f"The line already is {inventory.unit_label(new_unit)}; pick a different item."
            )
        if any(ln.unit_id == new_unit.id for ln in request.lines):
            raise InvalidInput(
                f"Request {request.reference} already has a line for {inventory.unit_label(new_unit)}; "
                "change that line's packs when approving instead."
            )
        guard_request(session, request, OPEN_STATUSES, actor, "changed")
        refuse_if_shipment(session, request)
        old_unit = line.unit_id
        if request.status == "approved" and request.depot_id is not None:
            inventory.release(
                session, unit_id=old_unit, location_id=request.depot_id, quantity=_units(line), actor=actor
            )
        line.substituted_from_unit_id = line.substituted_from_unit_id or old_unit
        line.unit_id, line.unit, line.reason = new_unit.id, new_unit, why
        session.flush()
        if request.status == "approved" and request.depot_id is not None:
            depot = session.get(Location, request.depot_id)
            assert depot is not None
            _reserve(session, line, line.packs_approved or 0, depot, actor)
        audit.record(
            session,
            actor=actor,
            action="substitute",
            entity="restock_request",
            entity_id=request_id,
            before={"line_id": line_id, "unit_id": old_unit},
            after={"line_id": line_id, "unit_id": new_unit.id, "reason": why},
        )


def refuse_if_shipment(session: Session, request: RestockRequest) -> None:
    shipment = shipment_of(session, request.id)
    if shipment is not None:
        raise Conflict(
            f"Request {request.reference} already has shipment #{shipment.id} ({shipment.status}). "
            "Cancel that shipment on the Shipments page first."
        )


def _close(sessions: SessionFactory, *, request_id: int, reason: str, actor: str, status: str) -> None:
    verb = {"rejected": "reject", "cancelled": "cancel"}[status]
    why = _reason(reason, required=f"Say why the request is {status} (the organization may ask).")
    with sessions.begin() as session:
        request = load_request(session, request_id)
        previous = request.status
        guard_request(
            session,
            request,
            OPEN_STATUSES,
            actor,
            status,
            status=status,
            decided_by=actor,
            decided_at=utcnow(),
            decision_reason=why,
        )
        refuse_if_shipment(session, request)
        if previous == "approved":
            _release_all(session, request, actor)
        audit.record(
            session,
            actor=actor,
            action=verb,
            entity="restock_request",
            entity_id=request_id,
            before={"status": previous},
            after={"status": status, "reason": why},
        )
        notices.request_decided(session, request_id)  # a rejection tells the organization why


def reject_request(sessions: SessionFactory, *, request_id: int, reason: str, actor: str) -> None:
    """Decline a request (releases any reservation)."""
    _close(sessions, request_id=request_id, reason=reason, actor=actor, status="rejected")


def cancel_request(sessions: SessionFactory, *, request_id: int, reason: str, actor: str) -> None:
    """Withdraw a request, e.g. the organization called to say it is no longer needed."""
    _close(sessions, request_id=request_id, reason=reason, actor=actor, status="cancelled")
