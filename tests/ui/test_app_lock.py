"""The app lock: idle minutes hide the window's content; the password, checked offline
against the Argon2id verifier, brings it back; IT can fix the minutes by policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from fieldcrm.profile import database_path
from fieldcrm.store import Store
from fieldcrm.sync.credentials import LOCK_VERIFIER_KEY, lock_verifier
from fieldcrm.ui.applock import AppLock
from fieldcrm.ui.dialogs import SettingsDialog
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.settings import Settings, user_settings

PASSWORD = "Lindenblüte-42"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _click(window: MainWindow, name: str) -> None:
    button = window.findChild(QPushButton, name)
    assert button is not None, name
    button.click()


def _is_locked(lock: AppLock) -> bool:
    return lock.locked


def _with_verifier(profile: Path) -> None:
    store = Store(database_path(profile))
    try:
        store.set_meta(LOCK_VERIFIER_KEY, lock_verifier(PASSWORD))
        assert PASSWORD not in (store.meta(LOCK_VERIFIER_KEY) or "")
    finally:
        store.close()


def test_idle_minutes_lock_the_window_and_the_password_unlocks_it(
    qtbot: QtBot,
    profile: Path,
    seeded: dict[str, Any],
    make_window: Callable[..., MainWindow],
) -> None:
    _with_verifier(profile)
    window = make_window()
    lock = window.findChild(AppLock)
    assert lock is not None and lock.minutes() == 15
    content = window.centralWidget()
    assert content is not None
    clock = Clock()
    lock._clock = clock
    lock.last_input = clock.now

    clock.now += 14 * 60
    lock.check_idle()
    assert not _is_locked(lock)
    clock.now += 60
    lock.check_idle()
    assert _is_locked(lock)
    assert window.centralWidget() is lock.screen and not content.isVisible()
    assert not window.menuBar().isVisible()

    field = window.findChild(QLineEdit, "lock_password")
    assert field is not None
    field.setText("wrong")
    _click(window, "unlock")
    assert _is_locked(lock)
    error = window.findChild(QLabel, "lock_error")
    assert error is not None and "Wrong password" in error.text()

    field.setText(PASSWORD)
    _click(window, "unlock")
    assert not _is_locked(lock)
    assert window.centralWidget() is content and content.isVisible()


def test_a_rep_who_forgot_the_password_is_offered_the_sign_in(
    qtbot: QtBot, profile: Path, seeded: dict[str, Any], make_window: Callable[..., MainWindow]
) -> None:
    _with_verifier(profile)
    window = make_window()
    lock = window.findChild(AppLock)
    assert lock is not None
    lock.lock()
    _click(window, "lock_sign_in")
    assert window.login_dialog.isVisible()
    window.login_dialog.close()
    assert _is_locked(lock)
    window.logged_in.emit({"id": seeded["id"]})  # a successful sign-in unlocks
    assert not _is_locked(lock)


def test_without_a_verifier_the_window_does_not_lock(
    profile: Path, seeded: dict[str, Any], make_window: Callable[..., MainWindow]
) -> None:
    window = make_window()
    lock = window.findChild(AppLock)
    assert lock is not None
    lock.lock()
    assert not _is_locked(lock)


def test_it_policy_sets_and_fixes_the_lock_minutes(
    policy: QSettings, profile: Path, seeded: dict[str, Any], make_window: Callable[..., MainWindow]
) -> None:
    policy.setValue("lock_minutes", 3)
    policy.setValue("locked/lock_minutes", True)
    policy.sync()
    window = make_window()
    resolved = window.settings.resolve("lock_minutes")
    assert resolved.value == 3 and resolved.locked
    lock = window.findChild(AppLock)
    assert lock is not None and lock.minutes() == 3
    policy.setValue("lock_minutes", "soon")
    policy.sync()
    try:
        window.settings.resolve("lock_minutes")
    except ValueError as exc:
        assert "whole number" in str(exc)
    else:
        raise AssertionError("a bad policy value must be refused with a message")


def test_the_settings_dialog_sets_the_lock_minutes_unless_it_policy_fixed_them(
    qtbot: QtBot, policy: QSettings, profile: Path
) -> None:
    user = user_settings(profile)
    settings = Settings(user, policy=policy, environ={})
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.lock.isEnabled() and dialog.lock.value() == 15
    dialog.lock.setValue(0)
    assert dialog.lock.text() == "Never"
    dialog.save()
    assert settings.value("lock_minutes") == 0

    policy.setValue("lock_minutes", 5)
    policy.setValue("locked/lock_minutes", True)
    fixed = SettingsDialog(Settings(user, policy=policy, environ={}))
    qtbot.addWidget(fixed)
    fixed.show()
    assert fixed.lock.value() == 5 and not fixed.lock.isEnabled()
    assert fixed.lock_labels["lock_minutes"].isVisible()
