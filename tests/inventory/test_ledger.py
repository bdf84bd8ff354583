"""The stock ledger on a real database: every write is one ledger row per depot, a balance that matches it,
and an audit row with the balances before and after; every refusal names the problem and writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from outreach import audit, inventory
from outreach.db import SessionFactory
from outreach.demo import Reference
from outreach.errors import InvalidInput, NotFound, OutOfStock
from outreach.models import AuditEntry, StockBalance, StockMovement, StockUnit

ACTOR = "tester"
MISSING = 999_999


def snapshot(sessions: SessionFactory) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Ledger rows, audit rows and every balance: equal before and after a refused write."""
    with sessions() as session:
        ledger = session.scalar(select(func.count()).select_from(StockMovement))
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
        rows = session.execute(
            select(
                StockBalance.unit_id, StockBalance.location_id, StockBalance.on_hand, StockBalance.reserved
            )
        ).all()
    return int(ledger or 0), int(audits or 0), sorted(tuple(row) for row in rows)


def on_hand_reserved(sessions: SessionFactory, unit: int, location: int) -> tuple[int, int]:
    with sessions() as session:
        return inventory.balance(session, unit, location)


def last_audit(sessions: SessionFactory, unit: int) -> dict:
    row = audit.history(sessions, entity="stock_unit", entity_id=unit, limit=1).iloc[0]
    return {
        "action": row["action"],
        "actor": row["actor"],
        "before": json.loads(row["before"]),
        "after": json.loads(row["after"]),
    }


def assert_ledger_matches_balances(sessions: SessionFactory) -> None:
    totals = inventory.ledger_totals(sessions).set_index(["unit_id", "location_id"])["quantity"]
    for row in inventory.balances(sessions).itertuples():
        assert 0 <= row.reserved <= row.on_hand
        assert totals.get((row.unit_id, row.location_id), 0) == row.on_hand


@pytest.fixture
def bn(ref: Reference) -> int:
    return ref.units[("flyer", "bn")]


@pytest.fixture
def stocked(sessions: SessionFactory, ref: Reference, bn: int) -> int:
    """100 Bangla flyers at the main depot."""
    inventory.receive(
        sessions, unit_id=bn, location_id=ref.main_depot, quantity=100, reference="run 1", actor=ACTOR
    )
    return bn


# --- receive ------------------------------------------------------------------------------------------


def test_receive_adds_a_ledger_row_balance_and_audit(sessions, ref, bn):
    inventory.receive(
        sessions, unit_id=bn, location_id=ref.main_depot, quantity="1,200", reference=" run  7 ", actor=ACTOR
    )
    assert on_hand_reserved(sessions, bn, ref.main_depot) == (1200, 0)
    history = inventory.movements(sessions, unit_id=bn)
    assert len(history) == 1
    row = history.iloc[0]
    assert (row["kind"], row["quantity"], row["reference"], row["actor"]) == ("receipt", 1200, "run 7", ACTOR)
    entry = last_audit(sessions, bn)
    key = f"{bn}@{ref.main_depot}"
    assert entry["action"] == "receive" and entry["actor"] == ACTOR
    assert entry["before"]["balances"][key] == [0, 0]
    assert entry["after"]["balances"][key] == [1200, 0]
    assert entry["after"]["quantity"] == 1200


def test_second_receive_adds_to_the_same_balance_row(sessions, ref, stocked):
    inventory.receive(
        sessions, unit_id=stocked, location_id=ref.main_depot, quantity=50, reference=None, actor=ACTOR
    )
    assert on_hand_reserved(sessions, stocked, ref.main_depot) == (150, 0)
    assert len(inventory.balances(sessions)) == 1
    assert last_audit(sessions, stocked)["before"]["balances"][f"{stocked}@{ref.main_depot}"] == [100, 0]
    assert_ledger_matches_balances(sessions)


# --- bad input: a clear error naming the value, nothing written ----------------------------------------

