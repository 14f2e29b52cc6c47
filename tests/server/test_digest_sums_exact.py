"""The digest sums the server keeps per scope and entity (``live_count``) stay exactly those
of the rows in ``record`` after every kind of write: pushes, customer moves that rewrite
children, deletes, the CSV import, demo data and concurrent pushes (SQLite and
PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync_server import admin, demo
from sync_server import tables as t
from sync_server.db import write_transaction
from sync_server.importing import parse_csv
from sync_server.store import REBUILD_LIVE_COUNTS_SQL
from tests.helpers.server_env import Client, ServerEnv, customer_fields

_RECOMPUTE = REBUILD_LIVE_COUNTS_SQL[REBUILD_LIVE_COUNTS_SQL.index("SELECT") :]


def assert_sums_exact(env: ServerEnv) -> None:
    with env.engine.connect() as conn:
        kept = {
            (row.scope, row.entity): (row.n, row.seq_sum, row.sq_sum, row.cube_sum)
            for row in conn.execute(sa.select(t.live_count))
            if (row.n, row.seq_sum, row.sq_sum, row.cube_sum) != (0, 0, 0, 0)
        }
        recomputed = {
            (scope, entity): tuple(int(v) for v in sums)
            for scope, entity, *sums in conn.execute(sa.text(_RECOMPUTE))
        }
    assert kept == recomputed


def _customer_with_children(client: Client, name: str) -> str:
    customer = uuid7()
    client.push(
        client.entry("customer", "create", customer, customer_fields(name)),
        client.entry("contact", "create", uuid7(), {"customer_id": customer, "last_name": "Meier"}),
        client.entry(
            "note",
            "create",
            uuid7(),
            {"customer_id": customer, "author_id": client.user_id, "text": "Besuch"},
        ),
    )
    return customer


def test_digest_sums_stay_exact_after_pushes_moves_deletes_and_imports(env: ServerEnv) -> None:
    env.setup_area()
    anna, maria = env.session("anna"), env.session("maria")
    kept = _customer_with_children(anna, "Bleibt")
    moved = _customer_with_children(anna, "Zieht um")
    gone = _customer_with_children(anna, "Geht")
    assert_sums_exact(env)
    anna.push(anna.entry("customer", "update", kept, {"city": "Kiel"}))
    anna.push(anna.entry("customer", "delete", gone))
    assert_sums_exact(env)
    # A manager moves a customer to another territory: its children are rewritten.
    maria.sync()
    base = maria.rows[("customer", moved)]["stamps"]
    (result,) = maria.push(
        maria.entry("customer", "update", moved, {"territory_id": env.ids["South"]}, base)
    )
    assert result["status"] == "applied", result
    with env.engine.connect() as conn:
        scopes = set(
            conn.execute(sa.select(t.record.c.scope).where(t.record.c.customer_id == moved))
        )
    assert scopes == {(env.ids["South"],)}
    assert_sums_exact(env)
    # The CSV import creates one customer and moves one by its number.
    anna.push(anna.entry("customer", "update", kept, {"number": "K-1"}))
    with write_transaction(env.engine) as conn:
        table = parse_csv("number,name\nK-1,Bleibt\nK-2,Neu\n")
        admin.import_customers(conn, table, "West")
    assert_sums_exact(env)
    with write_transaction(env.engine) as conn:
        admin.add_territory(conn, "East", "Central")
        admin.disable_user(conn, "ben")
    assert_sums_exact(env)


def test_a_write_around_the_writer_is_caught_by_the_check(env: ServerEnv) -> None:
    """The check above can fail: a row rewritten without ``Writer`` desynchronises it."""
    env.setup_area()
    anna = env.session("anna")
    _customer_with_children(anna, "Umgangen")
    with write_transaction(env.engine) as conn:
        conn.execute(
            t.record.update()
            .where(t.record.c.entity == "contact")
            .values(seq=t.record.c.seq + 10**6)
        )
    with pytest.raises(AssertionError):
        assert_sums_exact(env)


def test_digest_sums_stay_exact_after_demo_data(env: ServerEnv) -> None:
    with write_transaction(env.engine) as conn:
        demo.seed_demo(conn, customers_per_territory=3)
    assert_sums_exact(env)


def test_digest_sums_stay_exact_under_concurrent_pushes_and_moves(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    customers = [_customer_with_children(anna, f"K {k}") for k in range(4)]
    errors: list[str] = []
    start = threading.Barrier(4)

    def device(n: int) -> None:
        who = ("anna", "maria", "maria", "root")[n]
        client = env.session(who, f"dev-{n}")
        client.http = TestClient(env.app, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
        try:
            start.wait()
            for i in range(6):
                customer = customers[(n + i) % len(customers)]
                entries: list[dict[str, Any]] = [
                    client.entry("customer", "update", customer, {"city": f"{n}-{i}"})
                ]
                if who != "anna":
                    territory = env.ids[("North", "South")[(n + i) % 2]]
                    entries.append(
                        client.entry("customer", "update", customer, {"territory_id": territory})
                    )
                response = client.push_raw(entries)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text}")
        except Exception as exc:  # reported by the assertion below
            errors.append(repr(exc))
        finally:
            client.http.close()

    threads = [threading.Thread(target=device, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_sums_exact(env)
