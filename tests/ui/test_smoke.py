"""The desktop starts: ``fieldcrm --smoke-test`` and the main window on a new profile."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from fieldcrm import __version__
from fieldcrm.store.db import head_revision
from fieldcrm.ui.mainwindow import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_test_prints_version_server_and_schema() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fieldcrm",
            "--smoke-test",
            "--server-url",
            "https://crm.example.com",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["version"] == __version__
    assert report["schema_revision"] == head_revision()
    assert report["server_url"] == "https://crm.example.com"


def test_new_profile_asks_for_login(make_window: Callable[..., MainWindow], qtbot: QtBot) -> None:
    window = make_window()
    window.start()
    qtbot.waitUntil(lambda: getattr(window, "login_dialog", None) is not None)
    assert window.login_dialog.isVisible()
    assert window.ctx.user_id is None
