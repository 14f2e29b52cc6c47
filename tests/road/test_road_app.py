"""The day's route and the nearby list as the desktop uses them (store, no widgets)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from fieldcrm.app import road
from fieldcrm.domain.geo import Point, distance_km
from fieldcrm.domain.validation import format_datetime, parse_datetime
from fieldcrm.sampledata.demo import seed_user
from fieldcrm.store import Store

DAY = date(2026, 6, 3)
HOME = Point(48.137, 11.575)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "db.sqlite")
    yield s
    s.close()


def local(day: date, hour: int, minute: int = 0) -> str:
    return format_datetime(datetime(day.year, day.month, day.day, hour, minute).astimezone())


def customer(store: Store, name: str, place: Point | None, cadence: int | None = None) -> str:
    values: dict[str, object] = {"name": name, "status": "active", "city": "München"}
    if place is not None:
        values |= {"latitude": place.latitude, "longitude": place.longitude}
    if cadence is not None:
        values["visit_cadence_days"] = cadence
    return store.create("customer", values)


def visit(store: Store, cid: str, rep: str, start: str, *, fixed: bool = False) -> str:
    end = format_datetime(parse_datetime(start) + timedelta(minutes=45))
    return store.create(
        "visit",
        {
            "customer_id": cid,
            "rep_id": rep,
            "status": "planned",
            "planned_start": start,
            "planned_end": end,
            "fixed_time": fixed,
        },
    )


def zigzag_day(store: Store, rep: str) -> list[str]:
    """Five visits planned west, east, west, east, west: the route must untangle them."""
    xs = [0.0, 0.4, 0.1, 0.3, 0.2]
    ids = []
    for i, x in enumerate(xs):
        cid = customer(store, f"Kunde {i}", Point(48.137, 11.4 + x))
        ids.append(visit(store, cid, rep, local(DAY, 9 + i)))
    return ids


def test_route_orders_the_day_and_apply_moves_the_times(store: Store) -> None:
    rep = seed_user(store)["id"]
    ids = zigzag_day(store, rep)
    route = road.plan_day(store, DAY, rep, HOME)
    assert route.total_km < route.current_km
    assert len(route.legs_km) == 6 and route.from_home
    order = [s["visit_id"] for s in route.stops]
    assert sorted(order) == sorted(ids)
    slots = [local(DAY, 9 + i) for i in range(5)]
    assert [t.planned_start for t in route.new_times] == slots

    road.apply_route(store, route)

    again = road.day_stops(store, DAY, rep)
    assert [s["visit_id"] for s in again] == order  # the planned times follow the route
    for stop in again:
        length = parse_datetime(stop["planned_end"] or "") - parse_datetime(stop["planned_start"])
        assert length == timedelta(minutes=45)
    assert road.plan_day(store, DAY, rep, HOME).total_km == pytest.approx(route.total_km)


def test_fixed_time_visit_keeps_its_time_when_applied(store: Store) -> None:
    rep = seed_user(store)["id"]
    ids = zigzag_day(store, rep)
    road.set_fixed_time(store, ids[1], True)
    route = road.plan_day(store, DAY, rep, HOME)
    assert route.stops[1]["visit_id"] == ids[1]
    road.apply_route(store, route)
    row = store.get("visit", ids[1])
    assert row is not None and row["planned_start"] == local(DAY, 10) and row["fixed_time"]


def test_apply_is_refused_when_a_visit_moved_meanwhile(store: Store) -> None:
    rep = seed_user(store)["id"]
    ids = zigzag_day(store, rep)
    route = road.plan_day(store, DAY, rep, HOME)
    store.update("visit", ids[0], {"planned_start": local(DAY, 7), "planned_end": None})
    with pytest.raises(road.RouteOutdated, match="plan the route again"):
        road.apply_route(store, route)
    assert [store.get("visit", i)["planned_start"] for i in ids[1:]] == [  # type: ignore[index]
        local(DAY, 9 + i) for i in range(1, 5)
    ]


def test_visits_without_coordinates_are_listed_and_keep_their_time(store: Store) -> None:
    rep = seed_user(store)["id"]
    zigzag_day(store, rep)
    nowhere = customer(store, "Ohne Adresse", None)
    vid = visit(store, nowhere, rep, local(DAY, 8))
    route = road.plan_day(store, DAY, rep, None)
    assert [s["visit_id"] for s in route.unplaced] == [vid]
    assert len(route.stops) == 5 and not route.from_home
    assert vid not in {t.visit_id for t in route.new_times}


def test_only_the_reps_planned_visits_of_that_day(store: Store) -> None:
    rep = seed_user(store)["id"]
    other = seed_user(store, "bert", "Bert Berg")["id"]
    cid = customer(store, "A", HOME)
    mine = visit(store, cid, rep, local(DAY, 10))
    visit(store, cid, other, local(DAY, 11))
    visit(store, cid, rep, local(DAY + timedelta(days=1), 10))
    done = visit(store, cid, rep, local(DAY, 12))
    store.update("visit", done, {"status": "done"})
    assert [s["visit_id"] for s in road.day_stops(store, DAY, rep)] == [mine]


def test_nearby_overdue_first_then_nearest_and_one_click_plans(store: Store) -> None:
    rep = seed_user(store)["id"]
    near = customer(store, "Nah", Point(48.14, 11.58))
    far_overdue = customer(store, "Fällig", Point(48.16, 11.60), cadence=30)
    customer(store, "Weit weg", Point(48.5, 12.5))
    index = road.nearby_index(store)
    rows = index.near(HOME, 10.0)
    assert [r["customer_id"] for r in rows] == [far_overdue, near]
    assert rows[0]["overdue"] and not rows[1]["overdue"]
    assert rows[1]["distance_km"] == pytest.approx(distance_km(HOME, Point(48.14, 11.58)))

    road.plan_nearby_visit(store, near, DAY, rep)
    road.plan_nearby_visit(store, far_overdue, DAY, rep)
    stops = road.day_stops(store, DAY, rep)
    assert [s["customer_id"] for s in stops] == [near, far_overdue]
    assert stops[0]["planned_start"] == local(DAY, road.DAY_STARTS_AT_HOUR)
    assert stops[1]["planned_start"] == stops[0]["planned_end"]


def test_nearby_a_route_excludes_its_own_stops(store: Store) -> None:
    rep = seed_user(store)["id"]
    ids = zigzag_day(store, rep)
    extra = customer(store, "Am Weg", Point(48.139, 11.45))
    route = road.plan_day(store, DAY, rep, HOME)
    points = [road.point_of(s) for s in route.stops]
    rows = road.nearby_index(store).near_any(
        [p for p in points if p], 5.0, exclude=[s["customer_id"] for s in route.stops]
    )
    assert [r["customer_id"] for r in rows] == [extra]
    assert len(ids) == 5


def test_nearby_index_matches_a_scan_over_many_customers(store: Store) -> None:
    rng = random.Random(3)
    with store.write() as uow:
        for i in range(800):
            uow.create(
                "customer",
                {
                    "name": f"K{i}",
                    "status": "active",
                    "latitude": 48 + rng.random(),
                    "longitude": 11 + rng.random(),
                },
            )
    index = road.nearby_index(store)
    centre = Point(48.5, 11.5)
    rows = index.near(centre, 8.0, limit=10_000)
    scan = [
        cid for cid, v in index.customers.items() if distance_km(centre, Point(v[3], v[4])) <= 8.0
    ]
    assert sorted(r["customer_id"] for r in rows) == sorted(scan)
    assert [r["distance_km"] for r in rows] == sorted(r["distance_km"] for r in rows)


def test_a_pin_placed_by_hand_is_saved_and_synced(store: Store) -> None:
    cid = customer(store, "Ohne", None)
    road.set_pin(store, cid, Point(48.1234567, 11.7654321))
    row = store.get("customer", cid)
    assert row is not None and (row["latitude"], row["longitude"]) == (48.123457, 11.765432)
    assert store.outbox_entries()[-1]["fields"] == {"latitude": 48.123457, "longitude": 11.765432}
