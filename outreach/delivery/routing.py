"""Planning a run: which driver takes which stop, in what order, with OR-Tools' routing solver.

Pure: plain values in, a `Plan` out. Capacities in packs, each stop's open intervals that day (from
`outreach.delivery.windows`), a service time per stop, and travel times from the haversine distance at a
configurable speed (no external routing service). Every driver starts and ends at the depot. A stop that
cannot be fitted is left out with its reason rather than making the whole plan fail.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

EARTH_KM = 6371.0088
ROAD_FACTOR = 1.3  # streets are longer than the straight line between two points
DROP_PENALTY = 10_000_000
FIRST = routing_enums_pb2.FirstSolutionStrategy  # a stop left out costs more than any detour

REASON_CLOSED = "closed that day"
REASON_TOO_BIG = "bigger than any driver's capacity"
REASON_NO_ROOM = "over capacity: the drivers' vehicles are full"
REASON_NO_TIME = "no room in its window that day (within the planning time)"
REASON_SEARCH = "no plan found in the time allowed: plan again (or check the windows)"


@dataclass(frozen=True)
class Stop:
    id: int
    latitude: float
    longitude: float
    packs: int
    windows: tuple[tuple[int, int], ...]  # open intervals, minutes after midnight


@dataclass(frozen=True)
class Driver:
    id: int
    capacity: int


@dataclass(frozen=True)
class Depot:
    latitude: float
    longitude: float
    starts_at: int = 9 * 60
    ends_at: int = 18 * 60


@dataclass(frozen=True)
class Visit:
    stop_id: int
    arrival: int  # minutes after midnight: when service starts (after any wait for the window)


@dataclass
class Plan:
    routes: dict[int, list[Visit]] = field(default_factory=dict)  # driver id -> visits in order
    unplanned: dict[int, str] = field(default_factory=dict)  # stop id -> why

    def length_km(self, depot: Depot, stops: Sequence[Stop]) -> float:
        return sum(route_km(depot, [s.stop_id for s in route], stops) for route in self.routes.values())


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def travel_minutes(km: float, speed_kmh: float) -> int:
    return math.ceil(km * ROAD_FACTOR / speed_kmh * 60)


def route_km(depot: Depot, order: Sequence[int], stops: Sequence[Stop]) -> float:
    """Road kilometres (straight line x ROAD_FACTOR) from the depot through `order` and back."""
    by_id = {stop.id: stop for stop in stops}
    points = [(depot.latitude, depot.longitude)]
    points += [(by_id[i].latitude, by_id[i].longitude) for i in order]
    points.append(points[0])
    if len(points) == 2:
        return 0.0
    return sum(haversine_km(a, b) for a, b in zip(points, points[1:], strict=False)) * ROAD_FACTOR


def plan_run(
    depot: Depot,
    stops: Sequence[Stop],
    drivers: Sequence[Driver],
    *,
    speed_kmh: float,
    service_minutes: int,
    seconds: float = 5.0,
) -> Plan:
    """Assign and order the stops; `seconds` bounds the search (the first solution comes in well under it)."""
    plan = Plan(routes={driver.id: [] for driver in drivers})
    biggest = max((driver.capacity for driver in drivers), default=0)
    candidates = []
    for stop in stops:
        clipped = [(max(a, depot.starts_at), min(b, depot.ends_at)) for a, b in stop.windows]
        usable = [(a, b) for a, b in clipped if b - a >= max(service_minutes, 1)]
        if not usable:
            plan.unplanned[stop.id] = REASON_CLOSED
        elif stop.packs > biggest:
            plan.unplanned[stop.id] = REASON_TOO_BIG
        else:
            candidates.append(Stop(stop.id, stop.latitude, stop.longitude, stop.packs, tuple(sorted(usable))))
    if not candidates or not drivers:
        return plan
    # Cheapest insertion gives the fullest plans but may not finish its first plan on a large run with many
    # split windows (a Friday); then the rest of the budget goes to the quick cheapest-arc start.
    strategies = (FIRST.LOCAL_CHEAPEST_INSERTION, FIRST.PATH_CHEAPEST_ARC)
    for strategy, share in zip(strategies, (0.7, 0.3), strict=True):
        plan.unplanned = {k: v for k, v in plan.unplanned.items() if k not in {c.id for c in candidates}}
        plan.routes = {driver.id: [] for driver in drivers}
        budget = seconds * share if len(candidates) > 60 else seconds
        if _solve(plan, depot, candidates, drivers, speed_kmh, service_minutes, budget, strategy):
            break
    return plan


def _solve(
    plan: Plan,
    depot: Depot,
    stops: list[Stop],
    drivers: Sequence[Driver],
    speed_kmh: float,
    service_minutes: int,
    seconds: float,
    strategy: int,
) -> bool:
    """One search; False when it found no plan at all (every stop is then marked REASON_SEARCH)."""
    points = [(depot.latitude, depot.longitude), *((s.latitude, s.longitude) for s in stops)]
    size = len(points)
    travel = [[travel_minutes(haversine_km(a, b), speed_kmh) for b in points] for a in points]
    metres = [[int(haversine_km(a, b) * ROAD_FACTOR * 1000) for b in points] for a in points]
    manager = pywrapcp.RoutingIndexManager(size, len(drivers), 0)
    routing = pywrapcp.RoutingModel(manager)

    # Matrices and vectors live in the solver (C++): no Python call per arc, which keeps 300 stops fast.
    timing = [[travel[a][b] + (service_minutes if a else 0) for b in range(size)] for a in range(size)]
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(metres))
    time_index = routing.RegisterTransitMatrix(timing)
    routing.AddDimension(time_index, 24 * 60, 24 * 60, False, "time")
    clock = routing.GetDimensionOrDie("time")
    for node, stop in enumerate(stops, start=1):
        cumul = clock.CumulVar(manager.NodeToIndex(node))
        first, last = stop.windows[0][0], stop.windows[-1][1] - service_minutes
        cumul.SetRange(first, last)
        for (_, closes), (opens, _) in zip(stop.windows, stop.windows[1:], strict=False):
            if closes - service_minutes < opens:  # the gap between two intervals (e.g. Friday prayer)
                cumul.RemoveInterval(max(closes - service_minutes + 1, 0), opens - 1)
        routing.AddDisjunction([manager.NodeToIndex(node)], DROP_PENALTY)
    for vehicle in range(len(drivers)):
        clock.CumulVar(routing.Start(vehicle)).SetRange(depot.starts_at, depot.ends_at)
        clock.CumulVar(routing.End(vehicle)).SetRange(depot.starts_at, depot.ends_at)
    packs = [0, *(s.packs for s in stops)]
    load_index = routing.RegisterUnaryTransitVector(packs)
    routing.AddDimensionWithVehicleCapacity(load_index, 0, [d.capacity for d in drivers], True, "packs")

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = strategy
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    parameters.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(parameters)
    visited: set[int] = set()
    if solution is not None:
        for vehicle, driver in enumerate(drivers):
            index = routing.Start(vehicle)
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                if node:
                    stop = stops[node - 1]
                    plan.routes[driver.id].append(Visit(stop.id, solution.Min(clock.CumulVar(index))))
                    visited.add(stop.id)
                index = solution.Value(routing.NextVar(index))
    room = sum(d.capacity for d in drivers)
    for stop in stops:
        if stop.id in visited:
            continue
        if not visited:  # the search stopped before its first plan: say so rather than blame the windows
            plan.unplanned[stop.id] = REASON_SEARCH
        else:
            plan.unplanned[stop.id] = REASON_NO_ROOM if sum(s.packs for s in stops) > room else REASON_NO_TIME
    return bool(visited)


def timed_route(
    depot: Depot, order: Sequence[int], stops: Sequence[Stop], *, speed_kmh: float, service_minutes: int
) -> list[Visit]:
    """Arrival times for a hand-made order: drive, wait for the next open interval, serve. A stop that can
    no longer be served that day gets arrival -1 (the page warns about it)."""
    by_id = {stop.id: stop for stop in stops}
    here = (depot.latitude, depot.longitude)
    now = depot.starts_at
    visits = []
    for stop_id in order:
        stop = by_id[stop_id]
        now += travel_minutes(haversine_km(here, (stop.latitude, stop.longitude)), speed_kmh)
        start = next((max(now, a) for a, b in stop.windows if max(now, a) + service_minutes <= b), None)
        if start is None:
            visits.append(Visit(stop_id, -1))
        else:
            visits.append(Visit(stop_id, start))
            now = start + service_minutes
        here = (stop.latitude, stop.longitude)
    return visits