BAD_QUANTITIES = [
    (0, "0"),
    (-5, "-5"),
    ("2.5", "2.5"),
    ("ten", "ten"),
    ("1e3", "1e3"),
    (10**12, "1000000000000"),
    (True, "True"),
    (None, "missing"),
    ("", "missing"),
]


@pytest.mark.parametrize(("typed", "named"), BAD_QUANTITIES)
def test_receive_bad_quantity_writes_nothing(sessions, ref, stocked, typed, named):
    before = snapshot(sessions)
    with pytest.raises(InvalidInput) as caught:
        inventory.receive(
            sessions, unit_id=stocked, location_id=ref.main_depot, quantity=typed, reference="x", actor=ACTOR
        )
    assert named in str(caught.value)
    assert "Quantity received" in str(caught.value)
    assert snapshot(sessions) == before


@pytest.mark.parametrize(("typed", "named"), [*BAD_QUANTITIES[2:], ("+-5", "-5"), ("-0", "0")])
def test_adjust_bad_change_writes_nothing(sessions, ref, stocked, typed, named):
    before = snapshot(sessions)
    with pytest.raises(InvalidInput) as caught:
        inventory.adjust(
            sessions, unit_id=stocked, location_id=ref.main_depot, change=typed, reason="damp", actor=ACTOR
        )
    assert named in str(caught.value)
    assert snapshot(sessions) == before


@pytest.mark.parametrize(("typed", "named"), BAD_QUANTITIES)
def test_transfer_bad_quantity_writes_nothing(sessions, ref, stocked, typed, named):
    brooklyn = ref.depots["Brooklyn depot"]
    before = snapshot(sessions)
    with pytest.raises(InvalidInput) as caught:
        inventory.transfer(
            sessions,
            unit_id=stocked,
            from_location_id=ref.main_depot,
            to_location_id=brooklyn,
            quantity=typed,
            actor=ACTOR,
        )
    assert named in str(caught.value)
    assert snapshot(sessions) == before


@pytest.mark.parametrize(
    ("typed", "named"),
    [(-1, "-1"), ("2.5", "2.5"), ("ten", "ten"), (10**12, "1000000000000"), (None, "missing")],
)
def test_count_bad_value_writes_nothing(sessions, ref, stocked, typed, named):
    before = snapshot(sessions)
    with pytest.raises(InvalidInput) as caught:
        inventory.count(sessions, unit_id=stocked, location_id=ref.main_depot, counted=typed, actor=ACTOR)
    assert named in str(caught.value)
    assert snapshot(sessions) == before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_adjust_needs_a_reason(sessions, ref, stocked, reason):
    before = snapshot(sessions)
    with pytest.raises(InvalidInput, match="Reason is required"):
        inventory.adjust(
            sessions, unit_id=stocked, location_id=ref.main_depot, change=-3, reason=reason, actor=ACTOR
        )
    assert snapshot(sessions) == before


def test_transfer_to_the_same_depot_is_refused(sessions, ref, stocked):
    before = snapshot(sessions)
    with pytest.raises(InvalidInput, match="two different depots"):
        inventory.transfer(
            sessions,
            unit_id=stocked,
            from_location_id=ref.main_depot,
            to_location_id=ref.main_depot,
            quantity=10,
            actor=ACTOR,
        )
    assert snapshot(sessions) == before


