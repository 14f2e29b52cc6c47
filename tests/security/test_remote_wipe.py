"""Remote wipe through real processes: ``fieldcrm-server device wipe`` / ``user wipe``, and a
``fieldcrm sync`` that sends its pending changes, deletes the data and confirms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.store import Store
from fieldcrm.store.encryption import FAULT_ENV
from fieldcrm.store.keys import KEY_INFO_NAME, KEYRING_SERVICE, keyring_account
from tests.helpers.file_keyring import FileKeyring
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm, run_server_cli

pytestmark = pytest.mark.slow

PENDING_NAME = "Weingut Nachtigall"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    srv = RealServer(tmp_path_factory.mktemp("wipe-server"))
    srv.setup_area()
    srv.start()
    yield srv
    srv.stop()


def _run(profile: Path, *args: str, stdin: str | None = None, **env: Any) -> Any:
    return fieldcrm(profile, *args, stdin=stdin, **env)


def _signed_in_with_pending_change(profile: Path, server: RealServer, user: str) -> str:
    result = _run(profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    result = _run(profile, "sync")
    assert result.returncode == 0, result.stderr
    store = Store(profile / "fieldcrm.db")
    try:
        customer = store.create("customer", {"name": PENDING_NAME, "status": "active"})
        device_id = store.device_id
        assert store.pending_count() == 1
    finally:
        store.close()
    return device_id if customer else ""


def _devices(server: RealServer) -> dict[str, dict[str, Any]]:
    rows = json.loads(run_server_cli(server.db_url, "device", "list", "--json"))
    return {row["id"]: row for row in rows}


def _audit_actions(server: RealServer) -> list[tuple[str, str]]:
    rows = json.loads(run_server_cli(server.db_url, "audit", "--json"))
    return [(row["action"], row.get("detail") or "") for row in rows]


def _assert_no_customer_data(profile: Path, device_id: str, *, reopened: bool = False) -> None:
    """Nothing of the old profile is left (``reopened``: a start since made a new, empty
    store, which is checked to be new and empty instead)."""
    names = sorted(p.name for p in profile.iterdir())
    assert "session.token" not in names and "attachments" not in names
    assert "wipe-in-progress.json" not in names
    for path in profile.rglob("*"):
        if path.is_file():
            assert PENDING_NAME.encode() not in path.read_bytes(), path
    if reopened:
        status = json.loads(_run(profile, "status", "--json").stdout)
        assert status["device_id"] != device_id and status["user"] is None
        assert sum(status["counts"].values()) == 0 and status["pending"] == 0
        return
    for gone in ("fieldcrm.db", "fieldcrm.db-wal", "fieldcrm.db-shm", KEY_INFO_NAME):
        assert gone not in names, names
    account = keyring_account(profile / "fieldcrm.db")
    assert FileKeyring().get_password(KEYRING_SERVICE, account) is None


def test_device_wipe_sends_pending_changes_deletes_the_data_and_confirms(
    tmp_path: Path, server: RealServer
) -> None:
    """Done-when 3."""
    profile = tmp_path / "anna"
    device_id = _signed_in_with_pending_change(profile, server, "anna")
    (profile / "attachments").mkdir()
    (profile / "attachments" / "offer.pdf").write_bytes(b"%PDF " + PENDING_NAME.encode())

    out = run_server_cli(server.db_url, "device", "wipe", device_id)
    assert "next contact" in out
    listed = _devices(server)[device_id]
    assert listed["wipe_requested"] and listed["wipe_now"] is False
    assert listed["wipe_confirmed"] is None
    table = run_server_cli(server.db_url, "device", "list")
    assert "requested" in table and "WIPE" in table

    result = _run(profile, "sync")
    assert result.returncode == 0, result.stderr
    assert "deleted" in result.stdout

    # The pending change reached the server before the data went.
    assert PENDING_NAME in {c["name"] for c in server.records("customer").values()}
    _assert_no_customer_data(profile, device_id)
    listed = _devices(server)[device_id]
    assert listed["wipe_confirmed"] is not None and listed["revoked"] is not None
    actions = _audit_actions(server)
    assert ("device.wipe.requested", f"device {device_id}") in actions
    assert ("device.wipe.confirmed", f"device {device_id}") in actions
    table = run_server_cli(server.db_url, "device", "list")
    assert "confirmed" in table

    # The laptop shows sign-in, and signs in again as a new device.
    status = json.loads(_run(profile, "status", "--json").stdout)
    assert status["user"] is None and status["counts"]["customer"] == 0
    result = _run(profile, "login", "--server", server.url, "--user", "anna", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert _run(profile, "sync").returncode == 0
    status = json.loads(_run(profile, "status", "--json").stdout)
    assert status["device_id"] != device_id and status["encrypted"] is True
    assert status["counts"]["customer"] >= 1


def test_wipe_now_does_not_wait_for_pending_changes(tmp_path: Path, server: RealServer) -> None:
    profile = tmp_path / "ben"
    device_id = _signed_in_with_pending_change(profile, server, "ben")
    before = len(server.records("customer"))
    run_server_cli(server.db_url, "device", "wipe", device_id, "--now")
    assert _devices(server)[device_id]["wipe_now"] is True

    result = _run(profile, "sync", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"ok": True, "wiped": True, "pushed": 0}
    assert len(server.records("customer")) == before
    _assert_no_customer_data(profile, device_id)
    assert _devices(server)[device_id]["wipe_confirmed"] is not None


@pytest.mark.parametrize("step", ["wipe-started", "wipe-erased"])
def test_a_crash_in_the_middle_of_a_wipe_is_finished_at_the_next_start(
    tmp_path: Path, server: RealServer, step: str
) -> None:
    profile = tmp_path / "sven"
    device_id = _signed_in_with_pending_change(profile, server, "sven")
    run_server_cli(server.db_url, "device", "wipe", device_id)

    crashed = _run(profile, "sync", **{FAULT_ENV: step})
    assert crashed.returncode == -9, crashed.stderr
    assert _devices(server)[device_id]["wipe_confirmed"] is None

    result = _run(profile, "status", "--json")
    assert result.returncode == 0, result.stderr
    assert "deleted" in result.stderr
    _assert_no_customer_data(profile, device_id, reopened=True)
    assert json.loads(result.stdout)["counts"]["customer"] == 0
    assert _devices(server)[device_id]["wipe_confirmed"] is not None


def test_user_wipe_reaches_every_device_of_the_user_even_after_a_week_offline(
    tmp_path: Path, server: RealServer
) -> None:
    laptops = [tmp_path / "laptop", tmp_path / "tablet"]
    ids = [_signed_in_with_pending_change(p, server, "ben") for p in laptops]
    out = run_server_cli(server.db_url, "user", "wipe", "ben")
    assert "devices" in out
    # Offline meanwhile: nothing happens, nothing is lost.
    server.stop()
    try:
        offline = _run(laptops[0], "sync")
        assert offline.returncode == 4
        assert (laptops[0] / "fieldcrm.db").exists()
    finally:
        server.start()
    for profile, device_id in zip(laptops, ids, strict=True):
        assert _run(profile, "sync").returncode == 0
        _assert_no_customer_data(profile, device_id)
        assert _devices(server)[device_id]["wipe_confirmed"] is not None
    with pytest.raises(AssertionError, match="no user"):
        run_server_cli(server.db_url, "user", "wipe", "nobody")
