"""Record forms built from the entity definitions, with validation messages next to each field."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import Changes
from fieldcrm.domain.entities import entity_spec
from fieldcrm.domain.validation import FieldError, ValidationError
from fieldcrm.ui import i18n, reasons
from fieldcrm.ui.tasks import TaskRunner
from fieldcrm.ui.texts import fill

ERROR_STYLE = "color: #b3261e;"


class RecordForm(QWidget):
    """Editors for some fields of one entity; knows when it holds unsaved edits."""

    edited = Signal()

    def __init__(
        self,
        entity: str,
        fields: Sequence[str],
        parent: QWidget | None = None,
        *,
        choices: dict[str, list[tuple[str, str]]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.entity = entity
        self.spec = entity_spec(entity)
        self.fields = list(fields)
        self.editors: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._labels: dict[str, QLabel] = {}
        self._loaded: dict[str, Any] = {}
        self._dirty = False
        self._extra_choices = choices or {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in self.fields:
            editor = self._make_editor(name)
            editor.setObjectName(f"field_{name}")
            self.editors[name] = editor
            error = QLabel(self)
            error.setObjectName(f"error_{name}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.error_labels[name] = error
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(editor)
            column.addWidget(error)
            caption = QLabel(self)
            caption.setBuddy(editor)
            self._labels[name] = caption
            layout.addRow(caption, column)
        self.retranslate()

    # ---- editors -------------------------------------------------------------------

    def _make_editor(self, name: str) -> QWidget:
        spec = self.spec.by_name[name]
        editor: QWidget
        if name in self._extra_choices:
            combo = QComboBox(self)
            for text, value in self._extra_choices[name]:
                combo.addItem(text, value)
            combo.currentIndexChanged.connect(self._mark_dirty)
            editor = combo
        elif spec.kind == "enum":
            combo = QComboBox(self)
            if not spec.required:
                combo.addItem("", None)
            for value in spec.choices:
                combo.addItem(i18n.label(value), value)
            combo.currentIndexChanged.connect(self._mark_dirty)
            editor = combo
        elif spec.kind == "text":
            plain = QPlainTextEdit(self)
            plain.setTabChangesFocus(True)
            plain.setMinimumHeight(60)
            plain.textChanged.connect(self._mark_dirty)
            editor = plain
        elif spec.kind == "int":
            spin = QSpinBox(self)
            spin.setRange(0, int(spec.maximum or 1_000_000))
            spin.setSpecialValueText("—")
            spin.valueChanged.connect(self._mark_dirty)
            editor = spin
        elif spec.kind == "date":
            date_edit = QDateEdit(self)
            date_edit.setCalendarPopup(True)
            date_edit.setDate(QDate.currentDate())
            date_edit.dateChanged.connect(self._mark_dirty)
            editor = date_edit
        elif spec.kind == "datetime":
            dt_edit = QDateTimeEdit(self)
            dt_edit.setCalendarPopup(True)
            dt_edit.setDateTime(QDateTime.currentDateTime())
            dt_edit.dateTimeChanged.connect(self._mark_dirty)
            editor = dt_edit
        else:
            line = QLineEdit(self)
            if spec.max_length:
                line.setMaxLength(spec.max_length)
            line.textEdited.connect(self._mark_dirty)
            editor = line
        return editor

    def retranslate(self) -> None:
        for name, caption in self._labels.items():
            spec = self.spec.by_name[name]
            text = i18n.field_label(name)
            caption.setText(f"{text}{' *' if spec.required else ''}:")
            self.editors[name].setAccessibleName(text)
            editor = self.editors[name]
            if isinstance(editor, QComboBox) and name not in self._extra_choices:
                for i in range(editor.count()):
                    value = editor.itemData(i)
                    if value is not None:
                        editor.setItemText(i, i18n.label(value))
            elif isinstance(editor, QDateTimeEdit):  # date fields too
                # A date field keeps the format it was made with unless told (a switch).
                locale = QLocale()
                kind = QLocale.FormatType.ShortFormat
                editor.setLocale(locale)
                editor.setDisplayFormat(
                    locale.dateFormat(kind)
                    if isinstance(editor, QDateEdit)
                    else locale.dateTimeFormat(kind)
                )

    def _mark_dirty(self, *_args: object) -> None:
        if not self._dirty:
            self._dirty = True
        self.edited.emit()

    @property
    def dirty(self) -> bool:
        return self._dirty

    def mark_clean(self) -> None:
        self._dirty = False

    # ---- values --------------------------------------------------------------------

    def set_values(self, record: Mapping[str, Any]) -> None:
        for name, editor in self.editors.items():
            value = record.get(name)
            editor.blockSignals(True)
            try:
                _set_editor(editor, value)
            finally:
                editor.blockSignals(False)
        self._loaded = dict(record)
        self.clear_errors()
        self._dirty = False

    def values(self) -> dict[str, Any]:
        return {name: _get_editor(editor) for name, editor in self.editors.items()}

    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from what was loaded."""
        return {k: v for k, v in self.values().items() if self._loaded.get(k) != v}

    def set_value(self, name: str, value: Any) -> None:
        _set_editor(self.editors[name], value)

    # ---- errors --------------------------------------------------------------------

    def clear_errors(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.hide()

    def show_errors(self, errors: Sequence[FieldError]) -> list[FieldError]:
        """Put each message next to its field; returns those about fields not on the form."""
        self.clear_errors()
        elsewhere = []
        first: QWidget | None = None
        for error in errors:
            label = self.error_labels.get(error.field)
            if label is None:
                elsewhere.append(error)
                continue
            label.setText(reasons.field_error_text(error))
            label.show()
            first = first or self.editors[error.field]
        if first is not None:
            first.setFocus()
        return elsewhere


def _set_editor(editor: QWidget, value: Any) -> None:
    if isinstance(editor, QComboBox):
        index = editor.findData(value)
        editor.setCurrentIndex(max(index, 0))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText(value or "")
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value or 0))
    elif isinstance(editor, QDateEdit):
        if value:
            day = date.fromisoformat(value) if isinstance(value, str) else value
            editor.setDate(QDate(day.year, day.month, day.day))
    elif isinstance(editor, QDateTimeEdit):
        local = i18n.to_local(value) if isinstance(value, str) else None
        if local is not None:
            editor.setDateTime(local)
    elif isinstance(editor, QLineEdit):
        editor.setText("" if value is None else str(value))


