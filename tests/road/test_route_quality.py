"""The day's route: equal to the exact optimum (brute force) on days of up to 8 stops,
fixed-time visits in their place, within 5 % of an LKH solver on 50-stop days."""

from __future__ import annotations

import itertools
import random

import pytest

from fieldcrm.domain.geo import GeoGrid, Point, distance_km, parse_point
from fieldcrm.domain.route import (
    Stop,
    distance_matrix,
    exact_tour,
    heuristic_tour,
    plan_route,
    tour_length,
)


def generated_day(n: int, seed: int, fixed_share: float = 0.0) -> tuple[Point, list[Stop]]:
    """A home base near Munich and n customers within about 50 km."""
    rng = random.Random(seed)
    home = Point(48.1 + rng.random() * 0.1, 11.5 + rng.random() * 0.2)
    stops = [
        Stop(
            f"v{i}",
            Point(47.9 + rng.random() * 0.5, 11.1 + rng.random() * 0.8),
            fixed=rng.random() < fixed_share,
        )
        for i in range(n)
    ]
    return home, stops


def brute_force_km(home: Point | None, stops: list[Stop]) -> float:
    """Every order of the free stops over the free places; fixed stops stay put."""
    dist = distance_matrix(home, stops)
    n = len(stops)
    free_places = [p for p in range(1, n + 1) if not stops[p - 1].fixed]
    best = float("inf")
    for perm in itertools.permutations(free_places):
        tour = [0, *range(1, n + 1), 0]
        for place, node in zip(free_places, perm, strict=True):
            tour[place] = node
        best = min(best, tour_length(dist, tour))
    return best


CASES = [(n, seed, share) for n in range(1, 9) for seed in range(4) for share in (0.0, 0.3)]


@pytest.mark.parametrize(("n", "seed", "share"), CASES)
def test_route_equals_the_exact_optimum_on_small_days(n: int, seed: int, share: float) -> None:
    home, stops = generated_day(n, seed * 31 + n, share)
    route = plan_route(home, stops)
    assert route.total_km == pytest.approx(brute_force_km(home, stops), abs=1e-6)
    assert sorted(route.order) == sorted(s.key for s in stops)
    assert len(route.legs_km) == n + 1  # from home, between stops, back home
    assert sum(route.legs_km) == pytest.approx(route.total_km)


@pytest.mark.parametrize("seed", range(6))
def test_local_search_alone_finds_the_optimum_of_8_stop_days(seed: int) -> None:
    """The heuristic (used beyond 9 stops) on its own, against brute force."""
    home, stops = generated_day(8, 1000 + seed, 0.25 if seed % 2 else 0.0)
    dist = distance_matrix(home, stops)
    fixed = [False, *(s.fixed for s in stops), False]
    tour = heuristic_tour(dist, fixed)
    assert tour_length(dist, tour) == pytest.approx(brute_force_km(home, stops), abs=1e-6)
    assert tour_length(dist, exact_tour(dist, fixed)) == pytest.approx(tour_length(dist, tour))


def test_without_a_home_base_the_day_is_an_open_path() -> None:
    # Three stops on a line: the best path drives the line once, 2 legs.
    stops = [Stop(k, Point(48.0, 11.0 + x)) for k, x in (("b", 0.2), ("a", 0.0), ("c", 0.1))]
    route = plan_route(None, stops)
    assert route.order in (("a", "c", "b"), ("b", "c", "a"))
    assert route.legs_km[0] == 0.0 and len(route.legs_km) == 3
    assert route.total_km == pytest.approx(distance_km(stops[1].point, stops[0].point))


@pytest.mark.parametrize("n", [6, 20, 50])
def test_fixed_time_visits_keep_their_place(n: int) -> None:
    home, stops = generated_day(n, 77 + n, 0.3)
    assert any(s.fixed for s in stops)
    route = plan_route(home, stops)
    for place, stop in enumerate(stops):
        if stop.fixed:
            assert route.order[place] == stop.key
    # and the free ones still got a better order than the planned one
    dist = distance_matrix(home, stops)
    assert route.total_km <= tour_length(dist, [0, *range(1, n + 1), 0]) + 1e-9


@pytest.mark.parametrize("seed", range(5))
def test_fifty_stop_days_are_within_5_percent_of_lkh(seed: int) -> None:
    elkai = pytest.importorskip("elkai", reason="the LKH reference solver (dev extra)")
    home, stops = generated_day(50, 5000 + seed)
    route = plan_route(home, stops)
    dist = distance_matrix(home, stops)
    metres = [[round(km * 1000) for km in row] for row in dist]
    reference = tour_length(dist, elkai.DistanceMatrix(metres).solve_tsp(runs=10))
    assert route.total_km <= reference * 1.05
    assert sorted(route.order) == sorted(s.key for s in stops)


def test_grid_finds_exactly_what_a_scan_finds() -> None:
    rng = random.Random(5)
    places = [(f"c{i}", 47 + rng.random() * 3, 9 + rng.random() * 5) for i in range(5000)]
    grid = GeoGrid(places)
    for _ in range(30):
        centre = Point(47 + rng.random() * 3, 9 + rng.random() * 5)
        radius = rng.choice([0.5, 5.0, 25.0, 120.0])
        found = dict(grid.within(centre, radius))
        scan = {
            key: distance_km(centre, Point(lat, lon))
            for key, lat, lon in places
            if distance_km(centre, Point(lat, lon)) <= radius
        }
        assert found.keys() == scan.keys()
        for key, km in found.items():
            assert km == pytest.approx(scan[key])


def test_grid_near_the_date_line_and_poles() -> None:
    rng = random.Random(9)
    # Many places elsewhere, so the query reads cells and does not scan everything.
    others = [(f"o{i}", rng.uniform(-60, 60), rng.uniform(-170, 170)) for i in range(3000)]
    edge = [("east", 10.0, 179.99), ("west", 10.0, -179.99), ("pole", 89.9, 0.0)]
    grid = GeoGrid([*edge, *others])
    assert {k for k, _ in grid.within(Point(10.0, 179.999), 50)} == {"east", "west"}
    assert {k for k, _ in grid.within(Point(89.95, 120.0), 20)} == {"pole"}


@pytest.mark.parametrize(
    ("text", "message"),
    [("48.1", "latitude, longitude"), ("north, east", "numbers"), ("91, 10", "between")],
)
def test_a_bad_place_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_point(text)
    assert parse_point(" 48.137 , 11.575 ") == Point(48.137, 11.575)
