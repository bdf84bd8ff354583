"""Benchmark: import 5,000 organizations from CSV with the offline geocoder, areas assigned.

    .venv/bin/python -m bench.bench_import [--rows 5000] [--coordinates] [--url sqlite:///...] [--tracemalloc]

Prints wall time per phase (read and check, geocode, insert) and peak memory: the process's peak resident
set (ru_maxrss) always, and Python's own peak allocations with --tracemalloc (slower: it traces every
allocation). A fresh temporary SQLite database is used unless --url is given. Also times the vectorized
area assignment of the same points alone. With --coordinates every row gives a latitude and longitude (near
its ZIP's centre) and no address, as open-data lists do: nothing is looked up.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from outreach.catalog import LANGUAGE_CODES
from outreach.db import make_engine, make_sessions
from outreach.models import Base
from outreach.organizations import areas, list_organizations
from outreach.organizations import csv_import as directory_import
from outreach.organizations.addresses import nyc_zip_codes, zip_place
from outreach.organizations.geocoding import ZipCentroidGeocoder

WORDS = (
    "Harbor",
    "Cedar",
    "Unity",
    "Beacon",
    "Maple",
    "Summit",
    "Олива",
    "نور",
    "বাংলা",
    "中华",
    "Kreyòl",
    "ייִדיש",
)
KINDS = ("Church", "Masjid", "Synagogue", "Temple", "Gurdwara", "Fellowship")


def make_csv(rows: int, seed: int = 5, *, coordinates: bool = False) -> bytes:
    rng = random.Random(seed)
    zips = nyc_zip_codes()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(directory_import.TEMPLATE_COLUMNS)
    for index in range(rows):
        languages = rng.sample(LANGUAGE_CODES, rng.choice((1, 2, 3)))
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {index}"
        tradition = rng.choice(("Christian", "Muslim", "Jewish", "Hindu", "Sikh"))
        address, zip_code = f"{rng.randint(1, 2999)} {rng.choice(WORDS)} St", rng.choice(zips)
        point = ["", ""]
        if coordinates:  # a point near the ZIP's centre instead of the address (some fall in the water)
            place = zip_place(zip_code)
            assert place is not None
            point = [
                f"{place.latitude + rng.uniform(-0.003, 0.003):.6f}",
                f"{place.longitude + rng.uniform(-0.003, 0.003):.6f}",
            ]
            address = zip_code = ""
        writer.writerow(
            [
                name,
                tradition,
                address,
                zip_code,
                "",
                "; ".join(languages),
                languages[0],
                rng.choice(("", "120", "400")),
                f"Contact {index}",
                f"718-555-{index % 10000:04d}",
                f"c{index}@example.org",
                "",
                *point,
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_import", description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--coordinates", action="store_true", help="rows give a point instead of an address")
    parser.add_argument("--url", help="database URL (default: a fresh temporary SQLite file)")
    parser.add_argument("--tracemalloc", action="store_true", help="also report Python's peak allocations")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="kyr-bench-")
    url = args.url or f"sqlite:///{Path(workdir) / 'bench.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    sessions = make_sessions(engine)
    data = make_csv(
        args.rows, coordinates=args.coordinates
    )  # also loads the NYC ZIP table, outside the timings
    areas.boundaries()
    rss_before = peak_rss_mb()
    if args.tracemalloc:
        tracemalloc.start()

    started = time.perf_counter()
    preview = directory_import.preview_import(sessions, data)
    checked = time.perf_counter()
    phases: dict[str, float] = {}

    def progress(done: int, total: int) -> None:
        if done == total and "geocoded" not in phases:
            phases["geocoded"] = time.perf_counter()

    result = directory_import.import_organizations(
        sessions, preview, geocoder=ZipCentroidGeocoder(), actor="bench", progress=progress
    )
    finished = time.perf_counter()
    traced = tracemalloc.get_traced_memory()[1] / 1e6 if args.tracemalloc else None
    if args.tracemalloc:
        tracemalloc.stop()

    listed = list_organizations(sessions, include_contacts=False)
    area_start = time.perf_counter()
    areas.assign_many(listed["latitude"].to_numpy(float), listed["longitude"].to_numpy(float))
    area_time = time.perf_counter() - area_start

    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    print(f"rows in file: {args.rows:,}; valid: {preview.valid_count:,}; imported: {result.created:,}")
    print(f"placed at ZIP centre: {result.approximate:,}; not placed: {result.unplaced:,}")
    print(f"read + check:    {checked - started:6.2f} s")
    print(
        f"geocode (cache): {phases.get('geocoded', finished) - checked:6.2f} s  ({result.looked_up:,} looked up)"
    )
    print(f"insert + audit:  {finished - phases.get('geocoded', checked):6.2f} s  (one transaction)")
    print(f"total import:    {finished - started:6.2f} s")
    print(f"assign_many alone for {len(listed):,} points: {area_time * 1000:.0f} ms")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)")
    if traced is not None:
        print(f"tracemalloc peak during preview + import: {traced:.0f} MB")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
