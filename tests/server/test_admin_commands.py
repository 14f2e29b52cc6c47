"""The administration commands as processes (``python -m sync_server ...`` against a
temporary SQLite database): users, territories, devices, customer moves and the audit log,
with ``--json`` where they list."""

from __future__ import annotations

import functools
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.protocol import ApiPaths
from sync_server import admin as server_admin
from sync_server import auth
from sync_server.db import make_engine, write_transaction
from tests.helpers.server_cli import run_cli
from tests.helpers.server_env import ServerEnv

pytestmark = pytest.mark.slow
PASSWORD = "a sturdy passphrase"


@functools.cache
def password_hash(password: str) -> str:
    return auth.hash_password(password)


class Admin:
    """Runs ``fieldcrm-server`` commands on one database."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = f"sqlite:///{tmp_path / 'server.db'}"

    def ok(self, *args: str, stdin: str | None = None) -> str:
        result = run_cli(*args, "--db", self.db, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def fails(self, *args: str) -> str:
        result = run_cli(*args, "--db", self.db)
        assert result.returncode == 1, result.stdout
        assert result.stderr.startswith("fieldcrm-server: ")
        return result.stderr

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))

    def user(self, name: str, role: str, *where: str) -> None:
        self.ok("user", "add", name, "--role", role, *where, "--password-stdin", stdin=PASSWORD)


@pytest.fixture
def admin(tmp_path: Path, sqlite_template: Path) -> Admin:
    """North and South in area Central (reps anna, ben; manager maria), West in Coast,
    Solo without an area (rep sol), admin root; made in-process (``add`` is tested as a
    process in test_end_to_end)."""
    shutil.copy(sqlite_template, tmp_path / "server.db")
    cli = Admin(tmp_path)
    engine = make_engine(cli.db)
    with write_transaction(engine) as conn:
        for territory_name, area_name in (
            ("North", "Central"),
            ("South", "Central"),
            ("West", "Coast"),
        ):
            server_admin.add_territory(conn, territory_name, area_name)
        server_admin.add_territory(conn, "Solo")
        people: list[tuple[str, str, str | None, str | None]] = [
            ("anna", "rep", "North", None),
            ("ben", "rep", "South", None),
            ("sol", "rep", "Solo", None),
            ("maria", "manager", None, "Central"),
            ("root", "admin", None, None),
        ]
        for name, role, territory, area in people:
            server_admin.add_user(
                conn,
                name,
                role,
                PASSWORD,
                territory=territory,
                area=area,
                password_hash=password_hash(PASSWORD),
            )
    engine.dispose()
    return cli


def test_admin_commands_user_list_show_set_enable(admin: Admin) -> None:
    users = {u["name"]: u for u in admin.json("user", "list")}
    assert users["anna"] == {
        "name": "anna",
        "display_name": "anna",
        "role": "rep",
        "territory": "North",
        "area": None,
        "active": True,
    }
    assert users["maria"]["area"] == "Central" and users["root"]["role"] == "admin"
    assert "anna" in admin.ok("user", "list") and "TERRITORY/AREA" in admin.ok("user", "list")

    admin.ok("user", "set", "anna", "--territory", "South", "--display-name", "Anna Berger")
    anna = admin.json("user", "show", "anna")
    assert (anna["territory"], anna["display_name"]) == ("South", "Anna Berger")
    admin.ok("user", "set", "anna", "--role", "manager", "--area", "Coast")
    anna = admin.json("user", "show", "anna")
    assert (anna["role"], anna["area"], anna["territory"]) == ("manager", "Coast", None)
    assert "needs an area" in admin.fails("user", "set", "ben", "--role", "manager")
    assert "is an area" in admin.fails("user", "set", "ben", "--territory", "Central")
    assert "Only a manager has an area" in admin.fails("user", "set", "ben", "--area", "Coast")
    assert "no user" in admin.fails("user", "set", "nobody", "--territory", "South")
    assert "Nothing to change" in admin.ok("user", "set", "ben", "--territory", "South")

    env = ServerEnv(admin.db)
    try:
        # The change went through the replicated user record: an admin's laptop sees it.
        root = env.session("root")
        root.sync()
        records = {
            r["fields"]["username"]: r["fields"] for (e, _), r in root.rows.items() if e == "user"
        }
        coast = next(
            row_id
            for (e, row_id), r in root.rows.items()
            if e == "territory" and r["fields"]["name"] == "Coast"
        )
        assert records["anna"]["role"] == "manager" and records["anna"]["territory_id"] == coast

        admin.ok("user", "disable", "ben")
        assert admin.json("user", "show", "ben")["active"] is False
        login = {"username": "ben", "password": PASSWORD, "device_id": "ben-laptop"}
        assert env.http.post(ApiPaths.LOGIN, json=login).status_code == 403
        assert "enabled" in admin.ok("user", "enable", "ben")
        assert "active already" in admin.ok("user", "enable", "ben")
        assert admin.json("user", "show", "ben")["active"] is True
        assert env.http.post(ApiPaths.LOGIN, json=login).status_code == 200
        text = admin.ok("user", "show", "ben")
        assert "ben-laptop" in text and "Role:         rep" in text
    finally:
        env.close()


def test_admin_commands_territory_list_rename_set_area(admin: Admin) -> None:
    rows = {t["name"]: t for t in admin.json("territory", "list")}
    assert rows["North"]["kind"] == "territory" and rows["North"]["area"] == "Central"
    assert rows["Central"]["kind"] == "area" and rows["Central"]["users"] == ["maria"]
    assert rows["North"]["users"] == ["anna"] and rows["North"]["customers"] == 0

    admin.ok("territory", "rename", "North", "Nord")
    names = {t["name"] for t in admin.json("territory", "list")}
    assert "Nord" in names and "North" not in names
    assert "exists already" in admin.fails("territory", "rename", "Nord", "South")
    assert "no territory" in admin.fails("territory", "rename", "Atlantis", "Mu")

    admin.ok("territory", "set", "Nord", "--area", "Coast")
    assert {t["name"]: t for t in admin.json("territory", "list")}["Nord"]["area"] == "Coast"
    assert "already" in admin.ok("territory", "set", "Nord", "--area", "Coast")
    assert "inside an area" in admin.fails("territory", "set", "West", "--area", "South")
    assert "customers or reps" in admin.fails("territory", "set", "West", "--area", "Solo")
    assert "is an area" in admin.fails("territory", "set", "Central", "--area", "Coast")
    admin.ok("territory", "set", "West", "--area", "Islands")  # a new area is made
    rows = {t["name"]: t for t in admin.json("territory", "list")}
    assert rows["Islands"]["kind"] == "area" and rows["West"]["area"] == "Islands"


def test_admin_commands_device_list_and_revoke(admin: Admin) -> None:
    assert admin.json("device", "list") == []
    env = ServerEnv(admin.db)
    try:
        env.session("anna", "anna-laptop")
        env.session("ben", "ben-laptop")
        env.session("anna", "anna-laptop").sync()
    finally:
        env.close()
    devices = admin.json("device", "list")
    assert [(d["id"], d["user"]) for d in devices] == [
        ("anna-laptop", "anna"),
        ("ben-laptop", "ben"),
    ]
    anna = admin.json("device", "list", "--user", "anna")
    assert [d["id"] for d in anna] == ["anna-laptop"]
    assert anna[0]["first_seen"] and anna[0]["last_sync"] and anna[0]["revoked"] is None
    assert admin.json("device", "list", "--user", "ben")[0]["last_sync"] is None
    admin.ok("device", "revoke", "anna-laptop")
    assert admin.json("device", "list", "--user", "anna")[0]["revoked"]
    assert "never" in admin.ok("device", "list")
    assert "no user" in admin.fails("device", "list", "--user", "nobody")


def test_admin_commands_customer_move_writes_a_handover(admin: Admin, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("number,name,city,owner\nK-1,Gasthof Weber,Kiel,anna\nK-2,Optik Klein,Kiel,\n")
    admin.ok("import", "customers", str(csv), "--territory", "North")
    admin.user("nils", "rep", "--territory", "North")
    admin.user("wim", "rep", "--territory", "West")
    env = ServerEnv(admin.db)
    try:
        anna, ben = env.session("anna"), env.session("ben")
        anna.sync()
        ben.sync()
        (customer_id,) = [
            row_id
            for (e, row_id), r in anna.rows.items()
            if e == "customer" and r["fields"]["number"] == "K-1"
        ]
        assert "cannot own" in admin.fails(
            "customer", "move", "K-1", "--territory", "South", "--owner", "wim"
        )
        assert "administrator" in admin.fails(
            "customer", "move", "K-1", "--territory", "South", "--owner", "root"
        )
        assert "2 active reps" in admin.fails("customer", "move", "K-2", "--territory", "North")
        out = admin.ok("customer", "move", "K-1", "--territory", "South")  # ben: South's rep
        assert "handover" in out
        pages = anna.sync()
        assert any(ev.id == customer_id for p in pages for ev in p.evictions)
        assert ("customer", customer_id) not in anna.rows
        ben.sync()
        customer = ben.rows[("customer", customer_id)]["fields"]
        assert customer["territory_id"] == env.ids.get("South", customer["territory_id"])
        handovers = [r["fields"] for (e, _), r in ben.rows.items() if e == "handover"]
        assert len(handovers) == 1
        assert handovers[0]["customer_id"] == customer_id
        assert handovers[0]["from_user_id"] == anna.user_id
        assert handovers[0]["to_user_id"] == ben.user_id
        assert "North" in handovers[0]["note"] and "South" in handovers[0]["note"]
        assert "no customer" in admin.fails("customer", "move", "K-9", "--territory", "South")
        assert "already" in admin.ok("customer", "move", "K-1", "--territory", "South")
    finally:
        env.close()


def test_admin_commands_audit_lists_changes_and_security_events(admin: Admin) -> None:
    env = ServerEnv(admin.db)
    try:
        bad = {"username": "anna", "password": "not her password", "device_id": "x"}
        assert env.http.post(ApiPaths.LOGIN, json=bad).status_code == 401
        env.session("anna", "anna-laptop")
    finally:
        env.close()
    admin.ok("device", "revoke", "anna-laptop")
    admin.ok("user", "set", "ben", "--display-name", "Ben Hartmann")
    entries = admin.json("audit")
    actions = [e["action"] for e in entries]
    assert actions[:4] == ["user.set", "device.revoke", "session.revoked", "login.failed"]
    assert actions.count("user.add") == 5 and actions.count("territory.add") == 4
    times = [e["at"] for e in entries]
    assert times == sorted(times, reverse=True), "newest first"
    failed = entries[actions.index("login.failed")]
    assert (failed["actor"], failed["address"]) == ("anna", "testclient")
    assert entries[0]["actor"].startswith("fieldcrm-server (")
    assert entries[0]["target"] == "ben" and "Ben Hartmann" in entries[0]["detail"]
    anna = admin.json("audit", "--user", "anna")
    assert {e["action"] for e in anna} == {
        "user.add",
        "login.failed",
        "device.revoke",
        "session.revoked",
    }
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert admin.json("audit", "--since", tomorrow) == []
    assert len(admin.json("audit", "--limit", "2")) == 2
    assert "login.failed" in admin.ok("audit")
    result = run_cli("audit", "--since", "last tuesday", "--db", admin.db)
    assert result.returncode == 2 and "not a date" in result.stderr
