"""Before a new customer or contact is saved: the records it likely duplicates, with
"Open existing" (and "Save as new" when it really is new)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app.changes import Changes
from fieldcrm.app.duplicates import Candidate, LikelyDuplicates
from fieldcrm.ui.forms import RecordForm, SaveDialog
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.tasks import TaskRunner

TR_CONTEXT = "Duplicates"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def reason_text(reason: str) -> str:
    return {
        "phone": _t("Same phone number"),
        "email": _t("Same e-mail address"),
        "name": _t("Similar name"),
    }[reason]


class DuplicatesDialog(QDialog):
    """The likely duplicates, the first chosen: open it, save anyway, or go back."""

    def __init__(self, kind: str, candidates: list[Candidate], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("duplicates_dialog")
        self.candidates = candidates
        self.choice: Candidate | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.model = RowsModel(
            [
                Column("name", lambda: _t("Name")),
                Column("detail", lambda: _t("Where")),
                Column("reason", lambda: _t("Why"), render=lambda c: reason_text(c.reason)),
            ],
            self,
        )
        self.model.set_rows(candidates)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setCurrentIndex(self.model.index(0, 0))
        self.view.doubleClicked.connect(lambda _index: self._open())
        self.buttons = QDialogButtonBox(self)
        self.open_button = QPushButton()
        self.save_button = QPushButton()
        self.back_button = QPushButton()
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.YesRole)
        self.buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._open)
        self.save_button.clicked.connect(self._save_anyway)
        self.back_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.kind = kind
        self.retranslate()
        self.resize(640, 300)
        for column in range(self.model.columnCount()):
            self.view.resizeColumnToContents(column)

    #: The user chose "Save as new".
    save_anyway = Signal()
    #: The user chose an existing record to open.
    open_existing = Signal(object)

    def retranslate(self) -> None:
        if self.kind == "customer":
            self.setWindowTitle(_t("This customer may exist already"))
            self.heading.setText(
                _t("A customer like this is on this laptop already. Open it instead?")
            )
        else:
            self.setWindowTitle(_t("This contact may exist already"))
            self.heading.setText(
                _t("A contact like this is on this laptop already. Open it instead?")
            )
        self.open_button.setText(_t("&Open existing"))
        self.save_button.setText(_t("&Save as new"))
        self.back_button.setText(_t("&Back"))
        self.model.retranslate()

    def _open(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.choice = self.candidates[index.row()]
            self.open_existing.emit(self.choice)
            self.accept()

    def _save_anyway(self) -> None:
        self.save_anyway.emit()
        self.accept()


class CheckedSaveDialog(SaveDialog):
    """A new-record dialog whose save first looks for likely duplicates (on the database
    thread); if there are some, they are shown before anything is written."""

    def __init__(
        self,
        title: str,
        kind: str,
        form: RecordForm,
        runner: TaskRunner,
        save: Callable[[dict[str, Any], bool], Changes],
        open_existing: Callable[[Candidate], None],
        parent: QWidget | None = None,
    ) -> None:
        self.confirmed = False
        super().__init__(title, form, runner, lambda values: save(values, self.confirmed), parent)
        self.kind = kind
        self._open_existing = open_existing
        self.duplicates: DuplicatesDialog | None = None

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, LikelyDuplicates):
            super()._failed(exc)
            return
        self._saving = False
        self.buttons.setEnabled(True)
        dialog = DuplicatesDialog(self.kind, exc.candidates, self)
        dialog.open_existing.connect(self._chose_existing)
        dialog.save_anyway.connect(self._chose_new)
        self.duplicates = dialog
        dialog.open()

    def _chose_existing(self, candidate: Candidate) -> None:
        self.form.mark_clean()  # nothing was saved, on purpose
        self.reject()
        self._open_existing(candidate)

    def _chose_new(self) -> None:
        self.confirmed = True
        self.submit()
