"""Schemathesis against the server's OpenAPI spec: no 5xx, no answer that violates the
schema, at least 100 generated examples per operation, plus explicit examples of the input
that once ended in a 500 (operation numbers beyond 64 bits, lone surrogates, NUL
characters, dates outside what can be stored, a rename to a taken user name, cursors
beyond 64 bits).

Every operation runs for each role (rep, manager, admin) with that role's token, and the
operations that act on the caller (me, push, pull) also without a token.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import response_schema_conformance

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.helpers.server_env import ServerEnv, customer_fields

EXAMPLES = 100
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[ServerEnv]:
    path = tmp_path_factory.mktemp("schemathesis") / "server.db"
    shutil.copy(sqlite_template, path)
    env = ServerEnv(f"sqlite:///{path}")
    env.setup_area()
    anna = env.session("anna", "seed")
    customer_id, _ = anna.create("customer", customer_fields())
    anna.create("contact", {"customer_id": customer_id, "last_name": "Wagner"})
    env.ids["customer"] = customer_id
    yield env
    env.close()


def _entry(device: str, op_no: int, entity: str, row_id: str, op: str, **fields: Any) -> dict:
    stamp = f"{int(time.time() * 1000):013d}:000000:{device}"
    return {
        "device_id": device,
        "op_no": op_no,
        "entity": entity,
        "row_id": row_id,
        "op": op,
        "fields": fields,
        "stamps": dict.fromkeys(fields, stamp),
    }


def explicit_examples(api: ServerEnv, device: str) -> dict[str, list[dict[str, Any]]]:
    """Request bodies (or query parameters, for pull) per operation path."""
    customer = api.ids["customer"]
    login = {"username": "anna", "password": "a password", "device_id": device}
    return {
        "/api/v1/auth/login": [
            login | {"username": "an\x00na"},
            login | {"password": "pass\x00word"},
            login | {"username": "\ud800anna"},
            login | {"device_id": "dev\udfff"},
        ],
        "/api/v1/auth/refresh": [
            {"refresh_token": "fcr_\x00", "device_id": device},
            {"refresh_token": "fcr_\ud800", "device_id": device},
        ],
        "/api/v1/auth/logout": [{"refresh_token": "fcr_\x00"}],
        "/api/v1/sync/push": [
            {
                "device_id": device,
                "entries": [_entry(device, 2**63, "customer", uuid7(), "create", name="Big")],
            },
            {
                "device_id": device,
                "entries": [_entry(device, 1, "customer", uuid7(), "create", name="M\ud800")],
            },
            {
                "device_id": device,
                "entries": [_entry(device, 2, "customer", uuid7(), "create", name="N\x00ull")],
            },
            {
                "device_id": device,
                "entries": [
                    _entry(
                        device,
                        3,
                        "visit",
                        uuid7(),
                        "create",
                        customer_id=customer,
                        rep_id=api.ids["anna"],
                        status="planned",
                        planned_start="0001-01-01T00:00:00+01:00",
                    )
                ],
            },
            {
                "device_id": device,
                "entries": [_entry(device, 4, "user", api.ids["ben"], "update", username="anna")],
            },
        ],
        "/api/v1/sync/pull": [{"cursor": "9" * 25}, {"cursor": "1\x00"}],
    }


OPERATIONS = [
    "DELETE /api/v1/calendar/subscription",
    "GET /api/v1/files/attachments/{attachment_id}/content",
    "GET /api/v1/me",
    "GET /api/v1/sync/pull",
    "GET /api/v1/version",
    "GET /healthz",
    "HEAD /api/v1/files/uploads/{upload_id}",
    "PATCH /api/v1/files/uploads/{upload_id}",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/logout",
    "POST /api/v1/auth/refresh",
    "POST /api/v1/calendar/subscription",
    "POST /api/v1/device/rekey",
    "POST /api/v1/device/wipe-confirmed",
    "POST /api/v1/files/uploads",
    "POST /api/v1/sync/digest",
    "POST /api/v1/sync/push",
    "POST /api/v1/sync/rows",
]

CALLER_OPERATIONS = ("/api/v1/me", "/api/v1/sync/push", "/api/v1/sync/pull")


def _operations(api: ServerEnv) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if not isinstance(result, Err)]
    assert len(operations) == len(results), "every operation of the spec must load"
    # A new operation is added here on purpose, with explicit examples where it takes input
    # that once broke something.
    assert sorted(f"{op.method.upper()} {op.path}" for op in operations) == OPERATIONS
    return operations


@pytest.mark.parametrize("username", ["anna", "maria", "root"], ids=["rep", "manager", "admin"])
def test_openapi_schema_holds_for_role(api: ServerEnv, username: str) -> None:
    client = api.session(username, f"schemathesis-{username}")
    headers = {
        PROTOCOL_HEADER: str(PROTOCOL_VERSION),
        "Authorization": f"Bearer {client.access_token}",
    }
    _check_all(_operations(api), headers, explicit_examples(api, client.device_id))


def test_openapi_schema_holds_without_login(api: ServerEnv) -> None:
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    _check_all([op for op in _operations(api) if op.path in CALLER_OPERATIONS], headers)


def _check_all(
    operations: list[Any], headers: dict[str, str], examples: dict[str, list[dict]] | None = None
) -> None:
    for operation in operations:
        for example in (examples or {}).get(operation.path, []):
            if operation.method.upper() == "GET":
                case = operation.Case(query=example)
            else:
                case = operation.Case(body=example, media_type="application/json")
            response = case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )
            if response.status_code == 200 and operation.path == "/api/v1/sync/push":
                # Refused per entry (a rule, not the request, is broken).
                statuses = {r["status"] for r in response.json()["results"]}
                assert statuses == {"rejected"}, (example, response.json())
            else:
                assert 400 <= response.status_code < 500, (operation.path, example)
        calls = _run(operation, headers)
        # Operations without any input have a single possible request.
        if operation.path not in ("/healthz", "/api/v1/version"):
            assert calls >= EXAMPLES, f"{operation.method} {operation.path}: {calls}"


def _run(operation: Any, headers: dict[str, str]) -> int:
    calls = [0]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        calls[0] += 1
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    check()
    return calls[0]
