"""The trash: records deleted in the last 30 days, here or on another laptop; restore one
(with what went with it) and the restore syncs like any change."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fieldcrm.app import corrections
from fieldcrm.app.changes import SESSION
from fieldcrm.ui import i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.pages.base import (
    View,
    make_button,
    make_heading,
    make_table,
    selected_row,
    translator,
)
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Trash"
_t = translator(TR_CONTEXT)


def kind_name(entity: str) -> str:
    names = {
        "customer": _t("Customer"),
        "contact": _t("Contact"),
        "visit": _t("Visit"),
        "note": _t("Note"),
        "followup": _t("Follow-up"),
        "relationship": _t("Relationship"),
        "connection": _t("I know this person"),
        "attachment": _t("File"),
    }
    return names.get(entity, entity)


class TrashView(View):
    """Deleted records, newest first, each restorable."""

    kinds = frozenset({*corrections.TRASH_ENTITIES, "comment", SESSION})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("trash_view")
        self.title = make_heading(self, "trash_title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.model = RowsModel(
            [
                Column(
                    "deleted_at",
                    lambda: _t("Deleted"),
                    lambda r: i18n.format_datetime_local(r["deleted_at"]),
                ),
                Column("entity", lambda: _t("Kind"), lambda r: kind_name(r["entity"])),
                Column("label", lambda: _t("What")),
                Column("customer_name", lambda: _t("Customer")),
                Column(
                    "with_others",
                    lambda: _t("Deleted with it"),
                    lambda r: i18n.format_number(r["with_others"]) if r["with_others"] else "",
                ),
            ],
            self,
        )
        self.table = make_table(self.model, "trash_table", self)
        self.restore_button = make_button("restore", self)
        self.restore_button.clicked.connect(self._restore)
        self.table.doubleClicked.connect(self._restore)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.restore_button)
        layout.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_t("Trash"))
        self.hint.setText(
            fill(
                _t(
                    "Records deleted in the last %1 days, on this laptop or another. A restored "
                    "record comes back with what was deleted with it, on every laptop after a sync."
                ),
                i18n.format_number(corrections.TRASH_DAYS),
            )
        )
        self.table.setAccessibleName(_t("Deleted records"))
        self.restore_button.setText(_t("&Restore"))
        self.model.retranslate()

    def reload(self) -> None:
        super().reload()
        self.ctx.read(corrections.trash, self._loaded)

    def _loaded(self, rows: list[corrections.TrashRow]) -> None:
        self.model.set_rows(rows)
        self.restore_button.setEnabled(bool(rows))
        self.table.resizeColumnsToContents()

    def _restore(self, *_args: object) -> None:
        row = selected_row(self.table)
        if row is None and self.model.rows:
            row = self.model.rows[0]
        if row is None:
            return
        entity, row_id = row["entity"], row["id"]
        self.ctx.write(
            lambda store: corrections.restore(store, entity, row_id),
            on_error=self.report_error,
        )
