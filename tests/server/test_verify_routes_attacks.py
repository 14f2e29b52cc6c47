"""The verification routes (``/sync/digest``, ``/sync/rows``) and ``/device/rekey`` under
attack: other territories stay invisible and bad input gets a clear 4xx, never a 500
(SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import (
    MAX_DIGEST_RANGES,
    MAX_ROWS_PER_FETCH,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ApiPaths,
)
from fieldcrm.protocol.digest import Digest
from fieldcrm.protocol.positional import row_states
from sync_server import auth
from sync_server import tables as t
from tests.helpers.server_env import PASSWORD, Client, ServerEnv, customer_fields


def _digest(client: Client, body: Any) -> Any:
    return client.http.post(ApiPaths.DIGEST, json=body, headers=client.auth)


def _rows(client: Client, body: Any) -> Any:
    return client.http.post(ApiPaths.ROWS, json=body, headers=client.auth)


def _customers(client: Client, n: int, name: str) -> list[str]:
    ids = [uuid7() for _ in range(n)]
    client.push(
        *(
            client.entry("customer", "create", i, customer_fields(f"{name} {k}"))
            for k, i in enumerate(ids)
        )
    )
    return ids


def _clear_4xx(response: Any) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    assert body["code"] and len(body["message"]) > 10, body
    return body


def test_rows_of_other_territories_come_back_gone_and_never_sent(env: ServerEnv) -> None:
    env.setup_area()
    anna, ben = env.session("anna"), env.session("ben")
    mine = _customers(anna, 2, "North")
    theirs = _customers(ben, 3, "South")
    response = _rows(anna, {"entity": "customer", "ids": [*mine, *theirs, "no-such-id"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(r["id"] for r in row_states(body["tables"])) == sorted(mine)
    # Another territory's rows are told apart from unknown ids in no way.
    assert sorted(body["gone"]) == sorted([*theirs, "no-such-id"])
    assert "South" not in response.text


def test_digest_of_a_range_is_the_same_whatever_other_territories_hold(env: ServerEnv) -> None:
    env.setup_area()
    anna, ben = env.session("anna"), env.session("ben")
    _customers(anna, 2, "North")
    request = {"entity": "customer", "ranges": [[0, 10**12]], "list_below": MAX_ROWS_PER_FETCH}
    before = _digest(anna, request).json()
    theirs = _customers(ben, 5, "South")
    ben.push(ben.entry("customer", "delete", theirs[0]))
    after = _digest(anna, request).json()
    assert after == before
    listed = after["ranges"][0]["rows"]
    assert len(listed) == 2 and not set(theirs) & {row_id for row_id, _ in listed}
    # The admin sees both territories, and so their digest does change.
    root = env.session("root")
    whole = _digest(root, request).json()["ranges"][0]
    assert Digest.from_list(whole["digest"]).rows >= 6


@pytest.mark.parametrize(
    "ranges",
    [
        [[0, 2**63]],
        [[2**63, 2**64]],
        [[-(2**63) - 1, 5]],
        [[0, 10**30]],
        [[1.5, 3]],
        [[0]],
        [[0, 1, 2]],
        [],
        [[0, 10]] * (MAX_DIGEST_RANGES + 1),
        "all",
    ],
)
def test_digest_ranges_that_are_no_version_ranges_are_refused_with_422(
    env: ServerEnv, ranges: Any
) -> None:
    env.setup_area()
    anna = env.session("anna")
    _customers(anna, 1, "North")
    body = _clear_4xx(_digest(anna, {"entity": "customer", "ranges": ranges}))
    assert body["code"] == "invalid_request"


def test_digest_of_empty_negative_and_reversed_ranges_is_zero(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    _customers(anna, 3, "North")
    ranges = [[-5, 0], [10, 2], [2**62, 2**63 - 1], [-(2**63), 2**63 - 1]]
    response = _digest(anna, {"entity": "customer", "ranges": ranges, "list_below": 5})
    assert response.status_code == 200, response.text
    out = response.json()["ranges"]
    assert [r["digest"][0] for r in out] == [0, 0, 0, 3]
    assert out[1]["rows"] == [] and len(out[3]["rows"]) == 3


def test_digest_of_64_ranges_each_listing_1000_rows_is_answered(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    _customers(anna, 50, "North")
    ranges = [[0, 2**63 - 1]] * MAX_DIGEST_RANGES
    body = {"entity": "customer", "ranges": ranges, "list_below": MAX_ROWS_PER_FETCH}
    response = _digest(anna, body)
    assert response.status_code == 200, response.text
    assert all(len(r["rows"]) == 50 for r in response.json()["ranges"])


@pytest.mark.parametrize(
    "body",
    [
        {"entity": "record", "ranges": [[0, 1]]},
        {"entity": "", "ranges": [[0, 1]]},
        {"entity": "customer", "ranges": [[0, 1]], "list_below": -1},
        {"entity": "customer", "ranges": [[0, 1]], "list_below": MAX_ROWS_PER_FETCH + 1},
        {"entity": ["customer"], "ranges": [[0, 1]]},
        {"ranges": [[0, 1]]},
        [],
        "customer",
    ],
)
def test_digest_requests_of_the_wrong_shape_are_refused_with_4xx(env: ServerEnv, body: Any) -> None:
    env.setup_area()
    _clear_4xx(_digest(env.session("anna"), body))


@pytest.mark.parametrize(
    "body",
    [
        {"entity": "account", "ids": ["x"]},
        {"entity": "customer", "ids": "abc"},
        {"entity": "customer", "ids": [1, 2]},
        {"entity": "customer", "ids": [None]},
        {"entity": "customer", "ids": ["x"] * (MAX_ROWS_PER_FETCH + 1)},
        {"entity": "customer", "ids": ["x" * 100_000]},
        {"entity": "customer", "ids": ["a\u0000b"]},
        {"entity": "customer"},
        None,
    ],
)
def test_rows_requests_of_the_wrong_shape_are_refused_with_4xx(env: ServerEnv, body: Any) -> None:
    env.setup_area()
    _clear_4xx(_rows(env.session("anna"), body))


def test_rows_and_digest_bodies_that_are_no_json_are_refused_with_400(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    for path in (ApiPaths.DIGEST, ApiPaths.ROWS, ApiPaths.REKEY):
        headers = {**anna.auth, "Content-Type": "application/json"}
        response = anna.http.post(path, content=b"{not json", headers=headers)
        assert _clear_4xx(response)["code"] == "malformed_json"


def test_rows_with_1000_duplicate_and_odd_ids_are_answered(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    (mine,) = _customers(anna, 1, "North")
    ids = [mine] * 998 + ["'; DROP TABLE record; --", "\ud7ff\u00e4"]
    response = _rows(anna, {"entity": "customer", "ids": ids})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["id"] for r in row_states(body["tables"])] == [mine]
    assert len(body["gone"]) == 2


def test_rows_answer_is_capped_in_bytes_of_text_not_in_characters(
    env: ServerEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four-byte characters: a cap counted in characters would let an answer grow to four
    times the page's bytes."""
    from sync_server import pull

    env.setup_area()
    anna = env.session("anna")
    (customer,) = _customers(anna, 1, "North")
    text = "\U0001f600" * 2_000  # 8,000 bytes of UTF-8, 2,000 characters
    ids = [uuid7() for _ in range(10)]
    fields = {"customer_id": customer, "author_id": anna.user_id, "text": text}
    anna.push(*(anna.entry("note", "create", i, fields) for i in ids))
    monkeypatch.setattr(pull, "MAX_PAGE_BYTES", 30_000)
    response = _rows(anna, {"entity": "note", "ids": ids})
    assert response.status_code == 200, response.text
    body = response.json()
    assert 1 <= len(row_states(body["tables"])) <= 3, len(row_states(body["tables"]))
    assert body["gone"] == []


