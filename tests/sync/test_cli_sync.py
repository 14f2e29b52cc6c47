"""`fieldcrm login / sync / status / export / logout` as real processes against a real server."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.store import Store
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm, free_port, run_server_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    srv = RealServer(tmp_path_factory.mktemp("cli-server"))
    srv.setup_area()
    srv.start()
    yield srv
    srv.stop()


def _login(profile: Path, server: RealServer, user: str) -> None:
    result = fieldcrm(
        profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert f"as {user}" in result.stdout


def _status(profile: Path) -> dict[str, object]:
    result = fieldcrm(profile, "status", "--json")
    assert result.returncode == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def _with_store(profile: Path) -> Store:
    return Store(profile / "fieldcrm.db")


def test_cli_login_sync_status_export_logout(tmp_path: Path, server: RealServer) -> None:
    profile = tmp_path / "anna"
    _login(profile, server, "anna")
    report = _status(profile)
    assert report["server_url"] == server.url
    assert report["user"] == "anna"
    assert report["last_sync"] is None
    assert (report["pending"], report["conflicts"], report["rejected"]) == (0, 0, 0)
    assert (profile / "session.token").stat().st_mode & 0o777 == 0o600

    store = _with_store(profile)
    customer = store.create("customer", {"name": "Bäckerei Nord", "status": "active"})
    store.create("contact", {"customer_id": customer, "last_name": "Meyer"})
    store.close()

    result = fieldcrm(profile, "sync")
    assert result.returncode == 0, result.stderr
    assert "push:" in result.stderr  # progress on stderr
    assert "Pushed 2" in result.stdout
    report = _status(profile)
    assert report["pending"] == 0 and report["last_sync"] is not None
    assert server.records("customer")[customer]["name"] == "Bäckerei Nord"

    out = tmp_path / "export.json"
    assert fieldcrm(profile, "export", "--format", "json", "--output", str(out)).returncode == 0
    exported = json.loads(out.read_text())
    assert [c["name"] for c in exported["customer"]] == ["Bäckerei Nord"]
    assert exported["contact"][0]["customer_id"] == customer
    assert {t["name"] for t in exported["territory"]} >= {"North"}

    folder = tmp_path / "csv"
    assert fieldcrm(profile, "export", "--format", "csv", "--output", str(folder)).returncode == 0
    with (folder / "customer.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["id"], r["name"]) for r in rows] == [(customer, "Bäckerei Nord")]
    one = fieldcrm(profile, "export", "--format", "csv", "--entity", "contact")
    assert one.returncode == 0 and "Meyer" in one.stdout
    several = fieldcrm(profile, "export", "--format", "csv")
    assert several.returncode == 2 and "--output" in several.stderr

    result = fieldcrm(profile, "logout")
    assert result.returncode == 0 and "Logged out." in result.stdout
    assert _status(profile)["user"] is None
    assert not (profile / "session.token").exists()
    result = fieldcrm(profile, "sync")
    assert result.returncode == 3
    assert "not logged in" in result.stderr


def test_cli_wrong_password(tmp_path: Path, server: RealServer) -> None:
    result = fieldcrm(
        tmp_path / "p",
        "login",
        "--server",
        server.url,
        "--user",
        "anna",
        stdin="not the password\n",
    )
    assert result.returncode == 3
    assert "wrong user name or password" in result.stderr
    assert _status(tmp_path / "p")["user"] is None


def test_cli_unreachable_server(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = fieldcrm(tmp_path / "p", "login", "--server", url, "--user", "anna", stdin="x\n")
    assert result.returncode == 4
    assert f"Cannot reach the server at {url}" in result.stderr


def test_cli_unreachable_server_during_sync_keeps_changes(
    tmp_path: Path, server: RealServer
) -> None:
    profile = tmp_path / "ben"
    _login(profile, server, "ben")
    store = _with_store(profile)
    store.set_meta("server_url", f"http://127.0.0.1:{free_port()}")
    store.create("customer", {"name": "Offline GmbH", "status": "active"})
    store.close()
    result = fieldcrm(profile, "sync", "--quiet")
    assert result.returncode == 4
    assert "Cannot reach the server" in result.stderr
    assert _status(profile)["pending"] == 1


def test_cli_revoked_device(tmp_path: Path, server: RealServer) -> None:
    profile = tmp_path / "ben"
    _login(profile, server, "ben")
    assert fieldcrm(profile, "sync", "--quiet").returncode == 0
    device = str(_status(profile)["device_id"])
    run_server_cli(server.db_url, "device", "revoke", device)
    result = fieldcrm(profile, "sync", "--quiet")
    # The sync's token refresh is refused with ``device_revoked``: exit status 5, "access
    # revoked" (EXIT_REVOKED; README "Exit status"), in the server's words too.
    revoked = (
        "fieldcrm: The server no longer accepts this device or user (revoked or disabled by "
        "an administrator). Sync has stopped; ask IT to restore access."
    )
    assert result.returncode == 5, result.stderr
    assert result.stdout == ""
    assert revoked in result.stderr
    assert "This device was revoked" in result.stderr
    # Logging in again does not help, and says the same.
    again = fieldcrm(
        profile, "login", "--server", server.url, "--user", "ben", stdin=PASSWORD + "\n"
    )
    assert again.returncode == 5, again.stderr
    assert revoked in again.stderr
    assert "This device was revoked" in again.stderr  # the server's own words


def test_cli_rejected_change_shows_in_status_and_does_not_block(
    tmp_path: Path, server: RealServer
) -> None:
    profile = tmp_path / "sven"
    _login(profile, server, "sven")
    assert fieldcrm(profile, "sync", "--quiet").returncode == 0
    store = _with_store(profile)
    south = next(
        row_id
        for row_id, values in server.records("territory").items()
        if values["name"] == "South"
    )
    store.update("territory", south, {"name": "My South"})  # only admins may
    later = store.create("customer", {"name": "After the refusal", "status": "active"})
    store.close()

    result = fieldcrm(profile, "sync")
    # Everything was sent and pulled, but one change did not get in: not a clean exit.
    assert result.returncode == 1, result.stderr
    assert "rejected 1" in result.stdout
    assert "1 changes were not accepted by the server; `fieldcrm status`" in result.stderr
    assert later in server.records("customer")
    report = _status(profile)
    assert report["pending"] == 0 and report["rejected"] == 1
    text = fieldcrm(profile, "status").stdout
    assert f"Rejected update of territory {south} (entity): Only an administrator" in text

    store = _with_store(profile)
    assert store.get("territory", south)["name"] == "South"  # type: ignore[index]
    store.update("customer", later, {"city": "Freiburg"})
    store.close()
    assert fieldcrm(profile, "sync", "--quiet").returncode == 0
    assert server.records("customer")[later]["city"] == "Freiburg"
