"""Bad input gets a 4xx with a clear message and writes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import gzip
import json
import logging
from typing import Any

import orjson
import pytest

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import MAX_BODY_BYTES, PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from sync_server import auth
from sync_server.logs import JsonFormatter
from tests.helpers.server_env import PASSWORD, Client, ServerEnv, customer_fields, db_state


@pytest.fixture
def env(sqlite_env: ServerEnv) -> ServerEnv:
    """Requests refused before any data moves do not depend on the database: SQLite here;
    ``test_bad_input_refused_push_writes_nothing`` covers both databases."""
    return sqlite_env


@pytest.fixture
def anna(env: ServerEnv) -> Client:
    env.setup_area()
    return env.session("anna")


def _refused(env: ServerEnv, response: Any, status: int, code: str, before: tuple) -> dict:
    assert response.status_code == status, response.text
    body: dict = response.json()
    assert body["code"] == code and len(body["message"]) > 10
    assert db_state(env) == before, "a refused request must write nothing"
    return body


def test_bad_input_malformed_json(env: ServerEnv, anna: Client) -> None:
    before = db_state(env)
    response = env.http.post(
        ApiPaths.PUSH,
        content=b'{"device_id": "anna-laptop", "entr',
        headers={**anna.auth, "Content-Type": "application/json"},
    )
    _refused(env, response, 400, "malformed_json", before)


def test_bad_input_oversized_body(env: ServerEnv, anna: Client) -> None:
    before = db_state(env)
    big = b'{"device_id":"anna-laptop","entries":[],"x":"' + b"a" * MAX_BODY_BYTES + b'"}'
    response = env.http.post(
        ApiPaths.PUSH, content=big, headers={**anna.auth, "Content-Type": "application/json"}
    )
    body = _refused(env, response, 413, "body_too_large", before)
    assert "MiB" in body["message"]


def test_bad_input_gzip_body_is_accepted_and_capped(env: ServerEnv, anna: Client) -> None:
    entry = anna.entry("customer", "create", uuid7(), customer_fields())
    body = gzip.compress(orjson.dumps({"device_id": anna.device_id, "entries": [entry]}))
    response = env.http.post(
        ApiPaths.PUSH,
        content=body,
        headers={**anna.auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "applied"
    before = db_state(env)
    bomb = gzip.compress(b" " * (MAX_BODY_BYTES + 10))
    response = env.http.post(
        ApiPaths.PUSH,
        content=bomb,
        headers={**anna.auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    _refused(env, response, 413, "body_too_large", before)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"entity": "invoice"}, "entity"),
        ({"fields": {"name": "X", "colour": "red"}}, "colour"),
        ({"fields": {"name": "X", "visit_cadence_days": "ten"}}, "visit_cadence_days"),
        ({"fields": {"name": 42}}, "name"),
        ({"stamps": {"name": "yesterday"}}, "name"),
    ],
)
def test_bad_input_unknown_entity_field_or_wrong_type(
    env: ServerEnv, anna: Client, change: dict, field: str
) -> None:
    good = anna.entry("customer", "create", uuid7(), customer_fields())
    bad = anna.entry("customer", "create", uuid7(), {"name": "X"})
    bad.update(change)
    if "fields" in change:
        bad["stamps"] = dict.fromkeys(change["fields"], bad["stamps"]["name"])
    before = db_state(env)
    body = _refused(env, anna.push_raw([good, bad]), 422, "invalid_entries", before)
    assert body["details"][0]["op_no"] == bad["op_no"]
    assert body["details"][0]["field"] == field


def test_bad_input_refused_push_writes_nothing(db_url: str) -> None:
    server = ServerEnv(db_url)
    try:
        server.setup_area()
        anna = server.session("anna")
        good = anna.entry("customer", "create", uuid7(), customer_fields())
        unknown = anna.entry("customer", "create", uuid7(), {"name": "X", "colour": "red"})
        future = anna.entry(
            "customer",
            "create",
            uuid7(),
            customer_fields(),
            stamp=f"{int(anna.clock.last.split(':')[0]) + 3_600_000:013d}:0:x",
        )
        future["stamps"] = {k: v.replace(":0:x", ":000000:x") for k, v in future["stamps"].items()}
        before = db_state(server)
        _refused(server, anna.push_raw([good, unknown]), 422, "invalid_entries", before)
        _refused(server, anna.push_raw([good, future]), 422, "clock_ahead", before)
    finally:
        server.close()


def test_bad_input_wrong_request_types(env: ServerEnv, anna: Client) -> None:
    entry = anna.entry("customer", "create", uuid7(), customer_fields())
    entry["op_no"] = "first"
    before = db_state(env)
    body = _refused(env, anna.push_raw([entry]), 422, "invalid_request", before)
    assert "op_no" in body["message"]
    entry["op_no"], entry["op"] = 1, "upsert"
    _refused(env, anna.push_raw([entry]), 422, "invalid_request", before)


def test_bad_input_stamp_far_in_the_future(env: ServerEnv, anna: Client) -> None:
    good = anna.entry("customer", "create", uuid7(), customer_fields())
    future = anna.entry(
        "customer",
        "create",
        uuid7(),
        customer_fields(),
        stamp=f"{int(anna.clock.last.split(':')[0]) + 3_600_000:013d}:000000:x",
    )
    before = db_state(env)
    body = _refused(env, anna.push_raw([good, future]), 422, "clock_ahead", before)
    assert "clock" in body["message"] and "minutes in the future" in body["details"][0]["message"]


def test_bad_input_slightly_ahead_clock_is_accepted(env: ServerEnv, anna: Client) -> None:
    ahead = f"{int(anna.clock.last.split(':')[0]) + 60_000:013d}:000000:anna-laptop"
    (result,) = anna.push(anna.entry("customer", "create", uuid7(), customer_fields(), stamp=ahead))
    assert result["status"] == "applied"


# "1": a laptop still on the app before compact stamps (protocol 2).
@pytest.mark.parametrize("header", [None, "0", "1", str(PROTOCOL_VERSION + 1), "one"])
def test_bad_input_protocol_version_mismatch(
    env: ServerEnv, anna: Client, header: str | None
) -> None:
    entry = anna.entry("customer", "create", uuid7(), customer_fields())
    headers = {**anna.auth, PROTOCOL_HEADER: header or ""}
    if header is None:
        env.http.headers.pop(PROTOCOL_HEADER)
        headers.pop(PROTOCOL_HEADER)
    before = db_state(env)
    for response in (
        env.http.post(
            ApiPaths.PUSH, json={"device_id": anna.device_id, "entries": [entry]}, headers=headers
        ),
        env.http.get(ApiPaths.PULL, headers=headers),
        env.http.post(
            ApiPaths.LOGIN,
            json={"username": "anna", "password": PASSWORD, "device_id": "z"},
            headers=headers,
        ),
    ):
        body = _refused(env, response, 426, "protocol_mismatch", before)
        assert f"protocol {PROTOCOL_VERSION}" in body["message"]
        assert response.json().get("rows") is None


def test_bad_input_too_many_entries_and_rows(env: ServerEnv, anna: Client) -> None:
    entries = [anna.entry("customer", "create", uuid7(), customer_fields()) for _ in range(1001)]
    before = db_state(env)
    body = _refused(env, anna.push_raw(entries), 422, "invalid_request", before)
    assert "1000" in body["message"]
    response = env.http.get(ApiPaths.PULL, params={"limit": 10001}, headers=anna.auth)
    body = _refused(env, response, 422, "invalid_request", before)
    assert "10000" in body["message"]
    response = env.http.get(ApiPaths.PULL, params={"cursor": "abc"}, headers=anna.auth)
    _refused(env, response, 400, "invalid_cursor", before)
    response = env.http.get(ApiPaths.PULL, params={"cursor": "999999"}, headers=anna.auth)
    _refused(env, response, 400, "invalid_cursor", before)


def test_bad_input_tokens(env: ServerEnv, anna: Client) -> None:
    before = db_state(env)
    entry = anna.entry("customer", "create", uuid7(), customer_fields())
    for headers in ({"Authorization": "Bearer fca_forged"}, {"Authorization": "Basic abc"}, {}):
        response = env.http.post(
            ApiPaths.PUSH, json={"device_id": anna.device_id, "entries": [entry]}, headers=headers
        )
        _refused(env, response, 401, response.json()["code"], before)
    response = env.http.post(
        ApiPaths.PUSH, json={"device_id": "another", "entries": []}, headers=anna.auth
    )
    _refused(env, response, 403, "device_mismatch", before)


def test_passwords_use_argon2id_at_owasp_strength() -> None:
    encoded = auth.hash_password("secret")
    variant, version, params, *_ = encoded.lstrip("$").split("$")
    values = dict(p.split("=") for p in params.split(","))
    assert variant == "argon2id" and version == "v=19"
    assert int(values["m"]) >= 19 * 1024 and int(values["t"]) >= 2 and int(values["p"]) >= 1
    assert auth.verify_password(encoded, "secret") and not auth.verify_password(encoded, "x")


def test_logs_are_json_with_request_id_and_no_secrets(
    env: ServerEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env.setup_area()
    with caplog.at_level(logging.INFO, logger="fieldcrm.server"):
        anna = env.login("anna")
        env.http.post(
            ApiPaths.REFRESH,
            json={"refresh_token": anna.refresh_token, "device_id": anna.device_id},
        )
        anna.sync()
        env.http.post(
            ApiPaths.LOGIN,
            json={"username": "anna", "password": "wrong-secret", "device_id": "d"},
            headers={"X-Request-ID": "req-42"},
        )
    formatter = JsonFormatter()
    lines = [json.loads(formatter.format(record)) for record in caplog.records]
    requests = [line for line in lines if line["logger"] == "fieldcrm.server.request"]
    assert len(requests) >= 4 and all(line["request_id"] for line in requests)
    assert {"method", "path", "status", "duration_ms"} <= set(requests[0])
    assert requests[-1]["request_id"] == "req-42" and requests[-1]["status"] == 401
    text = "\n".join(formatter.format(record) for record in caplog.records)
    for secret in (PASSWORD, "wrong-secret", anna.access_token, anna.refresh_token):
        assert secret not in text
