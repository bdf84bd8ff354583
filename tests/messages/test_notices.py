"""Who gets what, queued in the event's own transaction: decisions and shipments reach the organization in its
language with the coordinator's reason; an organization without an address, or one that opted out, gets none;
and a step that fails queues nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from outreach import i18n, inventory
from outreach.errors import InvalidInput
from outreach.messages import preferences
from outreach.models import OutboxMessage, RestockRequestLine
from outreach.restock import fulfilment, triage
from outreach.shipments import steps as shipments
from tests.messages.conftest import coordinator, organization, submit_by_link


def queued(sessions) -> dict[str, OutboxMessage]:
    with sessions() as session:
        return {row.key: row for row in session.scalars(select(OutboxMessage))}


@pytest.fixture
def stocked(sessions, ref):
    unit = ref.units[("flyer", "bn")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=5000, reference="r", actor="t"
    )
    return unit


def test_decisions_and_shipments_reach_the_organization(sessions, ref, mail_env, stocked):
    org = organization(sessions, "Jamaica Muslim Center", borough="Queens", email="jmc@example.org")
    first = submit_by_link(sessions, ref, org, packs=4)
    with sessions() as session:
        line_id = session.scalar(
            select(RestockRequestLine.id).where(RestockRequestLine.request_id == first.request_id)
        )
    triage.approve_request(
        sessions,
        request_id=first.request_id,
        depot_id=ref.main_depot,
        actor="cora",
        packs={line_id: 3},
        reasons={line_id: "Share with the mosque next door"},
    )
    approved = queued(sessions)[f"approved:{first.request_id}:org"]
    assert approved.language == "bn" and approved.subject == i18n.t(
        "mail.approved.subject", "bn", reference=first.reference
    )
    assert "\u20683\u2069" in approved.text_body and "\u20684\u2069" in approved.text_body
    assert "Share with the mosque next door" in approved.text_body

    shipment = fulfilment.create_shipment_from_request(sessions, request_id=first.request_id, actor="cora")
    shipments.pack_shipment(sessions, shipment_id=shipment, actor="cora")
    shipments.ship_shipment(sessions, shipment_id=shipment, actor="cora")
    shipments.deliver_shipment(sessions, shipment_id=shipment, actor="cora")
    keys = set(queued(sessions))
    assert {f"shipped:shipment:{shipment}:org", f"delivered:shipment:{shipment}:org"} <= keys

    second = submit_by_link(sessions, ref, org)
    triage.reject_request(
        sessions, request_id=second.request_id, reason="Bangla flyers are reprinted", actor="cora"
    )
    rejected = queued(sessions)[f"rejected:{second.request_id}:org"]
    assert "Bangla flyers are reprinted" in rejected.text_body and rejected.recipient == "jmc@example.org"


def test_no_address_or_opted_out_means_no_message_and_a_failed_event_queues_nothing(sessions, ref, mail_env):
    coordinator(sessions, "ana")
    silent = organization(sessions, "No Email Church")
    submit_by_link(sessions, ref, silent)
    assert [row.kind for row in queued(sessions).values()] == ["new_request"]

    out = organization(sessions, "Opted Out Shul", lang="yi", email="shul@example.org")
    preferences.set_opt_out(sessions, organization_id=out, opted_out=True, actor="cora")
    submit_by_link(sessions, ref, out)
    assert not [row for row in queued(sessions).values() if row.organization_id == out]

    before = set(queued(sessions))
    with pytest.raises(InvalidInput):  # refused submission: no request, no message
        submit_by_link(sessions, ref, out, packs=0)
    assert set(queued(sessions)) == before
