"""The deliveries calendar: an ICS feed (the `icalendar` package) of planned and in-transit shipments, for
coordinators and drivers to subscribe to in the calendar they already use.

The feed's address carries a signed token naming a staff account (`feed_url`); it stops working when that
account is deactivated or loses its staff role. Each shipment is one all-day event on `delivery_day`: the day
it left for shipments in transit, the day it was packed (else created) for planned ones, unless the shipment
is on a delivery run (outreach/delivery): then the run's date, the latest when it was put on several.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event
from sqlalchemy import func, select

from outreach.accounts.auth import STAFF
from outreach.catalog import material_of
from outreach.db import SessionFactory, utcnow
from outreach.messages import tokens
from outreach.messages.templates import item_name
from outreach.models import DeliveryRun, DeliveryStop, Shipment, User

STATUSES = ("draft", "packed", "shipped")
STATE = {"draft": "planned", "packed": "packed", "shipped": "in transit"}


def feed_url(user_id: int, public_url: str) -> str:
    return f"{public_url}/_kyr/calendar.ics?token={tokens.sign(tokens.CALENDAR, user_id)}"


def user_for_token(sessions: SessionFactory, token: str | None) -> int | None:
    user_id = tokens.verify(tokens.CALENDAR, token)
    if user_id is None:
        return None
    with sessions() as session:
        user = session.get(User, user_id)
        return user_id if user is not None and user.active and user.role in STAFF else None


def delivery_day(shipment: Shipment, run_day: dt.date | None = None) -> dt.date:
    if run_day is not None:
        return run_day
    moment = shipment.shipped_at if shipment.status == "shipped" else shipment.packed_at
    return (moment or shipment.created_at).date()


def feed(sessions: SessionFactory) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//KYR Tracker//deliveries//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "KYR deliveries")
    stamp = utcnow().replace(tzinfo=dt.UTC)
    with sessions() as session:
        run_days = dict(
            session.execute(
                select(DeliveryStop.shipment_id, func.max(DeliveryRun.run_date))
                .join(DeliveryRun, DeliveryRun.id == DeliveryStop.run_id)
                .group_by(DeliveryStop.shipment_id)
            ).all()
        )
        shipments = session.scalars(
            select(Shipment).where(Shipment.status.in_(STATUSES)).order_by(Shipment.id)
        ).unique()
        for shipment in shipments:
            organization = shipment.organization
            day = delivery_day(shipment, run_days.get(shipment.id))
            event = Event()
            event.add("uid", f"shipment-{shipment.id}@kyr-tracker")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", f"Delivery #{shipment.id}: {organization.name} ({STATE[shipment.status]})")
            if organization.address:
                event.add(
                    "location", ", ".join(p for p in (organization.address, organization.zip_code) if p)
                )
            event.add(
                "description",
                "\n".join(
                    f"{item_name(line.unit.material, line.unit.language)}: "
                    f"{line.quantity // material_of(line.unit.material).pack_size} packs"
                    for line in shipment.lines
                ),
            )
            event.add("status", "CONFIRMED" if shipment.status == "shipped" else "TENTATIVE")
            event.add("categories", [STATE[shipment.status]])
            calendar.add_component(event)
    return calendar.to_ical()
