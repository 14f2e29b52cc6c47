"""Planning the road: the order of a day's visits, moving their times to it, and the
customers near a place or a route ("while you're here"), overdue ones first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

import sqlalchemy as sa

from fieldcrm.app.changes import Changes
from fieldcrm.app.customers import OVERDUE_SQL, utc_now
from fieldcrm.app.visits import local_day_bounds
from fieldcrm.domain.geo import GeoGrid, Point
from fieldcrm.domain.route import Stop, distance_matrix, plan_route, route_of
from fieldcrm.domain.validation import format_datetime, parse_datetime
from fieldcrm.store import Store

#: A visit planned from the nearby list lasts this long.
NEARBY_VISIT_MINUTES = 60
#: The first visit of an empty day starts at this local hour.
DAY_STARTS_AT_HOUR = 9


class DayStop(TypedDict):
    """A planned visit of the day with its customer's place."""

    visit_id: str
    customer_id: str
    customer_name: str | None
    customer_city: str | None
    planned_start: str
    planned_end: str | None
    fixed_time: bool
    latitude: float | None
    longitude: float | None


class NearbyCustomer(TypedDict):
    """A customer near a place: how far (km), and whether a visit is overdue."""

    customer_id: str
    name: str | None
    city: str | None
    distance_km: float
    overdue: bool
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class NewTime:
    visit_id: str
    planned_start: str
    planned_end: str | None
    #: The start the plan was made from: apply refuses if the visit moved meanwhile.
    was_start: str


@dataclass(frozen=True, slots=True)
class DayRoute:
    """The day's stops in driving order with each leg (km) and the totals."""

    day: date
    stops: list[DayStop]
    legs_km: list[float]
    total_km: float
    #: The day driven in the order of its planned times, for comparison.
    current_km: float
    #: Visits whose customer has no coordinates: not routed, their times stay.
    unplaced: list[DayStop] = field(default_factory=list)
    new_times: list[NewTime] = field(default_factory=list)
    #: A home base was given: the day starts and ends there (one leg more than stops).
    from_home: bool = False


def point_of(row: DayStop | NearbyCustomer) -> Point | None:
    lat, lon = row.get("latitude"), row.get("longitude")
    if lat is None or lon is None:
        return None
    return Point(float(lat), float(lon))


def day_stops(store: Store, day: date, rep_id: str | None) -> list[DayStop]:
    """The planned visits of ``rep_id`` on the local day ``day``, by planned time."""
    start, end = local_day_bounds(day)
    params: dict[str, Any] = {"start": start, "end": end, "rep": rep_id}
    sql = sa.text(
        "SELECT v.id AS visit_id, v.customer_id, c.name AS customer_name, "
        "c.city AS customer_city, v.planned_start, v.planned_end, "
        "COALESCE(v.fixed_time, 0) AS fixed_time, c.latitude, c.longitude "
        "FROM visit AS v JOIN customer AS c ON c.id = v.customer_id "
        "WHERE v.deleted = 0 AND c.deleted = 0 AND v.status = 'planned' "
        "AND v.planned_start >= :start AND v.planned_start < :end "
        + ("AND v.rep_id = :rep " if rep_id else "")
        + "ORDER BY v.planned_start, v.id"
    )
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sql, params)]
    for row in rows:
        row["fixed_time"] = bool(row["fixed_time"])
    return rows  # type: ignore[return-value]


def plan_day(store: Store, day: date, rep_id: str | None, home: Point | None) -> DayRoute:
    return route_for(day, day_stops(store, day, rep_id), home)


def route_for(day: date, stops: Sequence[DayStop], home: Point | None) -> DayRoute:
    """The shortest order of ``stops`` (fixed-time visits keep their place) and the
    planned times that follow: the day's time slots, taken in the new order."""
    placed = [s for s in stops if point_of(s) is not None]
    unplaced = [s for s in stops if point_of(s) is None]
    route_stops = [Stop(s["visit_id"], point_of(s), s["fixed_time"]) for s in placed]  # type: ignore[arg-type]
    current = _as_planned_km(home, route_stops)
    route = plan_route(home, route_stops)
    by_id = {s["visit_id"]: s for s in placed}
    ordered = [by_id[key] for key in route.order]
    slots = [s["planned_start"] for s in placed]  # already in time order
    new_times = []
    for slot, stop in zip(slots, ordered, strict=True):
        end = None
        if stop["planned_end"]:
            length = parse_datetime(stop["planned_end"]) - parse_datetime(stop["planned_start"])
            end = format_datetime(parse_datetime(slot) + length)
        new_times.append(NewTime(stop["visit_id"], slot, end, stop["planned_start"]))
    return DayRoute(
        day,
        ordered,
        list(route.legs_km),
        route.total_km,
        current,
        unplaced,
        new_times,
        home is not None,
    )


def _as_planned_km(home: Point | None, stops: Sequence[Stop]) -> float:
    if not stops:
        return 0.0
    tour = [0, *range(1, len(stops) + 1), 0]
    return route_of(home, stops, tour, distance_matrix(home, stops)).total_km


