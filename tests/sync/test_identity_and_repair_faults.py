"""A laptop that takes a new device identity or repairs rows when bad luck strikes: the
process dies between the server's answer and the local change, the answer is lost, or
an acknowledged edit is the base of an unsent one. The next sync finishes and loses
nothing (in-process server and laptops)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.store import replica
from fieldcrm.sync import SyncClient
from fieldcrm.sync.errors import LoginRequired
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db


class Killed(BaseException):
    """Stands for the process dying at that point: nothing after it runs, nothing catches
    it (not an ``Exception``)."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Area 1")
    srv.user("anna", "rep", territory="North")
    yield srv
    srv.close()


def _reopen(lap: Laptop) -> Laptop:
    """The laptop after its process died: the store and session as they are on disk."""
    with_client = lap._client
    if with_client is not None:
        with_client.close()
    lap.store.close()
    return Laptop(lap.directory, lap.server, lap.username, login_now=False)


def _restored(lap: Laptop, backup: Path) -> Laptop:
    lap.close()
    shutil.rmtree(lap.directory)
    shutil.copytree(backup, lap.directory)
    return Laptop(lap.directory, lap.server, lap.username, login_now=False)


def _reused_identity(tmp_path: Path, server: InProcessServer) -> tuple[Laptop, str, str]:
    """A laptop put back from a backup older than what it sent, with an unsent edit of a
    customer whose earlier edit the server acknowledged: its next push reuses an
    operation number. Returns the laptop, that customer and one written after the backup."""
    lap = Laptop(tmp_path / "anna", server, "anna")
    customer = lap.store.create("customer", {"name": "Kunde", "status": "active"})
    assert lap.sync().ok
    backup = tmp_path / "backup"
    lap.store.close()
    shutil.copytree(lap.directory, backup)
    lap = Laptop(lap.directory, server, "anna", login_now=False)
    later = lap.store.create("customer", {"name": "After the backup", "status": "active"})
    assert lap.sync().ok
    lap = _restored(lap, backup)
    lap.store.update("customer", customer, {"city": "Kiel", "name": "Kunde neu"})
    return lap, customer, later


def _sync_signing_in_if_asked(lap: Laptop) -> Any:
    """A sync; when the session is gone (the process died after taking a new identity and
    before keeping the new session), the rep signs in again, as the app asks."""
    try:
        result = lap.sync()
    except LoginRequired:
        lap.login()
        return lap.sync()
    if not result.ok and any("log in again" in e.lower() for e in result.errors):
        lap.login()
        result = lap.sync()
    return result


def test_an_acknowledged_edit_as_the_base_of_a_resent_one_makes_no_conflict(
    tmp_path: Path, server: InProcessServer
) -> None:
    lap, customer, later = _reused_identity(tmp_path, server)
    result = lap.sync()
    assert result.ok, result.errors
    assert result.device_reused
    assert result.conflicts == 0 and lap.status_conflicts() == 0
    row = server.view_of("anna")[("customer", customer)]
    assert (row["name"], row["city"]) == ("Kunde neu", "Kiel")
    assert ("customer", later) in lap.view()


