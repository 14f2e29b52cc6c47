"""Import contacts into a customer from a CSV or vCard file: a preview with each line's
problems, then the good lines in one go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app.changes import Changes
from fieldcrm.app.contact_import import (
    ImportFileError,
    ImportLine,
    ImportPreview,
    import_contacts,
    imported_count,
    preview_contacts,
)
from fieldcrm.ui import i18n, reasons
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.forms import ERROR_STYLE
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.texts import fill

TR_CONTEXT = "ContactImport"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def file_problem(exc: ImportFileError) -> str:
    texts = {
        "too_large": _t("The file is too large (at most 5 MB)."),
        "no_last_name_column": _t(
            "The first line names no column for the last name (e.g. “Last name” or “Nachname”)."
        ),
        "empty": _t("The file is empty."),
        "no_contacts": _t("The file holds no contacts."),
        "no_vcard": _t("The file holds no vCard."),
        "bad_vcard": _t("The file is not a readable vCard file."),
        "bad_text": _t("The file is not a text file."),
    }
    return texts.get(exc.code, str(exc))


def line_problem(line: ImportLine) -> str:
    if line.errors:
        return "; ".join(
            f"{i18n.field_label(e.field)}: {reasons.field_error_text(e)}" for e in line.errors
        )
    if line.duplicate_of:
        return fill(_t("Looks like %1"), line.duplicate_of)
    return ""


class PreviewModel(RowsModel):
    """The lines of the file; refused lines red, look-alikes grey."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            line: ImportLine = self.row_at(index.row())
            if line.errors:
                return QBrush(QColor("#b00020"))
            if line.duplicate_of:
                return QBrush(QColor("#666666"))
        return super().data(index, role)


def _value(name: str) -> Any:
    return lambda line: str(line.values.get(name) or "")


class ImportContactsDialog(QDialog):
    """Choose a file, see every line and what is wrong with it, import the good ones."""

    imported = Signal(object)
    #: A preview is shown (or the file refused): for tests and the screenshots.
    previewed = Signal()

    def __init__(
        self, ctx: AppContext, customer_id: str, customer_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import_contacts_dialog")
        self.ctx, self.customer_id, self.customer_name = ctx, customer_id, customer_name
        self.preview: ImportPreview | None = None
        self.file_label = QLabel()
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose_file)
        self.model = PreviewModel(
            [
                Column("line", lambda: _t("Line"), render=lambda line: str(line.line)),
                Column("first_name", lambda: i18n.field_label("first_name"), _value("first_name")),
                Column("last_name", lambda: i18n.field_label("last_name"), _value("last_name")),
                Column("job_title", lambda: i18n.field_label("job_title"), _value("job_title")),
                Column("phone", lambda: i18n.field_label("phone"), _value("phone")),
                Column("mobile", lambda: i18n.field_label("mobile"), _value("mobile")),
                Column("email", lambda: i18n.field_label("email"), _value("email")),
                Column("problem", lambda: _t("Problem"), render=line_problem),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.include_duplicates = QCheckBox()
        self.include_duplicates.toggled.connect(self._show_summary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.include_duplicates)
        layout.addWidget(self.buttons)
        self.resize(900, 480)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(fill(_t("Import contacts into %1"), self.customer_name))
        self.choose_button.setText(_t("Choose &file…"))
        if self.preview is None:
            self.file_label.setText(_t("A CSV file with a header line, or vCards (.vcf)."))
        self.include_duplicates.setText(_t("Also import contacts that look like existing ones"))
        self.import_button.setText(_t("&Import"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Cancel"))
        self.model.retranslate()
        self._show_summary()

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _t("Contacts file"), "", _t("Contacts (*.csv *.vcf *.txt);;All files (*)")
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read and check ``path`` on the database thread, then show the preview."""
        self.file_label.setText(path.name)
        customer_id = self.customer_id
        self.import_button.setEnabled(False)

        def read(store: Any) -> ImportPreview:
            return preview_contacts(store, customer_id, path.name, path.read_bytes())

        self.ctx.read(read, self._show_preview, self._refused)

    def _show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.error_label.hide()
        self.model.set_rows(preview.lines)
        self.table.resizeColumnsToContents()
        self._show_summary()
        self.previewed.emit()

    def _refused(self, exc: BaseException) -> None:
        self.preview = None
        self.model.set_rows([])
        if isinstance(exc, ImportFileError):
            text = file_problem(exc)
        elif isinstance(exc, OSError):
            text = fill(_t("The file cannot be read: %1"), exc.strerror or str(exc))
        else:
            text = _t("The file cannot be read.")
        self.error_label.setText(text)
        self.error_label.show()
        self._show_summary()
        self.previewed.emit()

    def _show_summary(self) -> None:
        if self.preview is None:
            self.summary.setText("")
            self.import_button.setEnabled(False)
            return
        lines = self.preview.lines
        count = imported_count(lines, self.include_duplicates.isChecked())
        refused = sum(1 for line in lines if line.errors)
        alike = sum(1 for line in lines if line.ok and line.duplicate_of)
        self.summary.setText(
            fill(
                _t(
                    "%1 contacts will be imported; %2 lines have errors and are left out; "
                    "%3 look like existing contacts."
                ),
                str(count),
                str(refused),
                str(alike),
            )
        )
        self.import_button.setEnabled(count > 0)

    def run_import(self) -> None:
        if self.preview is None:
            return
        lines, include = self.preview.lines, self.include_duplicates.isChecked()
        customer_id = self.customer_id
        self.import_button.setEnabled(False)

        def done(changes: Changes) -> None:
            self.imported.emit(changes)
            self.accept()

        self.ctx.write(
            lambda store: import_contacts(store, customer_id, lines, include_duplicates=include),
            done,
            self._refused,
        )
