"""After a remote wipe: say what happened and start afresh with the sign-in screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QMessageBox

from fieldcrm.ui.mainwindow import MainWindow

TR_CONTEXT = "Wipe"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def wiped_text() -> str:
    return _t(
        "An administrator had this laptop's FieldCRM data deleted (a lost or handed-over "
        "laptop). Nothing of it is left here; sign in again to start afresh."
    )


#: The windows opened after a wipe (the app keeps them; tests look at the newest).
successors: list[MainWindow] = []


def replace_when_wiped(
    window: MainWindow, reopen: Callable[[], MainWindow], *, tell: bool = True
) -> None:
    """When ``window``'s data is wiped: tell the user, close it and show the window
    ``reopen`` builds on the now empty profile (which asks for the sign-in)."""

    def on_wiped() -> None:
        if tell:
            box = QMessageBox(QMessageBox.Icon.Information, _t("FieldCRM"), wiped_text())
            box.exec()
        fresh = reopen()  # first: closing the last window would end the app
        replace_when_wiped(fresh, reopen, tell=tell)
        fresh.show()
        fresh.start()
        window.setProperty("wiped", True)
        window.close()
        successors.append(fresh)

    window.sync.wiped.connect(lambda: QTimer.singleShot(0, on_wiped))
