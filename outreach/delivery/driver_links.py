"""A driver's private link for one run: a random token stored only as its SHA-256, valid to the end of the
run date (New York), and what the driver may do with it: see their stops in order, mark one delivered, or
report that it could not be delivered (closed, refused, address wrong).

A tap is idempotent: a stop that already has its outcome answers with it again, so a retried tap (a phone
that lost the connection for a few minutes and sent it again) never delivers twice. "Delivered" is the same
guarded shipment step as the desk's; "could not deliver" returns the shipment to its depot, packed again.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach import audit, i18n
from outreach.config import settings
from outreach.db import SessionFactory, utcnow
from outreach.delivery.runs import load_run
from outreach.errors import Conflict, InvalidInput, NotFound
from outreach.models import NOT_DELIVERED_REASONS, DeliveryDriver, DeliveryRun, DeliveryStop, Shipment
from outreach.restock.links import hash_token
from outreach.shipments import steps as shipment_steps

NEW_YORK = ZoneInfo("America/New_York")
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
REASON_WORDS = {"closed": "closed", "refused": "refused", "address_wrong": "address wrong"}


def today() -> dt.date:
    return dt.datetime.now(NEW_YORK).date()


def link_url(token: str) -> str:
    return f"{settings().public_url}/driver?t={token}"


def issue(sessions: SessionFactory, *, run_id: int, actor: str) -> dict[int, str]:
    """A new link for every driver of the run who has stops (any older link stops working); driver id ->
    token, shown once."""
    tokens: dict[int, str] = {}
    with sessions.begin() as session:
        run = load_run(session, run_id)
        if run.status not in ("planned", "out"):
            raise Conflict(f"Run #{run_id} is {run.status}; plan it before making driver links.")
        busy = {stop.driver_id for stop in run.stops if stop.position is not None}
        for driver in run.drivers:
            if driver.id not in busy:
                continue
            token = secrets.token_urlsafe(32)
            driver.token_hash, driver.token_expires_on = hash_token(token), run.run_date
            tokens[driver.id] = token
        audit.record(
            session, actor=actor, action="issue_driver_links", entity="delivery_run", entity_id=run_id,
            after={"driver_ids": sorted(tokens)},
        )  # fmt: skip
    return tokens


def invalid_link() -> NotFound:
    return i18n.localized(NotFound, "delivery.driver.invalid")


def _driver(session: Session, token: str | None, *, lock: bool = False) -> DeliveryDriver:
    if not token or not _TOKEN_SHAPE.match(token):
        raise invalid_link()
    statement = select(DeliveryDriver).where(DeliveryDriver.token_hash == hash_token(token))
    driver = session.scalar(statement.with_for_update() if lock else statement)
    if driver is None or driver.token_expires_on is None or driver.token_expires_on < today():
        raise invalid_link()
    return driver


@dataclass(frozen=True)
class DriverStop:
    stop_id: int
    position: int
    shipment_id: int
    organization: str
    address: str
    latitude: float | None
    longitude: float | None
    contact: str | None
    phone: str | None
    window: str
    language: str  # the organization's preferred language (the run sheet's note)
    lines: tuple[tuple[str, str, int], ...]  # (material, language, packs)
    outcome: str | None
    outcome_reason: str | None

    @property
    def maps_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return "https://www.google.com/maps/search/?api=1&query=" + self.address.replace(" ", "+")
        return f"https://www.google.com/maps/dir/?api=1&destination={self.latitude:.6f},{self.longitude:.6f}"


@dataclass(frozen=True)
class DriverRoute:
    driver_name: str
    run_id: int
    run_date: dt.date
    stops: tuple[DriverStop, ...]


def route(sessions: SessionFactory, token: str | None) -> DriverRoute:
    """The driver's stops in order, or the one polite NotFound for any bad or expired link."""
    from outreach.delivery.reads import stop_details  # reads imports runs; keep the link module light

    with sessions() as session:
        driver = _driver(session, token)
        run = load_run(session, driver.run_id)
        details = stop_details(session, run, driver_id=driver.id)
        return DriverRoute(driver.name, run.id, run.run_date, tuple(details))


def _stop_for(
    session: Session, token: str | None, stop_id: int
) -> tuple[DeliveryDriver, DeliveryStop, DeliveryRun]:
    driver = _driver(session, token, lock=True)
    stop = session.scalar(
        select(DeliveryStop)
        .where(DeliveryStop.id == stop_id, DeliveryStop.driver_id == driver.id)
        .with_for_update()
    )
    if stop is None:
        raise i18n.localized(NotFound, "delivery.driver.stop_gone")
    run = load_run(session, driver.run_id)
    if run.status not in ("out", "done"):
        raise i18n.localized(Conflict, "delivery.driver.not_out")
    return driver, stop, run


def _actor(driver: DeliveryDriver) -> str:
    return f"driver {driver.name} (run #{driver.run_id})"


def mark_delivered(sessions: SessionFactory, *, token: str | None, stop_id: int) -> str:
    """The stop's outcome after the tap: 'delivered' (also when it already was), or the earlier outcome."""
    with sessions.begin() as session:
        driver, stop, run = _stop_for(session, token, stop_id)
        if stop.outcome is not None:
            return stop.outcome  # a retried tap: nothing happens twice
        shipment = session.get(Shipment, stop.shipment_id)
        if shipment is not None and shipment.status != "delivered":
            shipment_steps.deliver(session, shipment_id=stop.shipment_id, actor=_actor(driver))
        _record(session, stop, run, driver, "delivered", None)
        return "delivered"


def mark_not_delivered(sessions: SessionFactory, *, token: str | None, stop_id: int, reason: str) -> str:
    """Could not deliver: the shipment goes back to its depot, packed again, and the run notes why."""
    if reason not in NOT_DELIVERED_REASONS:
        raise InvalidInput(f"Reason {reason!r} is not one of {', '.join(NOT_DELIVERED_REASONS)}.")
    with sessions.begin() as session:
        driver, stop, run = _stop_for(session, token, stop_id)
        if stop.outcome is not None:
            return stop.outcome
        why = f"could not deliver: {REASON_WORDS[reason]} (run #{run.id}, {driver.name})"
        shipment_steps.return_to_depot(
            session, shipment_id=stop.shipment_id, reason=why, actor=_actor(driver)
        )
        _record(session, stop, run, driver, "not_delivered", reason)
        return "not_delivered"


def _record(
    session: Session,
    stop: DeliveryStop,
    run: DeliveryRun,
    driver: DeliveryDriver,
    outcome: str,
    reason: str | None,
) -> None:
    stop.outcome, stop.outcome_reason, stop.outcome_at = outcome, reason, utcnow()
    audit.record(
        session, actor=_actor(driver), action=outcome, entity="delivery_run", entity_id=run.id,
        after={"stop_id": stop.id, "shipment_id": stop.shipment_id, "reason": reason},
    )  # fmt: skip
    if all(s.outcome is not None for s in run.stops if s.position is not None):
        run.status = "done"
