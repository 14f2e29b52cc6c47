"""The conflicts page: two edits of one field met; keep mine, take theirs or type anew."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import corrections, customers, review
from fieldcrm.app.changes import EVERYTHING, REJECTED
from fieldcrm.domain.entities import entity_spec
from fieldcrm.domain.validation import ValidationError
from fieldcrm.ui import i18n, reasons
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.forms import ERROR_STYLE
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.pages.base import (
    make_button,
    make_heading,
    make_table,
    translator,
)
from fieldcrm.ui.pages.pick_and_edit import PickAndEditView
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Views"
_t = translator(TR_CONTEXT)


class ConflictsView(PickAndEditView):
    """Concurrent edits that met: both values side by side; keep mine, take theirs or edit."""

    kinds = frozenset(EVERYTHING - {REJECTED})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("conflicts_view")
        self.title = make_heading(self, "conflicts_title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.model = RowsModel(
            [
                Column("record_label", lambda: _t("Record")),
                Column("entity", lambda: _t("Type"), lambda r: i18n.label(r["entity"])),
                Column(
                    "field",
                    lambda: _t("Field"),
                    lambda r: i18n.field_label(r["field"]) if r["field"] else _t("(deleted)"),
                ),
                Column(
                    "created_at",
                    lambda: _t("Since"),
                    lambda r: i18n.format_datetime_local(r["created_at"]),
                ),
            ],
            self,
        )
        self.table = make_table(self.model, "conflict_list", self)
        self.mine_box = QGroupBox(self)
        self.theirs_box = QGroupBox(self)
        self.mine_value = QLabel(self.mine_box)
        self.mine_value.setObjectName("mine_value")
        self.theirs_value = QLabel(self.theirs_box)
        self.theirs_value.setObjectName("theirs_value")
        self.mine_who = QLabel(self.mine_box)
        self.theirs_who = QLabel(self.theirs_box)
        for box, value, who in (
            (self.mine_box, self.mine_value, self.mine_who),
            (self.theirs_box, self.theirs_value, self.theirs_who),
        ):
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            font = QFont(value.font())
            font.setPointSizeF(font.pointSizeF() * 1.2)
            value.setFont(font)
            inner = QVBoxLayout(box)
            inner.addWidget(value)
            inner.addWidget(who)
            inner.addStretch()
        self.keep_mine_button = make_button("keep_mine", self)
        self.take_theirs_button = make_button("take_theirs", self)
        self.edit_value = QLineEdit(self)
        self.edit_value.setObjectName("edit_value")
        self.edit_button = make_button("save_edited", self)
        self.accept_delete_button = make_button("accept_delete", self)
        self.restore_button = make_button("restore_with_my_edit", self)
        self.error = QLabel(self)
        self.error.setObjectName("conflict_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.current: Mapping[str, Any] | None = None
        self._mine_is_losing = True
        #: The conflict whose value the "new value" field was filled in for.
        self._edit_for: str | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 2)
        sides = QHBoxLayout()
        sides.addWidget(self.mine_box)
        sides.addWidget(self.theirs_box)
        layout.addLayout(sides, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.keep_mine_button)
        actions.addWidget(self.take_theirs_button)
        actions.addWidget(self.accept_delete_button)
        actions.addWidget(self.restore_button)
        actions.addSpacing(20)
        actions.addWidget(self.edit_value, 1)
        actions.addWidget(self.edit_button)
        layout.addLayout(actions)
        layout.addWidget(self.error)

        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.keep_mine_button.clicked.connect(lambda: self._resolve(self._mine(), write=True))
        self.take_theirs_button.clicked.connect(lambda: self._resolve(self._theirs(), write=True))
        self.edit_button.clicked.connect(self._resolve_edited)
        self.accept_delete_button.clicked.connect(lambda: self._resolve(None, write=False))
        self.restore_button.clicked.connect(self._restore_with_edit)
        self.retranslate()
        self._show(None)

    def retranslate(self) -> None:
        self.title.setText(_t("Conflicts"))
        self.hint.setText(
            _t(
                "Someone else changed the same field while you were offline. The newer change"
                " is in effect; choose which value to keep, or type a new one."
            )
        )
        self.table.setAccessibleName(_t("Conflicts"))
        self.mine_box.setTitle(_t("Mine"))
        self.theirs_box.setTitle(_t("Theirs"))
        self.keep_mine_button.setText(_t("Keep mine"))
        self.take_theirs_button.setText(_t("Take theirs"))
        self.accept_delete_button.setText(_t("Accept deletion"))
        self.restore_button.setText(_t("Restore with my edit"))
        self.edit_value.setAccessibleName(_t("New value"))
        self.edit_value.setPlaceholderText(_t("Or type a new value…"))
        self.edit_button.setText(_t("Save this value"))
        self.model.retranslate()
        self._show(self.current)

    def reload(self) -> None:
        super().reload()
        self.ctx.read(review.open_conflicts, self._loaded)

    def _typed(self) -> bool:
        """The user typed a new value that is not saved yet."""
        return self.edit_value.isModified() and self.edit_value.isEnabled()

    def forget_typed(self) -> None:
        self.edit_value.setModified(False)

    def _gone_message(self) -> str:
        return _t("The conflict you were typing a value for was resolved meanwhile.")

    def _show(self, conflict: Mapping[str, Any] | None) -> None:
        self.current = conflict
        self.error.hide()
        has = conflict is not None
        is_field = has and conflict["kind"] == "field"  # type: ignore[index]
        for widget in (
            self.keep_mine_button,
            self.take_theirs_button,
            self.edit_value,
            self.edit_button,
        ):
            widget.setEnabled(bool(is_field))
        for button in (self.accept_delete_button, self.restore_button):
            button.setVisible(has and not is_field)
            button.setEnabled(has and not is_field)
        if conflict is None:
            self.mine_value.setText(_t("No conflicts. Everything is in agreement."))
            self.theirs_value.clear()
            self.mine_who.clear()
            self.theirs_who.clear()
            return
        self._mine_is_losing = bool(conflict["mine_is_losing"])
        if self._mine_is_losing:
            mine = ("losing_value", "losing_name", "losing_stamp")
            theirs = ("winning_value", "winning_name", "winning_stamp")
        else:
            mine = ("winning_value", "winning_name", "winning_stamp")
            theirs = ("losing_value", "losing_name", "losing_stamp")
        for (value_key, user_key, stamp_key), value_label, who_label in (
            (mine, self.mine_value, self.mine_who),
            (theirs, self.theirs_value, self.theirs_who),
        ):
            value_label.setText(self._display(conflict, conflict[value_key]))
            when = customers.note_time(conflict[stamp_key])
            who_label.setText(
                fill(
                    _t("by %1, %2"),
                    conflict[user_key] or _t("unknown"),
                    i18n.format_datetime_local(when) if when else "?",
                )
            )
        if self._edit_for != conflict["id"] or not self.edit_value.isModified():
            self.edit_value.setText(self._display(conflict, self._mine()))
        self._edit_for = conflict["id"]

    def _display(self, conflict: Mapping[str, Any], value: Any) -> str:
        if conflict["kind"] == "delete" and isinstance(value, dict):
            return "; ".join(f"{i18n.field_label(k)}: {v}" for k, v in value.items())
        if value is None:
            return _t("(empty)") if conflict["kind"] == "field" else _t("(deleted)")
        if (
            conflict["field"]
            and entity_spec(conflict["entity"]).by_name[conflict["field"]].kind == "enum"
        ):
            return i18n.label(value)
        return str(value)

    def _mine(self) -> Any:
        if self.current is None:
            return None
        return self.current["losing_value" if self._mine_is_losing else "winning_value"]

    def _theirs(self) -> Any:
        if self.current is None:
            return None
        return self.current["winning_value" if self._mine_is_losing else "losing_value"]

    def _resolve_edited(self) -> None:
        if self.current is None or not self.current["field"]:
            return
        spec = entity_spec(self.current["entity"]).by_name[self.current["field"]]
        text = self.edit_value.text()
        value: Any = text
        if spec.kind == "int":
            try:
                value = int(text) if text.strip() else None
            except ValueError:
                self._show_error(reasons.field_problem("not_int"))
                return
        elif spec.kind == "float":
            try:
                value = float(text.replace(",", ".")) if text.strip() else None
            except ValueError:
                self._show_error(_t("Please enter a number."))
                return
        self._resolve(value, write=True)

    def _resolve(self, value: Any, *, write: bool) -> None:
        if self.current is None:
            return
        conflict_id = self.current["id"]
        typed = self.edit_value.isModified()
        typed_text = self.edit_value.text()
        self.edit_value.setModified(False)  # handed to the save

        def failed(exc: BaseException) -> None:
            if typed and self.current is not None and self.current["id"] == conflict_id:
                # Not saved: still the user's. A reload that came in meanwhile showed the
                # conflict's own value again, so put back what she typed.
                self.edit_value.setText(typed_text)
                self.edit_value.setModified(True)
            if isinstance(exc, ValidationError):
                self._show_error("; ".join(reasons.field_error_text(e) for e in exc.errors))
            else:
                self._show_error(str(exc))

        self.ctx.write(
            lambda store: review.resolve_conflict(store, conflict_id, value, write_value=write),
            lambda _r: self.ctx.message.emit(_t("Conflict resolved.")),
            failed,
        )

    def _restore_with_edit(self) -> None:
        """The delete won: bring the record back with the edit it won over."""
        if self.current is None:
            return
        conflict_id = self.current["id"]
        self.ctx.write(
            lambda store: corrections.restore_with_my_edit(store, conflict_id),
            lambda _r: self.ctx.message.emit(_t("Restored with the edit.")),
            lambda exc: self._show_error(str(exc)),
        )

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
