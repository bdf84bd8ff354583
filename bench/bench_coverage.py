"""Coverage at scale: 50,000 organizations and a year of shipments.

    .venv/bin/python -m bench.bench_coverage [--organizations 50000] [--db]

Times the pure parts on generated DataFrames (gap table, map values, map build and render, HTML size;
goal: under 1 s to build and under 3 MB at 50,000 organizations). With --db, also bulk-loads a throw-away
SQLite database and times the SQL reads behind the page (`outreach.coverage.inputs`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from outreach.catalog import BOROUGHS, LANGUAGE_CODES
from outreach.config import settings
from outreach.coverage import allocation, maps, need
from outreach.coverage import gaps as coverage
from outreach.demo import _FIRST, _KINDS, _SECOND
from outreach.shipments import totals as shipment_totals

SHIPMENTS_PER_ORG_PER_YEAR = 3
UNITS = (25, 50, 50, 75, 100, 150)


def timed(label: str, action, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best * 1000:8.1f} ms")
    return result


def _points_in(geometry, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`count` random points inside `geometry` (vectorized rejection sampling)."""
    minx, miny, maxx, maxy = geometry.bounds
    lats, lons, have = [], [], 0
    while have < count:
        xs = rng.uniform(minx, maxx, (count - have) * 3)
        ys = rng.uniform(miny, maxy, (count - have) * 3)
        inside = shapely.contains_xy(geometry, xs, ys)
        lons.append(xs[inside])
        lats.append(ys[inside])
        have += int(inside.sum())
    return np.concatenate(lats)[:count], np.concatenate(lons)[:count]


