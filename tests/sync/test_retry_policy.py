"""The client's retry policy, answer by answer.

A scripted server (an ``httpx.MockTransport``) answers each request in turn, so each rule
is seen on its own: what is retried, how long the client waits, what stops at once.
Against the real server these paths are exercised in ``test_e2e_faults.py``.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from fieldcrm.protocol import ApiPaths
from fieldcrm.sync import (
    AccessRevoked,
    LoginRequired,
    ProtocolMismatch,
    RequestRejected,
    ServerError,
    ServerUnreachable,
    SyncClient,
)

URL = "http://127.0.0.1:9"
USER = {"id": "u1", "username": "anna", "display_name": "Anna", "role": "rep"}
PAGE = {"cursor": "c1", "has_more": False, "changes": []}

Answer = httpx.Response | Exception


class Tokens:
    """The session as the client sees it: an access token and a refresh token."""

    device_id = "device-1"

    def __init__(self) -> None:
        self.access_token: str | None = "access-1"
        self.saved: list[str] = []

    def refresh_token(self) -> str | None:
        return self.saved[-1] if self.saved else "refresh-1"

    def save_refresh_token(self, token: str) -> None:
        self.saved.append(token)


def _error(status: int, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"code": code, "message": f"answer {status}", "details": []}
    return httpx.Response(status, content=orjson.dumps(body), headers=headers)


def _ok(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, content=orjson.dumps(body))


def _tokens(n: int) -> httpx.Response:
    return _ok(
        {
            "access_token": f"access-{n}",
            "refresh_token": f"refresh-{n}",
            "expires_in": 900,
            "user": USER,
        }
    )


class Script:
    """Answers requests in order and remembers what came in."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[str, str | None]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.url.path, request.headers.get("Authorization")))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _client(
    script: Script, tokens: Tokens | None = None, **options: Any
) -> tuple[SyncClient, list[float]]:
    waits: list[float] = []
    options.setdefault("max_attempts", 4)
    client = SyncClient(
        URL,
        tokens or Tokens(),
        httpx.MockTransport(script),
        sleep=waits.append,
        jitter=lambda: 0.5,
        backoff_base=0.5,
        backoff_max=30.0,
        **options,
    )
    return client, waits


def _pull(client: SyncClient) -> dict[str, Any]:
    page = client.pull(None, 100)
    assert page is not None  # only a conditional pull is answered "not modified"
    return page


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_are_retried_with_growing_waits(status: int) -> None:
    script = Script(_error(status, "busy"), _error(status, "busy"), _ok(PAGE))
    client, waits = _client(script)
    assert _pull(client)["cursor"] == "c1"
    assert len(script.seen) == 3
    # Exponential: 0.5 s then 1 s steps; half of each step is fixed, half random (0.5).
    assert waits == [0.375, 0.75]


