"""Doors a security review found ajar, each shown closed: login throttling, a refresh
token replayed by a thief, the password policy, token answers, the API pages and bad input
that used to end in a 500 (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from sync_server import admin, audit, auth
from sync_server import tables as t
from sync_server.api import create_app
from sync_server.config import Settings
from sync_server.db import write_transaction
from tests.helpers.server_env import PASSWORD, Client, ServerEnv, customer_fields, db_state

GUESSES = 40


def _http(env: ServerEnv, address: str) -> TestClient:
    return TestClient(
        env.app, client=(address, 40000), headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    )


def _login(http: TestClient, username: str, password: str, device: str = "dev") -> Any:
    return http.post(
        ApiPaths.LOGIN, json={"username": username, "password": password, "device_id": device}
    )


def _audit(env: ServerEnv, action: str) -> list[audit.AuditEntry]:
    with env.engine.connect() as conn:
        return [e for e in audit.entries(conn) if e.action == action]


def test_doors_login_throttle_concurrent_guesses_reach_the_password_check_at_most_five_times(
    env: ServerEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.setup_area()
    checked = [0]
    lock = threading.Lock()
    real_verify = auth.verify_password

    def counting_verify(password_hash: str | None, password: str) -> bool:
        with lock:
            checked[0] += 1
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting_verify)
    # The first lockout lasts a second; a loaded machine can take longer than that between
    # two of these guesses, so the test makes every lockout outlast it.
    real_block_for = auth._block_for

    def lasting_block_for(failures: int, free: int) -> timedelta | None:
        block = real_block_for(failures, free)
        return None if block is None else max(block, timedelta(minutes=10))

    monkeypatch.setattr(auth, "_block_for", lasting_block_for)
    attacker = _http(env, "203.0.113.9")
    start = threading.Barrier(GUESSES)
    statuses: list[int] = []

    def guess(n: int) -> None:
        start.wait()
        response = _login(attacker, "anna", f"wrong guess {n}")
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reached = checked[0]
    assert len(statuses) == GUESSES
    assert 1 <= reached <= auth.FREE_FAILURES, f"{reached} guesses reached the password check"
    assert statuses.count(401) == reached and statuses.count(429) == GUESSES - reached
    # The attacker's address stays blocked, even with the right password ...
    assert _login(attacker, "anna", PASSWORD).status_code == 429
    # ... but anna, from an address that has not failed, signs in.
    assert _login(_http(env, "198.51.100.7"), "anna", PASSWORD).status_code == 200
    assert checked[0] == reached + 1, "a blocked address is refused before the check"
    assert len(_audit(env, "login.failed")) == reached
    assert _audit(env, "login.lockout")[0].target == "anna"


def test_doors_login_throttle_per_address_across_user_names(env: ServerEnv) -> None:
    env.setup_area()
    sprayer = _http(env, "203.0.113.50")
    statuses = [
        _login(sprayer, f"user{n}", "a wrong password").status_code
        for n in range(auth.ADDRESS_FREE_FAILURES + 3)
    ]
    assert statuses[: auth.ADDRESS_FREE_FAILURES] == [401] * auth.ADDRESS_FREE_FAILURES
    assert statuses[-1] == 429
    assert "address" in _login(sprayer, "anna", PASSWORD).json()["message"]
    assert _login(_http(env, "198.51.100.8"), "anna", PASSWORD).status_code == 200


def test_doors_login_throttle_right_password_takes_its_attempt_back(env: ServerEnv) -> None:
    env.setup_area()
    office = _http(env, "192.0.2.1")
    for _ in range(3 * auth.FREE_FAILURES):
        # Many good logins from one address (an office) never block it.
        assert _login(office, "anna", PASSWORD).status_code == 200
    assert _login(office, "anna", "a typo in it").status_code == 401
    assert _login(office, "anna", PASSWORD).status_code == 200


def test_doors_refresh_grace_replay_by_a_thief_ends_the_session(env: ServerEnv) -> None:
    env.setup_area()
    laptop = env.session("anna")
    stolen = {"refresh_token": laptop.refresh_token, "device_id": laptop.device_id}
    answer = env.http.post(ApiPaths.REFRESH, json=stolen)  # the laptop's refresh
    assert answer.status_code == 200
    # Within the lost-answer grace, a thief replays the old token with the (public)
    # device id and gets an answer ...
    thief = env.http.post(ApiPaths.REFRESH, json=stolen)
    assert thief.status_code == 200
    # ... but the laptop's new token was not deleted: it keeps working,
    mine = answer.json()
    again = env.http.post(
        ApiPaths.REFRESH,
        json={"refresh_token": mine["refresh_token"], "device_id": laptop.device_id},
    )
    assert again.status_code == 200
    # and once the thief uses theirs too, both sides showed up: the session ends for both.
    theirs = thief.json()
    refused = env.http.post(
        ApiPaths.REFRESH,
        json={"refresh_token": theirs["refresh_token"], "device_id": laptop.device_id},
    )
    assert refused.status_code == 401 and refused.json()["code"] == "session_revoked"
    for access in (theirs["access_token"], again.json()["access_token"]):
        me = env.http.get(ApiPaths.ME, headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 401
    (reuse,) = _audit(env, "token.reuse")
    assert reuse.target == "anna" and "both used" in (reuse.detail or "")
    assert any("refresh token reused" in (e.detail or "") for e in _audit(env, "session.revoked"))


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password", "12 characters"),
        ("12345678", "12 characters"),
        (" " * 12, "only spaces"),
        ("passwort1234", "most common"),
        ("123456789012", "most common"),
        ("Welcome2026!", "most common"),
        ("aaaaaaaaaaaaaaaa", "repeats"),
        ("nora-is-the-best", "user name"),
    ],
)
def test_doors_password_policy_refuses_weak_passwords(
    sqlite_env: ServerEnv, password: str, why: str
) -> None:
    sqlite_env.territory("North")
    with (
        write_transaction(sqlite_env.engine) as conn,
        pytest.raises(admin.AdminError, match=why),
    ):
        admin.add_user(conn, "nora", "rep", password, territory="North")
    assert auth.password_problem("a sturdy passphrase") is None


def test_doors_token_answers_are_not_stored_and_api_pages_are_off(env: ServerEnv) -> None:
    env.setup_area()
    login = _login(env.http, "anna", PASSWORD)
    assert login.headers["cache-control"] == "no-store"
    body = {"refresh_token": login.json()["refresh_token"], "device_id": "dev"}
    assert env.http.post(ApiPaths.REFRESH, json=body).headers["cache-control"] == "no-store"
    assert _login(env.http, "anna", "wrong one here").headers["cache-control"] == "no-store"
    assert env.http.get("/docs").status_code == 404
    assert env.http.get("/redoc").status_code == 404
    assert env.http.get("/openapi.json").status_code == 200
    with TestClient(create_app(Settings(database_url=env.url, api_docs=True), env.engine)) as on:
        assert on.get("/docs").status_code == 200


# ---- bad input: 4xx, never 500, nothing written --------------------------------------------


def _refused(env: ServerEnv, response: Any, status: int, before: tuple) -> dict:
    assert response.status_code == status, response.text
    body: dict = response.json()
    assert len(body["message"]) > 10
    assert db_state(env) == before, "a refused request must write nothing"
    return body


@pytest.fixture
def anna(env: ServerEnv) -> Client:
    env.setup_area()
    return env.session("anna")


def test_doors_bad_input_operation_number_beyond_64_bits(env: ServerEnv, anna: Client) -> None:
    entry = anna.entry("customer", "create", uuid7(), customer_fields())
    entry["op_no"] = 2**63
    before = db_state(env)
    body = _refused(env, anna.push_raw([entry]), 422, before)
    # Named by its place in the request (the laptop sets that entry aside and sends the rest).
    assert body["details"][0]["loc"][-1] == "op_no"
    entry["op_no"] = 2**70
    _refused(env, anna.push_raw([entry]), 422, before)


def test_doors_bad_input_lone_surrogate_in_text(env: ServerEnv, anna: Client) -> None:
    entry = anna.entry("customer", "create", uuid7(), customer_fields())
    raw = (
        b'{"device_id": "anna-laptop", "entries": [{"device_id": "anna-laptop", "op_no": 99,'
        b' "entity": "customer", "row_id": "' + entry["row_id"].encode() + b'", "op": "create",'
        b' "fields": {"name": "M\\ud800ller"}, "stamps": {"name": "'
        + entry["stamps"]["name"].encode()
        + b'"}}]}'
    )
    before = db_state(env)
    headers = {**anna.auth, "Content-Type": "application/json"}
    body = _refused(env, env.http.post(ApiPaths.PUSH, content=raw, headers=headers), 422, before)
    assert body["code"] == "invalid_text" and "surrogate" in body["message"]
    login = b'{"username": "\\udc00anna", "password": "x", "device_id": "d"}'
    response = env.http.post(
        ApiPaths.LOGIN, content=login, headers={"Content-Type": "application/json"}
    )
    _refused(env, response, 422, before)
    # A correct pair of surrogates is just a character.
    emoji = raw.replace(b"\\ud800", b"\\ud83d\\ude00")
    assert env.http.post(ApiPaths.PUSH, content=emoji, headers=headers).status_code == 200


def test_doors_bad_input_nul_bytes_in_text_and_login(env: ServerEnv, anna: Client) -> None:
    before = db_state(env)
    entry = anna.entry("customer", "create", uuid7(), customer_fields("Null\x00Byte GmbH"))
    body = _refused(env, anna.push_raw([entry]), 422, before)
    assert body["code"] == "invalid_text" and "NUL" in body["message"]
    for username, password in (("an\x00na", PASSWORD), ("anna", "pass\x00word")):
        response = _login(env.http, username, password)
        _refused(env, response, 422, before)
    key = anna.entry("customer", "create", uuid7(), customer_fields())
    key["fields"]["\x00"] = "x"
    _refused(env, anna.push_raw([key]), 422, before)


def test_doors_bad_input_dates_outside_what_can_be_stored(env: ServerEnv, anna: Client) -> None:
    customer_id, _ = anna.create("customer", customer_fields())
    for when in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00"):
        (result,) = anna.push(
            anna.entry(
                "visit",
                "create",
                uuid7(),
                {
                    "customer_id": customer_id,
                    "rep_id": anna.user_id,
                    "status": "planned",
                    "planned_start": when,
                },
            )
        )
        assert result["status"] == "rejected" and result["field"] == "planned_start"
        assert "outside the dates" in result["reason"]


def test_doors_bad_input_renaming_a_user_to_a_taken_name(env: ServerEnv) -> None:
    env.setup_area()
    root = env.session("root")
    root.sync()
    ben = root.rows[("user", env.ids["ben"])]
    (result,) = root.push(
        root.entry(
            "user",
            "update",
            env.ids["ben"],
            {"username": "anna"},
            base_stamps={"username": ben["stamps"]["username"]},
        )
    )
    assert result["status"] == "rejected" and result["field"] == "username"
    assert "taken" in result["reason"]
    with env.engine.connect() as conn:
        names = set(conn.execute(sa.select(t.account.c.username)).scalars())
    assert {"anna", "ben"} <= names


def test_doors_login_throttle_forgets_failures_after_a_day(env: ServerEnv) -> None:
    env.setup_area()
    guesser = _http(env, "203.0.113.77")
    for n in range(auth.FREE_FAILURES):
        assert _login(guesser, f"ghost{n}", "a wrong password").status_code == 401
    assert _login(guesser, "anna", "a wrong password").status_code == 401
    with env.engine.begin() as conn:
        conn.execute(
            t.login_throttle.update().values(
                last_failure_at=datetime.now(UTC) - auth.FAILURE_MEMORY * 2
            )
        )
    assert _login(guesser, "anna", PASSWORD).status_code == 200
    with env.engine.connect() as conn:
        left = set(conn.execute(sa.select(t.login_throttle.c.subject)).scalars())
    assert left <= {"address:203.0.113.77"}, "a day-old failure of a guessed name is gone"