@pytest.mark.parametrize(
    "call",
    [
        lambda s, r, u: inventory.receive(
            s, unit_id=MISSING, location_id=r.main_depot, quantity=5, reference=None, actor=ACTOR
        ),
        lambda s, r, u: inventory.receive(
            s, unit_id=u, location_id=MISSING, quantity=5, reference=None, actor=ACTOR
        ),
        lambda s, r, u: inventory.adjust(
            s, unit_id=u, location_id=MISSING, change=5, reason="found", actor=ACTOR
        ),
        lambda s, r, u: inventory.count(s, unit_id=MISSING, location_id=r.main_depot, counted=0, actor=ACTOR),
        lambda s, r, u: inventory.count(s, unit_id=u, location_id=MISSING, counted=5, actor=ACTOR),
        lambda s, r, u: inventory.transfer(
            s, unit_id=u, from_location_id=r.main_depot, to_location_id=MISSING, quantity=5, actor=ACTOR
        ),
        lambda s, r, u: inventory.transfer(
            s, unit_id=u, from_location_id=MISSING, to_location_id=r.main_depot, quantity=5, actor=ACTOR
        ),
        lambda s, r, u: inventory.set_low_stock_threshold(s, unit_id=MISSING, threshold=5, actor=ACTOR),
    ],
    ids=[
        "receive-unit",
        "receive-depot",
        "adjust-depot",
        "count-unit",
        "count-depot",
        "transfer-to",
        "transfer-from",
        "threshold",
    ],
)
def test_unknown_unit_or_depot_is_not_found_and_writes_nothing(sessions, ref, stocked, call):
    before = snapshot(sessions)
    with pytest.raises(NotFound, match=f"#{MISSING}"):
        call(sessions, ref, stocked)
    assert snapshot(sessions) == before


@pytest.mark.parametrize(
    ("material", "language", "named"),
    [("flyer", "xx", "'xx'"), ("poster", "bn", "'poster'"), ("flyer", "Bangla", "'Bangla'")],
)
def test_ensure_unit_refuses_unknown_language_or_material(sessions, ref, material, language, named):
    before = snapshot(sessions)
    units_before = len(inventory.units(sessions))
    with pytest.raises(InvalidInput) as caught:
        inventory.ensure_unit(
            sessions, material=material, language=language, edition_id=ref.edition_id, actor=ACTOR
        )
    assert named in str(caught.value)
    assert snapshot(sessions) == before
    assert len(inventory.units(sessions)) == units_before


def test_ensure_unit_returns_the_existing_unit_and_checks_edition_and_threshold(sessions, ref):
    before = snapshot(sessions)
    again = inventory.ensure_unit(
        sessions, material="flyer", language="bn", edition_id=ref.edition_id, actor=ACTOR
    )
    assert again == ref.units[("flyer", "bn")]
    assert snapshot(sessions) == before  # nothing created, nothing audited
    with pytest.raises(NotFound, match=f"#{MISSING}"):
        inventory.ensure_unit(sessions, material="flyer", language="bn", edition_id=MISSING, actor=ACTOR)
    edition = inventory.create_edition(sessions, code="2027-01", title="Next", actor=ACTOR)
    with pytest.raises(InvalidInput, match="-4"):
        inventory.ensure_unit(
            sessions, material="flyer", language="bn", edition_id=edition, actor=ACTOR, low_stock_threshold=-4
        )
    created = inventory.ensure_unit(
        sessions, material="booklet", language="yi", edition_id=edition, actor=ACTOR, low_stock_threshold=75
    )
    with sessions() as session:
        unit = session.get(StockUnit, created)
        assert unit is not None
        assert (unit.material, unit.language, unit.low_stock_threshold) == ("booklet", "yi", 75)
    assert audit.history(sessions, entity="stock_unit", entity_id=created)["action"].tolist() == ["create"]


def test_catalog_rows_refuse_duplicates_and_empty_names(sessions, ref):
    with pytest.raises(InvalidInput, match="'2026-03' already exists"):
        inventory.create_edition(sessions, code="2026-03", title="again", actor=ACTOR)
    with pytest.raises(InvalidInput, match="'Brooklyn depot' already exists"):
        inventory.create_location(sessions, name=" Brooklyn   depot ", borough="Brooklyn", actor=ACTOR)
    with pytest.raises(InvalidInput, match="Depot name is required"):
        inventory.create_location(sessions, name="  ", borough=None, actor=ACTOR)
    with pytest.raises(InvalidInput, match="Reason for retiring is required"):
        inventory.retire_edition(sessions, edition_id=ref.edition_id, reason=" ", actor=ACTOR)
    with pytest.raises(NotFound, match=f"#{MISSING}"):
        inventory.retire_edition(sessions, edition_id=MISSING, reason="gone", actor=ACTOR)
    with pytest.raises(InvalidInput, match="Unknown borough 'Narnia'"):
        inventory.create_location(sessions, name="Far away", borough="Narnia", actor=ACTOR)
    annex = inventory.create_location(sessions, name="Astoria annex", borough="qn", actor=ACTOR)
    assert inventory.locations(sessions).set_index("location_id").loc[annex, "borough"] == "Queens"
    editions = inventory.editions(sessions).set_index("edition_id")
    assert editions.loc[ref.retired_edition_id, "status"] == "retired"
    assert editions.loc[ref.edition_id, "status"] == "active"
    assert inventory.locations(sessions)["name"].tolist() == [
        "Manhattan central depot",
        "Brooklyn depot",
        "Astoria annex",
    ]


# --- adjust -------------------------------------------------------------------------------------------


def test_adjust_up_and_down_with_reason(sessions, ref, stocked):
    inventory.adjust(
        sessions, unit_id=stocked, location_id=ref.main_depot, change="+20", reason="found a box", actor=ACTOR
    )
    inventory.adjust(
        sessions,
        unit_id=stocked,
        location_id=ref.main_depot,
        change="-35",
        reason="water damage",
        actor=ACTOR,
    )
    assert on_hand_reserved(sessions, stocked, ref.main_depot) == (85, 0)
    rows = inventory.movements(sessions, unit_id=stocked, kind="adjustment")
    assert rows["quantity"].tolist() == [-35, 20]
    assert rows["reason"].tolist() == ["water damage", "found a box"]
    entry = last_audit(sessions, stocked)
    assert entry["action"] == "adjust"
    assert entry["before"]["balances"][f"{stocked}@{ref.main_depot}"] == [120, 0]
    assert entry["after"]["balances"][f"{stocked}@{ref.main_depot}"] == [85, 0]
    assert entry["after"]["reason"] == "water damage"


def test_adjust_below_zero_is_out_of_stock_and_writes_nothing(sessions, ref, stocked):
    before = snapshot(sessions)
    with pytest.raises(OutOfStock) as caught:
        inventory.adjust(
            sessions, unit_id=stocked, location_id=ref.main_depot, change=-101, reason="lost", actor=ACTOR
        )
    message = str(caught.value)
    assert "Only 100 of Flyer · Bangla · 2026-03 are available at Manhattan central depot" in message
    assert "101 were asked for" in message
    assert snapshot(sessions) == before


def test_adjust_down_on_a_depot_that_never_had_stock(sessions, ref, bn):
    before = snapshot(sessions)
    with pytest.raises(OutOfStock, match="Only 0 of Flyer · Bangla"):
        inventory.adjust(
            sessions, unit_id=bn, location_id=ref.depots["Brooklyn depot"], change=-1, reason="x", actor=ACTOR
        )
    assert snapshot(sessions) == before


def test_adjust_cannot_eat_into_reserved_stock(sessions, ref, stocked):
    with sessions.begin() as session:
        inventory.reserve(session, unit_id=stocked, location_id=ref.main_depot, quantity=80, actor=ACTOR)
    before = snapshot(sessions)
    with pytest.raises(OutOfStock, match="Only 20 .*100 on hand, 80 reserved"):
        inventory.adjust(
            sessions, unit_id=stocked, location_id=ref.main_depot, change=-21, reason="x", actor=ACTOR
        )
    assert snapshot(sessions) == before
    inventory.adjust(
        sessions, unit_id=stocked, location_id=ref.main_depot, change=-20, reason="x", actor=ACTOR
    )
    assert on_hand_reserved(sessions, stocked, ref.main_depot) == (80, 80)


# --- count --------------------------------------------------------------------------------------------


