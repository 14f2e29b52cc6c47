"""Authorisation matrix (every role x every endpoint) and scoped replication over random data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import ApiPaths
from fieldcrm.protocol.positional import row_states
from sync_server.admin import AdminSession
from sync_server.db import write_transaction
from tests.helpers.server_env import PASSWORD, Client, ServerEnv, customer_fields

ROLES = ("rep", "manager", "admin", "anonymous")
USER_OF_ROLE = {"rep": "anna", "manager": "maria", "admin": "root"}
ENDPOINTS = ("login", "refresh", "logout", "me", "push", "pull", "version", "healthz")


@pytest.fixture(scope="module")
def area(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[ServerEnv]:
    path = tmp_path_factory.mktemp("authz") / "server.db"
    shutil.copy(sqlite_template, path)
    env = ServerEnv(f"sqlite:///{path}")
    env.setup_area()
    yield env
    env.close()


def _call(env: ServerEnv, role: str, endpoint: str) -> tuple[int, Any]:
    """Call an endpoint as a role with a sensible request; returns (status, json)."""
    client: Client | None = None
    if role != "anonymous":
        client = env.login(USER_OF_ROLE[role], f"{role}-{endpoint}-{uuid7()}")
    auth = client.auth if client else {}
    http = env.http
    if endpoint == "login":
        username = USER_OF_ROLE.get(role, "nobody")
        password = PASSWORD if client else "wrong password"
        r = http.post(
            ApiPaths.LOGIN,
            json={"username": username, "password": password, "device_id": f"login-{uuid7()}"},
        )
    elif endpoint == "refresh":
        token = client.refresh_token if client else "fcr_not-a-token"
        device = client.device_id if client else "x"
        r = http.post(ApiPaths.REFRESH, json={"refresh_token": token, "device_id": device})
    elif endpoint == "logout":
        token = client.refresh_token if client else "fcr_not-a-token"
        r = http.post(ApiPaths.LOGOUT, json={"refresh_token": token})
    elif endpoint == "me":
        r = http.get(ApiPaths.ME, headers=auth)
    elif endpoint == "push":
        device = client.device_id if client else "x"
        entry = {
            "device_id": device,
            "op_no": 1,
            "entity": "customer",
            "row_id": uuid7(),
            "op": "create",
            "fields": customer_fields(territory_id=env.ids["North"]),
            "stamps": dict.fromkeys(
                customer_fields(territory_id=""), f"1700000000000:000000:{device}"
            ),
        }
        r = http.post(ApiPaths.PUSH, json={"device_id": device, "entries": [entry]}, headers=auth)
    elif endpoint == "pull":
        r = http.get(ApiPaths.PULL, headers=auth)
    elif endpoint == "version":
        r = http.get(ApiPaths.VERSION)
    else:
        r = http.get(ApiPaths.HEALTH)
    body = r.json() if r.content else None
    return r.status_code, body


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(area: ServerEnv, role: str, endpoint: str) -> None:
    status, body = _call(area, role, endpoint)
    if endpoint in ("version", "healthz"):
        assert status == 200
        return
    if role == "anonymous":
        expected = 204 if endpoint == "logout" else 401
        assert status == expected, body
        if status == 401:
            assert body["code"] and body["message"]
        return
    assert status == (204 if endpoint == "logout" else 200), body
    if endpoint in ("login", "refresh"):
        assert body["user"]["role"] == role
    elif endpoint == "me":
        assert body["role"] == role
    elif endpoint == "push":
        # Everyone may add a customer in North; a rep's goes to North whatever it says.
        assert body["results"][0]["status"] == "applied"
    elif endpoint == "pull":
        territories = {r["id"] for r in row_states(body["tables"]) if r["entity"] == "territory"}
        ids = area.ids
        expected_territories = {
            "rep": {ids["North"], ids["Central"]},
            "manager": {ids["Central"], ids["North"], ids["South"]},
            "admin": {ids[n] for n in ("Central", "North", "South", "Coast", "West")},
        }[role]
        assert territories == expected_territories


def test_users_and_territories_are_admin_only(area: ServerEnv) -> None:
    for who in ("anna", "maria"):
        client = area.login(who, f"{who}-{uuid7()}")
        results = client.push(
            client.entry("territory", "create", uuid7(), {"name": "Mine"}),
            client.entry("user", "update", area.ids["anna"], {"display_name": "X"}),
        )
        assert [r["status"] for r in results] == ["rejected", "rejected"]
    root = area.login("root", f"root-{uuid7()}")
    root.sync()
    base = root.rows[("user", area.ids["wim"])]["stamps"]
    (result,) = root.push(
        root.entry(
            "user", "update", area.ids["wim"], {"display_name": "Wim de Vries"}, base_stamps=base
        )
    )
    assert result["status"] == "applied"
    root.sync()
    assert root.rows[("user", area.ids["wim"])]["fields"]["display_name"] == "Wim de Vries"


placements = st.lists(
    st.tuples(st.sampled_from(["North", "South", "West"]), st.integers(0, 3)),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(placements=placements)
def test_pull_never_leaves_the_scope(
    sqlite_env: ServerEnv, placements: list[tuple[str, int]]
) -> None:
    env = sqlite_env
    if "North" not in env.ids:
        env.setup_area()
    customer_territory: dict[str, str] = {}
    with write_transaction(env.engine) as conn:
        session = AdminSession(conn)
        for territory, children in placements:
            customer_id = uuid7()
            session.apply(
                "customer", "create", customer_id, customer_fields(territory_id=env.ids[territory])
            )
            customer_territory[customer_id] = env.ids[territory]
            for _ in range(children):
                session.apply(
                    "contact",
                    "create",
                    uuid7(),
                    {"customer_id": customer_id, "last_name": "Kowalski"},
                )
        session.finish()
    scopes = {
        "anna": {env.ids["North"]},
        "ben": {env.ids["South"]},
        "wim": {env.ids["West"]},
        "maria": {env.ids["North"], env.ids["South"]},
    }
    for who, allowed in scopes.items():
        if who not in env.clients:
            env.clients[who] = env.session(who)
        client = env.clients[who]
        client.sync(limit=7)
        for (entity, _row_id), row in client.rows.items():
            if entity == "customer":
                assert row["fields"]["territory_id"] in allowed
            elif entity == "contact":
                customer = row["fields"]["customer_id"]
                assert customer in client.ids("customer")
        mine = {c for c, territory in customer_territory.items() if territory in allowed}
        assert mine <= client.ids("customer")