class RouteOutdated(ValueError):
    """A visit of the day moved after its route was planned."""


def apply_route(store: Store, route: DayRoute) -> Changes:
    """Move the planned times to the route's order (one transaction); refused, with
    nothing changed, when a visit was moved meanwhile."""
    with store.write() as uow:
        for new in route.new_times:
            current = uow.connection.execute(
                sa.text("SELECT planned_start FROM visit WHERE id = :id AND deleted = 0"),
                {"id": new.visit_id},
            ).scalar()
            if current != new.was_start:
                raise RouteOutdated(
                    "A visit of this day was changed after the route was planned; "
                    "plan the route again."
                )
        for new in route.new_times:
            if new.planned_start != new.was_start:
                uow.update(
                    "visit",
                    new.visit_id,
                    {"planned_start": new.planned_start, "planned_end": new.planned_end},
                )
    return Changes.of("visit")


def set_fixed_time(store: Store, visit_id: str, fixed: bool) -> Changes:
    store.update("visit", visit_id, {"fixed_time": fixed})
    return Changes.of("visit", id=visit_id)


# ---- nearby --------------------------------------------------------------------------------


@dataclass(slots=True)
class NearbyIndex:
    """Every live customer with coordinates, in a grid, with its overdue flag."""

    grid: GeoGrid
    customers: dict[str, tuple[str | None, str | None, bool, float, float]]

    def near(
        self, centre: Point, radius_km: float, *, limit: int = 100, exclude: Iterable[str] = ()
    ) -> list[NearbyCustomer]:
        return self.near_any([centre], radius_km, limit=limit, exclude=exclude)

    def near_any(
        self,
        centres: Sequence[Point],
        radius_km: float,
        *,
        limit: int = 100,
        exclude: Iterable[str] = (),
    ) -> list[NearbyCustomer]:
        """Customers within ``radius_km`` of any of ``centres`` (a route's stops), overdue
        first, then the nearest; ``distance_km`` from the nearest centre."""
        skip = set(exclude)
        best: dict[str, float] = {}
        for centre in centres:
            for key, km in self.grid.within(centre, radius_km):
                if key not in skip and km < best.get(key, float("inf")):
                    best[key] = km
        ranked = sorted(best.items(), key=lambda kv: (not self.customers[kv[0]][2], kv[1]))
        out: list[NearbyCustomer] = []
        for key, km in ranked[:limit]:
            name, city, overdue, lat, lon = self.customers[key]
            out.append(
                NearbyCustomer(
                    customer_id=key,
                    name=name,
                    city=city,
                    distance_km=km,
                    overdue=overdue,
                    latitude=lat,
                    longitude=lon,
                )
            )
        return out


def nearby_index(store: Store, now: datetime | None = None) -> NearbyIndex:
    """Read every live customer with coordinates once (seconds over 100,000 customers on
    a slow laptop; the desktop builds it off the GUI thread and queries it in memory)."""
    now_text = format_datetime(now or utc_now())
    sql = sa.text(
        f"SELECT c.id, c.name, c.city, c.latitude, c.longitude, {OVERDUE_SQL} AS overdue "
        "FROM customer AS c WHERE c.deleted = 0 AND c.latitude IS NOT NULL "
        "AND c.longitude IS NOT NULL"
    )
    customers: dict[str, tuple[str | None, str | None, bool, float, float]] = {}
    with store.read() as conn:
        for row in conn.execute(sql, {"now": now_text}):
            customers[row.id] = (
                row.name,
                row.city,
                bool(row.overdue),
                float(row.latitude),
                float(row.longitude),
            )
    grid = GeoGrid((key, v[3], v[4]) for key, v in customers.items())
    return NearbyIndex(grid, customers)


def plan_nearby_visit(store: Store, customer_id: str, day: date, rep_id: str) -> Changes:
    """One click: a visit to the customer after the day's last planned visit (at the start
    of the working day when the day is empty)."""
    stops = day_stops(store, day, rep_id)
    if stops:
        last = stops[-1]
        start = parse_datetime(last["planned_end"] or last["planned_start"])
        if not last["planned_end"]:
            start += timedelta(minutes=NEARBY_VISIT_MINUTES)
    else:
        start = datetime(day.year, day.month, day.day, DAY_STARTS_AT_HOUR).astimezone()
    end = start + timedelta(minutes=NEARBY_VISIT_MINUTES)
    row_id = store.create(
        "visit",
        {
            "customer_id": customer_id,
            "rep_id": rep_id,
            "status": "planned",
            "planned_start": format_datetime(start),
            "planned_end": format_datetime(end),
        },
    )
    return Changes.of("visit", id=row_id)


def set_pin(store: Store, customer_id: str, point: Point) -> Changes:
    """The rep placed the customer's pin by hand."""
    store.update(
        "customer",
        customer_id,
        {"latitude": round(point.latitude, 6), "longitude": round(point.longitude, 6)},
    )
    return Changes.of("customer", id=customer_id)