def test_rekey_to_a_device_of_another_user_is_refused_and_takes_nothing(
    env: ServerEnv,
) -> None:
    env.setup_area()
    anna = env.session("anna")
    ben_device = "b" * 32
    env.session("ben", ben_device)
    response = anna.http.post(ApiPaths.REKEY, json={"new_device_id": ben_device}, headers=anna.auth)
    assert _clear_4xx(response)["code"] == "device_taken"
    with env.engine.connect() as conn:
        owner = conn.execute(
            sa.select(t.device.c.user_id).where(t.device.c.id == ben_device)
        ).scalar_one()
        sessions = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.session)
            .where(t.session.c.device_id == ben_device)
        ).scalar_one()
    assert owner == env.ids["ben"] and sessions == 1


@pytest.mark.parametrize(
    "body",
    [
        {"new_device_id": "A" * 32},
        {"new_device_id": "a" * 31},
        {"new_device_id": "a" * 32 + "\n"},
        {"new_device_id": 5},
        {"new_device_id": "a" * 32, "device_name": "x" * 201},
        {},
    ],
)
def test_rekey_to_ids_that_are_no_device_ids_is_refused_with_422(env: ServerEnv, body: Any) -> None:
    env.setup_area()
    anna = env.session("anna")
    _clear_4xx(anna.http.post(ApiPaths.REKEY, json=body, headers=anna.auth))


@pytest.mark.parametrize(
    "change",
    [
        {"op_no": 2**63},
        {"row_id": "a\u0000b"},
        {"entity": "cust\u0000omer"},
    ],
)
def test_push_of_numbers_beyond_64_bits_or_nul_characters_is_refused_with_4xx(
    env: ServerEnv, change: dict[str, Any]
) -> None:
    env.setup_area()
    anna = env.session("anna")
    entry = {**anna.entry("customer", "create", uuid7(), customer_fields()), **change}
    response = anna.push_raw([entry])
    if response.status_code == 200:
        (result,) = response.json()["results"]
        assert result["status"] == "rejected", result
    else:
        _clear_4xx(response)


