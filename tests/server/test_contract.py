"""Contract suite: the same sync behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.server.helpers import ServerEnv, customer_fields


def test_login_push_pull_roundtrip(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.login("anna")
    customer_id, result = anna.create("customer", customer_fields())
    assert result["status"] == "applied"
    anna.sync()
    row = anna.rows[("customer", customer_id)]
    assert row["fields"]["name"] == "Bäckerei Müller GmbH"
    assert row["fields"]["territory_id"] == env.ids["North"]
    assert row["fields"]["owner_id"] == env.ids["anna"]
