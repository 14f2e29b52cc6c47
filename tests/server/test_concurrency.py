"""Concurrent devices on one server: logins, pushes and pulls in parallel threads never fail."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from tests.helpers.server_env import PASSWORD, Client, ServerEnv, customer_fields

DEVICES = 6
PUSHES = 5


def test_concurrent_devices_login_push_and_pull(env: ServerEnv) -> None:
    env.setup_area()
    errors: list[str] = []
    created: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(DEVICES)

    def device(n: int) -> None:
        http = TestClient(env.app, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
        try:
            start.wait()
            who = ("anna", "maria")[n % 2]
            r = http.post(
                ApiPaths.LOGIN,
                json={"username": who, "password": PASSWORD, "device_id": f"dev-{n}"},
            )
            if r.status_code != 200:
                errors.append(f"login {r.status_code} {r.text}")
                return
            body = r.json()
            client = Client(
                http, f"dev-{n}", body["access_token"], body["refresh_token"], body["user"]["id"]
            )
            for i in range(PUSHES):
                row_id = uuid7()
                response = client.push_raw(
                    [
                        client.entry(
                            "customer",
                            "create",
                            row_id,
                            customer_fields(f"{n}-{i}", territory_id=env.ids["North"]),
                        )
                    ]
                )
                if response.status_code != 200:
                    errors.append(f"push {response.status_code} {response.text}")
                    continue
                with lock:
                    created.append(row_id)
                client.sync()
        except Exception as exc:  # reported by the assertion below
            errors.append(repr(exc))
        finally:
            http.close()

    threads = [threading.Thread(target=device, args=(n,)) for n in range(DEVICES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    maria = env.session("maria", "check")
    maria.sync()
    assert maria.ids("customer") == set(created) and len(created) == DEVICES * PUSHES


def test_concurrent_creates_of_one_row_both_succeed(env: ServerEnv) -> None:
    env.setup_area()
    row_id = uuid7()
    start = threading.Barrier(4)
    statuses: list[int] = []

    def device(n: int) -> None:
        http = TestClient(env.app, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
        try:
            client = env.session("anna", f"twin-{n}")
            client.http = http
            entry = client.entry("customer", "create", row_id, customer_fields(f"Twin {n}"))
            start.wait()
            statuses.append(client.push_raw([entry]).status_code)
        finally:
            http.close()

    threads = [threading.Thread(target=device, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 4
    maria = env.session("maria", "check")
    maria.sync()
    assert maria.ids("customer") == {row_id}
