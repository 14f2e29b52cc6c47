"""Fixtures for the desktop tests: a profile with a signed-in rep and a main window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from fieldcrm.profile import database_path
from fieldcrm.sampledata.demo import seed_customers, seed_user
from fieldcrm.store import Store
from fieldcrm.ui import i18n
from fieldcrm.ui.app import open_main_window
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.qt import settle


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "profile"
    path.mkdir()
    return path


@pytest.fixture
def policy(tmp_path: Path) -> QSettings:
    """An empty IT policy (tests never read the machine's real one)."""
    return QSettings(str(tmp_path / "policy.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def seeded(profile: Path) -> dict[str, Any]:
    """A rep with a territory and five customers, as after a first sync."""
    store = Store(database_path(profile))
    try:
        user = seed_user(store)
        user["customers"] = seed_customers(store, user, 5)
    finally:
        store.close()
    return user


@pytest.fixture
def make_window(
    qtbot: QtBot, profile: Path, policy: QSettings
) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(flags: dict[str, Any] | None = None, **options: Any) -> MainWindow:
        translations = i18n.Translations()
        translations.install("en")
        window = open_main_window(
            profile,
            {"server_url": "", "language": "en", **(flags or {})},
            policy=policy,
            translations=translations,
            **options,
        )
        if window.settings.ui_value("geometry") is None:
            window.resize(1100, 700)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        # Closing with unsaved edits would ask; a finished test has nothing left to keep.
        if window.pages.made("detail") is not None:
            window.detail.form.mark_clean()
        if window.pages.made("conflicts") is not None:
            window.conflicts.forget_typed()
        if window.pages.made("rejected") is not None:
            window.rejected.forget_typed()
        window.close()
        window.sync.shutdown()
        window.db.shutdown()
        window.store.close()
        window.deleteLater()


@pytest.fixture
def window(
    seeded: dict[str, Any], make_window: Callable[..., MainWindow], qtbot: QtBot
) -> MainWindow:
    """The main window, signed in as the seeded rep, nothing pending in the database thread."""
    win = make_window()
    win.start()
    qtbot.waitUntil(lambda: win.ctx.user_id == seeded["id"])
    settle(qtbot, win)
    return win


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform cannot pass size hints to a window manager it does not have.
    for item in items:
        if "tests/ui" in str(item.path).replace("\\", "/"):
            item.add_marker(
                pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
            )
