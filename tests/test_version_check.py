"""Version checks: the client learns the server's version and is told to update when IT
requires a newer one, with IT's message; against the real server app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from fieldcrm import __version__
from fieldcrm.protocol import PROTOCOL_VERSION, VersionInfo
from fieldcrm.version_check import UpdateRequiredError, check_server, evaluate, version_key
from sync_server.api import create_app
from sync_server.config import Settings

IT_MESSAGE = "Bitte FieldCRM 9.0 aus dem Softwarecenter installieren."


def server(tmp_path: Path, **settings: str | None) -> TestClient:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'server.db'}", **settings))  # type: ignore[arg-type]
    return TestClient(app)


def test_version_key_orders_numerically() -> None:
    assert version_key("0.10.0") > version_key("0.9.9")
    assert version_key("1.2") == version_key("1.2.0")
    assert version_key("2.0.0rc1") == version_key("2.0")
    with pytest.raises(ValueError, match="not a version number"):
        version_key("latest")


def test_current_client_is_accepted_and_learns_server_version(tmp_path: Path) -> None:
    with server(tmp_path) as client:
        check = check_server("http://testserver", client=client)
    assert check.update_required is False
    assert check.message is None
    assert check.server_version == __version__
    assert check.client_version == __version__


def test_old_client_is_told_to_update_with_the_message_it_configured(tmp_path: Path) -> None:
    with server(tmp_path, min_client_version="9.0.0", update_message=IT_MESSAGE) as client:
        check = check_server("http://testserver/", client=client)
    assert check.update_required is True
    assert check.message == IT_MESSAGE
    assert check.min_client_version == "9.0.0"


def test_old_client_without_it_message_gets_a_clear_default(tmp_path: Path) -> None:
    with server(tmp_path, min_client_version="9.0.0") as client:
        check = check_server("http://testserver", client=client, client_version="0.1.0")
    assert check.update_required is True
    assert check.message is not None
    assert "0.1.0" in check.message and "9.0.0" in check.message


def test_newer_client_than_minimum_is_accepted(tmp_path: Path) -> None:
    with server(tmp_path, min_client_version="0.1.0", update_message=IT_MESSAGE) as client:
        check = check_server("http://testserver", client=client, client_version="0.1.1")
    assert check.update_required is False
    assert check.message is None


def test_other_protocol_version_requires_an_update() -> None:
    info = VersionInfo(
        server_version="3.0.0", protocol_version=PROTOCOL_VERSION + 1, min_client_version="0.1"
    )
    check = evaluate(info, client_version="0.1.0")
    assert check.update_required is True
    assert check.protocol_compatible is False
    assert check.message is not None and "3.0.0" in check.message


def test_unreachable_server_raises_a_transport_error() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(httpx.TransportError):
        check_server(f"http://127.0.0.1:{port}")


@contextmanager
def live_server(tmp_path: Path, **settings: str | None) -> Iterator[str]:
    """The real server app on uvicorn, on a free port of 127.0.0.1, in a thread."""
    import uvicorn

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'live.db'}", **settings))  # type: ignore[arg-type]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_config=None, access_log=False)
        runner = uvicorn.Server(config)
        thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            while not runner.started:
                if not thread.is_alive():
                    raise RuntimeError("the server did not start")
                time.sleep(0.01)  # uvicorn has no started event to wait on
            yield f"http://127.0.0.1:{port}"
        finally:
            runner.should_exit = True
            thread.join(timeout=10)


def test_sync_is_refused_with_it_message_when_client_is_too_old(tmp_path: Path) -> None:
    from fieldcrm.store import Store
    from fieldcrm.ui.sync import SERVER_VERSION_KEY, EngineBackend

    store = Store(tmp_path / "client.db")
    try:
        backend = EngineBackend(store)
        with (
            live_server(tmp_path, min_client_version="9.0.0", update_message=IT_MESSAGE) as url,
            pytest.raises(UpdateRequiredError) as refused,
        ):
            backend.sync(url, lambda _done, _total: None)
        assert str(refused.value) == IT_MESSAGE
        assert backend.server_version == __version__
        assert store.meta(SERVER_VERSION_KEY) == __version__
    finally:
        store.close()


# The offscreen platform says so whenever a message box is shown.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_about_shows_client_and_server_versions(qtbot: Any, tmp_path: Path) -> None:
    from fieldcrm.ui.app import open_main_window
    from fieldcrm.ui.sync import EngineBackend

    with live_server(tmp_path) as url:
        window = open_main_window(tmp_path / "profile", {"server_url": url})
        qtbot.addWidget(window)
        assert "not known yet" in window.about_text()
        backend = window.sync.backend
        assert isinstance(backend, EngineBackend)
        backend.check_version(url)
    text = window.about_text()
    assert f"FieldCRM {__version__}" in text
    assert f"Server version: {__version__}" in text
    assert url in text
    window.about_action.trigger()
    box = window.about_dialog
    qtbot.waitExposed(box)
    assert box.text() == text
    box.close()
    window.close()
    window.store.close()