def _get_editor(editor: QWidget) -> Any:
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QSpinBox):
        return editor.value() or None
    if isinstance(editor, QDateEdit):
        return editor.date().toString(Qt.DateFormat.ISODate)
    if isinstance(editor, QDateTimeEdit):
        return i18n.utc_text(editor.dateTime())
    if isinstance(editor, QLineEdit):
        text = editor.text().strip()
        return text or None
    raise TypeError(f"unknown editor {editor!r}")


class SaveDialog(QDialog):
    """A dialog around a form whose Save runs on the database thread.

    ``save`` gets the form values and returns the ``Changes`` of the write (with the id of a
    new record); a ``ValidationError`` puts its messages next to the fields and keeps the
    dialog open.
    """

    #: The ``Changes`` of the save.
    saved = Signal(object)

    def __init__(
        self,
        title: str,
        form: RecordForm,
        runner: TaskRunner,
        save: Callable[[dict[str, Any]], Changes],
        parent: QWidget | None = None,
        *,
        extra: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("SaveDialog")
        self.form = form
        self._runner = runner
        self._save = save
        self._saving = False
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        if extra is not None:
            layout.addWidget(extra)
        self.general_error = QLabel(self)
        self.general_error.setObjectName("general_error")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 460), self.sizeHint().height())

    def submit(self) -> None:
        if self._saving:
            return
        self._saving = True
        self.buttons.setEnabled(False)
        values = self.form.values()
        save = self._save
        self._runner.submit(lambda: save(values), self._done, self._failed)

    def _done(self, result: Changes) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        self.form.mark_clean()
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            rest = self.form.show_errors(exc.errors)
            if rest:
                self.general_error.setText(
                    "\n".join(
                        f"{i18n.field_label(e.field)}: {reasons.field_error_text(e)}" for e in rest
                    )
                )
                self.general_error.show()
            return
        self.general_error.setText(fill(self.tr("Could not save: %1"), str(exc)))
        self.general_error.show()

    def reject(self) -> None:
        if self._saving:
            # The record is being written: closing now would say "cancelled" about a
            # record that is saved a moment later. The dialog closes when it is.
            return
        if self.form.dirty and not confirm_discard(self):
            return
        super().reject()


def confirm_discard(parent: QWidget) -> bool:
    """Ask before unsaved edits are thrown away."""
    box = QMessageBox(parent)
    box.setObjectName("confirm_discard")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("Forms", "Unsaved changes"))
    box.setText(QCoreApplication.translate("Forms", "You have unsaved changes. Discard them?"))
    discard = box.addButton(
        QCoreApplication.translate("Forms", "Discard"), QMessageBox.ButtonRole.DestructiveRole
    )
    discard.setObjectName("discard")
    keep = box.addButton(
        QCoreApplication.translate("Forms", "Keep editing"), QMessageBox.ButtonRole.RejectRole
    )
    keep.setObjectName("keep")
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is discard


def confirm(parent: QWidget, title: str, text: str, action: str) -> bool:
    """Ask a yes/no question before something that cannot be undone."""
    box = QMessageBox(parent)
    box.setObjectName("confirm")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    yes.setObjectName("yes")
    no = box.addButton(
        QCoreApplication.translate("Forms", "Cancel"), QMessageBox.ButtonRole.RejectRole
    )
    no.setObjectName("no")
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes
