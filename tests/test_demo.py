"""Demo data: deterministic, about 32,000 units received, shipments at every stage, nothing of the retired
edition shipped, balances equal to the ledger; and the `--if-empty` / KYR_DEMO_DATA=0 command behaviour."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

from outreach import inventory, organizations
from outreach.accounts import auth
from outreach.db import is_empty, make_engine, make_sessions
from outreach.demo import CAMPAIGN_PIECES, DEMO_USERS, load_demo, print_run_plan
from outreach.models import ShipmentLine, StockUnit
from outreach.shipments import reads as shipment_reads

ROOT = Path(__file__).resolve().parents[1]
LEVEL_COLUMNS = ["material", "language", "edition", "on_hand", "reserved", "available"]


def run_demo_command(url: str, *, demo_data: str = "1") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "KYR_DEMO_DATA": demo_data}
    return subprocess.run(
        [sys.executable, "-m", "outreach.demo", "--if-empty"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def fingerprint(sessions) -> tuple[pd.DataFrame, list[str], pd.Series]:
    levels = inventory.stock_levels(sessions)[LEVEL_COLUMNS].astype({"on_hand": int, "reserved": int})
    names = sorted(organizations.organization_choices(sessions, active_only=False)["name"])
    statuses = shipment_reads.shipments(sessions)["status"].value_counts().sort_index()
    return levels.reset_index(drop=True), names, statuses


def test_print_run_plan_splits_the_campaign() -> None:
    plan = print_run_plan()
    assert set(plan) == {"es", "en", "fr", "zh", "ar", "ru", "bn", "ur", "ht", "yi"}
    assert abs(sum(plan.values()) - CAMPAIGN_PIECES) <= 10
    assert plan["es"] == max(plan.values())  # Spanish has by far the most LEP speakers
    assert min(plan.values()) >= 600


def test_demo_load_is_deterministic_and_consistent(sessions, tmp_path):
    reference = load_demo(sessions)

    received = inventory.movements(sessions, kind="receipt", limit=10_000)["quantity"].sum()
    assert 31_000 <= received <= 33_000
    statuses = set(shipment_reads.shipments(sessions, limit=10_000)["status"])
    assert statuses == {"draft", "packed", "shipped", "delivered", "cancelled"}
    choices = organizations.organization_choices(sessions, active_only=False)
    assert 280 <= len(choices) <= 320 and choices["name"].is_unique
    assert set(choices["borough"]) == {"Manhattan", "Bronx", "Brooklyn", "Queens", "Staten Island"}
    assert sorted(auth.users(sessions)["username"]) == sorted(name for name, _ in DEMO_USERS)

    with sessions() as session:
        retired_lines = session.scalar(
            select(func.count())
            .select_from(ShipmentLine)
            .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
            .where(StockUnit.edition_id == reference.retired_edition_id)
        )
    assert retired_lines == 0
    retired_stock = (
        inventory.stock_levels(sessions).set_index("unit_id").loc[list(reference.retired_units.values())]
    )
    assert (retired_stock["on_hand"] == 500).all()  # the leftovers are still on the shelf, never shipped

    totals = inventory.ledger_totals(sessions).set_index(["unit_id", "location_id"])["quantity"]
    frame = inventory.balances(sessions)
    assert len(frame) == len(totals)
    for row in frame.itertuples():
        assert 0 <= row.reserved <= row.on_hand
        assert totals[(row.unit_id, row.location_id)] == row.on_hand

    # The command loads the same data into a second database (a fresh SQLite file, migrated from scratch)...
    second_url = f"sqlite:///{tmp_path / 'second.db'}"
    first_run = run_demo_command(second_url)
    assert first_run.returncode == 0, first_run.stderr
    assert "Demo data loaded" in first_run.stdout
    second_engine = make_engine(second_url)
    second = make_sessions(second_engine)
    try:
        mine, theirs = fingerprint(sessions), fingerprint(second)
        pd.testing.assert_frame_equal(mine[0], theirs[0], check_dtype=False)
        assert mine[1] == theirs[1]
        assert mine[2].to_dict() == theirs[2].to_dict()

        # ...and a second run leaves it alone.
        movements_before = len(inventory.movements(second, limit=100_000))
        second_run = run_demo_command(second_url)
        assert second_run.returncode == 0, second_run.stderr
        assert "already has data" in second_run.stdout
        assert len(inventory.movements(second, limit=100_000)) == movements_before
        assert len(organizations.organization_choices(second, active_only=False)) == len(choices)
    finally:
        second_engine.dispose()


def test_demo_data_off_loads_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'off.db'}"
    done = run_demo_command(url, demo_data="0")
    assert done.returncode == 0, done.stderr
    assert "no demo data loaded" in done.stdout
    engine = make_engine(url)
    try:
        assert is_empty(engine)
        assert auth.users(make_sessions(engine)).empty
    finally:
        engine.dispose()