def test_a_laptop_killed_after_the_new_identity_was_given_loses_nothing(
    tmp_path: Path, server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lap, customer, later = _reused_identity(tmp_path, server)
    old_id = lap.store.device_id

    def die(*_args: Any) -> None:
        raise Killed

    monkeypatch.setattr(replica, "change_device_id", die)
    with pytest.raises(Killed):
        lap.sync()
    monkeypatch.undo()
    lap = _reopen(lap)
    assert lap.store.device_id == old_id
    result = _sync_signing_in_if_asked(lap)
    assert result.ok, result.errors
    assert lap.store.device_id != old_id and lap.store.pending_count() == 0
    assert server.view_of("anna")[("customer", customer)]["city"] == "Kiel"
    assert ("customer", later) in lap.view()


def test_a_laptop_killed_after_taking_the_new_identity_before_keeping_its_session_loses_nothing(
    tmp_path: Path, server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lap, customer, later = _reused_identity(tmp_path, server)
    old_id = lap.store.device_id

    def die(*_args: Any) -> None:
        raise Killed

    monkeypatch.setattr(SyncClient, "adopt", die)
    with pytest.raises(Killed):
        lap.sync()
    monkeypatch.undo()
    lap = _reopen(lap)
    assert lap.store.device_id != old_id
    result = _sync_signing_in_if_asked(lap)
    assert result.ok, result.errors
    assert lap.store.pending_count() == 0
    assert server.view_of("anna")[("customer", customer)]["city"] == "Kiel"
    assert ("customer", later) in lap.view()


def test_a_lost_answer_to_rekey_is_asked_again_and_the_sync_finishes(
    tmp_path: Path, server: InProcessServer
) -> None:
    lap, customer, _later = _reused_identity(tmp_path, server)
    server.transport.lose_next.append("/device/rekey")
    result = lap.sync()
    assert server.transport.lost == 1
    assert result.ok, result.errors
    assert result.device_reused and lap.store.pending_count() == 0
    assert server.view_of("anna")[("customer", customer)]["city"] == "Kiel"


def test_a_laptop_killed_between_fetching_and_applying_a_repair_repairs_on_the_next_sync(
    tmp_path: Path, server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lap = Laptop(tmp_path / "anna", server, "anna")
    ids = [lap.store.create("customer", {"name": f"K{k}", "status": "active"}) for k in range(3)]
    assert lap.sync().ok
    # A row lost behind the sync's back: verification finds it and fetches it again.
    with lap.store.write() as uow:
        uow.connection.exec_driver_sql("DELETE FROM customer WHERE id = ?", (ids[0],))

    def die(*_args: Any) -> None:
        raise Killed

    monkeypatch.setattr(replica, "apply_repair", die)
    with pytest.raises(Killed):
        lap.sync(full_check_ms=0)  # the periodic full check is due
    monkeypatch.undo()
    lap = _reopen(lap)
    # The check found differences: no "nothing changed" answer counts until it is done.
    result = lap.sync()
    assert result.ok, result.errors
    assert result.repaired >= 1
    assert {k for k in lap.view() if k[0] == "customer"} == {
        k for k in server.view_of("anna") if k[0] == "customer"
    }


@pytest.mark.parametrize("path", ["/sync/digest", "/sync/rows"])
def test_a_lost_answer_during_a_repair_is_asked_again_and_the_repair_finishes(
    tmp_path: Path, server: InProcessServer, path: str
) -> None:
    lap = Laptop(tmp_path / "anna", server, "anna")
    ids = [lap.store.create("customer", {"name": f"K{k}", "status": "active"}) for k in range(3)]
    assert lap.sync().ok
    with lap.store.write() as uow:
        uow.connection.exec_driver_sql("DELETE FROM customer WHERE id = ?", (ids[1],))
    server.transport.lose_next.append(path)
    result = lap.sync(full_check_ms=0)  # the periodic full check is due
    assert server.transport.lost == 1
    assert result.ok, result.errors
    assert result.repaired >= 1
    assert ("customer", ids[1]) in lap.view()


def test_server_totals_that_drifted_from_its_rows_do_not_fail_every_sync(
    tmp_path: Path, server: InProcessServer
) -> None:
    """Should the digest sums the server keeps ever differ from its rows (a database put
    back by hand, a write around the server), laptops whose rows match the server's range
    by range still finish their sync."""
    lap = Laptop(tmp_path / "anna", server, "anna")
    lap.store.create("customer", {"name": "K", "status": "active"})
    assert lap.sync().ok
    with server.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE live_count SET seq_sum = seq_sum + 1 WHERE entity = 'customer'"
        )
    result = lap.sync(full_check_ms=0)  # the periodic full check is due
    assert result.ok, result.errors
    assert result.repaired == 0
    # A laptop that really lacks a row is still repaired.
    other = server.view_of("anna")
    with lap.store.write() as uow:
        uow.connection.exec_driver_sql("DELETE FROM customer")
    result = lap.sync(full_check_ms=0)
    assert result.ok, result.errors
    assert {k for k in lap.view() if k[0] == "customer"} == {k for k in other if k[0] == "customer"}
