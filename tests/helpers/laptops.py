"""A real sync server process with the sample area, and the other laptop of the
territory (Ben's second profile), for desktop tests whose results must reach a teammate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pytestqt.qtbot import QtBot

from fieldcrm.store import Store
from fieldcrm.sync import SyncEngine, login, open_client
from fieldcrm.sync.credentials import FileTokenStore
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.qt import settle
from tests.helpers.realserver import PASSWORD, RealServer


class OtherLaptop:
    """Ben's laptop in the same territory: a second profile syncing with the server."""

    def __init__(self, folder: Path, url: str) -> None:
        folder.mkdir()
        self.store = Store(folder / "fieldcrm.db")
        self.tokens = FileTokenStore(folder / "session.token")
        login(self.store, url, "ben", PASSWORD, token_store=self.tokens, allow_http=True)
        self.client = open_client(self.store, token_store=self.tokens)

    def sync(self) -> None:
        result = SyncEngine(self.store, self.client, raise_errors=False).sync()
        assert result.ok and result.rejected == 0, result

    def close(self) -> None:
        self.client.close()
        self.store.close()


def area_server(folder: Path) -> Iterator[RealServer]:
    """A server process with the sample area, stopped afterwards (a fixture's body)."""
    srv = RealServer(folder)
    srv.setup_area()
    srv.start()
    yield srv
    srv.stop()


def sync_window(window: MainWindow, qtbot: QtBot) -> None:
    """Sync now, as F5 does, and wait until the views show the result."""
    settle(qtbot, window)
    with qtbot.waitSignal(window.sync.synced, timeout=120_000):
        window.sync.sync_now()
    settle(qtbot, window)