def test_count_writes_the_correcting_movement(sessions, ref, stocked):
    assert (
        inventory.count(sessions, unit_id=stocked, location_id=ref.main_depot, counted="93", actor=ACTOR)
        == -7
    )
    assert on_hand_reserved(sessions, stocked, ref.main_depot) == (93, 0)
    row = inventory.movements(sessions, unit_id=stocked, kind="count").iloc[0]
    assert row["quantity"] == -7 and row["reason"] == "physical count: 93"
    entry = last_audit(sessions, stocked)
    assert entry["action"] == "count"
    assert entry["after"]["counted"] == 93 and entry["after"]["difference"] == -7
    assert entry["before"]["balances"][f"{stocked}@{ref.main_depot}"] == [100, 0]
    assert entry["after"]["balances"][f"{stocked}@{ref.main_depot}"] == [93, 0]

    assert (
        inventory.count(
            sessions,
            unit_id=stocked,
            location_id=ref.main_depot,
            counted=110,
            actor=ACTOR,
            reason="shelf 3 recount",
        )
        == 17
    )
    assert inventory.movements(sessions, unit_id=stocked, kind="count").iloc[0]["reason"] == "shelf 3 recount"
    assert (
        inventory.count(sessions, unit_id=stocked, location_id=ref.main_depot, counted=0, actor=ACTOR) == -110
    )
    assert on_hand_reserved(sessions, stocked, ref.main_depot) == (0, 0)
    assert_ledger_matches_balances(sessions)


def test_count_that_matches_writes_nothing(sessions, ref, stocked, bn):
    before = snapshot(sessions)
    assert (
        inventory.count(sessions, unit_id=stocked, location_id=ref.main_depot, counted=100, actor=ACTOR) == 0
    )
    assert (
        inventory.count(
            sessions, unit_id=bn, location_id=ref.depots["Brooklyn depot"], counted=0, actor=ACTOR
        )
        == 0
    )
    assert snapshot(sessions) == before


def test_count_at_a_new_depot_creates_the_balance(sessions, ref, bn):
    brooklyn = ref.depots["Brooklyn depot"]
    assert inventory.count(sessions, unit_id=bn, location_id=brooklyn, counted=40, actor=ACTOR) == 40
    assert on_hand_reserved(sessions, bn, brooklyn) == (40, 0)
    assert_ledger_matches_balances(sessions)


def test_count_below_reserved_is_refused(sessions, ref, stocked):
    with sessions.begin() as session:
        inventory.reserve(session, unit_id=stocked, location_id=ref.main_depot, quantity=60, actor=ACTOR)
    before = snapshot(sessions)
    with pytest.raises(InvalidInput, match="count of 59 is below the 60 units reserved"):
        inventory.count(sessions, unit_id=stocked, location_id=ref.main_depot, counted=59, actor=ACTOR)
    assert snapshot(sessions) == before
    assert (
        inventory.count(sessions, unit_id=stocked, location_id=ref.main_depot, counted=60, actor=ACTOR) == -40
    )
    assert on_hand_reserved(sessions, stocked, ref.main_depot) == (60, 60)


# --- transfer -----------------------------------------------------------------------------------------


def test_transfer_moves_stock_between_depots(sessions, ref, stocked):
    brooklyn = ref.depots["Brooklyn depot"]
    inventory.transfer(
        sessions,
        unit_id=stocked,
        from_location_id=ref.main_depot,
        to_location_id=brooklyn,
        quantity=30,
        actor=ACTOR,
        reason="Sunday drop-off",
    )
    assert on_hand_reserved(sessions, stocked, ref.main_depot) == (70, 0)
    assert on_hand_reserved(sessions, stocked, brooklyn) == (30, 0)
    out = inventory.movements(sessions, kind="transfer_out").iloc[0]
    inbound = inventory.movements(sessions, kind="transfer_in").iloc[0]
    assert (out["quantity"], out["depot"]) == (-30, "Manhattan central depot")
    assert (inbound["quantity"], inbound["depot"]) == (30, "Brooklyn depot")
    assert out["reference"] == inbound["reference"] and out["reason"] == "Sunday drop-off"
    entry = last_audit(sessions, stocked)
    assert entry["action"] == "transfer"
    assert entry["before"]["balances"] == {
        f"{stocked}@{ref.main_depot}": [100, 0],
        f"{stocked}@{brooklyn}": [0, 0],
    }
    assert entry["after"]["balances"] == {
        f"{stocked}@{ref.main_depot}": [70, 0],
        f"{stocked}@{brooklyn}": [30, 0],
    }
    assert_ledger_matches_balances(sessions)


