"""Nothing acknowledged is lost and a laptop holds exactly what its user may see: scope
changes, profiles restored from a backup or copied, rows swapped behind the sync's back.

Every test runs a real ``sync_server serve`` process and the ``fieldcrm`` command line as
processes, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fieldcrm.domain.ids import uuid7
from fieldcrm.store import Store
from sync_server import admin
from sync_server.db import make_engine, normalise_url, upgrade, write_transaction
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm

pytestmark = pytest.mark.slow

PG_URL = os.environ.get("FIELDCRM_TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RealServer]:
    """A real server process on a fresh database of the parametrised kind."""
    drop: str | None = None
    url = None
    if request.param == "postgres":
        if not PG_URL:
            pytest.skip("PostgreSQL tests need FIELDCRM_TEST_DATABASE_URL")
        base = sa.make_url(normalise_url(PG_URL))
        drop = f"fieldcrm_integrity_{uuid.uuid4().hex[:10]}"
        admin_engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{drop}"')
        admin_engine.dispose()
        url = base.set(database=drop).render_as_string(hide_password=False)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    srv = RealServer(tmp_path / "server", url)
    try:
        yield srv
    finally:
        srv.stop()
        if drop is not None:
            admin_engine = sa.create_engine(
                sa.make_url(normalise_url(PG_URL or "")), isolation_level="AUTOCOMMIT"
            )
            with admin_engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')
            admin_engine.dispose()


# ---- the server side, as an administrator changes it ----------------------------------------


def as_admin(server: RealServer, action: Any) -> Any:
    engine = make_engine(server.db_url)
    try:
        with write_transaction(engine) as conn:
            return action(conn)
    finally:
        engine.dispose()


def customers_in(server: RealServer, territory: str, names: list[str]) -> list[str]:
    """Customers (each with a contact and a visit) created by the server in ``territory``."""

    def create(conn: sa.Connection) -> list[str]:
        territory_id = admin.territory_by_name(conn, territory)
        session = admin.AdminSession(conn)
        rep = conn.execute(
            sa.select(admin.t.account.c.id).where(admin.t.account.c.role == "admin")
        ).scalar()
        ids = []
        for name in names:
            customer = uuid7()
            session.apply(
                "customer",
                "create",
                customer,
                {"name": name, "status": "active", "territory_id": territory_id},
            )
            session.apply(
                "contact", "create", uuid7(), {"customer_id": customer, "last_name": name}
            )
            session.apply(
                "visit",
                "create",
                uuid7(),
                {
                    "customer_id": customer,
                    "rep_id": rep,
                    "status": "done",
                    "planned_start": "2026-11-20T08:00:00Z",
                    "channel": "in_person",
                },
            )
            ids.append(customer)
        session.finish()
        return ids

    result: list[str] = as_admin(server, create)
    return result


def set_user(server: RealServer, username: str, **fields: Any) -> None:
    """Change a user's territory (by name), role or area the way the admin tools do."""

    def change(conn: sa.Connection) -> None:
        account = admin.account_by_name(conn, username)
        values = dict(fields)
        if "territory" in values:
            values["territory_id"] = admin.territory_by_name(conn, values.pop("territory"))
        session = admin.AdminSession(conn)
        session.apply("user", "update", account.id, values)
        session.finish()

    as_admin(server, change)


def move_territory(server: RealServer, territory: str, area: str) -> None:
    def change(conn: sa.Connection) -> None:
        session = admin.AdminSession(conn)
        session.apply(
            "territory",
            "update",
            admin.territory_by_name(conn, territory) or "",
            {"parent_id": admin.territory_by_name(conn, area)},
        )
        session.finish()

    as_admin(server, change)


def two_areas(server: RealServer) -> dict[str, list[str]]:
    """Area North (East, West) and area South (Hill, Vale), two customers each; rep r1 in
    East, manager m1 of North; an admin who owns the customers' visits."""

    def setup(conn: sa.Connection) -> None:
        admin.add_territory(conn, "East", "North")
        admin.add_territory(conn, "West", "North")
        admin.add_territory(conn, "Hill", "South")
        admin.add_territory(conn, "Vale", "South")
        admin.add_user(conn, "root", "admin", PASSWORD)
        admin.add_user(conn, "r1", "rep", PASSWORD, territory="East")
        admin.add_user(conn, "m1", "manager", PASSWORD, area="North")

    as_admin(server, setup)
    return {
        territory: customers_in(server, territory, [f"{territory}-1", f"{territory}-2"])
        for territory in ("East", "West", "Hill", "Vale")
    }


# ---- the laptop side ----------------------------------------------------------------------


