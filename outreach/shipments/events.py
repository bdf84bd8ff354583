"""What a shipment step reports, and who hears it: a tiny in-process message bus (after cosmicpython's).

Shipments never write another capability's rows. A step publishes a small frozen event (shipped, delivered,
cancelled) with `publish(session, event)`, and each subscriber handles it with the step's own session, so
the ledger, the shipment and whatever the subscriber changes (a restock request's status and packs shipped)
commit together or not at all: a subscriber that raises rolls the whole step back.

Subscribers register on import: `outreach.restock.fulfilment` subscribes to every event here, and the
places that run steps import it (the app through `outreach.ui.resources`, the demo loader through
`outreach.restock.demo`, the tests through `outreach.demo`). Shipments never import restock, so nothing
here can guarantee that import; instead a step whose event nobody hears raises `MissingSubscriber` (and rolls
back) rather than silently leaving a request behind its shipment, and tests/shipments/test_events.py checks
each of those entry points in a fresh interpreter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ShipmentShipped:
    """Stock left the depot. `units`: (stock unit id, units shipped) for each line."""

    shipment_id: int
    request_id: int | None
    units: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ShipmentDelivered:
    """The organization received the shipment. `units` as in ShipmentShipped."""

    shipment_id: int
    request_id: int | None
    units: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ShipmentCancelled:
    """Cancelled before shipping; `request_id` is the request it was made from (the shipment no longer is)."""

    shipment_id: int
    request_id: int | None


@dataclass(frozen=True)
class ShipmentReturned:
    """Could not be delivered: back at the depot and packed again; `request_id` as in ShipmentShipped."""

    shipment_id: int
    request_id: int | None


ShipmentEvent = ShipmentShipped | ShipmentDelivered | ShipmentCancelled | ShipmentReturned
Event = TypeVar("Event", ShipmentShipped, ShipmentDelivered, ShipmentCancelled, ShipmentReturned)
Handler = Callable[[Session, Any], None]

# Event type -> handlers by qualified name, so a module imported again (Streamlit reloads edited modules)
# replaces its handlers instead of adding them twice.
SUBSCRIBERS: dict[type, dict[str, Handler]] = {}


class MissingSubscriber(RuntimeError):
    """A step ran in a process where nothing subscribed to its event: a wiring bug, never a user error."""


def subscribe(event_type: type[Event], handler: Callable[[Session, Event], None]) -> None:
    SUBSCRIBERS.setdefault(event_type, {})[f"{handler.__module__}.{handler.__qualname__}"] = handler


def subscribers(event_type: type) -> list[str]:
    """The qualified names of the handlers of `event_type`."""
    return sorted(SUBSCRIBERS.get(event_type, {}))


def publish(session: Session, event: ShipmentEvent) -> None:
    """Run every handler of `event` inside the caller's transaction."""
    handlers = SUBSCRIBERS.get(type(event))
    if not handlers:
        raise MissingSubscriber(
            f"Nothing handles {type(event).__name__}: import outreach.restock.fulfilment where the app, "
            "a script or a test starts, before running shipment steps."
        )
    for handler in list(handlers.values()):
        handler(session, event)
