"""Asking for the password that opens the local data, where no keyring holds its key."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

TR_CONTEXT = "Unlock"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def ask_store_password() -> str:
    """The password typed in a dialog ("" when the user cancels: the data stays locked)."""
    text, ok = QInputDialog.getText(
        None,
        _t("FieldCRM is locked"),
        _t(
            "This computer has no keyring, so your local data is encrypted with your "
            "password.\nEnter your FieldCRM password:"
        ),
        QLineEdit.EchoMode.Password,
    )
    return text if ok else ""


def show_store_error(detail: str) -> None:
    """The local data could not be opened: what happened (the detail is the store's)."""
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_t("FieldCRM cannot open your data"))
    box.setText(_t("Your local data could not be opened. Nothing was changed."))
    box.setInformativeText(detail)
    box.exec()