def test_transfer_more_than_available_writes_nothing(sessions, ref, stocked):
    before = snapshot(sessions)
    with pytest.raises(OutOfStock, match="Only 100 of Flyer · Bangla .* 101 were asked for"):
        inventory.transfer(
            sessions,
            unit_id=stocked,
            from_location_id=ref.main_depot,
            to_location_id=ref.depots["Brooklyn depot"],
            quantity=101,
            actor=ACTOR,
        )
    assert snapshot(sessions) == before


# --- reserve / release --------------------------------------------------------------------------------


def test_reserve_and_release(sessions, ref, stocked):
    with sessions.begin() as session:
        inventory.reserve(session, unit_id=stocked, location_id=ref.main_depot, quantity=40, actor=ACTOR)
        assert inventory.available(session, stocked, ref.main_depot) == 60
    levels = inventory.stock_levels(sessions, language="bn", material="flyer").iloc[0]
    assert (levels["on_hand"], levels["reserved"], levels["available"]) == (100, 40, 60)
    with sessions.begin() as session:
        inventory.release(session, unit_id=stocked, location_id=ref.main_depot, quantity=15, actor=ACTOR)
        inventory.release(session, unit_id=stocked, location_id=ref.main_depot, quantity=0, actor=ACTOR)
    assert on_hand_reserved(sessions, stocked, ref.main_depot) == (100, 25)
    assert inventory.movements(
        sessions, unit_id=stocked, kind="adjustment"
    ).empty  # reservations are no movement


def test_reserve_more_than_available_and_release_more_than_reserved(sessions, ref, stocked):
    with sessions.begin() as session:
        inventory.reserve(session, unit_id=stocked, location_id=ref.main_depot, quantity=70, actor=ACTOR)
    before = snapshot(sessions)
    with pytest.raises(OutOfStock, match="Only 30 .* 31 were asked for"), sessions.begin() as session:
        inventory.reserve(session, unit_id=stocked, location_id=ref.main_depot, quantity=31, actor=ACTOR)
    with (
        pytest.raises(OutOfStock, match="Only 70 .* reserved .* 71 cannot be released"),
        sessions.begin() as session,
    ):
        inventory.release(session, unit_id=stocked, location_id=ref.main_depot, quantity=71, actor=ACTOR)
    with pytest.raises(InvalidInput, match="-5"), sessions.begin() as session:
        inventory.reserve(session, unit_id=stocked, location_id=ref.main_depot, quantity=-5, actor=ACTOR)
    with pytest.raises(InvalidInput, match="-5"), sessions.begin() as session:
        inventory.release(session, unit_id=stocked, location_id=ref.main_depot, quantity=-5, actor=ACTOR)
    with pytest.raises(NotFound, match=f"#{MISSING}"), sessions.begin() as session:
        inventory.reserve(session, unit_id=stocked, location_id=MISSING, quantity=5, actor=ACTOR)
    assert snapshot(sessions) == before


# --- retired editions ---------------------------------------------------------------------------------


def test_one_label_for_a_stock_item_whether_a_model_or_a_read_row(sessions, ref):
    unit_id = ref.retired_units[("flyer", "es")]
    with sessions() as session:
        from_model = inventory.unit_label(session.get(StockUnit, unit_id))
    row = next(row for row in inventory.units(sessions).itertuples() if row.unit_id == unit_id)
    assert from_model == inventory.unit_label(row) == "Flyer · Spanish · 2025-01"


