"""Measure every page at campaign scale and fifty times it, side by side, and write docs/performance.md.

    python -m bench.run [--scales campaign,x50] [--db sqlite|postgres|sqlite,postgres] [--runs 3]
                        [--pages dashboard,coverage] [--no-extras] [--out docs/performance.md]

For each database and scale: generate the data once (bench/generate.py; reused while the organization count
matches), then time each page of outreach/ui/navigation.py (and the public restock page, through a live link)
against its floor and its naive peer (bench/page_timing.py), then the coverage map, 32 restock writers and
the slowest queries' plans (bench/extras.py). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import sys
import time
from dataclasses import asdict
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine, func, inspect, select, text
from streamlit import config as streamlit_config
from streamlit import logger as streamlit_logger

from bench import extras, postgres
from bench.generate import SCALES, Scale, generate
from bench.naive_pages import peer_for
from bench.page_timing import ROOT, Scripts, measure_page
from bench.report import ScaleResult, from_dict, render
from outreach import config
from outreach.db import SessionFactory, make_engine, make_sessions
from outreach.models import Base, Organization, RestockRequest, ShipmentLine, StockMovement

OUT = Path(__file__).resolve().parent / "out"
USER = {"username": "ada", "display_name": "Ada Admin", "role": "admin"}  # sees every page
PLANS_PER_SCALE = 3


def database_url(db: str, scale: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{OUT / f'{scale}.db'}"
    postgres.start()
    postgres.ensure_database(f"kyr_{scale}")
    return postgres.url(f"kyr_{scale}")


def organization_count(url: str) -> int:
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("organizations"):
            return 0
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(Organization)).scalar_one())
    finally:
        engine.dispose()


def reset(url: str, db: str, scale: str) -> None:
    if db == "sqlite":
        path = OUT / f"{scale}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        postgres.drop_database(f"kyr_{scale}")
        postgres.ensure_database(f"kyr_{scale}")


def ensure_data(url: str, db: str, scale_name: str, scale: Scale) -> float | None:
    """Generate the scale's data unless the database already holds it; returns the seconds it took."""
    if organization_count(url) == scale.organizations:
        return None
    reset(url, db, scale_name)
    started = time.perf_counter()
    print(f"generating {scale_name} into {db} ...", flush=True)
    generate(url, scale)
    return time.perf_counter() - started


def sync_schema(engine: Engine) -> None:
    """Tables and indexes the models declare but the migrations do not yet create (the lead regenerates
    the migration from models.py), so the benchmark measures the schema the code is written for."""
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            for index in table.indexes:
                index.create(connection, checkfirst=True)
        if engine.dialect.name == "postgresql":
            # bench/generate.py inserts explicit ids, which PostgreSQL's sequences do not see: move them
            # past the data, or the runner's own writes (links, requests) collide with generated rows.
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
            connection.execute(text("ANALYZE"))  # autovacuum would, later; a bulk load leaves no statistics


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: int(connection.execute(select(func.count()).select_from(model)).scalar_one())
            for name, model in (
                ("organizations", Organization),
                ("ledger rows", StockMovement),
                ("shipment lines", ShipmentLine),
                ("requests", RestockRequest),
            )
        }


