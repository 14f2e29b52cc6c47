"""Choose a customer by typing a part of the name (for a new visit or note)."""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import customers
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.models import CustomerTableModel
from fieldcrm.ui.pages.base import (
    make_table,
    selected_row,
    translator,
)
from fieldcrm.ui.pages.customers import CustomersView

TR_CONTEXT = "Views"
_t = translator(TR_CONTEXT)


class CustomerPicker(QDialog):
    """Choose a customer by typing a part of the name (for a new visit or note)."""

    chosen = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customer_picker")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.setWindowTitle(_t("Choose a customer"))
        self.search = QLineEdit(self)
        self.search.setObjectName("picker_search")
        self.search.setPlaceholderText(_t("Search name, number, city or contact…"))
        self.search.setAccessibleName(_t("Search customers"))
        self.model = CustomerTableModel(ctx.store, ctx.db, self)
        self.table = make_table(self.model, "picker_table", self)
        for column in (0, 3, 4, 5, 6):
            self.table.hideColumn(column)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_t("Choose"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Cancel"))
        buttons.accepted.connect(self._choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(CustomersView.SEARCH_DELAY_MS)
        timer.timeout.connect(
            lambda: self.model.set_filter(customers.CustomerFilter(text=self.search.text()))
        )
        self.search.textChanged.connect(lambda _t: timer.start())
        self.model.page_loaded.connect(
            lambda _g: self.table.selectRow(0) if not self.table.currentIndex().isValid() else None
        )
        self.table.doubleClicked.connect(lambda _i: self._choose())
        self.model.reload()
        self.resize(480, 420)

    def _choose(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        self.accept()
        self.chosen.emit(row["id"], row["name"])
