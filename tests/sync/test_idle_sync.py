"""The idle sync: one conditional request answered "nothing changed" (304) while nothing
changed for this user, a full pull when something did, and a full pull with verification
when the last one is older than the engine's full-check interval."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from fieldcrm.store.meta import CURSOR_KEY, LAST_SYNC_KEY, VERIFIED_PULL_KEY
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Area 1")
    srv.territory("South", area="Area 1")
    srv.user("anna", "rep", territory="North")
    srv.user("ben", "rep", territory="North")
    srv.user("sven", "rep", territory="South")
    yield srv
    srv.close()


@pytest.fixture
def laptops(tmp_path: Path, server: InProcessServer) -> Iterator[dict[str, Laptop]]:
    made = {name: Laptop(tmp_path / name, server, name) for name in ("anna", "ben", "sven")}
    for lap in made.values():
        assert lap.sync().ok
    yield made
    for lap in made.values():
        lap.close()


def test_idle_sync_is_one_small_request(laptops: dict[str, Laptop]) -> None:
    anna = laptops["anna"]
    anna.store.set_meta(LAST_SYNC_KEY, None)
    result = anna.sync()
    assert result.ok and result.not_modified
    assert result.requests == 1 and result.pulled == 0
    assert result.bytes_sent + result.bytes_received <= 1024
    assert anna.store.meta(LAST_SYNC_KEY) is not None  # the run is noted as a sync


def test_a_change_for_this_user_is_pulled_then_idle_again(laptops: dict[str, Laptop]) -> None:
    anna, ben, sven = laptops["anna"], laptops["ben"], laptops["sven"]
    sven.store.create("customer", {"name": "Süd GmbH", "status": "active"})
    assert sven.sync().ok
    assert anna.sync().not_modified  # South is not anna's territory
    customer = ben.store.create("customer", {"name": "Nord KG", "status": "active"})
    assert ben.sync().ok
    result = anna.sync()
    assert result.ok and not result.not_modified and result.pulled == 1
    assert anna.store.get("customer", customer) is not None
    assert anna.sync().not_modified


def test_queued_changes_are_pushed_not_asked_about(laptops: dict[str, Laptop]) -> None:
    anna = laptops["anna"]
    anna.store.create("customer", {"name": "Acme", "status": "active"})
    result = anna.sync()
    assert result.ok and result.pushed == 1 and not result.not_modified


def test_a_full_check_is_made_when_due(laptops: dict[str, Laptop]) -> None:
    """A row lost on the laptop behind the sync's back is not seen by "nothing changed"
    answers, but the periodic full check finds and repairs it."""
    anna, ben = laptops["anna"], laptops["ben"]
    customer = ben.store.create("customer", {"name": "Nord KG", "status": "active"})
    assert ben.sync().ok
    assert anna.sync().pulled == 1
    with anna.store.write() as uow:
        uow.connection.exec_driver_sql("DELETE FROM customer WHERE id = ?", (customer,))
    assert anna.sync().not_modified
    assert anna.store.get("customer", customer) is None
    result = anna.sync(full_check_ms=0)
    assert result.ok and not result.not_modified and result.repaired == 1
    assert anna.store.get("customer", customer) is not None
    assert anna.sync().not_modified


def test_the_tag_counts_only_at_the_cursor_it_was_verified_at(
    laptops: dict[str, Laptop],
) -> None:
    anna = laptops["anna"]
    verified = orjson.loads(anna.store.meta(VERIFIED_PULL_KEY) or "null")
    assert verified["cursor"] == anna.store.meta(CURSOR_KEY)
    anna.store.set_meta(CURSOR_KEY, "1")  # as after pages applied without verification
    result = anna.sync()
    assert result.ok and not result.not_modified
    assert anna.sync().not_modified


def test_an_idle_sync_writes_the_sync_time_at_most_once_a_minute(
    laptops: dict[str, Laptop],
) -> None:
    anna = laptops["anna"]
    anna.store.set_meta(LAST_SYNC_KEY, "2026-01-01T00:00:00Z")
    assert anna.sync().not_modified
    noted = anna.store.meta(LAST_SYNC_KEY)
    assert noted is not None and noted > "2026-01-01T00:00:00Z"
    anna.store.set_meta(LAST_SYNC_KEY, anna.store.now_text())
    before = anna.store.meta(LAST_SYNC_KEY)
    assert anna.sync().not_modified
    assert anna.store.meta(LAST_SYNC_KEY) == before  # noted less than a minute ago