def test_retired_edition_cannot_be_received_or_reserved_but_can_be_adjusted(sessions, ref):
    old = ref.retired_units[("flyer", "es")]
    before = snapshot(sessions)
    with pytest.raises(InvalidInput) as caught:
        inventory.receive(
            sessions, unit_id=old, location_id=ref.main_depot, quantity=10, reference=None, actor=ACTOR
        )
    assert "Flyer · Spanish · 2025-01 is a retired edition" in str(caught.value)
    assert "Replaced after the March 2026 policy change" in str(caught.value)
    assert snapshot(sessions) == before

    inventory.adjust(
        sessions, unit_id=old, location_id=ref.main_depot, change=300, reason="leftover", actor=ACTOR
    )
    inventory.adjust(
        sessions, unit_id=old, location_id=ref.main_depot, change=-100, reason="recycled", actor=ACTOR
    )
    assert on_hand_reserved(sessions, old, ref.main_depot) == (200, 0)

    before = snapshot(sessions)
    with pytest.raises(InvalidInput, match="retired edition"), sessions.begin() as session:
        inventory.reserve(session, unit_id=old, location_id=ref.main_depot, quantity=10, actor=ACTOR)
    assert snapshot(sessions) == before


# --- thresholds and reads -----------------------------------------------------------------------------


def low_units(sessions) -> list[int]:
    levels = inventory.stock_levels(sessions)
    return levels.loc[levels["low"], "unit_id"].tolist()


def test_thresholds_and_low_stock(sessions, ref, stocked):
    # The fixture gives every current unit a threshold of four packs; only stocked units can be above it.
    low = low_units(sessions)
    assert stocked in low  # 100 <= 200 (four packs of 50)
    assert not set(ref.retired_units.values()) & set(low)  # retired editions never alert
    inventory.set_low_stock_threshold(sessions, unit_id=stocked, threshold="99", actor=ACTOR)
    assert stocked not in low_units(sessions)
    entry = last_audit(sessions, stocked)
    assert entry["action"] == "set_threshold"
    assert entry["before"] == {"low_stock_threshold": 200} and entry["after"] == {"low_stock_threshold": 99}
    with pytest.raises(InvalidInput, match="Low-stock threshold: “lots” is not a number"):
        inventory.set_low_stock_threshold(sessions, unit_id=stocked, threshold="lots", actor=ACTOR)
    inventory.set_low_stock_threshold(sessions, unit_id=stocked, threshold=100, actor=ACTOR)
    assert stocked in low_units(sessions)  # at the threshold counts as low


def test_stock_levels_with_and_without_a_depot(sessions, ref, stocked):
    brooklyn = ref.depots["Brooklyn depot"]
    inventory.transfer(
        sessions,
        unit_id=stocked,
        from_location_id=ref.main_depot,
        to_location_id=brooklyn,
        quantity=25,
        actor=ACTOR,
    )
    with sessions.begin() as session:
        inventory.reserve(session, unit_id=stocked, location_id=brooklyn, quantity=5, actor=ACTOR)

    every = inventory.stock_levels(sessions)
    assert len(every) == len(inventory.units(sessions)) == 22  # every unit, stocked or not
    total = every.set_index("unit_id").loc[stocked]
    assert (total["on_hand"], total["reserved"], total["available"]) == (100, 5, 95)
    assert every.set_index("unit_id").loc[ref.units[("booklet", "yi")], "on_hand"] == 0

    at_brooklyn = inventory.stock_levels(sessions, location_id=brooklyn).set_index("unit_id")
    assert len(at_brooklyn) == 22
    assert tuple(at_brooklyn.loc[stocked, ["on_hand", "reserved", "available"]]) == (25, 5, 20)
    at_main = inventory.stock_levels(sessions, location_id=ref.main_depot).set_index("unit_id")
    assert tuple(at_main.loc[stocked, ["on_hand", "reserved", "available"]]) == (75, 0, 75)

    filtered = inventory.stock_levels(sessions, language="bn")
    assert set(filtered["language"]) == {"bn"} and len(filtered) == 2
    assert inventory.stock_levels(sessions, language="bn", material="booklet")["material"].tolist() == [
        "booklet"
    ]
    assert inventory.units(sessions, include_retired=False)["edition_status"].eq("active").all()
    assert len(inventory.units(sessions, include_retired=False)) == 20


