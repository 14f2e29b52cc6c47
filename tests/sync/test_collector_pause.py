"""Python's cycle collector waits while a sync runs and is back afterwards, whatever
happened; a collector someone else turned off stays off."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.sync import SyncProgress
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Area 1")
    srv.user("anna", "rep", territory="North")
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_during_the_run_and_back_after_it(tmp_path: Path, server: InProcessServer) -> None:
    anna = Laptop(tmp_path / "anna", server, "anna")
    with anna.store.write() as uow:
        for n in range(12):
            uow.create("customer", {"name": f"Kunde {n}", "status": "active"})
    seen: list[bool] = []
    assert anna.sync(lambda _p: seen.append(gc.isenabled())).ok
    assert seen and not any(seen)
    assert gc.isenabled()
    anna.close()


def test_back_after_a_run_that_failed_or_was_interrupted(
    tmp_path: Path, server: InProcessServer
) -> None:
    anna = Laptop(tmp_path / "anna", server, "anna")
    anna.transport.fail_next.extend(["/sync/pull"] * 10)
    result = anna.sync()
    assert not result.ok and result.offline
    assert gc.isenabled()
    anna.transport.fail_next.clear()

    def interrupted(p: SyncProgress) -> None:
        if p.phase == "pull":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        anna.sync(interrupted)
    assert gc.isenabled()
    anna.close()


def test_a_collector_turned_off_elsewhere_stays_off(
    tmp_path: Path, server: InProcessServer
) -> None:
    anna = Laptop(tmp_path / "anna", server, "anna")
    gc.disable()
    assert anna.sync().ok
    assert not gc.isenabled()
    gc.enable()
    assert anna.sync().ok
    assert gc.isenabled()
    anna.close()
