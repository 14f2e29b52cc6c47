"""The rejected-changes page: what the server refused, with the reason; fix or discard."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import review
from fieldcrm.app.changes import CONFLICT, EVERYTHING
from fieldcrm.domain.entities import entity_spec
from fieldcrm.domain.validation import FieldError, ValidationError
from fieldcrm.ui import i18n, reasons
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.forms import ERROR_STYLE, RecordForm, confirm
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


class RejectedView(PickAndEditView):
    """Changes the server refused, with the reason; fix and send again, or discard."""

    kinds = frozenset(EVERYTHING - {CONFLICT})

    row_key = "op_no"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("rejected_view")
        self.title = make_heading(self, "rejected_title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.model = RowsModel(
            [
                Column(
                    "rejected_at",
                    lambda: _t("When"),
                    lambda r: i18n.format_datetime_local(r["rejected_at"]),
                ),
                Column("record_label", lambda: _t("Record")),
                Column(
                    "op",
                    lambda: _t("What"),
                    lambda r: f"{i18n.label(r['entity'])}: {i18n.label(r['op'])}",
                ),
                Column("reason", lambda: _t("Reason"), reasons.rejected_change_reason),
            ],
            self,
        )
        self.table = make_table(self.model, "rejected_list", self)
        self.reason = QLabel(self)
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(ERROR_STYLE)
        self.form_box = QGroupBox(self)
        self.form_layout = QVBoxLayout(self.form_box)
        self.form: RecordForm | None = None
        self.resend_button = make_button("resend", self)
        self.discard_button = make_button("discard", self)
        self.current: Mapping[str, Any] | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reason)
        layout.addWidget(self.form_box, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.resend_button)
        actions.addStretch()
        actions.addWidget(self.discard_button)
        layout.addLayout(actions)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.resend_button.clicked.connect(self.resend)
        self.discard_button.clicked.connect(self.discard)
        self.retranslate()
        self._show(None)

    def retranslate(self) -> None:
        self.title.setText(_t("Rejected changes"))
        self.hint.setText(
            _t(
                "The server refused these changes. Nothing is lost: correct a change and send it"
                " again, or discard it."
            )
        )
        self.table.setAccessibleName(_t("Rejected changes"))
        self.form_box.setTitle(_t("Correct the change"))
        self.resend_button.setText(_t("Fix and resend"))
        self.discard_button.setText(_t("Discard…"))
        self.model.retranslate()
        if self.form is not None:
            self.form.retranslate()

    def reload(self) -> None:
        super().reload()
        self.ctx.read(review.rejected_changes, self._loaded)

    def _typed(self) -> bool:
        """The correction form holds edits that were not sent."""
        return self.form is not None and self.form.dirty

    def forget_typed(self) -> None:
        if self.form is not None:
            self.form.mark_clean()

    def _gone_message(self) -> str:
        return _t("The change you were correcting is no longer in the list of rejected changes.")

    def _show(self, rejected: Mapping[str, Any] | None) -> None:
        if (
            self.current is not None
            and rejected is not None
            and self.current["op_no"] == rejected["op_no"]
            and self.form is not None
        ):
            return
        self.current = rejected
        if self.form is not None:
            self.form.deleteLater()
            self.form = None
        self.resend_button.setEnabled(rejected is not None)
        self.discard_button.setEnabled(rejected is not None)
        if rejected is None:
            self.reason.setText(_t("No rejected changes."))
            self.form_box.hide()
            return
        self.reason.setText(fill(_t("Reason: %1"), reasons.rejected_change_reason(rejected)))
        spec = entity_spec(rejected["entity"])
        names = [
            n
            for n in (rejected["fields"] if rejected["op"] != "create" else spec.field_names)
            if n in spec.by_name
            and not spec.by_name[n].server_controlled
            and spec.by_name[n].kind not in ("ref", "ref_list", "float")
        ]
        bad_field = rejected.get("field")
        if (
            bad_field
            and bad_field not in names
            and bad_field in spec.by_name
            and spec.by_name[bad_field].kind not in ("ref", "ref_list", "float")
        ):
            names.append(bad_field)
        if not names or rejected["op"] == "delete":
            self.form_box.hide()
            return
        self.form = RecordForm(rejected["entity"], names, self.form_box)
        values = {**(rejected.get("current") or {}), **rejected["fields"]}
        self.form.set_values(values)
        if rejected.get("field") in names:
            message = reasons.rejected_field_message(rejected, rejected["field"])
            self.form.show_errors([FieldError(rejected["field"], message)])
        self.form_layout.addWidget(self.form)
        self.form_box.show()

    def resend(self) -> None:
        if self.current is None:
            return
        op_no = self.current["op_no"]
        changes = self.form.values() if self.form is not None else {}
        form = self.form

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and form is not None:
                form.show_errors(exc.errors)
            else:
                self.report_error(exc)

        self.ctx.write(
            lambda store: review.fix_rejected_change(store, op_no, changes),
            lambda _r: self._done(_t("The corrected change will be sent with the next sync.")),
            failed,
        )

    def discard(self) -> None:
        if self.current is None:
            return
        if not confirm(
            self,
            _t("Discard change"),
            _t("Discard this change for good? It will not be sent to the server."),
            _t("Discard"),
        ):
            return
        op_no = self.current["op_no"]
        self.ctx.write(
            lambda store: review.discard_rejected_change(store, op_no),
            lambda _r: self._done(_t("The change was discarded.")),
            self.report_error,
        )

    def _done(self, message: str) -> None:
        self.current = None
        self.ctx.message.emit(message)
