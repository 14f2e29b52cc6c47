"""The app lock: after idle minutes the window hides its content and asks for the password.

The password is checked on the laptop against the Argon2id verifier written at sign-in, so
the lock works offline. "Sign in again" opens the sign-in dialog (a forgotten password).
The idle time is the ``lock_minutes`` setting, which IT can set and fix by policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import session
from fieldcrm.ui.forms import ERROR_STYLE
from fieldcrm.ui.mainwindow import MainWindow

#: Input that counts as the user being there.
ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}
CHECK_EVERY_MS = 10_000


class LockScreen(QWidget):
    """What the locked window shows instead of its content."""

    def __init__(self, lock: AppLock) -> None:
        super().__init__()
        self.setObjectName("lock_screen")
        self._lock = lock
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = QLabel(self.tr("FieldCRM is locked"), self)
        self.title.setStyleSheet("font-size: 18pt;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(self.tr("Enter your password to go on."), self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit(self)
        self.password.setObjectName("lock_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.password.setMaximumWidth(320)
        self.password.returnPressed.connect(self._unlock)
        self.error = QLabel(self)
        self.error.setObjectName("lock_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.hide()
        self.unlock_button = QPushButton(self.tr("Unlock"), self)
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.clicked.connect(self._unlock)
        self.sign_in = QPushButton(self.tr("Forgot it? Sign in again"), self)
        self.sign_in.setObjectName("lock_sign_in")
        self.sign_in.setFlat(True)
        self.sign_in.clicked.connect(lock.sign_in_again)
        for widget in (self.title, self.hint, self.password, self.error):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.sign_in, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def _unlock(self) -> None:
        if not self._lock.try_unlock(self.password.text()):
            self.password.clear()
            self.error.setText(self.tr("Wrong password. Try again, or sign in again."))
            self.error.show()


class AppLock(QObject):
    """Watches the application's input; locks ``window`` after ``lock_minutes`` idle."""

    def __init__(self, window: MainWindow, clock: Callable[[], float] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._clock = clock or time.monotonic
        self.last_input = self._clock()
        self.screen: LockScreen | None = None
        self._content: QWidget | None = None
        self._bars: list[QToolBar] = []
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check_idle)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.logged_in.connect(lambda _user: self.unlock())

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and not self.locked:
            self.last_input = self._clock()
        return False

    def minutes(self) -> int:
        return int(self.window.settings.value("lock_minutes"))

    def check_idle(self) -> None:
        minutes = self.minutes()
        if self.locked or minutes <= 0:
            return
        if self._clock() - self.last_input >= minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Hide the window's content behind the lock screen (not when nobody ever signed
        in here since this version: there is no password to check against)."""
        if self.locked or not session.can_lock(self.window.store):
            return
        self.screen = LockScreen(self)
        self._bars = [bar for bar in self.window.findChildren(QToolBar) if bar.isVisible()]
        for bar in self._bars:
            bar.hide()
        self.window.menuBar().hide()
        self._content = self.window.takeCentralWidget()
        self.window.setCentralWidget(self.screen)
        self.screen.password.setFocus()

    def try_unlock(self, password: str) -> bool:
        if session.unlocks(self.window.store, password):
            self.unlock()
            return True
        return False

    def unlock(self) -> None:
        if self.screen is None:
            return
        self.window.takeCentralWidget()
        self.screen.deleteLater()
        self.screen = None
        if self._content is not None:
            self.window.setCentralWidget(self._content)
            self._content.show()
            self._content = None
        self.window.menuBar().show()
        for bar in self._bars:
            bar.show()
        self.last_input = self._clock()

    def sign_in_again(self) -> None:
        self.window.ask_login()