def login(profile: Path, server: RealServer, user: str) -> None:
    result = fieldcrm(
        profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr


def sync(profile: Path, *options: str) -> dict[str, Any]:
    result = fieldcrm(profile, "sync", "--json", *options)
    assert result.returncode == 0, result.stdout + result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def held(profile: Path, entity: str) -> set[str]:
    store = Store(profile / "fieldcrm.db")
    try:
        with store.read() as conn:
            return {
                row_id
                for (row_id,) in conn.exec_driver_sql(
                    f'SELECT id FROM "{entity}" WHERE deleted = 0'
                ).all()
            }
    finally:
        store.close()


def customer_names(profile: Path) -> set[str]:
    store = Store(profile / "fieldcrm.db")
    try:
        with store.read() as conn:
            return {
                name
                for (name,) in conn.exec_driver_sql(
                    "SELECT name FROM customer WHERE deleted = 0"
                ).all()
            }
    finally:
        store.close()


def write_customer(profile: Path, name: str) -> str:
    store = Store(profile / "fieldcrm.db")
    try:
        return store.create("customer", {"name": name, "status": "active"})
    finally:
        store.close()


def children_of(server: RealServer, customers: list[str], entity: str) -> set[str]:
    return {
        row_id
        for row_id, data in server.records(entity).items()
        if data["customer_id"] in customers
    }


# ---- scope changes ------------------------------------------------------------------------


def test_a_rep_moved_to_a_territory_of_equal_size_holds_exactly_the_new_one_after_one_sync(
    tmp_path: Path, server: RealServer
) -> None:
    customers = two_areas(server)
    server.start()
    laptop = tmp_path / "r1"
    login(laptop, server, "r1")
    sync(laptop)
    assert held(laptop, "customer") == set(customers["East"])

    set_user(server, "r1", territory="West")
    summary = sync(laptop)

    # Equal counts before and after: only the digests can tell.
    assert held(laptop, "customer") == set(customers["West"])
    assert held(laptop, "contact") == children_of(server, customers["West"], "contact")
    assert held(laptop, "visit") == children_of(server, customers["West"], "visit")
    change = summary["scope_change"]
    assert change["territory_before"] == "East" and change["territory_after"] == "West"
    assert change["message"] == (
        "You now work in territory West: 2 customers removed from this laptop, 2 added."
    )
    # What it already held (territories, users) was not downloaded again.
    assert summary["repaired"] < 20
    # A second sync finds nothing to do.
    again = sync(laptop)
    assert again["scope_change"] is None and again["repaired"] == 0
    assert held(laptop, "customer") == set(customers["West"])


def test_a_managers_area_change_leaves_exactly_the_new_area_on_the_laptop(
    tmp_path: Path, server: RealServer
) -> None:
    customers = two_areas(server)
    server.start()
    laptop = tmp_path / "m1"
    login(laptop, server, "m1")
    sync(laptop)
    assert held(laptop, "customer") == set(customers["East"] + customers["West"])

    set_user(server, "m1", territory="South")
    summary = sync(laptop)

    assert held(laptop, "customer") == set(customers["Hill"] + customers["Vale"])
    south = customers["Hill"] + customers["Vale"]
    assert held(laptop, "visit") == children_of(server, south, "visit")
    assert summary["scope_change"]["removed"]["customer"] == 4
    assert summary["scope_change"]["added"]["customer"] == 4


def test_a_territory_moved_to_another_area_leaves_the_old_managers_laptop(
    tmp_path: Path, server: RealServer
) -> None:
    customers = two_areas(server)
    server.start()
    laptop = tmp_path / "m1"
    login(laptop, server, "m1")
    sync(laptop)

    move_territory(server, "West", "South")
    summary = sync(laptop)

    assert held(laptop, "customer") == set(customers["East"])
    assert summary["scope_change"]["message"] == (
        "What you may see has changed: 2 customers removed from this laptop, 0 added."
    )


def test_unsent_edits_to_records_that_left_the_scope_go_to_the_rejected_list(
    tmp_path: Path, server: RealServer
) -> None:
    customers = two_areas(server)
    server.start()
    laptop = tmp_path / "r1"
    login(laptop, server, "r1")
    sync(laptop)
    store = Store(laptop / "fieldcrm.db")
    store.update("customer", customers["East"][0], {"city": "Ostdorf"})
    store.close()

    set_user(server, "r1", territory="West")
    result = fieldcrm(laptop, "sync", "--json")

    assert result.returncode == 1  # not everything got in: a script must see it
    assert held(laptop, "customer") == set(customers["West"])
    status = json.loads(fieldcrm(laptop, "status", "--json").stdout)
    [rejected] = status["rejected_changes"]
    assert rejected["row_id"] == customers["East"][0]
    assert rejected["fields"] == {"city": "Ostdorf"}  # kept, not dropped
    assert rejected["reason"]  # with the server's reason (the push comes before the pull)


# ---- reused device identities ---------------------------------------------------------------


def test_a_profile_restored_from_a_backup_loses_nothing_written_after_the_restore(
    tmp_path: Path, server: RealServer
) -> None:
    two_areas(server)
    server.start()
    laptop = tmp_path / "r1"
    login(laptop, server, "r1")
    sync(laptop)
    backup = tmp_path / "backup"
    shutil.copytree(laptop, backup)

    first = write_customer(laptop, "Written before the restore")
    sync(laptop)
    shutil.rmtree(laptop)
    shutil.copytree(backup, laptop)  # the backup is put back
    second = write_customer(laptop, "Written after the restore")
    summary = sync_signing_in_again_if_asked(laptop, server, "r1")

    assert summary["device_reused"] is True
    assert {first, second} <= set(server.records("customer"))
    assert {first, second} <= held(laptop, "customer")
    status = json.loads(fieldcrm(laptop, "status", "--json").stdout)
    assert status["pending"] == 0 and status["rejected"] == 0
    assert status["device_reused_at"] is not None
    text = fieldcrm(laptop, "status").stdout
    assert "restored from a backup or copied" in text
    # It goes on working under its new identity.
    third = write_customer(laptop, "Written later")
    assert sync(laptop)["device_reused"] is False
    assert third in server.records("customer")


def test_a_profile_copied_to_a_second_laptop_keeps_working_as_two_devices(
    tmp_path: Path, server: RealServer
) -> None:
    two_areas(server)
    server.start()
    first_laptop = tmp_path / "laptop-1"
    login(first_laptop, server, "r1")
    sync(first_laptop)
    second_laptop = tmp_path / "laptop-2"
    shutil.copytree(first_laptop, second_laptop)

    one = write_customer(first_laptop, "From the first laptop")
    sync(first_laptop)
    two = write_customer(second_laptop, "From the second laptop")
    summary = sync_signing_in_again_if_asked(second_laptop, server, "r1")
    assert summary["device_reused"] is True

    # The two copies shared one session; the server may have ended it for one of them
    # (see sync_signing_in_again_if_asked). After signing in, both go on as two devices.
    three = write_customer(first_laptop, "First laptop, later")
    sync_signing_in_again_if_asked(first_laptop, server, "r1")
    four = write_customer(second_laptop, "Second laptop, later")
    sync_signing_in_again_if_asked(second_laptop, server, "r1")
    sync_signing_in_again_if_asked(first_laptop, server, "r1")

    assert {one, two, three, four} <= set(server.records("customer"))
    assert held(first_laptop, "customer") == held(second_laptop, "customer")
    ids = {
        json.loads(fieldcrm(p, "status", "--json").stdout)["device_id"]
        for p in (first_laptop, second_laptop)
    }
    assert len(ids) == 2


def sync_signing_in_again_if_asked(profile: Path, server: RealServer, user: str) -> dict[str, Any]:
    """A copy of a profile carries a copy of its session; the server may end that session
    when both copies use it (a copied session looks like a stolen one), and the rep signs in
    again. Either way the sync that follows loses nothing."""
    result = fieldcrm(profile, "sync", "--json")
    if result.returncode != 0 and "Log in again" in result.stderr:
        login(profile, server, user)
        result = fieldcrm(profile, "sync", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


# ---- digests, not counts --------------------------------------------------------------------


def test_a_swapped_row_is_found_and_repaired(tmp_path: Path, server: RealServer) -> None:
    customers = two_areas(server)
    server.start()
    laptop = tmp_path / "m1"
    login(laptop, server, "m1")
    sync(laptop)
    missing = customers["East"][0]
    stranger = customers["Hill"][0]  # a customer of another area, never sent here
    store = Store(laptop / "fieldcrm.db")
    with store.write() as uow:
        conn = uow.connection
        version = conn.exec_driver_sql(
            "SELECT server_seq FROM customer WHERE id = ?", (missing,)
        ).scalar_one()
        conn.exec_driver_sql("DELETE FROM customer WHERE id = ?", (missing,))
        conn.exec_driver_sql(
            "INSERT INTO customer (id, name, status, stamps, deleted, server_seq) "
            "VALUES (?, 'Stranger', 'active', '{}', 0, ?)",
            (stranger, version + 1),
        )
    store.close()
    assert len(held(laptop, "customer")) == 4  # the count is right

    summary = sync(laptop, "--full")  # nothing changed on the server: the full check finds it

    assert summary["repaired"] == 2
    assert held(laptop, "customer") == set(customers["East"] + customers["West"])
    assert "Stranger" not in customer_names(laptop)
