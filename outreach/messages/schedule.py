"""Messages nobody's click causes, checked by the sender on each pass: low stock, deliveries whose receipt is
not confirmed by the organization after KYR_CONFIRM_AFTER_DAYS (the follow-up list's rule), and the coordinators' daily digest.

Each is queued under a key with the day in it, so a check that runs every minute queues it once a day:
- low stock: one message a day per coordinator ('each') listing the low items, so at most one per item a day.
  An item is low when its available units (on hand − reserved, all depots) are at or below its own
  `low_stock_threshold` (the Inventory page's rule) when one is set, else below KYR_LOW_STOCK_PACKS packs;
  an item never received is not "low" (a fresh install would otherwise report all twenty);
- a delivery not confirmed, once per shipment and coordinator ('each', following its borough);
- the digest, once a day from KYR_DIGEST_HOUR (New York time) for coordinators who chose 'digest': their
  boroughs' open requests, unconfirmed deliveries, and low stock.

Receipts are the field capability's: `outreach.field.receipts.confirmed_among` says which parcels were confirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outreach.catalog import material_of
from outreach.config import settings
from outreach.db import SessionFactory, utcnow
from outreach.field import receipts
from outreach.messages import outbox, preferences, templates
from outreach.messages.templates import CoordinatorNotice
from outreach.models import Organization, RestockRequest, Shipment, StockBalance, StockUnit

CAMPAIGN_TIME = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class LowStock:
    unit_id: int
    item: str
    available_packs: int


def low_stock(session: Session) -> list[LowStock]:
    floor = settings().low_stock_packs
    available = func.sum(StockBalance.on_hand - StockBalance.reserved)
    rows = session.execute(  # units never received have no balance row: not "running low", just not stocked
        select(StockUnit, available.label("available"))
        .join(StockBalance, StockBalance.unit_id == StockUnit.id)
        .group_by(StockUnit.id)
        .order_by(StockUnit.id)
    )
    found = []
    for unit, units in rows:
        if unit.edition.status != "active":
            continue
        pack = material_of(unit.material).pack_size
        low = units <= unit.low_stock_threshold if unit.low_stock_threshold else units < floor * pack
        if low:
            found.append(
                LowStock(unit.id, templates.item_name(unit.material, unit.language), int(units) // pack)
            )
    return found


def low_stock_items(sessions: SessionFactory) -> list[LowStock]:
    with sessions() as session:
        return low_stock(session)


def unconfirmed_deliveries(session: Session, now: dt.datetime) -> list[Shipment]:
    """Delivered more than KYR_CONFIRM_AFTER_DAYS ago and not confirmed by the organization."""
    cutoff = now - dt.timedelta(days=settings().confirm_after_days)
    shipments = list(
        session.scalars(
            select(Shipment)
            .where(Shipment.status == "delivered", Shipment.delivered_at <= cutoff)
            .order_by(Shipment.id)
        )
    )
    confirmed = receipts.confirmed_among(session, [shipment.id for shipment in shipments])
    return [shipment for shipment in shipments if shipment.id not in confirmed]


def _open_requests(session: Session, boroughs: list[str]) -> list[str]:
    query = (
        select(RestockRequest.reference, RestockRequest.status, Organization.name, Organization.borough)
        .join(Organization, Organization.id == RestockRequest.organization_id)
        .where(RestockRequest.status.in_(("submitted", "approved")))
        .order_by(RestockRequest.created_at)
    )
    if boroughs:
        query = query.where(Organization.borough.in_(boroughs))
    return [
        f"{ref} ({status}): {name}, {borough or '?'}" for ref, status, name, borough in session.execute(query)
    ]


def _queue_each(session: Session, today: dt.date, now: dt.datetime) -> int:
    queued = 0
    public_url = settings().public_url
    low = low_stock(session)
    if low:
        rendered = templates.for_coordinator(
            CoordinatorNotice(
                subject="Low stock: {count} items",
                paragraphs=("These items are low, counted across the depots:",),
                values={"count": len(low)},
                items=tuple(f"{item.item}: {item.available_packs} packs available" for item in low),
                link=f"{public_url}/inventory",
            )
        )
        for user in preferences.coordinators(session, mode="each"):
            queued += outbox.to_coordinator(
                session,
                user,
                key=f"low-stock:{today.isoformat()}:user:{user.id}",
                kind="low_stock",
                rendered=rendered,
            )
    days = settings().confirm_after_days
    for shipment in unconfirmed_deliveries(session, now):
        borough = shipment.organization.borough
        rendered = templates.for_coordinator(
            CoordinatorNotice(
                subject="Delivery #{shipment} to {organization} not confirmed",
                paragraphs=(
                    "Shipment #{shipment} to {organization} was delivered {days} days ago or more, "
                    "and its receipt is not confirmed yet.",
                ),
                values={"shipment": shipment.id, "organization": shipment.organization.name, "days": days},
                link=f"{public_url}/shipments",
            )
        )
        for user in preferences.coordinators(session, mode="each", borough=borough):
            queued += outbox.to_coordinator(
                session,
                user,
                key=f"receipt-overdue:{shipment.id}:user:{user.id}",
                kind="receipt_overdue",
                rendered=rendered,
            )
    return queued


def _queue_digests(session: Session, today: dt.date, now: dt.datetime) -> int:
    queued = 0
    low = [f"{item.item}: {item.available_packs} packs available" for item in low_stock(session)]
    unconfirmed = unconfirmed_deliveries(session, now)
    for user in preferences.coordinators(session, mode="digest"):
        mode, boroughs = preferences.notifications_of(session, user.id)
        requests = _open_requests(session, boroughs)
        mine = [
            f"Shipment #{s.id}: {s.organization.name}"
            for s in unconfirmed
            if not boroughs or s.organization.borough in boroughs
        ]
        items = (
            *(f"Open request {line}" for line in requests),
            *(f"Not confirmed: {line}" for line in mine),
            *(f"Low stock: {line}" for line in low),
        )
        rendered = templates.for_coordinator(
            CoordinatorNotice(
                subject="KYR daily digest, {day}: {requests} open requests",
                paragraphs=(
                    "{requests} open requests, {unconfirmed} deliveries not confirmed, "
                    "{low} items low on stock.",
                ),
                values={
                    "day": today.isoformat(),
                    "requests": len(requests),
                    "unconfirmed": len(mine),
                    "low": len(low),
                },
                items=items,
                link=f"{settings().public_url}/requests",
            )
        )
        queued += outbox.to_coordinator(
            session, user, key=f"digest:{today.isoformat()}:user:{user.id}", kind="digest", rendered=rendered
        )
    return queued


def run_checks(sessions: SessionFactory, now: dt.datetime | None = None) -> int:
    """Queue what is due now; the number of messages queued. A key taken meanwhile is not an error."""
    now = now or utcnow()
    local = now.replace(tzinfo=dt.UTC).astimezone(CAMPAIGN_TIME)
    queued = 0
    try:
        with sessions.begin() as session:
            queued += _queue_each(session, local.date(), now)
        if local.hour >= settings().digest_hour:
            with sessions.begin() as session:
                queued += _queue_digests(session, local.date(), now)
    except IntegrityError:  # another sender queued the same key first: it is queued, once
        pass
    return queued
