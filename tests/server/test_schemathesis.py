"""Schemathesis against the server's OpenAPI spec: no 5xx, no answer that violates the
schema, at least 100 generated examples per operation.

Every operation runs for each role (rep, manager, admin) with that role's token, and the
operations that act on the caller (me, push, pull) also without a token.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import response_schema_conformance

from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.server.helpers import ServerEnv, customer_fields

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
    yield env
    env.close()


CALLER_OPERATIONS = ("/api/v1/me", "/api/v1/sync/push", "/api/v1/sync/pull")


def _operations(api: ServerEnv) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if not isinstance(result, Err)]
    assert len(operations) == len(results) == 11, "every operation of the spec must load"
    return operations


@pytest.mark.parametrize("username", ["anna", "maria", "root"], ids=["rep", "manager", "admin"])
def test_openapi_schema_holds_for_role(api: ServerEnv, username: str) -> None:
    client = api.session(username, f"schemathesis-{username}")
    headers = {
        PROTOCOL_HEADER: str(PROTOCOL_VERSION),
        "Authorization": f"Bearer {client.access_token}",
    }
    _check_all(_operations(api), headers)


def test_openapi_schema_holds_without_login(api: ServerEnv) -> None:
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    _check_all([op for op in _operations(api) if op.path in CALLER_OPERATIONS], headers)


def _check_all(operations: list[Any], headers: dict[str, str]) -> None:
    for operation in operations:
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
