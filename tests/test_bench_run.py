"""The benchmark runner's machinery on a tiny generated database (no timings asserted: bench/ owns speed)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict

import streamlit as st

from bench import extras, run
from bench.generate import Scale, generate
from bench.report import from_dict, render
from outreach import config
from outreach.db import make_engine, make_sessions

TINY = Scale(organizations=40, ledger_rows=300, requests=30)


def test_runner_measures_pages_against_floor_and_peer_and_writes_the_report(database_url, monkeypatch):
    monkeypatch.setenv(
        "DATABASE_URL", database_url
    )  # restored after the test; the runner points the app here
    monkeypatch.setenv("KYR_DEMO_DATA", "0")
    generate(database_url, TINY)
    try:
        result = run.measure(
            database_url,
            db="test",
            scale="campaign",
            runs=1,
            pages={"dashboard", "restock"},
            with_extras=False,
        )
        engine = make_engine(database_url)
        result.restock = extras.restock_throughput(make_sessions(engine), database_url, writers=4, requests=8)
        engine.dispose()
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        config.settings.cache_clear()

    pages = {page.page: page for page in result.pages}
    assert set(pages) == {"dashboard", "restock"}
    for page in pages.values():
        assert not page.error, page.error
        for sample in (page.floor, page.cold, page.warm, page.peer):
            assert len(sample.runs_ms) == 1 and not math.isnan(sample.median_ms)
    assert pages["dashboard"].rows == 10  # the language x borough grid: the floor shows the same size
    assert result.counts["organizations"] == TINY.organizations
    assert result.restock.submitted == 8 and result.restock.failed == 0
    engine = make_engine(database_url)
    assert run.counts(engine)["requests"] == TINY.requests  # the writers' requests were taken out again
    engine.dispose()
    assert result.plans and result.plans[0]["plan"]

    report = render(
        [result], command="python -m bench.run --scales campaign", machine=extras.machine(), runs=1
    )
    assert re.search(r"\| dashboard \| test \| campaign \| 10×\d+ \|", report), report[:2000]
    assert "python -m bench.run --scales campaign" in report
    assert "EXPLAIN" in report
    assert "- test, campaign: " in report and "pages within 2× of their floor" in report
    again = from_dict(json.loads(json.dumps(asdict(result), default=str)))  # --render-only's path
    assert (
        render([again], command="c", machine={}, runs=1).split("## Pages")[1] == report.split("## Pages")[1]
    )
