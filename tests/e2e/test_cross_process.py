"""Two app processes on one database (SQLite, then PostgreSQL): a print run received in a browser on one
process shows on the other process's dashboard on its next rerun, not when its cache happens to expire.

Each process caches its reads (outreach/ui/resources.py); the cache is keyed on the data version the write
moved in the database (outreach/data_versions.py). Before that, the other screen showed the old figure for up
to a minute and only the writing process cleared its own cache.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import expect

from outreach.ui.resources import READ_TTL_SECONDS
from tests.e2e.conftest import ROOT, _server_env, choose, open_tab, running_server, sign_in, wait_until_idle

PG_SCRIPT = ROOT / "scripts" / "throwaway-postgres.sh"
DEPOT = "Manhattan central depot"
RECEIVED = 1_234


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_database(request, tmp_path) -> Iterator[str]:
    """A database with the demo data, for two app processes: a SQLite file, or a throwaway PostgreSQL server
    on a free port (skipped only when PostgreSQL is not installed)."""
    if os.environ.get("KYR_TEST_DATABASE_URL"):
        pytest.skip("runs once, in the SQLite half: it starts its own PostgreSQL")
    with ExitStack() as cleanup:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'kyr.db'}"
        else:
            if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
                pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
            directory = tempfile.mkdtemp(prefix="kyr-pg.", dir="/tmp")
            started = subprocess.run(
                ["bash", str(PG_SCRIPT), "start", directory, str(os.getpid())],
                capture_output=True,
                text=True,
                timeout=120,
            )
            cleanup.callback(
                subprocess.run, ["bash", str(PG_SCRIPT), "stop", directory], check=False, timeout=60
            )
            assert started.returncode == 0, started.stderr
            url = started.stdout.strip()
        subprocess.run(
            [sys.executable, "-m", "outreach.demo", "--if-empty"],
            cwd=ROOT,
            env=_server_env(url),
            check=True,
            capture_output=True,
            timeout=300,
        )
        yield url


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _figure(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_a_print_run_received_on_one_process_shows_on_the_other_at_its_next_rerun(browser, shared_database):
    with (
        running_server(shared_database) as first,
        running_server(shared_database) as second,
        open_tab(browser) as writer,
        open_tab(browser) as watcher,
    ):
        # The watcher: a coordinator on the second process, its dashboard drawn (and its reads cached).
        sign_in(watcher, second, "demo-coordinator")
        wait_until_idle(watcher)
        received = _metric(watcher, "Received from print runs")
        before = _figure(received.inner_text())
        assert before > 0
        cached_at = time.monotonic()

        # The writer: another coordinator on the first process receives a print run.
        sign_in(writer, first, "demo-coordinator")
        writer.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Inventory").click()
        writer.get_by_role("heading", name="Inventory", level=1).wait_for()
        choose(writer, "Item", re.compile(r"^Flyer · Arabic · "), typed="Flyer · Arabic")
        choose(writer, "Into depot", DEPOT, typed="Manhattan")
        writer.get_by_label("Units received").fill(str(RECEIVED))
        writer.get_by_label("Print run reference").fill("cross-process print run")
        writer.get_by_label("Print run reference").press("Tab")
        writer.get_by_role("button", name="Record receipt").click()
        expect(
            writer.get_by_test_id("stAlertContentSuccess").filter(has_text=f"Received {RECEIVED:,}")
        ).to_be_visible()

        # The watcher's next rerun (any click) shows it, seconds later, not a minute later.
        watcher.get_by_role("radiogroup", name="Show").get_by_role("radio", name="in stock").click()
        wait_until_idle(watcher)
        expect(received).to_have_text(f"{before + RECEIVED:,}", timeout=5_000)
        # Well within the cache's lifetime: the figure moved because the data version did, not by expiry.
        assert time.monotonic() - cached_at < READ_TTL_SECONDS
