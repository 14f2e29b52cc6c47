"""A remote wipe while the app is open: the pending change is sent, the data goes, the
app says why and shows the sign-in on an empty profile (real server process)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldcrm.ui import wiped
from fieldcrm.ui.app import open_main_window
from fieldcrm.ui.demo import DEMO_PASSWORD, DEMO_USER, demo_server
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.realserver import run_server_cli

pytestmark = pytest.mark.slow

NAME = "Kaffeerösterei Wiesengrund"


def test_a_wipe_while_the_app_is_open_ends_at_the_sign_in(
    tmp_path: Path, profile: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    folder = tmp_path / "server"
    with demo_server(folder) as url:
        db_url = f"sqlite:///{folder / 'server.db'}"
        window = make_window({"server_url": url}, after_edit_ms=60_000)
        opened: list[MainWindow] = []

        def reopen() -> MainWindow:
            fresh = open_main_window(profile, {"server_url": url, "language": "en"})
            opened.append(fresh)
            return fresh

        wiped.replace_when_wiped(window, reopen, tell=False)
        with qtbot.waitSignal(window.sync.synced, timeout=120_000):
            window.auto_login(url, DEMO_USER, DEMO_PASSWORD)
        device_id = window.store.device_id
        with window.store.read() as conn:
            customer_id = conn.exec_driver_sql(
                "SELECT id FROM customer WHERE deleted = 0 LIMIT 1"
            ).scalar_one()
        window.store.update("customer", customer_id, {"name": NAME})
        assert window.store.pending_count() == 1
        run_server_cli(db_url, "device", "wipe", device_id)

        with qtbot.waitSignal(window.sync.wiped, timeout=120_000):
            window.sync.sync_now()
        qtbot.waitUntil(lambda: bool(opened) and opened[0].isVisible(), timeout=30_000)
        fresh = opened[0]
        qtbot.waitUntil(lambda: getattr(fresh, "login_dialog", None) is not None)
        assert fresh.login_dialog.isVisible()
        assert fresh.store.device_id != device_id
        assert sum(fresh.store.counts().values()) == 0
        assert not window.isVisible()

        devices = json.loads(run_server_cli(db_url, "device", "list", "--json"))
        [mine] = [d for d in devices if d["id"] == device_id]
        assert mine["wipe_confirmed"] is not None
        with sqlite3.connect(folder / "server.db") as db:
            data = db.execute(
                "SELECT data FROM record WHERE entity = 'customer' AND id = ?", (customer_id,)
            ).fetchone()[0]
        assert json.loads(data)["name"] == NAME  # the pending change arrived first
        for path in profile.rglob("*"):
            if path.is_file():
                assert NAME.encode() not in path.read_bytes(), path
        fresh.close()
        fresh.store.close()