def point_app_at(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["KYR_DEMO_DATA"] = "0"
    config.settings.cache_clear()
    st.cache_data.clear()


def page_files(wanted: set[str] | None) -> list[tuple[Path, dict | None, bool]]:
    """(page file, user, needs a restock link) for every registered page and the public restock page."""
    from outreach.ui.navigation import PAGES, RESTOCK

    chosen = [(ROOT / spec.path, USER, False) for spec in PAGES]
    chosen.append((ROOT / RESTOCK.path, None, True))
    return [item for item in chosen if wanted is None or item[0].stem in wanted]


def slowest_plans(result: ScaleResult, sessions: SessionFactory) -> list[dict]:
    """The scale's slowest statements, each distinct one once (several pages share a query), with plans."""
    slowest: dict[str, dict] = {}
    for page in result.pages:
        for seconds, statement, parameters in page.slow_queries:
            seen = slowest.setdefault(statement, {"ms": 0.0, "pages": set(), "parameters": parameters})
            seen["ms"] = max(seen["ms"], seconds * 1000)
            seen["pages"].add(page.page)
    plans = []
    for statement, seen in sorted(slowest.items(), key=lambda item: item[1]["ms"], reverse=True)[
        :PLANS_PER_SCALE
    ]:
        try:
            plan = extras.query_plan(sessions, statement, seen["parameters"])
        except Exception as error:  # noqa: BLE001 - a plan that cannot be shown is said so, not fatal
            plan = f"(no plan: {error})"
        plans.append(
            {"page": ", ".join(sorted(seen["pages"])), "ms": seen["ms"], "sql": statement, "plan": plan}
        )
    return plans


def measure(
    url: str, *, db: str, scale: str, runs: int, pages: set[str] | None = None, with_extras: bool = True
) -> ScaleResult:
    """Every page (and, with_extras, the map, restock writers and query plans) on one database."""
    engine = make_engine(url)
    sync_schema(engine)
    sessions = make_sessions(engine)
    point_app_at(url)
    result = ScaleResult(db=db, scale=scale, server=extras.server_version(sessions), counts=counts(engine))
    token = extras.restock_token(sessions, extras.first_organizations(sessions, 1)[0])
    scripts = Scripts()
    for path, user, public in page_files(pages):
        print(f"  {db}/{scale}: {path.stem} ...", flush=True)
        query = {"t": token} if public else None
        page = measure_page(scripts, path, peer_for(path.stem), user=user, query=query, runs=runs)
        result.pages.append(page)
        print(
            f"    floor {page.floor.median_ms:,.0f} ms  page {page.cold.median_ms:,.0f} ms  "
            f"warm {page.warm.median_ms:,.0f} ms  peer {page.peer.median_ms:,.0f} ms  {page.error}",
            flush=True,
        )
    result.max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.plans = slowest_plans(result, sessions)
    if with_extras:
        print(f"  {db}/{scale}: coverage map, restock writers ...", flush=True)
        result.map = extras.coverage_map_figures(sessions)
        result.restock = extras.restock_throughput(sessions, url)  # last: it writes (and removes) requests
    engine.dispose()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="campaign,x50", help="comma-separated: campaign, x50")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres, or both: sqlite,postgres")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per page (median reported)")
    parser.add_argument("--pages", default="", help="only these page file stems (default: every page)")
    parser.add_argument("--no-extras", action="store_true", help="skip the map, restock writers")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--render-only", action="store_true", help="write the report again from bench/out/results.json"
    )
    args = parser.parse_args(argv)
    if args.render_only:
        saved = json.loads((OUT / "results.json").read_text("utf-8"))
        results = [from_dict(item) for item in saved["results"]]
        text_ = render(results, command=saved["command"], machine=saved["machine"], runs=saved["runs"])
        Path(args.out).write_text(text_, "utf-8")
        print(f"wrote {args.out}")
        return
    # AppTest without a server warns twice on every run; Streamlit re-applies its config's level.
    streamlit_config.set_option("logger.level", "error")
    streamlit_logger.set_log_level("error")
    scales = [name.strip() for name in args.scales.split(",") if name.strip()]
    databases = [name.strip() for name in args.db.split(",") if name.strip()]
    unknown = [name for name in scales if name not in SCALES] + [
        d for d in databases if d not in ("sqlite", "postgres")
    ]
    if unknown:
        parser.error(f"unknown scale or database: {', '.join(unknown)}")
    wanted = {name.strip() for name in args.pages.split(",") if name.strip()} or None
    machine = extras.machine()
    results = []
    for db in databases:
        for scale in scales:
            url = database_url(db, scale)
            generated = ensure_data(url, db, scale, SCALES[scale])
            result = measure(
                url, db=db, scale=scale, runs=args.runs, pages=wanted, with_extras=not args.no_extras
            )
            result.generated_s = generated
            results.append(result)
    command = "python -m bench.run " + " ".join(
        shlex.quote(arg) for arg in (argv if argv is not None else sys.argv[1:])
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        render(results, command=command.strip(), machine=machine, runs=args.runs), "utf-8"
    )
    OUT.mkdir(exist_ok=True)
    saved = {
        "command": command.strip(),
        "machine": machine,
        "runs": args.runs,
        "results": [asdict(r) for r in results],
    }
    (OUT / "results.json").write_text(json.dumps(saved, default=str, indent=1), "utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
