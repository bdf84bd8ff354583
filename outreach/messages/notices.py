"""Who gets what, queued in the transaction of the event that causes it.

- A request submitted: a confirmation to the organization, and one message to each coordinator who chose
  'each' and follows the organization's borough (restock.submission calls `request_submitted`).
- Approved (lines, and a reason where fewer packs were approved) or rejected (the coordinator's reason): to
  the organization (restock.triage calls `request_decided`).
- Shipped, delivered: to the organization, from the shipment events (subscribed on import, in the step's
  own transaction; restock imports this module, so wherever fulfilment is wired, so are these).

An organization's messages go to its contact e-mail in its preferred language, carry a one-click
unsubscribe, and are built from that organization's own request or shipment only; an organization that
opted out, or has no address, gets none. Nothing here ever sees a restock link (only hashes are stored).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from outreach.catalog import material_of
from outreach.config import settings
from outreach.messages import outbox, preferences, templates
from outreach.messages.templates import CoordinatorNotice, Line, OrganizationNotice
from outreach.models import Organization, RestockRequest, Shipment
from outreach.shipments import events


def _organization_message(
    session: Session, organization: Organization, *, key: str, notice: OrganizationNotice
) -> bool:
    if not organization.contact_email or preferences.opted_out(session, organization.id):
        return False
    url = preferences.unsubscribe_url(organization.id, settings().public_url)
    notice = replace(notice, unsubscribe_url=url)
    lang = organization.preferred_language
    return outbox.queue(
        session,
        key=key,
        kind=notice.kind,
        recipient=organization.contact_email,
        rendered=templates.for_organization(notice, lang),
        language=lang,
        organization_id=organization.id,
        unsubscribe_url=url,
    )


def _request_lines(request: RestockRequest, *, decided: bool) -> tuple[Line, ...]:
    lines = []
    for line in request.lines:
        if decided and not line.packs_approved:
            continue
        packs = line.packs_approved if decided and line.packs_approved is not None else line.packs_requested
        requested = line.packs_requested if decided else None
        lines.append(
            Line(line.unit.material, line.unit.language, packs, requested, line.reason if decided else None)
        )
    return tuple(lines)


def request_submitted(session: Session, request_id: int) -> None:
    request = session.get(RestockRequest, request_id)
    if request is None:
        return
    organization = request.organization
    _organization_message(
        session,
        organization,
        key=f"submitted:{request.id}:org",
        notice=OrganizationNotice(
            "submitted", organization.name, request.reference, _request_lines(request, decided=False)
        ),
    )
    public_url = settings().public_url
    rendered = templates.for_coordinator(
        CoordinatorNotice(
            subject="New restock request {reference} from {organization}",
            paragraphs=(
                "{organization} ({borough}) asked for {packs} packs, request {reference}.",
                "It is waiting in the restock queue.",
            ),
            values={
                "reference": request.reference,
                "organization": organization.name,
                "borough": organization.borough or "borough unknown",
                "packs": sum(line.packs_requested for line in request.lines),
            },
            items=tuple(
                f"{templates.item_name(line.unit.material, line.unit.language)}: {line.packs_requested} packs"
                for line in request.lines
            ),
            link=f"{public_url}/requests",
        )
    )
    for user in preferences.coordinators(session, mode="each", borough=organization.borough):
        outbox.to_coordinator(
            session, user, key=f"submitted:{request.id}:user:{user.id}", kind="new_request", rendered=rendered
        )


def request_decided(session: Session, request_id: int) -> None:
    """After approval or rejection (the request's status says which)."""
    request = session.get(RestockRequest, request_id)
    if request is None or request.status not in ("approved", "rejected"):
        return
    approved = request.status == "approved"
    _organization_message(
        session,
        request.organization,
        key=f"{request.status}:{request.id}:org",
        notice=OrganizationNotice(
            request.status,
            request.organization.name,
            request.reference,
            _request_lines(request, decided=True) if approved else (),
            reason=request.decision_reason,
        ),
    )


def _shipment_notice(session: Session, kind: str, shipment_id: int, request_id: int | None) -> None:
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        return
    request = session.get(RestockRequest, request_id) if request_id is not None else None
    reference = request.reference if request is not None else f"#{shipment.id}"
    lines = tuple(
        Line(
            line.unit.material, line.unit.language, line.quantity // material_of(line.unit.material).pack_size
        )
        for line in shipment.lines
        if line.quantity
    )
    _organization_message(
        session,
        shipment.organization,
        key=f"{kind}:shipment:{shipment.id}:org",
        notice=OrganizationNotice(kind, shipment.organization.name, reference, lines),
    )


def on_shipment_shipped(session: Session, event: events.ShipmentShipped) -> None:
    _shipment_notice(session, "shipped", event.shipment_id, event.request_id)


def on_shipment_delivered(session: Session, event: events.ShipmentDelivered) -> None:
    _shipment_notice(session, "delivered", event.shipment_id, event.request_id)


events.subscribe(events.ShipmentShipped, on_shipment_shipped)
events.subscribe(events.ShipmentDelivered, on_shipment_delivered)
