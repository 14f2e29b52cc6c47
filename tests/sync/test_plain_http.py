"""Signing in over plain HTTP: refused for other computers unless allowed (and said why),
fine for this computer; a redirect to HTTPS is explained, not shown as a raw error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fieldcrm.store import Store
from fieldcrm.sync import InsecureConnection, ServerMoved, login
from fieldcrm.sync.client import ALLOW_HTTP_ENV
from fieldcrm.sync.credentials import FileTokenStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "fieldcrm.db")
    yield store
    store.close()


def _recording(status: int = 401, headers: dict[str, str] | None = None) -> tuple:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = {"code": "invalid_credentials", "message": "User name or password is wrong."}
        return httpx.Response(status, json=body, headers=headers)

    return seen, httpx.MockTransport(handler)


def _login(
    store: Store, url: str, transport: httpx.BaseTransport, allow_http: bool = False
) -> None:
    login(
        store,
        url,
        "anna",
        "a secret password",
        transport,
        token_store=FileTokenStore(store.path.parent / "t"),
        allow_http=allow_http,
    )


def test_plain_http_to_another_computer_is_refused_before_the_password_leaves(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ALLOW_HTTP_ENV, raising=False)
    seen, transport = _recording()
    with pytest.raises(InsecureConnection) as refused:
        _login(store, "http://crm.example.com:8765", transport)
    assert not seen, "nothing may be sent"
    assert "unencrypted" in refused.value.message
    assert "https://crm.example.com:8765" in refused.value.message


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"]
)
def test_plain_http_to_this_computer_is_fine(store: Store, url: str) -> None:
    seen, transport = _recording()
    with pytest.raises(Exception, match="password is wrong"):
        _login(store, url, transport)
    assert len(seen) == 1


def test_plain_http_allowed_by_the_user_or_by_it_policy(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen, transport = _recording()
    with pytest.raises(Exception, match="password is wrong"):
        _login(store, "http://crm.example.com", transport, allow_http=True)
    monkeypatch.setenv(ALLOW_HTTP_ENV, "1")
    with pytest.raises(Exception, match="password is wrong"):
        _login(store, "http://crm.example.com", transport)
    assert len(seen) == 2


def test_plain_http_redirect_to_https_is_explained(store: Store) -> None:
    seen, transport = _recording(301, {"Location": "https://crm.example.com/api/v1/auth/login"})
    with pytest.raises(ServerMoved) as moved:
        _login(store, "http://crm.example.com", transport, allow_http=True)
    assert len(seen) == 1, "the password is not sent on to the new address by itself"
    assert moved.value.location == "https://crm.example.com"
    assert "Use https://crm.example.com as the server address" in moved.value.message
