"""Driving the desktop in tests: wait for the database thread, type, click, answer boxes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from fieldcrm.ui.mainwindow import MainWindow


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the database thread has delivered everything queued."""
    qtbot.waitUntil(lambda: not window.db.busy and not window.analysis.busy, timeout=10_000)


def answer_next_message_box(button_name: str) -> None:
    """Click a button of the next message box as soon as it opens."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        for button in box.buttons():
            if button.objectName() == button_name:
                button.click()
                return
        raise AssertionError(f"no button {button_name!r} in the message box")

    QTimer.singleShot(0, click)


def find_button(parent: Any, name: str) -> QAbstractButton:
    button = parent.findChild(QAbstractButton, name)
    assert button is not None, f"no button {name!r}"
    return button


def type_text(qtbot: QtBot, widget: Any, text: str) -> None:
    """Type like a person, including characters QTest has no key for (ä, ü, ß, newline)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    for char in text:
        if char == "\n":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        elif char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                )
