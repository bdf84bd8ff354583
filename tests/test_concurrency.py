"""Several writers at once, threads and processes, on the same database file (or PostgreSQL): exactly the
available quantity leaves, nothing goes negative, every refusal is a clear OutOfStock or Conflict, and the
balances still equal the ledger."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable

import pytest

from outreach import inventory, organizations
from outreach.db import SessionFactory, make_engine, make_sessions
from outreach.demo import Reference
from outreach.errors import Conflict, OutOfStock
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments

ACTOR = "tester"
WAIT = 60  # seconds a barrier waits before the test fails instead of hanging


def _outcome(action: Callable[[], object]) -> str:
    try:
        action()
    except OutOfStock as exc:
        return f"OutOfStock: {exc}"
    except Conflict as exc:
        return f"Conflict: {exc}"
    except Exception as exc:  # anything else (a lock error, a deadlock) is a failure the test reports
        return f"ERROR {type(exc).__name__}: {exc}"
    return "ok"


def _run_threads(actions: list[Callable[[], object]]) -> list[str]:
    barrier = threading.Barrier(len(actions), timeout=WAIT)
    results: list[str] = [""] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = _outcome(actions[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return results


def _ship_in_process(url: str, shipment_id: int, barrier: object, results: object) -> None:
    """Runs in a spawned process: its own engine from the URL, then ships when everyone is ready."""
    engine = make_engine(url)
    sessions = make_sessions(engine)
    barrier.wait(WAIT)  # type: ignore[attr-defined]
    outcome = _outcome(
        lambda: shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=f"proc-{shipment_id}")
    )
    results.put((shipment_id, outcome))  # type: ignore[attr-defined]
    engine.dispose()


def _run_processes(url: str, shipment_ids: list[int]) -> list[str]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(shipment_ids))
    queue = context.Queue()
    processes = [
        context.Process(target=_ship_in_process, args=(url, shipment_id, barrier, queue))
        for shipment_id in shipment_ids
    ]
    for process in processes:
        process.start()
    outcomes = [queue.get(timeout=WAIT)[1] for _ in processes]
    for process in processes:
        process.join(WAIT)
        assert process.exitcode == 0
    return outcomes


def _assert_consistent(sessions: SessionFactory) -> None:
    totals = inventory.ledger_totals(sessions).set_index(["unit_id", "location_id"])["quantity"]
    for row in inventory.balances(sessions).itertuples():
        assert 0 <= row.reserved <= row.on_hand
        assert totals.get((row.unit_id, row.location_id), 0) == row.on_hand


def _packed_shipments(
    sessions: SessionFactory, ref: Reference, organization: int, lines: list[dict[int, int]]
) -> list[int]:
    ids = []
    for shipment_lines in lines:
        shipment_id = shipments.create_shipment(
            sessions, organization_id=organization, depot_id=ref.main_depot, lines=shipment_lines, actor=ACTOR
        )
        shipments.pack_shipment(sessions, shipment_id=shipment_id, actor=ACTOR)
        ids.append(shipment_id)
    return ids


@pytest.fixture
def organization(sessions: SessionFactory) -> int:
    return organizations.create_organization(
        sessions, name="Beacon Spring Gurdwara", borough="Queens", languages=["ur"], actor=ACTOR
    )


def _stock(sessions: SessionFactory, ref: Reference, unit: int, quantity: int) -> None:
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=quantity, reference=None, actor=ACTOR
    )


def _on_hand(sessions: SessionFactory, unit: int, location: int) -> int:
    with sessions() as session:
        return inventory.balance(session, unit, location)[0]


def _assert_refusals_are_clear(outcomes: list[str], item: str) -> None:
    for outcome in outcomes:
        assert outcome == "ok" or outcome.startswith("OutOfStock: Only"), outcome
        if outcome != "ok":
            assert item in outcome


def test_threads_ship_the_last_units(sessions, ref, organization):
    ur, bn = ref.units[("flyer", "ur")], ref.units[("flyer", "bn")]
    _stock(sessions, ref, ur, 50)
    _stock(sessions, ref, bn, 1000)
    # Ten shipments of 10 Urdu flyers for 50 on the shelf; half also carry Bangla, listed in either order
    # so two writers would lock the balance rows in opposite orders if shipping did not sort them.
    lines = [{ur: 10, bn: 10} if i % 2 else {bn: 10, ur: 10} for i in range(6)] + [{ur: 10}] * 4
    ids = _packed_shipments(sessions, ref, organization, lines)
    outcomes = _run_threads(
        [lambda sid=sid: shipments.ship_shipment(sessions, shipment_id=sid, actor=ACTOR) for sid in ids]
    )
    assert Counter(o == "ok" for o in outcomes)[True] == 5, outcomes
    _assert_refusals_are_clear(outcomes, "Flyer · Urdu")
    assert _on_hand(sessions, ur, ref.main_depot) == 0
    shipped = [sid for sid, outcome in zip(ids, outcomes, strict=True) if outcome == "ok"]
    statuses = shipment_reads.shipments(sessions).set_index("shipment_id")["status"]
    assert sorted(statuses[statuses == "shipped"].index) == sorted(shipped)
    assert (statuses[~statuses.index.isin(shipped)] == "packed").all()
    bangla_shipped = sum(1 for sid in shipped if bn in dict(zip(ids, lines, strict=True))[sid])
    assert _on_hand(sessions, bn, ref.main_depot) == 1000 - 10 * bangla_shipped
    ledger = inventory.movements(sessions, kind="shipment")
    assert set(ledger["shipment_id"]) == set(shipped)
    _assert_consistent(sessions)


def test_threads_ship_the_same_shipment_once(sessions, ref, organization):
    ur = ref.units[("flyer", "ur")]
    _stock(sessions, ref, ur, 500)
    (shipment_id,) = _packed_shipments(sessions, ref, organization, [{ur: 100}])
    outcomes = _run_threads(
        [lambda: shipments.ship_shipment(sessions, shipment_id=shipment_id, actor=ACTOR) for _ in range(8)]
    )
    assert outcomes.count("ok") == 1, outcomes
    assert all(
        o == "ok" or o.startswith(f"Conflict: Shipment #{shipment_id} is shipped") for o in outcomes
    ), outcomes
    assert _on_hand(sessions, ur, ref.main_depot) == 400
    assert len(inventory.movements(sessions, kind="shipment")) == 1
    _assert_consistent(sessions)


def test_processes_ship_the_last_units_and_one_shipment_twice(sessions, ref, organization, database_url):
    # Three processes, 25 booklets on the shelf, two shipments of 25, the first one pressed twice: exactly
    # 25 leave in one shipment whatever the order; the others are refused as OutOfStock or Conflict.
    ur = ref.units[("booklet", "ur")]
    _stock(sessions, ref, ur, 25)
    first, second = _packed_shipments(sessions, ref, organization, [{ur: 25}] * 2)
    outcomes = _run_processes(database_url, [first, first, second])
    assert outcomes.count("ok") == 1, outcomes
    for outcome in outcomes:
        assert (
            outcome == "ok"
            or outcome.startswith("OutOfStock: Only 0 of Booklet · Urdu")
            or outcome.startswith(f"Conflict: Shipment #{first} is shipped")
        ), outcome
    assert _on_hand(sessions, ur, ref.main_depot) == 0
    ledger = inventory.movements(sessions, kind="shipment")
    assert ledger["quantity"].tolist() == [-25]
    statuses = shipment_reads.shipments(sessions).set_index("shipment_id")["status"]
    assert sorted(statuses) == ["packed", "shipped"]
    _assert_consistent(sessions)


def test_concurrent_receives_of_a_new_balance_row(sessions, ref):
    unit = ref.units[("booklet", "yi")]
    depot = inventory.create_location(sessions, name="Williamsburg annex", borough="Brooklyn", actor=ACTOR)
    outcomes = _run_threads(
        [
            lambda: inventory.receive(
                sessions, unit_id=unit, location_id=depot, quantity=7, reference="parallel", actor=ACTOR
            )
            for _ in range(12)
        ]
    )
    assert outcomes == ["ok"] * 12
    assert _on_hand(sessions, unit, depot) == 84
    frame = inventory.balances(sessions)
    assert len(frame[(frame["unit_id"] == unit) & (frame["location_id"] == depot)]) == 1
    assert len(inventory.movements(sessions, unit_id=unit, location_id=depot)) == 12
    _assert_consistent(sessions)


def test_opposite_transfers_and_counts_at_once(sessions, ref):
    unit = ref.units[("flyer", "ht")]
    main, brooklyn = ref.main_depot, ref.depots["Brooklyn depot"]
    _stock(sessions, ref, unit, 100)
    inventory.receive(sessions, unit_id=unit, location_id=brooklyn, quantity=100, reference=None, actor=ACTOR)
    actions: list[Callable[[], object]] = []
    for i in range(10):
        source, target = (main, brooklyn) if i % 2 else (brooklyn, main)
        actions.append(
            lambda s=source, t=target: inventory.transfer(
                sessions, unit_id=unit, from_location_id=s, to_location_id=t, quantity=30, actor=ACTOR
            )
        )
    outcomes = _run_threads(actions)
    _assert_refusals_are_clear(outcomes, "Flyer · Haitian Kreyòl")
    assert (
        _on_hand(sessions, unit, main) + _on_hand(sessions, unit, brooklyn) == 200
    )  # transfers conserve stock
    _assert_consistent(sessions)