@pytest.mark.parametrize(
    "body",
    [
        {"username": "anna\u0000", "password": "x" * 10, "device_id": "d" * 32},
        {"username": "anna", "password": "x" * 10, "device_id": "d\u0000"},
        {"username": "anna", "password": "x" * 10, "device_id": "d", "device_name": "\u0000"},
    ],
)
def test_login_with_nul_characters_is_refused_with_422(env: ServerEnv, body: Any) -> None:
    env.setup_area()
    _clear_4xx(env.http.post(ApiPaths.LOGIN, json=body))


def test_rekey_with_a_nul_character_in_the_device_name_is_refused_with_422(
    env: ServerEnv,
) -> None:
    env.setup_area()
    anna = env.session("anna")
    body = {"new_device_id": "c" * 32, "device_name": "Laptop\u0000"}
    _clear_4xx(anna.http.post(ApiPaths.REKEY, json=body, headers=anna.auth))


def test_push_resolving_a_conflict_id_with_a_nul_character_is_refused_with_422(
    env: ServerEnv,
) -> None:
    env.setup_area()
    anna = env.session("anna")
    _clear_4xx(anna.push_raw([], resolved=["c\u0000"]))


def test_rekey_in_a_loop_is_bounded(env: ServerEnv) -> None:
    """A session (or a stolen access token) cannot make devices without end."""
    env.setup_area()
    anna = env.session("anna")
    statuses = []
    for k in range(auth.MAX_NEW_DEVICES_PER_DAY + 5):
        response = anna.http.post(
            ApiPaths.REKEY, json={"new_device_id": f"{k:032x}"}, headers=anna.auth
        )
        statuses.append(response.status_code)
    assert 200 in statuses
    assert statuses[-1] == 429, statuses
    assert _clear_4xx(response)["code"] == "too_many_devices"
    with env.engine.connect() as conn:
        devices = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.device)
            .where(t.device.c.user_id == env.ids["anna"])
        ).scalar_one()
    assert devices <= auth.MAX_NEW_DEVICES_PER_DAY


def test_two_rekeys_to_one_new_id_at_once_give_one_device_and_a_409(
    env: ServerEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client's retry racing its first request (same new id): both pass the check for a
    taken id before either has written; the second is refused with 409, not a 500."""
    env.setup_area()
    anna = env.session("anna")
    both_checked = threading.Barrier(2, timeout=3)  # SQLite: the second waits its turn
    start_session = auth.start_session

    def after_the_check(*args: Any, **kwargs: Any) -> auth.IssuedTokens:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return start_session(*args, **kwargs)

    monkeypatch.setattr(auth, "start_session", after_the_check)
    statuses: list[int] = []

    def rekey() -> None:
        with TestClient(env.app, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}) as http:
            response = http.post(
                ApiPaths.REKEY, json={"new_device_id": "e" * 32}, headers=anna.auth
            )
            statuses.append(response.status_code)
            if response.status_code != 200:
                _clear_4xx(response)

    threads = [threading.Thread(target=rekey) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]


def test_login_with_a_user_name_longer_than_any_account_gets_401_not_500(
    env: ServerEnv,
) -> None:
    env.setup_area()
    body = {"username": "u" * 128, "password": "x" * 10, "device_id": "d" * 32}
    assert _clear_4xx(env.http.post(ApiPaths.LOGIN, json=body))["code"] == "invalid_credentials"


def test_rekey_of_a_device_with_the_longest_name_gets_a_new_device(env: ServerEnv) -> None:
    """The new device is named after the old one ("... (copy)"), within the name's limit."""
    env.setup_area()
    long_name = "N" * 200
    response = env.http.post(
        ApiPaths.LOGIN,
        json={
            "username": "anna",
            "password": PASSWORD,
            "device_id": "a" * 32,
            "device_name": long_name,
        },
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    response = env.http.post(
        ApiPaths.REKEY,
        json={"new_device_id": "f" * 32},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    with env.engine.connect() as conn:
        name = conn.execute(sa.select(t.device.c.name).where(t.device.c.id == "f" * 32)).scalar()
    assert name is not None and name.startswith("NNN") and len(name) <= 200


def test_unknown_entities_are_refused_as_invalid_requests(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    for response in (
        _digest(anna, {"entity": "account", "ranges": [[0, 1]]}),
        _rows(anna, {"entity": "account", "ids": ["x"]}),
    ):
        body = _clear_4xx(response)
        assert response.status_code == 422 and body["code"] == "invalid_request"
        assert "account" in body["message"]
