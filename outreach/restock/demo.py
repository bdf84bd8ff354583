"""Demo restock requests at every stage, through the same service verbs the app uses.

Called by `outreach.demo.load_demo` after organizations, stock and users exist. Deterministic for a given
`rng` except for the tokens and confirmation numbers, which are always random (secrets).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import update

from outreach import i18n, inventory, organizations
from outreach.catalog import MATERIALS
from outreach.db import SessionFactory, utcnow
from outreach.errors import OutOfStock, OutreachError
from outreach.models import RestockRequest
from outreach.restock import fulfilment, triage
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.shipments import steps as shipments

DEMO_COORDINATOR = "demo-coordinator"
# ~40 requests: what a queue looks like a few weeks into the campaign.
STAGES = (
    ["submitted"] * 10
    + ["claimed"] * 4
    + ["approved"] * 5
    + ["fulfilling"] * 4
    + ["shipped"] * 5
    + ["delivered"] * 8
    + ["rejected"] * 2
    + ["cancelled"] * 2
)


def load_demo_requests(
    sessions: SessionFactory, reference: object, rng: random.Random
) -> list[tuple[int, str]]:
    """Create private links for demo organizations and ~40 requests; return [(organization_id, token)].

    `reference` is `outreach.demo.Reference` (units by (material, language), depots). The tokens are
    returned so the loader may print one demo link; they are not stored anywhere else.
    """
    units: dict[tuple[str, str], int] = reference.units  # type: ignore[attr-defined]
    depots: list[int] = list(reference.depots.values())  # type: ignore[attr-defined]
    choices = organizations.organization_choices(sessions)
    org_ids = rng.sample(sorted(int(i) for i in choices["id"]), k=min(30, len(choices)))
    tokens = {
        org_id: restock_links.issue_link(sessions, organization_id=org_id, actor=DEMO_COORDINATOR)
        for org_id in org_ids
    }
    for index, stage in enumerate(STAGES):
        org_id = org_ids[index % len(org_ids)]
        organization = organizations.get_organization(sessions, org_id)
        wanted = [
            i18n.language_of_catalog(organization.preferred_language),
            *[c for c in organization.language_codes if c != "en"][:1],
        ]
        lines = {
            units[(material.code, code)]: rng.choice((1, 2, 2, 3, 4, 6))
            for code in dict.fromkeys(wanted)
            for material in (MATERIALS if rng.random() < 0.3 else MATERIALS[:1])  # mostly flyers
            if (material.code, code) in units
        }
        by_phone = index % 8 == 5
        sent = restock.submit_request(
            sessions,
            lines=lines,
            idempotency_key=f"demo-{uuid.UUID(int=rng.getrandbits(128)).hex}",
            token=None if by_phone else tokens[org_id],
            organization_id=org_id if by_phone else None,
            channel="phone" if by_phone else "link",
            actor=DEMO_COORDINATOR if by_phone else restock.LINK_ACTOR,
            language=organization.preferred_language,
            note=rng.choice(
                (None, None, "Sunday service is the busiest day.", "Please deliver before Friday.")
            ),
        )
        _backdate(sessions, sent.request_id, days=_age_for(stage, rng))
        try:
            _advance(sessions, sent.request_id, stage, depots)
        except OutreachError as error:  # e.g. the depot ran short: a coordinator would reject it
            triage.reject_request(
                sessions,
                request_id=sent.request_id,
                reason=f"Could not fill: {error}"[:500],
                actor=DEMO_COORDINATOR,
            )
    return list(tokens.items())


def _age_for(stage: str, rng: random.Random) -> float:
    base = {"submitted": 0, "claimed": 1, "approved": 3, "fulfilling": 4, "shipped": 7, "delivered": 14}
    return base.get(stage, 5) + rng.uniform(0, 6)


def _backdate(sessions: SessionFactory, request_id: int, *, days: float) -> None:
    # Demo history only: spreads requests over the past weeks so the queue's age filter has something to show.
    with sessions.begin() as session:
        session.execute(
            update(RestockRequest)
            .where(RestockRequest.id == request_id)
            .values(created_at=utcnow() - dt.timedelta(days=days))
        )


def _approve_what_we_can(sessions: SessionFactory, request_id: int, depots: list[int], who: str) -> None:
    """Like a coordinator: the depot that can cover most, fewer packs (with a reason) where stock is short."""
    lines = restock_queue.request_lines(sessions, request_id)
    with sessions() as session:
        free = {
            depot: {
                int(row.line_id): inventory.available(session, int(row.unit_id), depot) // int(row.pack_size)
                for row in lines.itertuples()
            }
            for depot in depots
        }
    wanted = dict(zip(lines["line_id"].astype(int), lines["packs_requested"].astype(int), strict=True))
    best = max(depots, key=lambda depot: sum(min(wanted[k], free[depot][k]) for k in wanted))
    packs = {line_id: min(asked, free[best][line_id]) for line_id, asked in wanted.items()}
    if not any(packs.values()):
        raise OutOfStock("Out of stock at every depot; a reprint is on order.")
    triage.approve_request(
        sessions,
        request_id=request_id,
        depot_id=best,
        packs=packs,
        reason="Low stock: sending what we have",
        actor=who,
    )


def _advance(sessions: SessionFactory, request_id: int, stage: str, depots: list[int]) -> None:
    who = DEMO_COORDINATOR
    if stage == "submitted":
        return
    if stage == "rejected":
        triage.reject_request(
            sessions, request_id=request_id, reason="Already delivered last week", actor=who
        )
        return
    if stage == "cancelled":
        triage.cancel_request(
            sessions, request_id=request_id, reason="Organization called: no longer needed", actor=who
        )
        return
    triage.claim_request(sessions, request_id=request_id, actor=who)
    if stage == "claimed":
        return
    _approve_what_we_can(sessions, request_id, depots, who)
    if stage == "approved":
        return
    shipment_id = fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=who)
    steps = {"fulfilling": 1, "shipped": 2, "delivered": 3}[stage]
    for step in (shipments.pack_shipment, shipments.ship_shipment, shipments.deliver_shipment)[:steps]:
        step(sessions, shipment_id=shipment_id, actor=who)
