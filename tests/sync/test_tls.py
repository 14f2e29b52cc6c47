"""The TLS context is made once and shared by every connection to the sync server."""

from __future__ import annotations

import ssl

import httpx
import pytest

from fieldcrm import tls
from fieldcrm.sync.client import SyncClient
from fieldcrm.version_check import fetch_version_info


def test_certificate_authorities_are_loaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[object] = []
    real = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        loads.append(args or kwargs)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tls, "_context", None)
    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200,
            json={"server_version": "0.1.0", "protocol_version": 2, "min_client_version": "0.1.0"},
        )
    )
    for _ in range(3):
        SyncClient("https://crm.example.com", None).close()
        fetch_version_info("https://crm.example.com", transport=transport)
    # httpx loads them again for each new client unless given a context (about 50 ms of C
    # code holding the GIL each time, which held up the app's window); here: once.
    assert len(loads) == 1
    assert tls.tls_context() is tls.tls_context()
