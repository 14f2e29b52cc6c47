"""Coordinates for customers' addresses from a Nominatim-compatible geocoding service.

The service's address is set by IT (policy setting ``geocoding_url``); without one nothing
is looked up and nothing leaves the laptop. Requests go one at a time, at most one per
``min_interval`` seconds (Nominatim's public policy is one a second), and a 429 or 503
answer is waited out (``Retry-After``). Every answer, a place or "not found", is kept in
the local ``geocode_cache`` so an address is asked about once. Customers are looked up in
batches; each batch is saved in one transaction (the coordinates sync like any edit).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import sqlalchemy as sa

from fieldcrm import __version__
from fieldcrm.app.changes import Changes
from fieldcrm.domain.geo import Point
from fieldcrm.store import Store
from fieldcrm.store import tables as t

BATCH = 20
RETRY_STATUSES = frozenset({429, 503})


class GeocodingUnavailable(Exception):
    """The service could not be reached or kept refusing; try again later."""


class GeocodingService:
    """One Nominatim-compatible ``/search`` endpoint, used politely."""

    def __init__(
        self,
        base_url: str,
        *,
        min_interval: float = 1.0,
        max_attempts: int = 5,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = 20.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.min_interval = min_interval
        self.max_attempts = max_attempts
        self._sleep = sleep
        self._clock = clock
        self._last: float | None = None
        self.requests = 0
        self.http = httpx.Client(
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": f"FieldCRM/{__version__}"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self.http.close()

    def _wait_turn(self, at_least: float = 0.0) -> None:
        """Wait until ``min_interval`` has passed since the last answer arrived (counting
        from the answer, not the request, the service never sees two requests closer)."""
        if self._last is not None:
            wait = max(self._last + self.min_interval - self._clock(), at_least)
            if wait > 0:
                self._sleep(wait)

    def search(self, query: str) -> Point | None:
        """The first place the service finds for ``query``, or None."""
        params = {"q": query, "format": "jsonv2", "limit": "1", "addressdetails": "0"}
        retry_after = 0.0
        for _attempt in range(self.max_attempts):
            self._wait_turn(retry_after)
            self.requests += 1
            try:
                response = self.http.get(f"{self.base_url}/search", params=params)
            except httpx.TransportError as exc:
                raise GeocodingUnavailable(f"the geocoding service is unreachable ({exc})") from exc
            finally:
                self._last = self._clock()
            if response.status_code in RETRY_STATUSES:
                retry_after = _retry_after(response, self.min_interval)
                continue
            if response.status_code != 200:
                raise GeocodingUnavailable(f"the geocoding service answered {response.status_code}")
            try:
                found = response.json()
                if not found:
                    return None
                return Point(float(found[0]["lat"]), float(found[0]["lon"]))
            except (ValueError, LookupError, TypeError):
                raise GeocodingUnavailable(
                    "the geocoding service sent an answer that is not a place"
                ) from None
        raise GeocodingUnavailable("the geocoding service kept asking to slow down")


def _retry_after(response: httpx.Response, fallback: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return max(1.0, 2 * fallback)


def address_query(
    street: str | None, postal_code: str | None, city: str | None, country: str | None
) -> str | None:
    """The text the service is asked; None when there is no city or postal code."""
    if not (postal_code or city):
        return None
    place = " ".join(p for p in (postal_code, city) if p)
    return ", ".join(p for p in (street, place, country) if p)


@dataclass(slots=True)
class GeocodeBatch:
    #: (customer id, address asked, place found or None)
    answers: list[tuple[str, str, Point | None]] = field(default_factory=list)
    #: Customers still without coordinates and not yet asked about after this batch.
    more: bool = False

    @property
    def found(self) -> int:
        return sum(1 for _, _, point in self.answers if point is not None)


def customers_to_geocode(store: Store, limit: int) -> tuple[list[tuple[str, str]], bool]:
    """(customer id, address) of up to ``limit`` live customers without coordinates whose
    address was not asked about yet, and whether there are more."""
    sql = sa.text(
        "SELECT c.id, c.street, c.postal_code, c.city, c.country FROM customer AS c "
        "WHERE c.deleted = 0 AND (c.latitude IS NULL OR c.longitude IS NULL) "
        "AND (c.city IS NOT NULL OR c.postal_code IS NOT NULL) ORDER BY c.id"
    )
    out: list[tuple[str, str]] = []
    with store.read() as conn:
        asked = set(conn.execute(sa.select(t.geocode_cache.c.query)).scalars())
        for row in conn.execute(sql):
            query = address_query(row.street, row.postal_code, row.city, row.country)
            if query is None or query in asked:
                continue
            if len(out) == limit:
                return out, True
            out.append((row.id, query))
    return out, False


def geocode_batch(store: Store, service: GeocodingService, limit: int = BATCH) -> GeocodeBatch:
    """Ask the service about one batch (reads only; ``save_geocodes`` writes)."""
    todo, more = customers_to_geocode(store, limit)
    batch = GeocodeBatch(more=more)
    answered: dict[str, Point | None] = {}
    for customer_id, query in todo:
        if query not in answered:
            answered[query] = service.search(query)
        batch.answers.append((customer_id, query, answered[query]))
    return batch


def save_geocodes(store: Store, batch: GeocodeBatch) -> Changes:
    """Keep every answer in the cache and give customers still without coordinates the
    place found, in one transaction."""
    now = store.now_text()
    with store.write() as uow:
        for customer_id, query, point in batch.answers:
            uow.connection.execute(
                sa.text(
                    "INSERT OR REPLACE INTO geocode_cache (query, latitude, longitude, "
                    "looked_up_at) VALUES (:q, :lat, :lon, :at)"
                ),
                {
                    "q": query,
                    "lat": None if point is None else point.latitude,
                    "lon": None if point is None else point.longitude,
                    "at": now,
                },
            )
            if point is None:
                continue
            row = uow.connection.execute(
                sa.text("SELECT latitude FROM customer WHERE id = :id AND deleted = 0"),
                {"id": customer_id},
            ).first()
            if row is not None and row.latitude is None:
                uow.update(
                    "customer",
                    customer_id,
                    {"latitude": round(point.latitude, 6), "longitude": round(point.longitude, 6)},
                )
    return Changes.of("customer")


def geocode_missing(store: Store, service: GeocodingService, limit: int = BATCH) -> int:
    """Every customer without coordinates, batch by batch; returns how many got some."""
    found = 0
    while True:
        batch = geocode_batch(store, service, limit)
        if batch.answers:
            save_geocodes(store, batch)
            found += batch.found
        if not batch.more:
            return found
