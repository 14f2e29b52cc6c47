"""Push bodies that orjson and the standard library read differently: every body gets the
answer the standard library's reading gives, or a clear 400 when no rule can hold what it
says (integers beyond 64 bits, nesting too deep to parse); never a 500, nothing written."""

from __future__ import annotations

import httpx
import orjson
import pytest

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import ApiPaths
from tests.helpers.server_env import Client, ServerEnv, customer_fields, db_state


@pytest.fixture
def env(sqlite_env: ServerEnv) -> ServerEnv:
    return sqlite_env


@pytest.fixture
def anna(env: ServerEnv) -> Client:
    env.setup_area()
    return env.session("anna")


def _push_with(anna: Client, field: str, literal: str) -> httpx.Response:
    """A push of one new customer whose ``field`` is the JSON text ``literal`` as sent."""
    fields: dict[str, object] = {**customer_fields(), field: 0}
    entry = anna.entry("customer", "create", uuid7(), fields)
    body = orjson.dumps({"device_id": anna.device_id, "entries": [entry]})
    marker = b'"%s":0' % field.encode()
    assert body.count(marker) == 1
    return anna.http.post(
        ApiPaths.PUSH,
        content=body.replace(marker, b'"%s":%s' % (field.encode(), literal.encode())),
        headers={**anna.auth, "Content-Type": "application/json"},
    )


def _refused_as_malformed(env: ServerEnv, response: httpx.Response, why: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "malformed_json"
    assert why in body["message"], body["message"]


@pytest.mark.parametrize(
    ("field", "literal"),
    [
        # orjson reads 10**20 - 1 as the float 1e+20: the push was refused as "wrong
        # type (float)" where the standard library reads an integer.
        ("visit_cadence_days", "9" * 20),
        # The standard library reads these as integers no JSON encoder of the server can
        # write again: a 500 from the entry's digest.
        ("latitude", "9" * 400),
        ("latitude", "-" + "9" * 400),
        ("visit_cadence_days", str(2**64)),
        ("longitude", str(-(2**63) - 1)),
    ],
)
def test_integers_beyond_64_bits_are_refused_clearly(
    env: ServerEnv, anna: Client, field: str, literal: str
) -> None:
    before = db_state(env)
    response = _push_with(anna, field, literal)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid_entries"
    assert f"'{field}' is a number beyond the 64-bit range" in body["message"]
    assert [d["field"] for d in body["details"]] == [field]
    assert db_state(env) == before


def test_a_number_of_too_many_digits_is_refused_clearly(env: ServerEnv, anna: Client) -> None:
    """Beyond Python's limit on the digits of an integer: was a 400 without a reason."""
    before = db_state(env)
    _refused_as_malformed(env, _push_with(anna, "latitude", "9" * 5000), "too many digits")
    assert db_state(env) == before


def test_integers_within_64_bits_get_the_general_rules(env: ServerEnv, anna: Client) -> None:
    """The largest integer orjson reads as an integer, with 20 digits, and digits in a
    text: read as the standard library reads them, checked by the field's rules."""
    (result,) = _push_with(anna, "visit_cadence_days", str(2**64 - 1)).json()["results"]
    assert result["status"] == "rejected"
    assert [p["code"] for p in result["problems"]] == ["above_max"]
    (result,) = _push_with(anna, "visit_cadence_days", "-" + str(2**63)).json()["results"]
    assert [p["code"] for p in result["problems"]] == ["below_min"]
    response = _push_with(anna, "phone", '"+49 12345678901234567890"')
    assert response.json()["results"][0]["status"] == "applied", response.text
    # A long integer in a text field: the wrong type, as the standard library reads it.
    response = _push_with(anna, "city", "9" * 30)
    assert response.status_code == 422
    assert "'city' has the wrong type (int)" in response.json()["message"]


def test_nesting_too_deep_is_refused_clearly(env: ServerEnv, anna: Client) -> None:
    before = db_state(env)
    for depth in (5_000, 100_000):
        response = _push_with(anna, "city", "[" * depth + "]" * depth)
        _refused_as_malformed(env, response, "nested too deeply")
    assert db_state(env) == before