def test_waits_have_jitter_and_a_ceiling() -> None:
    script = Script(*[_error(503, "busy")] * 8, _ok(PAGE))
    waits: list[float] = []
    draws = iter([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    client = SyncClient(
        URL,
        Tokens(),
        httpx.MockTransport(script),
        sleep=waits.append,
        jitter=lambda: next(draws),
        backoff_base=1.0,
        backoff_max=8.0,
        max_attempts=9,
    )
    _pull(client)
    # Steps 1, 2, 4, 8, 8, ...: each wait lies between half the step and the whole step.
    assert waits == [0.5, 2.0, 2.0, 8.0, 4.0, 8.0, 4.0, 8.0]


def test_too_many_requests_waits_as_long_as_the_server_asks() -> None:
    script = Script(_error(429, "busy", {"Retry-After": "7"}), _ok(PAGE))
    client, waits = _client(script)
    _pull(client)
    assert len(waits) == 1 and 7.0 * 0.5 <= waits[0] <= 7.0
    assert waits[0] == pytest.approx(5.25)  # step 7 s: 3.5 fixed + 3.5 x jitter 0.5


def test_network_failures_are_retried_then_reported_as_offline() -> None:
    request = httpx.Request("GET", URL)
    script = Script(
        httpx.ConnectError("refused", request=request),
        httpx.ReadTimeout("slow", request=request),
        httpx.RemoteProtocolError("dropped", request=request),
        httpx.ConnectError("refused", request=request),
    )
    client, waits = _client(script)
    with pytest.raises(ServerUnreachable) as caught:
        _pull(client)
    assert len(script.seen) == 4 and len(waits) == 3
    assert "Cannot reach the server" in caught.value.message
    assert "changes stay queued" in caught.value.message


def test_server_errors_that_remain_end_the_run_with_the_status() -> None:
    script = Script(*[_error(500, "internal")] * 4)
    client, _ = _client(script)
    with pytest.raises(ServerError) as caught:
        _pull(client)
    assert len(script.seen) == 4
    assert caught.value.status == 500 and "(500)" in caught.value.message


@pytest.mark.parametrize("status", [400, 404, 409, 413, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    script = Script(_error(status, "invalid_request"), _ok(PAGE))
    client, waits = _client(script)
    with pytest.raises(RequestRejected) as caught:
        _pull(client)
    assert len(script.seen) == 1 and waits == []
    assert caught.value.status == status


def test_expired_access_token_is_refreshed_once_transparently() -> None:
    tokens = Tokens()
    script = Script(_error(401, "token_expired"), _tokens(2), _ok(PAGE))
    client, waits = _client(script, tokens)
    assert _pull(client)["cursor"] == "c1"
    paths = [path for path, _ in script.seen]
    assert paths == [ApiPaths.PULL, ApiPaths.REFRESH, ApiPaths.PULL]
    assert script.seen[2][1] == "Bearer access-2"
    assert tokens.saved == ["refresh-2"]  # the rotated refresh token is kept
    assert waits == []


def test_a_second_refusal_after_refreshing_asks_for_a_login_instead_of_looping() -> None:
    script = Script(_error(401, "token_expired"), _tokens(2), _error(401, "token_expired"))
    client, _ = _client(script)
    with pytest.raises(LoginRequired):
        _pull(client)
    assert len(script.seen) == 3


def test_an_ended_session_asks_for_a_login() -> None:
    script = Script(_error(401, "token_expired"), _error(401, "session_revoked"))
    client, _ = _client(script)
    with pytest.raises(LoginRequired) as caught:
        _pull(client)
    assert "Log in again" in caught.value.message
    assert len(script.seen) == 2


@pytest.mark.parametrize("code", ["device_revoked", "user_disabled"])
def test_revoked_access_stops_without_retrying(code: str) -> None:
    script = Script(_error(403, code), _ok(PAGE))
    client, waits = _client(script)
    with pytest.raises(AccessRevoked) as caught:
        _pull(client)
    assert len(script.seen) == 1 and waits == []
    assert "ask IT to restore access" in caught.value.message


def test_protocol_mismatch_stops_without_retrying() -> None:
    script = Script(_error(426, "protocol_unsupported"), _ok(PAGE))
    client, waits = _client(script)
    with pytest.raises(ProtocolMismatch) as caught:
        _pull(client)
    assert len(script.seen) == 1 and waits == []
    assert "Update FieldCRM or ask IT" in caught.value.message


def test_an_unreadable_page_is_a_clear_error() -> None:
    script = Script(httpx.Response(200, content=b"<html>proxy login</html>"))
    client, _ = _client(script)
    with pytest.raises(ServerError, match="cannot read"):
        _pull(client)


def test_pushing_a_refused_batch_is_not_repeated() -> None:
    """A 422 for a push is not sent again as is; the engine decides what to do with it."""
    script = Script(_error(422, "invalid_entries"))
    client, waits = _client(script)
    body: dict[str, Any] = {"device_id": "device-1", "entries": []}
    with pytest.raises(RequestRejected):
        client.push(body)
    assert len(script.seen) == 1 and waits == []
