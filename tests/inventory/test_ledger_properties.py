"""Property: any sequence of receive / ship / adjust / count / transfer / reserve / release keeps every
balance equal to the sum of its ledger rows, never negative, reserved within on hand, and in step with a
plain Python model; a refused operation raises OutOfStock or InvalidInput and changes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine, func, select, text

from outreach import inventory, organizations
from outreach.db import SessionFactory, make_engine, make_sessions
from outreach.errors import InvalidInput, OutOfStock
from outreach.models import AuditEntry, Base, Shipment, StockMovement
from outreach.shipments import steps as shipments
from tests.conftest import POSTGRES_URL

ACTOR = "property"
ACTIVE, RETIRED = 0, 2  # unit indexes: 0 and 1 are current, 2 is a retired edition


@dataclass
class World:
    units: list[int]
    depots: list[int]
    organization: int


def _seed(sessions: SessionFactory) -> World:
    """Small on purpose: three units (one retired) and two depots make collisions likely."""
    current = inventory.create_edition(sessions, code="now", title="Current", actor=ACTOR)
    old = inventory.create_edition(sessions, code="old", title="Old", actor=ACTOR)
    units = [
        inventory.ensure_unit(sessions, material="flyer", language="bn", edition_id=current, actor=ACTOR),
        inventory.ensure_unit(sessions, material="booklet", language="ar", edition_id=current, actor=ACTOR),
        inventory.ensure_unit(sessions, material="flyer", language="es", edition_id=old, actor=ACTOR),
    ]
    inventory.retire_edition(sessions, edition_id=old, reason="policy changed", actor=ACTOR)
    depots = [
        inventory.create_location(sessions, name="A", borough="Queens", actor=ACTOR),
        inventory.create_location(sessions, name="B", borough="Bronx", actor=ACTOR),
    ]
    organization = organizations.create_organization(
        sessions, name="Garden Gate Fellowship", borough="Queens", languages=["bn"], actor=ACTOR
    )
    return World(units, depots, organization)


@pytest.fixture
def fresh_world(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], object]:
    """A factory: each call gives a context with (sessions, world) on a database of its own."""
    if POSTGRES_URL:
        engine: Engine = request.getfixturevalue("postgres_engine")
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)

        @contextmanager
        def postgres() -> Iterator[tuple[SessionFactory, World]]:
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            sessions = make_sessions(engine)
            yield sessions, _seed(sessions)

        return postgres

    # SQLite: seed once, then copy the seeded file for every example (ids are the same in each copy).
    seeded = tmp_path / "seeded.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), seeded)
    engine = make_engine(f"sqlite:///{seeded}")
    world = _seed(make_sessions(engine))
    engine.dispose()
    counter = iter(range(1_000_000))

    @contextmanager
    def sqlite() -> Iterator[tuple[SessionFactory, World]]:
        path = tmp_path / f"example-{next(counter)}.db"
        shutil.copy(seeded, path)
        example_engine = make_engine(f"sqlite:///{path}")
        try:
            yield make_sessions(example_engine), world
        finally:
            example_engine.dispose()
            path.unlink(missing_ok=True)

    return sqlite


unit_index = st.integers(0, 2)
depot_index = st.integers(0, 1)
amount = st.integers(1, 120)
# Occasionally garbage, to check that bad input is refused without a trace.
bad_amount = st.sampled_from([0, -3, "2.5", "ten", 10**12, None, True])


def test_ledger_invariants_hold_for_any_sequence(fresh_world: Callable[[], object]) -> None:
    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self._context = fresh_world()
            self.sessions, self.world = self._context.__enter__()  # type: ignore[attr-defined]
            # The model: (unit index, depot index) -> [on hand, reserved].
            self.model = {(u, d): [0, 0] for u in range(3) for d in range(2)}

        def teardown(self) -> None:
            self._context.__exit__(None, None, None)  # type: ignore[attr-defined]

        # --- helpers ------------------------------------------------------------------------------

        def ids(self, u: int, d: int) -> tuple[int, int]:
            return self.world.units[u], self.world.depots[d]

        def available(self, u: int, d: int) -> int:
            on_hand, reserved = self.model[(u, d)]
            return on_hand - reserved

        def footprint(self) -> tuple:
            with self.sessions() as session:
                ledger = session.scalar(select(func.count()).select_from(StockMovement))
                audits = session.scalar(select(func.count()).select_from(AuditEntry))
                statuses = session.execute(select(Shipment.id, Shipment.status).order_by(Shipment.id)).all()
            frame = inventory.balances(self.sessions)
            return ledger, audits, [tuple(s) for s in statuses], frame.to_dict("records")

        def attempt(self, allowed: bool, error: type[Exception], action: Callable[[], object]) -> bool:
            """Run `action`; if the model says it must be refused, check the error and that nothing changed."""
            if allowed:
                action()
                return True
            before = self.footprint()
            with pytest.raises(error):
                action()
            assert self.footprint() == before
            return False

        # --- rules --------------------------------------------------------------------------------

        @rule(u=unit_index, d=depot_index, q=amount)
        def receive(self, u: int, d: int, q: int) -> None:
            unit, depot = self.ids(u, d)
            if self.attempt(
                u != RETIRED,
                InvalidInput,
                lambda: inventory.receive(
                    self.sessions, unit_id=unit, location_id=depot, quantity=q, reference=None, actor=ACTOR
                ),
            ):
                self.model[(u, d)][0] += q

        @rule(u=unit_index, d=depot_index, q=amount, sign=st.sampled_from([1, -1]))
        def adjust(self, u: int, d: int, q: int, sign: int) -> None:
            unit, depot = self.ids(u, d)
            change = sign * q
            if self.attempt(
                change >= 0 or self.available(u, d) >= q,
                OutOfStock,
                lambda: inventory.adjust(
                    self.sessions,
                    unit_id=unit,
                    location_id=depot,
                    change=change,
                    reason="property",
                    actor=ACTOR,
                ),
            ):
                self.model[(u, d)][0] += change

        @rule(u=unit_index, d=depot_index, counted=st.integers(0, 300))
        def count(self, u: int, d: int, counted: int) -> None:
            unit, depot = self.ids(u, d)
            on_hand, reserved = self.model[(u, d)]
            result: list[int] = []
            if self.attempt(
                counted >= reserved,
                InvalidInput,
                lambda: result.append(
                    inventory.count(
                        self.sessions, unit_id=unit, location_id=depot, counted=counted, actor=ACTOR
                    )
                ),
            ):
                assert result == [counted - on_hand]
                self.model[(u, d)][0] = counted

        @rule(u=unit_index, source=depot_index, q=amount)
        def transfer(self, u: int, source: int, q: int) -> None:
            target = 1 - source
            unit, from_depot = self.ids(u, source)
            to_depot = self.world.depots[target]
            if self.attempt(
                self.available(u, source) >= q,
                OutOfStock,
                lambda: inventory.transfer(
                    self.sessions,
                    unit_id=unit,
                    from_location_id=from_depot,
                    to_location_id=to_depot,
                    quantity=q,
                    actor=ACTOR,
                ),
            ):
                self.model[(u, source)][0] -= q
                self.model[(u, target)][0] += q

        @rule(u=unit_index, d=depot_index, q=amount)
        def reserve(self, u: int, d: int, q: int) -> None:
            unit, depot = self.ids(u, d)

            def action() -> None:
                with self.sessions.begin() as session:
                    inventory.reserve(session, unit_id=unit, location_id=depot, quantity=q, actor=ACTOR)

            if u == RETIRED:
                self.attempt(False, InvalidInput, action)
            elif self.attempt(self.available(u, d) >= q, OutOfStock, action):
                self.model[(u, d)][1] += q

        @rule(u=unit_index, d=depot_index, q=amount)
        def release(self, u: int, d: int, q: int) -> None:
            unit, depot = self.ids(u, d)

            def action() -> None:
                with self.sessions.begin() as session:
                    inventory.release(session, unit_id=unit, location_id=depot, quantity=q, actor=ACTOR)

            if self.attempt(self.model[(u, d)][1] >= q, OutOfStock, action):
                self.model[(u, d)][1] -= q

        @rule(
            d=depot_index,
            lines=st.dictionaries(unit_index, amount, min_size=1, max_size=3),
        )
        def ship(self, d: int, lines: dict[int, int]) -> None:
            depot = self.world.depots[d]
            by_id = {self.world.units[u]: q for u, q in lines.items()}
            if RETIRED in lines:
                self.attempt(
                    False,
                    InvalidInput,
                    lambda: shipments.create_shipment(
                        self.sessions,
                        organization_id=self.world.organization,
                        depot_id=depot,
                        lines=by_id,
                        actor=ACTOR,
                    ),
                )
                return
            shipment_id = shipments.create_shipment(
                self.sessions,
                organization_id=self.world.organization,
                depot_id=depot,
                lines=by_id,
                actor=ACTOR,
            )
            shipments.pack_shipment(self.sessions, shipment_id=shipment_id, actor=ACTOR)
            if self.attempt(
                all(self.available(u, d) >= q for u, q in lines.items()),
                OutOfStock,
                lambda: shipments.ship_shipment(self.sessions, shipment_id=shipment_id, actor=ACTOR),
            ):
                for u, q in lines.items():
                    self.model[(u, d)][0] -= q

        @rule(
            u=unit_index,
            d=depot_index,
            bad=bad_amount,
            verb=st.sampled_from(["receive", "adjust", "transfer"]),
        )
        def garbage(self, u: int, d: int, bad: object, verb: str) -> None:
            unit, depot = self.ids(u, d)
            actions = {
                "receive": lambda: inventory.receive(
                    self.sessions, unit_id=unit, location_id=depot, quantity=bad, reference=None, actor=ACTOR
                ),
                "adjust": lambda: inventory.adjust(
                    self.sessions, unit_id=unit, location_id=depot, change=bad, reason="x", actor=ACTOR
                ),
                "transfer": lambda: inventory.transfer(
                    self.sessions,
                    unit_id=unit,
                    from_location_id=depot,
                    to_location_id=self.world.depots[1 - d],
                    quantity=bad,
                    actor=ACTOR,
                ),
            }
            if verb == "adjust" and bad == -3:
                return  # -3 is a valid adjustment (covered by the adjust rule)
            self.attempt(False, InvalidInput, actions[verb])

        # --- the invariants ----------------------------------------------------------------------

        @invariant()
        def balances_match_ledger_and_model(self) -> None:
            totals = inventory.ledger_totals(self.sessions).set_index(["unit_id", "location_id"])["quantity"]
            rows = {
                (r.unit_id, r.location_id): (r.on_hand, r.reserved)
                for r in inventory.balances(self.sessions).itertuples()
            }
            for (u, d), (on_hand, reserved) in self.model.items():
                key = self.ids(u, d)
                assert rows.get(key, (0, 0)) == (on_hand, reserved)
                assert int(totals.get(key, 0)) == on_hand
                assert 0 <= reserved <= on_hand
            assert set(rows) <= {self.ids(u, d) for u, d in self.model}

    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=50,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
