"""Geocoding against a local stand-in service that enforces a rate limit; the cache; and
no request at all when no service is configured."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.app import geocoding
from fieldcrm.domain.geo import Point
from fieldcrm.store import Store
from tests.helpers.standins import Geocoder, serving

PLACES = {
    "Hauptstr. 1, 80331 München, Deutschland": (48.137, 11.575),
    "Marktplatz 2, 89073 Ulm": (48.398, 9.992),
    "89073 Ulm": (48.40, 9.99),
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "db.sqlite")
    yield s
    s.close()


def customers(store: Store) -> dict[str, str]:
    ids = {
        "munich": store.create(
            "customer",
            {
                "name": "A",
                "status": "active",
                "street": "Hauptstr. 1",
                "postal_code": "80331",
                "city": "München",
                "country": "Deutschland",
            },
        ),
        "ulm": store.create(
            "customer",
            {
                "name": "B",
                "status": "active",
                "street": "Marktplatz 2",
                "postal_code": "89073",
                "city": "Ulm",
            },
        ),
        "ulm_too": store.create(
            "customer", {"name": "C", "status": "active", "postal_code": "89073", "city": "Ulm"}
        ),
        "unknown": store.create(
            "customer", {"name": "D", "status": "active", "street": "Nirgendwo 9", "city": "Xyz"}
        ),
        "no_address": store.create("customer", {"name": "E", "status": "active"}),
        "placed": store.create(
            "customer",
            {"name": "F", "status": "active", "city": "Ulm", "latitude": 1.0, "longitude": 2.0},
        ),
    }
    return ids


def place(store: Store, cid: str) -> tuple[float | None, float | None]:
    row = store.get("customer", cid)
    assert row is not None
    return row["latitude"], row["longitude"]


def test_polite_client_is_never_refused_and_asks_each_address_once(store: Store) -> None:
    ids = customers(store)
    service_side = Geocoder(PLACES, min_interval=0.2)
    with serving(service_side) as url:
        service = geocoding.GeocodingService(url, min_interval=0.25)
        found = geocoding.geocode_missing(store, service, limit=2)  # two batches and more
        assert found == 3
        assert service_side.refused == 0
        asked = [q for _, q in service_side.answered]
        assert sorted(asked) == sorted([*PLACES, "Nirgendwo 9, Xyz"])
        # Everything is cached: a second run asks nothing, even about the unknown one.
        assert geocoding.geocode_missing(store, service) == 0
        assert len(service_side.answered) == 4
        service.close()
    assert place(store, ids["munich"]) == (48.137, 11.575)
    assert place(store, ids["ulm"]) == (48.398, 9.992)
    assert place(store, ids["ulm_too"]) == (48.4, 9.99)
    assert place(store, ids["unknown"]) == (None, None)
    assert place(store, ids["no_address"]) == (None, None)
    assert place(store, ids["placed"]) == (1.0, 2.0)
    # the coordinates go to the server like any edit
    sent = [e["fields"] for e in store.outbox_entries() if e["row_id"] == ids["ulm"]]
    assert sent[-1] == {"latitude": 48.398, "longitude": 9.992}


def test_a_client_too_fast_waits_out_429_and_loses_nothing(store: Store) -> None:
    ids = customers(store)
    service_side = Geocoder(PLACES, min_interval=0.5)
    with serving(service_side) as url:
        service = geocoding.GeocodingService(url, min_interval=0.0)
        assert geocoding.geocode_missing(store, service) == 3
        service.close()
    assert service_side.refused > 0  # it was too fast, was told so, and slowed down
    times = [at for at, _ in service_side.answered]
    assert all(b - a >= 0.5 for a, b in itertools.pairwise(times))
    assert place(store, ids["ulm_too"]) == (48.4, 9.99)


def test_a_service_that_never_relents_is_reported(store: Store) -> None:
    customers(store)
    service_side = Geocoder(PLACES, min_interval=3600)
    with serving(service_side) as url:
        service = geocoding.GeocodingService(url, min_interval=0.0, max_attempts=2)
        service._sleep = lambda _s: None  # the test does not wait out the hour
        first = geocoding.geocode_batch(store, service, limit=1)  # the first is answered
        geocoding.save_geocodes(store, first)
        with pytest.raises(geocoding.GeocodingUnavailable, match="slow down"):
            geocoding.geocode_missing(store, service, limit=1)
        service.close()
    assert len(service_side.answered) == 1 and service_side.refused == 2


def test_an_unreachable_service_is_reported_and_nothing_is_written(store: Store) -> None:
    ids = customers(store)
    with serving(Geocoder(PLACES, 0)) as url:
        pass  # the server is gone again: its port refuses connections
    service = geocoding.GeocodingService(url, min_interval=0.0)
    with pytest.raises(geocoding.GeocodingUnavailable, match="unreachable"):
        geocoding.geocode_missing(store, service)
    service.close()
    assert place(store, ids["munich"]) == (None, None)


def test_address_query() -> None:
    assert geocoding.address_query("Weg 1", "12345", "Ort", None) == "Weg 1, 12345 Ort"
    assert geocoding.address_query("Weg 1", None, None, "DE") is None
    assert Point(1, 2) == Point(1.0, 2.0)
