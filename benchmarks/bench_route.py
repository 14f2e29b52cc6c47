"""The day's route for 50 stops, and customers nearby over the 100,000 customers of the
standard dataset.

Budgets (issue "Plan the road"): a route of 50 stops in at most 200 ms; a nearby query
over 100,000 customers in at most 50 ms at the 95th percentile (a grid index in memory,
not a scan per query).

    python -m benchmarks.bench_route --days 20 --queries 1000
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from benchmarks.dataset import SIZES, customers
from fieldcrm.app.road import NearbyIndex
from fieldcrm.domain.geo import GeoGrid, Point
from fieldcrm.domain.route import Stop, distance_matrix, plan_route, tour_length


def day(n: int, seed: int) -> tuple[Point, list[Stop]]:
    rng = random.Random(seed)
    home = Point(48.1 + rng.random() * 0.1, 11.5 + rng.random() * 0.2)
    return home, [
        Stop(f"v{i}", Point(47.9 + rng.random() * 0.5, 11.1 + rng.random() * 0.8)) for i in range(n)
    ]


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def bench_route(days: int, stops: int) -> None:
    times, ratios = [], []
    try:
        import elkai
    except ImportError:  # the dev extra has it
        elkai = None
    for seed in range(days):
        home, day_stops = day(stops, 9000 + seed)
        started = time.perf_counter()
        route = plan_route(home, day_stops)
        times.append(time.perf_counter() - started)
        if elkai is not None:
            dist = distance_matrix(home, day_stops)
            metres = [[round(km * 1000) for km in row] for row in dist]
            reference = tour_length(dist, elkai.DistanceMatrix(metres).solve_tsp(runs=10))
            ratios.append(route.total_km / reference)
    ms = [t * 1000 for t in times]
    print(
        f"route, {stops} stops, {days} days: median {statistics.median(ms):.1f} ms, "
        f"p95 {p95(ms):.1f} ms, max {max(ms):.1f} ms"
    )
    if ratios:
        print(
            f"  length / LKH: mean {statistics.mean(ratios):.4f}, worst {max(ratios):.4f} "
            f"({sum(r <= 1.0 + 1e-9 for r in ratios)} of {len(ratios)} days equal)"
        )


def bench_nearby(queries: int) -> None:
    rng = random.Random(4)
    places: dict[str, tuple[str | None, str | None, bool, float, float]] = {}
    for row in customers(SIZES["standard"]):
        if row["latitude"] is not None:
            places[row["id"]] = (
                row["name"],
                row["city"],
                rng.random() < 0.2,
                row["latitude"],
                row["longitude"],
            )
    started = time.perf_counter()
    index = NearbyIndex(GeoGrid((k, v[3], v[4]) for k, v in places.items()), places)
    built = time.perf_counter() - started
    keys = list(places)
    single, route = [], []
    found = []
    for _ in range(queries):
        here = places[rng.choice(keys)]
        started = time.perf_counter()
        rows = index.near(Point(here[3], here[4]), 10.0)
        single.append((time.perf_counter() - started) * 1000)
        found.append(len(rows))
    for _ in range(max(1, queries // 10)):
        stops = [places[rng.choice(keys)] for _ in range(8)]
        started = time.perf_counter()
        index.near_any([Point(s[3], s[4]) for s in stops], 5.0)
        route.append((time.perf_counter() - started) * 1000)
    print(
        f"nearby over {len(places):,} customers with coordinates (index built in "
        f"{built:.2f} s): 10 km around a customer p95 {p95(single):.1f} ms, max "
        f"{max(single):.1f} ms (median {statistics.median(found):.0f} customers found); "
        f"5 km around an 8-stop route p95 {p95(route):.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--stops", type=int, default=50)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args(argv)
    bench_route(args.days, args.stops)
    bench_nearby(args.queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
