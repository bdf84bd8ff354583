"""The figures beside the page table: the coverage map, restock submissions under 32 writers, query plans,
a restock link for the public page, and the machine."""

from __future__ import annotations

import os
import platform
import sqlite3
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, text

from bench import bench_restock
from outreach import config
from outreach.coverage import gaps as coverage
from outreach.coverage import inputs as coverage_data
from outreach.coverage import maps, need
from outreach.db import SessionFactory, engine_of
from outreach.errors import Conflict
from outreach.models import Organization, RestockRequest, RestockRequestLine, StockUnit
from outreach.restock import links as restock_links
from outreach.shipments import totals as shipment_totals

ACTOR = "bench"


def restock_token(sessions: SessionFactory, organization_id: int) -> str:
    """A live restock link for the organization (issued, or rotated when it has one: a token is shown once)."""
    try:
        return restock_links.issue_link(sessions, organization_id=organization_id, actor=ACTOR)
    except Conflict:
        return restock_links.rotate_link(sessions, organization_id=organization_id, actor=ACTOR)


def first_organizations(sessions: SessionFactory, count: int) -> list[int]:
    with sessions() as session:
        ids = session.scalars(
            select(Organization.id)
            .where(Organization.status == "active")
            .order_by(Organization.id)
            .limit(count)
        )
        return list(ids)


@dataclass
class MapFigures:
    reads_ms: float
    build_ms: float
    render_ms: float
    html_bytes: int
    markers: int


def coverage_map_figures(sessions: SessionFactory) -> MapFigures:
    """The coverage map as pages/coverage.py draws it by default (every language, coverage, districts)."""
    started = time.perf_counter()
    shipped = shipment_totals.shipped_units(sessions)
    directory = coverage_data.organizations(sessions)
    totals = coverage_data.campaign_totals(sessions)
    read = time.perf_counter()
    table = coverage.gap_table(
        need.need("district"),
        shipped,
        directory,
        totals,
        level="district",
        desert_min_lep=config.settings().desert_min_lep,
    )
    active = directory[directory["status"] == "active"]
    fmap = maps.coverage_map(
        coverage.area_values(table, metric="coverage"),
        areas=need.boundaries("district"),
        borough_outlines=need.boundaries("borough"),
        organizations=active,
        metric="coverage",
        caption="All languages",
        area_labels=dict(zip(table["area"], table["area_label"], strict=False)),
    )
    built = time.perf_counter()
    html = fmap.get_root().render()
    rendered = time.perf_counter()
    return MapFigures(
        reads_ms=(read - started) * 1000,
        build_ms=(built - read) * 1000,
        render_ms=(rendered - built) * 1000,
        html_bytes=len(html.encode("utf-8")),
        markers=len(active) - len(maps.not_on_map(active)),
    )


@dataclass
class RestockFigures:
    writers: int
    submitted: int
    failed: int
    seconds: float
    first_error: str = ""

    @property
    def per_second(self) -> float:
        return self.submitted / self.seconds if self.seconds else float("nan")


def restock_throughput(
    sessions: SessionFactory, url: str, *, writers: int = 32, requests: int = 640
) -> RestockFigures:
    """`writers` threads submit `requests` restock requests at once through 64 organizations' links, into
    the scale's database (bench/bench_restock.py's `run`, which its own runs use on an empty database).

    The per-link hourly limit is lifted for the run (a product rule, not a capacity limit).
    """
    tokens = [
        restock_token(sessions, organization_id) for organization_id in first_organizations(sessions, 64)
    ]
    with sessions() as session:
        units = list(session.scalars(select(StockUnit.id).order_by(StockUnit.id).limit(3)))
    jobs = [(tokens[i % len(tokens)], uuid.uuid4().hex, {units[i % len(units)]: 2}) for i in range(requests)]
    previous = os.environ.get("KYR_RESTOCK_MAX_PER_HOUR")
    os.environ["KYR_RESTOCK_MAX_PER_HOUR"] = str(10 * requests)
    config.settings.cache_clear()
    try:
        elapsed, _latencies, errors = bench_restock.run(url, jobs, writers, "threads")
        # Take the requests out again so repeated runs measure the same data (their audit rows stay: the
        # trail is append-only, and the generated data has none to disturb).
        with sessions.begin() as session:
            keys = [key for _, key, _ in jobs]
            ids = select(RestockRequest.id).where(RestockRequest.idempotency_key.in_(keys))
            session.execute(delete(RestockRequestLine).where(RestockRequestLine.request_id.in_(ids)))
            session.execute(delete(RestockRequest).where(RestockRequest.idempotency_key.in_(keys)))
    finally:
        if previous is None:
            os.environ.pop("KYR_RESTOCK_MAX_PER_HOUR", None)
        else:
            os.environ["KYR_RESTOCK_MAX_PER_HOUR"] = previous
        config.settings.cache_clear()
    return RestockFigures(
        writers=writers,
        submitted=len(jobs) - len(errors),
        failed=len(errors),
        seconds=elapsed,
        first_error=errors[0][:200] if errors else "",
    )


def query_plan(sessions: SessionFactory, statement: str, parameters: Any) -> str:
    """The database's plan for a recorded statement, run with the same parameters."""
    engine = engine_of(sessions)
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(prefix + statement, parameters)
        rows = cursor.fetchall()
    finally:
        connection.close()
    if engine.dialect.name == "sqlite":
        return "\n".join(str(row[-1]) for row in rows)
    return "\n".join(str(row[0]) for row in rows)


def server_version(sessions: SessionFactory) -> str:
    engine = engine_of(sessions)
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as connection:
        return str(connection.execute(text("SHOW server_version")).scalar())


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):  # noqa: SIM115 - a few lines, closed at exit
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in open("/proc/meminfo", encoding="utf-8")
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kb = 0
    import pandas
    import sqlalchemy
    import streamlit

    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "load average at start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Streamlit": streamlit.__version__,
        "pandas": pandas.__version__,
        "SQLAlchemy": sqlalchemy.__version__,
    }
