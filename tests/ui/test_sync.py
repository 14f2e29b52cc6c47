"""The app against a real sync server (uvicorn subprocess): login, sync, offline and back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldcrm.app import Changes, customers
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.ui.demo import DEMO_PASSWORD, DEMO_USER, demo_server, free_port
from fieldcrm.ui.mainwindow import MainWindow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server")


@pytest.fixture
def server(server_folder: Path) -> Iterator[str]:
    with demo_server(server_folder) as url:
        yield url


def login_through_dialog(window: MainWindow, qtbot: QtBot, url: str) -> None:
    window.start()
    qtbot.waitUntil(lambda: getattr(window, "login_dialog", None) is not None)
    dialog = window.login_dialog
    dialog.server.setText(url)
    qtbot.keyClicks(dialog.username, DEMO_USER)
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    with qtbot.waitSignal(window.logged_in, timeout=30_000):
        dialog.buttons.accepted.emit()


def wait_synced(window: MainWindow, qtbot: QtBot, timeout: int = 120_000) -> None:
    with qtbot.waitSignal(window.sync.synced, timeout=timeout):
        pass


def count(window: MainWindow, table: sa.Table) -> int:
    with window.store.read() as conn:
        return int(
            conn.scalar(
                sa.select(sa.func.count()).select_from(table).where(table.c.deleted.is_(False))
            )
            or 0
        )


def test_login_and_first_sync_fill_the_views(
    server: str, server_folder: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window({"server_url": None})
    with qtbot.waitSignal(window.sync.synced, timeout=120_000):
        login_through_dialog(window, qtbot, server)
    assert window.ctx.user_id is not None
    assert window.settings.value("server_url") == server
    assert count(window, t.customer) > 0
    assert window.sync.state.online is True
    assert window.sync.state.last_sync is not None
    assert window.last_sync_label.text().startswith("Last sync:")
    window.show_page("customers")
    qtbot.waitUntil(lambda: window.customers.model.rowCount() > 0)

    # An edit is pushed shortly after it is made, without the user asking.
    customer = window.customers.model.rows[0]
    with qtbot.waitSignal(window.sync.synced, timeout=60_000):
        window.ctx.write(
            lambda store: customers.update_customer(store, customer["id"], {"city": "Emden"})
        )
    qtbot.waitUntil(lambda: window.store.pending_count() == 0)
    assert window.pending_label.text() == "0 changes to send"
    # The server holds it.
    [database] = server_folder.glob("*.db")
    with sqlite3.connect(database) as conn:
        (data,) = conn.execute(
            "SELECT data FROM record WHERE entity = 'customer' AND id = ?", (customer["id"],)
        ).fetchone()
    assert json.loads(data)["city"] == "Emden"

    # The app keeps its connection and access token between runs: a sync with nothing to
    # send is one small request (no token refresh, no version check again).
    with qtbot.waitSignal(window.sync.synced, timeout=60_000) as idle:
        window.sync.sync_now()
    [result] = idle.args
    assert result.ok and result.pushed == 0 and result.pulled == 0
    assert result.requests == 1, result
    assert result.bytes_sent + result.bytes_received <= 2048


def test_offline_work_then_sync_when_server_returns(
    server_folder: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    port = free_port()
    with demo_server(server_folder, port) as url:
        window = make_window({"server_url": url}, after_edit_ms=200, offline_retry_ms=500)
        window.auto_login(url, DEMO_USER, DEMO_PASSWORD)
        wait_synced(window, qtbot)
    # The server is gone: the rep keeps working.
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.state.online is False, timeout=60_000)
    assert window.online_label.text() == "● Offline"
    user_id = window.ctx.user_id
    assert user_id is not None
    assert window.store.get("user", user_id) is not None
    customer_id = _first_customer(window)

    def work(store: Store) -> Changes:
        return customers.add_note(store, customer_id, {"text": "Offline notiert"}, user_id)

    notes: list[Changes] = []
    window.ctx.write(work, notes.append)
    qtbot.waitUntil(lambda: bool(notes))
    qtbot.waitUntil(lambda: window.sync.state.pending >= 1)
    assert "to send" in window.pending_label.text()
    assert not window.pending_label.text().startswith("0 ")

    # The server comes back on the same address: the app syncs by itself.
    with demo_server(server_folder, port):
        qtbot.waitUntil(
            lambda: window.sync.state.online is True and window.sync.state.pending == 0,
            timeout=120_000,
        )
    assert window.store.pending_count() == 0
    assert window.online_label.text() == "● Online"


def _first_customer(window: MainWindow) -> str:
    with window.store.read() as conn:
        customer_id = conn.scalar(
            sa.select(t.customer.c.id).where(t.customer.c.deleted.is_(False)).limit(1)
        )
    assert customer_id is not None
    return str(customer_id)


def test_progress_while_indexes_are_built_shows_a_busy_bar() -> None:
    from fieldcrm.sync import SyncProgress
    from fieldcrm.ui.sync import _progress_adapter

    seen: list[tuple[int, int]] = []
    report = _progress_adapter(lambda done, total: seen.append((done, total)))
    report(SyncProgress("pull", 900, 1000))
    report(SyncProgress("index", 0, 1))  # no count: the bar runs without one
    report(SyncProgress("index", 1, 1))
    report(SyncProgress("verify", 0, 1))
    assert seen == [(900, 1000), (0, 0), (0, 0), (0, 1)]


def test_a_real_conflict_is_resolved_through_the_widgets(
    server: str, make_window: Callable[..., MainWindow], qtbot: QtBot, tmp_path: Path
) -> None:
    """Anna and her manager change the same phone number; the later edit wins on the
    server, Anna's laptop shows the conflict with both values, she keeps hers, and the
    manager's laptop gets it on its next sync."""
    from fieldcrm.store import Store
    from fieldcrm.sync import SyncEngine, login, open_client
    from fieldcrm.sync.credentials import FileTokenStore

    window = make_window({"server_url": server}, after_edit_ms=60_000)
    with qtbot.waitSignal(window.sync.synced, timeout=120_000):
        window.auto_login(server, DEMO_USER, DEMO_PASSWORD)
    customer_id = _first_customer(window)
    # Anna changes the number on her laptop; it is not sent yet.
    window.store.update("customer", customer_id, {"phone": "+49 40 1111"})

    # A moment later Maria changes it on hers and syncs first.
    (tmp_path / "maria").mkdir()
    maria = Store(tmp_path / "maria" / "fieldcrm.db")
    tokens = FileTokenStore(tmp_path / "maria" / "session.token")
    try:
        login(maria, server, "maria", DEMO_PASSWORD, token_store=tokens)
        with open_client(maria, token_store=tokens) as client:
            assert SyncEngine(maria, client).sync().ok
            maria.update("customer", customer_id, {"phone": "+49 40 2222"})
            assert SyncEngine(maria, client).sync().pushed == 1

        # Anna's sync: her older edit loses, and the conflict is listed with both values.
        with qtbot.waitSignal(window.sync.synced, timeout=60_000):
            window.sync.sync_now()
        window.show_page("conflicts")
        view = window.conflicts
        qtbot.waitUntil(lambda: view.current is not None)
        assert view.current is not None and view.current["row_id"] == customer_id
        assert view.theirs_value.text() == "+49 40 2222"
        assert view.mine_value.text() == "+49 40 1111"
        assert "Maria Lehmann" in view.theirs_who.text()
        assert (window.store.get("customer", customer_id) or {})["phone"] == "+49 40 2222"

        # She keeps hers: an ordinary edit, sent with the next sync.
        qtbot.mouseClick(view.keep_mine_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.current is None)
        with qtbot.waitSignal(window.sync.synced, timeout=60_000):
            window.sync.sync_now()
        qtbot.waitUntil(lambda: window.store.pending_count() == 0)
        with open_client(maria, token_store=tokens) as client:
            assert SyncEngine(maria, client).sync().ok
        assert (maria.get("customer", customer_id) or {})["phone"] == "+49 40 1111"
    finally:
        maria.close()