def organizations(count: int, seed: int = 7) -> pd.DataFrame:
    """Fictional organizations spread over districts in proportion to need; 2% without coordinates."""
    rng = np.random.default_rng(seed)
    names_rng = random.Random(seed)
    need_frame = need.need("district")
    weight = need_frame.groupby("area")["lep_speakers"].sum() + 2_000
    districts = rng.choice(weight.index.to_numpy(), size=count, p=(weight / weight.sum()).to_numpy())
    shapes = {f["properties"]["area"]: shape(f["geometry"]) for f in need.boundaries("district")["features"]}
    latitude = np.empty(count)
    longitude = np.empty(count)
    for district in np.unique(districts):
        rows = np.flatnonzero(districts == district)
        latitude[rows], longitude[rows] = _points_in(shapes[district], len(rows), rng)
    missing = rng.random(count) < 0.02
    latitude[missing] = np.nan
    longitude[missing] = np.nan
    codes = [code for code in LANGUAGE_CODES if code != "en"]
    main = rng.choice(codes, size=count)
    extra = rng.choice([*codes, "", "", ""], size=count)
    traditions = list(_KINDS)
    names = [
        f"{names_rng.choice(_FIRST)} {names_rng.choice(_SECOND)} "
        f"{names_rng.choice(_KINDS[names_rng.choice(traditions)])}"
        for _ in range(count)
    ]
    return pd.DataFrame(
        {
            "id": np.arange(1, count + 1),
            "name": names,
            "borough": pd.Series(districts // 100).map({b.code: b.name for b in BOROUGHS}),
            "community_district": pd.array(districts, dtype="Int64"),
            "latitude": latitude,
            "longitude": longitude,
            "status": np.where(rng.random(count) < 0.95, "active", "paused"),
            "languages": [" ".join(sorted({m, "en", e} - {""})) for m, e in zip(main, extra, strict=True)],
            "weekly_attendance": rng.choice([60, 120, 250, 400, 800], size=count),
            "usual_request_packs": pd.array([None] * count, dtype="Int64"),
            "request_status": rng.choice(
                ["waiting", "in_transit", "recently_delivered", "long_ago"],
                size=count,
                p=[0.1, 0.05, 0.35, 0.5],
            ),
        }
    )


def shipment_lines(orgs: pd.DataFrame, seed: int = 11) -> pd.DataFrame:
    """A year of shipment lines: language, organization, status, units."""
    rng = np.random.default_rng(seed)
    count = len(orgs) * SHIPMENTS_PER_ORG_PER_YEAR
    chosen = rng.integers(0, len(orgs), size=count)
    languages = orgs["languages"].str.split().to_numpy()
    return pd.DataFrame(
        {
            "organization_id": orgs["id"].to_numpy()[chosen],
            "language": [rng.choice(languages[i]) for i in chosen],
            "status": rng.choice(
                ["delivered", "shipped", "draft", "cancelled"], size=count, p=[0.8, 0.05, 0.1, 0.05]
            ),
            "units": rng.choice(UNITS, size=count),
            "day": rng.integers(0, 365, size=count),
        }
    )


def aggregate(orgs: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """What `shipment_totals.shipped_units` returns (the SQL GROUP BY, done here in pandas)."""
    moved = lines[lines["status"].isin(["shipped", "delivered"])].merge(
        orgs[["id", "community_district", "borough"]], left_on="organization_id", right_on="id"
    )
    return moved.groupby(
        ["language", "community_district", "borough", "status"], dropna=False, as_index=False
    )["units"].sum()


def pure(count: int) -> None:
    print(f"--- pure parts: {count:,} organizations, {count * SHIPMENTS_PER_ORG_PER_YEAR:,} shipments/year")
    orgs = timed("generate organizations", lambda: organizations(count), repeat=1)
    lines = timed("generate a year of shipments", lambda: shipment_lines(orgs), repeat=1)
    shipped = timed("aggregate shipments (pandas stand-in for SQL)", lambda: aggregate(orgs, lines))
    totals = lines.groupby("language")["units"].sum() * 1.25
    need_frame, min_lep = need.need("district"), settings().desert_min_lep
    table = timed(
        "gap table, all languages, districts",
        lambda: coverage.gap_table(
            need_frame, shipped, orgs, totals, level="district", desert_min_lep=min_lep
        ),
    )
    timed(
        "gap table, one language (bn), districts",
        lambda: coverage.gap_table(
            need_frame, shipped, orgs, totals, level="district", desert_min_lep=min_lep, language="bn"
        ),
    )
    timed(
        "gap table, all languages, boroughs",
        lambda: coverage.gap_table(
            need.need("borough"), shipped, orgs, totals, level="borough", desert_min_lep=min_lep
        ),
    )
    bangla = coverage.gap_table(
        need_frame, shipped, orgs, totals, level="district", desert_min_lep=min_lep, language="bn"
    )
    timed(
        "planner suggestion (bn, 20,000 units)",
        lambda: allocation.suggest(
            bangla, orgs, language="bn", level="district", available_units=20_000, pack_size=50
        ),
    )
    values = timed("map values", lambda: coverage.area_values(table, metric="gap"))
    areas, outlines = need.boundaries("district"), need.boundaries("borough")
    labels = dict(zip(table["area"], table["area_label"], strict=False))
    active = orgs[orgs["status"] == "active"]

    def build():  # type: ignore[no-untyped-def]
        return maps.coverage_map(
            values,
            areas=need.boundaries("district"),
            borough_outlines=need.boundaries("borough"),
            organizations=active,
            metric="gap",
            caption="All languages: gap",
            area_labels=labels,
        )

    del areas, outlines
    fmap = timed(f"build coverage map ({len(active):,} active orgs)", build)
    html = timed("render map HTML", lambda: fmap.get_root().render())
    timed("build + render", lambda: build().get_root().render())
    print(f"{'map HTML size':<48} {len(html.encode('utf-8')) / 1_000_000:8.2f} MB")
    directory = timed(
        f"directory map build + render ({count:,} orgs)", lambda: maps.directory_map(orgs).get_root().render()
    )
    print(f"{'directory map HTML size':<48} {len(directory.encode('utf-8')) / 1_000_000:8.2f} MB")


def database(count: int) -> None:
    """Bulk-load SQLite with the same shape and time the SQL reads."""
    from sqlalchemy import insert

    from outreach.coverage import inputs as coverage_data
    from outreach.db import make_engine, make_sessions
    from outreach.models import (
        Base,
        Edition,
        Location,
        Organization,
        OrganizationLanguage,
        Shipment,
        ShipmentLine,
        StockUnit,
    )

    print(f"--- database reads (SQLite, {count:,} organizations)")
    orgs = organizations(count)
    lines = shipment_lines(orgs)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        Base.metadata.create_all(engine)
        now = dt.datetime(2026, 11, 1)
        with engine.begin() as connection:
            connection.execute(
                insert(Edition), [{"id": 1, "code": "2026-03", "title": "t", "created_at": now}]
            )
            connection.execute(insert(Location), [{"id": 1, "name": "depot", "created_at": now}])
            connection.execute(
                insert(StockUnit),
                [
                    {"id": i + 1, "material": "flyer", "language": code, "edition_id": 1, "created_at": now}
                    for i, code in enumerate(LANGUAGE_CODES)
                ],
            )
            records = (
                orgs.drop(columns=["languages", "request_status"]).astype(object).where(orgs.notna(), None)
            )
            connection.execute(
                insert(Organization),
                [dict(r, created_at=now, updated_at=now) for r in records.to_dict("records")],
            )
            connection.execute(
                insert(OrganizationLanguage),
                [
                    {"organization_id": int(i), "language": code}
                    for i, codes in zip(orgs["id"], orgs["languages"], strict=True)
                    for code in codes.split()
                ],
            )
            unit_of = {code: i + 1 for i, code in enumerate(LANGUAGE_CODES)}
            stamps = [now - dt.timedelta(days=int(day)) for day in lines["day"]]
            connection.execute(
                insert(Shipment),
                [
                    {
                        "id": i + 1,
                        "organization_id": int(org),
                        "depot_id": 1,
                        "status": status,
                        "created_by": "b",
                        "created_at": stamp,
                        "delivered_at": stamp if status == "delivered" else None,
                    }
                    for i, (org, status, stamp) in enumerate(
                        zip(lines["organization_id"], lines["status"], stamps, strict=True)
                    )
                ],
            )
            connection.execute(
                insert(ShipmentLine),
                [
                    {
                        "shipment_id": i + 1,
                        "unit_id": unit_of[code],
                        "quantity": int(units),
                        "reserved_quantity": 0,
                    }
                    for i, (code, units) in enumerate(zip(lines["language"], lines["units"], strict=True))
                ],
            )
        sessions = make_sessions(engine)
        with sessions.begin() as session:  # the bulk insert above goes around the shipment steps
            timed("shipment_totals.rebuild", lambda: shipment_totals.rebuild(session))
        timed("shipment_totals.shipped_units", lambda: shipment_totals.shipped_units(sessions))
        timed("coverage_data.organizations", lambda: coverage_data.organizations(sessions, now=now))
        timed("coverage_data.campaign_totals", lambda: coverage_data.campaign_totals(sessions))
        timed("shipment_totals.pending_units", lambda: shipment_totals.pending_units(sessions))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=50_000)
    parser.add_argument(
        "--db", action="store_true", help="also time the SQL reads on a bulk-loaded SQLite file"
    )
    args = parser.parse_args()
    pure(args.organizations)
    if args.db:
        database(args.organizations)


if __name__ == "__main__":
    main()