def test_movement_history_filters(sessions, ref, stocked):
    brooklyn = ref.depots["Brooklyn depot"]
    zh = ref.units[("booklet", "zh")]
    inventory.receive(
        sessions, unit_id=zh, location_id=brooklyn, quantity=75, reference="zh run", actor="other"
    )
    inventory.transfer(
        sessions,
        unit_id=stocked,
        from_location_id=ref.main_depot,
        to_location_id=brooklyn,
        quantity=10,
        actor=ACTOR,
    )
    inventory.adjust(sessions, unit_id=stocked, location_id=brooklyn, change=-2, reason="torn", actor=ACTOR)

    everything = inventory.movements(sessions)
    assert len(everything) == 5
    assert everything["id"].is_monotonic_decreasing  # newest first
    assert everything.iloc[0]["kind"] == "adjustment"
    assert inventory.movements(sessions, unit_id=zh)["quantity"].tolist() == [75]
    assert set(inventory.movements(sessions, location_id=brooklyn)["kind"]) == {
        "receipt",
        "transfer_in",
        "adjustment",
    }
    assert inventory.movements(sessions, kind="receipt")["language"].tolist() == ["zh", "bn"]
    assert set(inventory.movements(sessions, language="bn")["kind"]) == {
        "receipt",
        "transfer_out",
        "transfer_in",
        "adjustment",
    }
    assert len(inventory.movements(sessions, limit=2)) == 2
    tomorrow = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
    assert inventory.movements(sessions, since=tomorrow).empty
    assert len(inventory.movements(sessions, since=tomorrow - dt.timedelta(days=2))) == 5


def test_balances_and_ledger_totals_agree(sessions, ref, stocked):
    brooklyn = ref.depots["Brooklyn depot"]
    inventory.transfer(
        sessions,
        unit_id=stocked,
        from_location_id=ref.main_depot,
        to_location_id=brooklyn,
        quantity=40,
        actor=ACTOR,
    )
    inventory.count(sessions, unit_id=stocked, location_id=brooklyn, counted=38, actor=ACTOR)
    frame = inventory.balances(sessions).set_index("depot")
    assert (
        frame.loc["Brooklyn depot", "on_hand"] == 38 and frame.loc["Manhattan central depot", "on_hand"] == 60
    )
    totals = inventory.ledger_totals(sessions).set_index(["unit_id", "location_id"])["quantity"]
    assert totals[(stocked, brooklyn)] == 38 and totals[(stocked, ref.main_depot)] == 60
    assert_ledger_matches_balances(sessions)


def test_every_write_leaves_one_audit_row(sessions, ref, stocked):
    brooklyn = ref.depots["Brooklyn depot"]
    start = len(audit.history(sessions, entity="stock_unit", entity_id=stocked))
    inventory.receive(
        sessions, unit_id=stocked, location_id=ref.main_depot, quantity=5, reference=None, actor="ana"
    )
    inventory.adjust(
        sessions, unit_id=stocked, location_id=ref.main_depot, change=-1, reason="x", actor="ana"
    )
    inventory.count(sessions, unit_id=stocked, location_id=ref.main_depot, counted=100, actor="ana")
    inventory.transfer(
        sessions,
        unit_id=stocked,
        from_location_id=ref.main_depot,
        to_location_id=brooklyn,
        quantity=1,
        actor="ana",
    )
    rows = audit.history(sessions, entity="stock_unit", entity_id=stocked)
    assert len(rows) == start + 4
    assert rows.head(4)["action"].tolist() == ["transfer", "count", "adjust", "receive"]
    assert set(rows.head(4)["actor"]) == {"ana"}
    for _, row in rows.head(4).iterrows():
        assert json.loads(row["before"])["balances"] and json.loads(row["after"])["balances"]
