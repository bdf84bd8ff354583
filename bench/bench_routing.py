"""Planning a delivery run at scale: 300 stops, 6 drivers, with OR-Tools, against the naive peer.

    python -m bench.bench_routing [--stops 300] [--drivers 6] [--seconds 8]

The stops are the demo generator's organizations (their places and faith traditions, so their default
delivery windows that day), each with 1-6 packs, leaving from the Manhattan depot. The naive peer takes the
shipments in the order they were created and gives each driver the next ones until the van is full (no
windows). Route length is road kilometres (straight line x 1.3). Prints a Markdown table for
docs/performance.md. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import time

from outreach.delivery import routing, windows
from outreach.delivery.runs import BOROUGH_POINTS
from outreach.demo import demo_organizations

DAYS = {"Monday": dt.date(2026, 12, 7), "Friday": dt.date(2026, 12, 11)}


def stops_for(count: int, day: dt.date, seed: int = 2026) -> list[routing.Stop]:
    rng = random.Random(seed)
    stops = []
    for index, org in enumerate(demo_organizations(count, seed)):
        tradition = windows.tradition_of(org["faith_tradition"], org["name"])
        spans = tuple(windows.default_windows(tradition, day))
        stops.append(routing.Stop(index, org["latitude"], org["longitude"], rng.randint(1, 6), spans))
    return stops


def naive_km(depot: routing.Depot, stops: list[routing.Stop], drivers: list[routing.Driver]) -> float:
    """Creation order, each driver filled up in turn (capacity only)."""
    routes: list[list[int]] = [[] for _ in drivers]
    loads = [0] * len(drivers)
    which = 0
    for stop in stops:
        while which < len(drivers) and loads[which] + stop.packs > drivers[which].capacity:
            which += 1
        if which == len(drivers):
            break
        routes[which].append(stop.id)
        loads[which] += stop.packs
    return sum(routing.route_km(depot, route, stops) for route in routes)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stops", type=int, default=300)
    parser.add_argument("--drivers", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=7.0, help="the search budget")
    parser.add_argument("--speed", type=float, default=25.0)
    parser.add_argument("--service", type=int, default=4)
    args = parser.parse_args()
    depot = routing.Depot(*BOROUGH_POINTS["Manhattan"], starts_at=8 * 60, ends_at=20 * 60)
    print(f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(
        f"{args.stops} stops, {args.drivers} drivers, {args.speed:g} km/h, {args.service} min per stop, 08:00-20:00"
    )
    print()
    print(
        "| day | search limit | wall time | planned | left out (why) | km planned | km per stop | naive km (all) | naive km per stop |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for name, day in DAYS.items():
        stops = stops_for(args.stops, day)
        capacity = -(-sum(s.packs for s in stops) * 11 // 10 // args.drivers)  # 10% spare room overall
        drivers = [routing.Driver(i, capacity) for i in range(args.drivers)]
        naive = naive_km(depot, stops, drivers)
        for limit in (3.0, args.seconds):
            start = time.perf_counter()
            plan = routing.plan_run(
                depot, stops, drivers, speed_kmh=args.speed, service_minutes=args.service, seconds=limit
            )
            wall = time.perf_counter() - start
            planned = sum(len(route) for route in plan.routes.values())
            reasons: dict[str, int] = {}
            for reason in plan.unplanned.values():
                reasons[reason] = reasons.get(reason, 0) + 1
            why = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) or "none"
            km = plan.length_km(depot, stops)
            print(
                f"| {name} {day} | {limit:g} s | {wall:.1f} s | {planned} | {why} | {km:,.0f} | "
                f"{km / max(planned, 1):.2f} | {naive:,.0f} | {naive / len(stops):.2f} |"
            )


if __name__ == "__main__":
    main()