def test_an_ended_session_offers_to_sign_in_again_and_keeps_the_changes(
    server: str, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    """The rep's session is ended on the server (a logout elsewhere, or IT): the status bar
    says so in words and its button signs her in again; what she wrote meanwhile is sent."""
    import httpx

    from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths

    window = make_window({"server_url": server}, after_edit_ms=60_000)
    with qtbot.waitSignal(window.sync.synced, timeout=120_000):
        window.auto_login(server, DEMO_USER, DEMO_PASSWORD)
    from fieldcrm.sync import load_credentials

    token = load_credentials(window.store).refresh_token()  # keyring or profile file
    assert token
    answer = httpx.post(
        server + ApiPaths.LOGOUT,
        json={"refresh_token": token},
        headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)},
    )
    assert answer.status_code == 204
    from fieldcrm.ui.sync import EngineBackend

    assert isinstance(window.backend, EngineBackend)
    window.backend.close()  # as after a restart: the app must use the ended session
    customer_id = _first_customer(window)
    window.store.update("customer", customer_id, {"city": "Husum"})

    window.sync.sync_now()
    qtbot.waitUntil(window.error_label.isVisible, timeout=60_000)
    assert window.error_label.text() == (
        "Sync failed: The session with the server has ended. Sign in again; your changes are kept."
    )
    assert "Log in again" in window.error_label.toolTip()  # the engine's words, for IT
    assert window.retry_button.text() == "Sign in…"
    assert window.store.pending_count() == 1

    window.retry_button.click()
    qtbot.waitUntil(lambda: getattr(window, "login_dialog", None) is not None)
    dialog = window.login_dialog
    assert dialog.server.text() == server
    qtbot.keyClicks(dialog.username, DEMO_USER)
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    with qtbot.waitSignal(window.sync.synced, timeout=60_000):
        dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not window.error_label.isVisible())
    assert window.retry_button.text() == "Retry"
    assert window.store.pending_count() == 0  # the change made before signing in is sent
