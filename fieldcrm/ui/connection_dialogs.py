"""The dialogs that record a relationship between two people and "I know this person"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.domain.entities import RELATIONSHIP_KINDS
from fieldcrm.domain.validation import ValidationError
from fieldcrm.ui.i18n import field_label
from fieldcrm.ui.reasons import field_error_text

ModelIndex = QModelIndex | QPersistentModelIndex


def relationship_kind_names() -> dict[str, str]:
    """Each kind with its name in both directions, for a person to choose from."""
    return {
        "reports_to": QCoreApplication.translate("Connections", "reports to / manages"),
        "assistant_of": QCoreApplication.translate(
            "Connections", "is assistant of / has as assistant"
        ),
        "colleague": QCoreApplication.translate("Connections", "colleague"),
        "decides_for": QCoreApplication.translate("Connections", "decides for / is decided for by"),
        "influences": QCoreApplication.translate("Connections", "influences / is influenced by"),
        "custom": QCoreApplication.translate("Connections", "other (name it)"),
    }


class RecordDialog(QDialog):
    """A dialog whose OK saves: it stays open, with what was entered, until the save went
    through; a refused save shows why under the fields. While saving it cannot be
    cancelled, so that "cancelled" never hides a record that was written."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.saving = False

    def _ok(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.buttons.setEnabled(False)
        self.error_label.clear()
        self.save_requested.emit()

    def reject(self) -> None:
        if not self.saving:
            super().reject()

    def saved(self) -> None:
        self.saving = False
        self.accept()

    def failed(self, exc: BaseException) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            text = "\n".join(f"{field_label(e.field)}: {field_error_text(e)}" for e in exc.errors)
        else:
            text = QCoreApplication.translate("Connections", "Could not save: %1").replace(
                "%1", str(exc)
            )
        self.error_label.setText(text)


class RelationshipDialog(RecordDialog):
    """Say how two people relate (either may be of another customer)."""

    def __init__(self, contacts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Connections", "New relationship"))
        self.from_box, self.to_box, self.kind_box = QComboBox(), QComboBox(), QComboBox()
        for contact_id, name in contacts:
            self.from_box.addItem(name, contact_id)
            self.to_box.addItem(name, contact_id)
        if len(contacts) > 1:
            self.to_box.setCurrentIndex(1)
        for kind in RELATIONSHIP_KINDS:
            self.kind_box.addItem(relationship_kind_names()[kind], kind)
        self.label_edit, self.reverse_edit = QLineEdit(), QLineEdit()
        self.note_edit = QPlainTextEdit()
        self.note_edit.setMaximumHeight(70)
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("Connections", "&Person:"), self.from_box)
        form.addRow(QCoreApplication.translate("Connections", "&Relationship:"), self.kind_box)
        form.addRow(QCoreApplication.translate("Connections", "&To:"), self.to_box)
        form.addRow(QCoreApplication.translate("Connections", "&Name (other):"), self.label_edit)
        form.addRow(
            QCoreApplication.translate("Connections", "Name the &other way:"), self.reverse_edit
        )
        form.addRow(QCoreApplication.translate("Connections", "N&ote:"), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        custom = self.kind_box.currentData() == "custom"
        self.label_edit.setEnabled(custom)
        self.reverse_edit.setEnabled(custom)

    def values(self, customer_id: str) -> dict[str, Any]:
        return {
            "customer_id": customer_id,
            "from_contact_id": self.from_box.currentData(),
            "to_contact_id": self.to_box.currentData(),
            "kind": self.kind_box.currentData(),
            "label": self.label_edit.text() or None,
            "reverse_label": self.reverse_edit.text() or None,
            "note": self.note_edit.toPlainText() or None,
        }


class ConnectionDialog(RecordDialog):
    """ "I know this person": how well, since when, a note. Declared, never inferred."""

    def __init__(self, contacts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Connections", "I know this person"))
        self.contact_box = QComboBox()
        for contact_id, name in contacts:
            self.contact_box.addItem(name, contact_id)
        self.strength = QSpinBox()
        self.strength.setRange(1, 5)
        self.strength.setValue(3)
        self.strength.setToolTip(
            QCoreApplication.translate("Connections", "1 = met once, 5 = know each other well")
        )
        self.since = QDateEdit(QDate.currentDate())
        self.since.setCalendarPopup(True)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setMaximumHeight(70)
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("Connections", "&Person:"), self.contact_box)
        form.addRow(QCoreApplication.translate("Connections", "How &well (1–5):"), self.strength)
        form.addRow(QCoreApplication.translate("Connections", "&Since:"), self.since)
        form.addRow(QCoreApplication.translate("Connections", "N&ote:"), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def values(self, customer_id: str, user_id: str) -> dict[str, Any]:
        return {
            "customer_id": customer_id,
            "contact_id": self.contact_box.currentData(),
            "user_id": user_id,
            "strength": self.strength.value(),
            "since": self.since.date().toString("yyyy-MM-dd"),
            "note": self.note_edit.toPlainText() or None,
        }
