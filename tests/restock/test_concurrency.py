"""Races on a real database file (threads): exactly one winner, the others get a clear Conflict/OutOfStock."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from outreach import inventory, organizations
from outreach.errors import Conflict, OutOfStock, OutreachError
from outreach.models import RestockRequest, Shipment
from outreach.restock import fulfilment, triage
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock


def race(*actions: Callable[[], object]) -> tuple[list[object], list[Exception]]:
    """Start every action at the same moment on its own thread; collect results and errors."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def run(action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            value = action()
        except OutreachError as error:
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def setup(sessions, ref):
    org = organizations.create_organization(
        sessions,
        name="Summit Gate Gurdwara",
        borough="Queens",
        languages=["ur", "en"],
        preferred_language="ur",
        actor="t",
    )
    token = restock_links.issue_link(sessions, organization_id=org, actor="t")
    unit = ref.units[("flyer", "ur")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=300, reference="r", actor="t"
    )
    return org, token, unit


def new_request(sessions, token, unit, packs):
    return restock.submit_request(
        sessions, token=token, lines={unit: packs}, idempotency_key=uuid.uuid4().hex
    ).request_id


def test_two_coordinators_approve_the_same_request(sessions, ref, setup):
    _, token, unit = setup
    request_id = new_request(sessions, token, unit, 2)
    results, errors = race(
        *[
            lambda who=who: triage.approve_request(
                sessions, request_id=request_id, depot_id=ref.main_depot, actor=who
            )
            for who in ("cora", "dan")
        ]
    )
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    assert "approved" in str(errors[0])
    with sessions() as session:
        assert inventory.balance(session, unit, ref.main_depot) == (300, 100)  # reserved once, not twice


def test_two_approvals_competing_for_the_last_stock(sessions, ref, setup):
    _, token, unit = setup
    first, second = (
        new_request(sessions, token, unit, 4),
        new_request(sessions, token, unit, 4),
    )  # 200 units each
    results, errors = race(
        *[
            lambda rid=rid: triage.approve_request(
                sessions, request_id=rid, depot_id=ref.main_depot, actor="cora"
            )
            for rid in (first, second)
        ]
    )
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], OutOfStock)
    # Either the pre-check sees the winner's reservation ("only 100 are available at …") or, when both pass
    # it at once, the ledger's conditional update refuses the loser ("Only 100 of … are available").
    assert "100" in str(errors[0]) and "available" in str(errors[0]).lower()
    with sessions() as session:
        assert inventory.balance(session, unit, ref.main_depot) == (300, 200)


def test_two_fulfilments_make_one_shipment(sessions, ref, setup):
    _, token, unit = setup
    request_id = new_request(sessions, token, unit, 2)
    triage.approve_request(sessions, request_id=request_id, depot_id=ref.main_depot, actor="cora")
    results, errors = race(
        *[
            lambda who=who: fulfilment.create_shipment_from_request(
                sessions, request_id=request_id, actor=who
            )
            for who in ("cora", "dan", "eve")
        ]
    )
    assert len(results) == 1 and len(errors) == 2 and all(isinstance(e, Conflict) for e in errors)
    assert all(f"#{results[0]}" in str(e) for e in errors)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Shipment)) == 1
    assert restock_queue.request_detail(sessions, request_id).shipment_id == results[0]


def test_the_same_submission_from_many_threads_stores_one_request(sessions, setup):
    _, token, unit = setup
    key = uuid.uuid4().hex
    results, errors = race(
        *[
            lambda: restock.submit_request(sessions, token=token, lines={unit: 3}, idempotency_key=key)
            for _ in range(8)
        ]
    )
    assert errors == [] and len(results) == 8 and len(set(results)) == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(RestockRequest)) == 1


def test_two_coordinators_claim_at_once(sessions, setup):
    _, token, unit = setup
    request_id = new_request(sessions, token, unit, 1)
    results, errors = race(
        *[
            lambda who=who: triage.claim_request(sessions, request_id=request_id, actor=who)
            for who in ("cora", "dan")
        ]
    )
    holder = restock_queue.request_detail(sessions, request_id).claimed_by
    assert len(results) == 1 and len(errors) == 1 and holder in {"cora", "dan"}
    assert f"claimed by {holder}" in str(errors[0])
