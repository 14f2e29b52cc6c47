"""The customer list: search, filters, new and delete."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import customers
from fieldcrm.app.changes import SESSION
from fieldcrm.domain.entities import CUSTOMER_STATUSES, SEGMENTS
from fieldcrm.ui import dialogs, i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.forms import confirm
from fieldcrm.ui.models import ID_ROLE, CustomerTableModel
from fieldcrm.ui.pages.base import (
    View,
    make_button,
    make_heading,
    make_table,
    selected_row,
    translator,
)
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Views"
_t = translator(TR_CONTEXT)


class CustomersView(View):
    """The customer list: search-as-you-type, filters, create, edit and delete."""

    kinds = frozenset({"customer", "territory", "visit", "contact", SESSION})

    SEARCH_DELAY_MS = 150
    #: The list shows the result of the latest search (for tests and benchmarks).
    search_applied = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("customers_view")
        self.title = make_heading(self, "customers_title")
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.territory = QComboBox(self)
        self.territory.setObjectName("filter_territory")
        self.status = QComboBox(self)
        self.status.setObjectName("filter_status")
        self.segment = QComboBox(self)
        self.segment.setObjectName("filter_segment")
        self.overdue = QCheckBox(self)
        self.overdue.setObjectName("filter_overdue")
        self.model = CustomerTableModel(ctx.store, ctx.db, self)
        self.table = make_table(self.model, "customer_table", self)
        for column, width in ((0, 90), (1, 300), (2, 130), (3, 110), (4, 100), (5, 80)):
            self.table.setColumnWidth(column, width)
        self.new_button = make_button("new_customer", self)
        self.open_button = make_button("open_customer", self)
        self.delete_button = make_button("delete_customer", self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        for combo in (self.territory, self.status, self.segment):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.overdue.toggled.connect(self.apply_filter)
        self.model.page_loaded.connect(self._page_loaded)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        self.new_button.clicked.connect(self.new_customer)
        self.open_button.clicked.connect(lambda: self._open_index(self.table.currentIndex()))
        self.delete_button.clicked.connect(self.delete_selected)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.territory, 1)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.segment, 1)
        filters.addWidget(self.overdue)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch()
        buttons.addWidget(self.delete_button)
        layout.addLayout(buttons)
        self.setTabOrder(self.search, self.territory)
        self.setTabOrder(self.territory, self.status)
        self.setTabOrder(self.status, self.segment)
        self.setTabOrder(self.segment, self.overdue)
        self.setTabOrder(self.overdue, self.table)
        self.setTabOrder(self.table, self.new_button)
        self._filling = False
        self.retranslate()

    def retranslate(self) -> None:
        self._filling = True
        self.title.setText(_t("Customers"))
        self.search.setPlaceholderText(_t("Search name, number, city or contact…"))
        self.search.setAccessibleName(_t("Search customers"))
        self.territory.setAccessibleName(_t("Territory filter"))
        self.status.setAccessibleName(_t("Status filter"))
        self.segment.setAccessibleName(_t("Segment filter"))
        if self.territory.count() == 0:
            self.territory.addItem("", None)
        self.territory.setItemText(0, _t("All territories"))
        current_status = self.status.currentData()
        self.status.clear()
        self.status.addItem(_t("All statuses"), None)
        for value in CUSTOMER_STATUSES:
            self.status.addItem(i18n.label(value), value)
        self.status.setCurrentIndex(max(0, self.status.findData(current_status)))
        current_segment = self.segment.currentData()
        self.segment.clear()
        self.segment.addItem(_t("All segments"), None)
        for value in SEGMENTS:
            self.segment.addItem(fill(_t("Segment %1"), value), value)
        self.segment.setCurrentIndex(max(0, self.segment.findData(current_segment)))
        self.overdue.setText(_t("Overdue only"))
        self.new_button.setText(_t("New customer…"))
        self.open_button.setText(_t("Open"))
        self.delete_button.setText(_t("Delete…"))
        self.table.setAccessibleName(_t("Customer list"))
        self.model.retranslate()
        self._filling = False

    def reload(self) -> None:
        super().reload()
        self.ctx.read(customers.territories, self._territories_loaded)
        self.model.reload()

    def _territories_loaded(self, rows: list[customers.Territory]) -> None:
        self._filling = True
        current = self.territory.currentData()
        while self.territory.count() > 1:
            self.territory.removeItem(1)
        for row in rows:
            self.territory.addItem(row["name"], row["id"])
        self.territory.setCurrentIndex(max(0, self.territory.findData(current)))
        self._filling = False

    def current_filter(self) -> customers.CustomerFilter:
        return customers.CustomerFilter(
            text=self.search.text(),
            territory_id=self.territory.currentData(),
            status=self.status.currentData(),
            segment=self.segment.currentData(),
            overdue=self.overdue.isChecked(),
        )

    def apply_filter(self, *_args: object) -> None:
        if self._filling:
            return
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def _page_loaded(self, generation: int) -> None:
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.search_applied.emit()

    def selected_customer(self) -> dict[str, Any] | None:
        return selected_row(self.table)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer.emit(self.model.data(index, ID_ROLE))

    def new_customer(self) -> dialogs.SaveDialog:
        return dialogs.customer_dialog(self.ctx, self, on_saved=self._created)

    def _created(self, customer_id: Any) -> None:
        if isinstance(customer_id, str):
            self.open_customer.emit(customer_id)

    def delete_selected(self) -> None:
        row = self.selected_customer()
        if row is None:
            return
        if not confirm(
            self,
            _t("Delete customer"),
            fill(_t("Delete %1 with all contacts, visits, notes and follow-ups?"), row["name"]),
            _t("Delete"),
        ):
            return
        customer_id = row["id"]
        self.ctx.write(
            lambda store: customers.delete_customer(store, customer_id), on_error=self.report_error
        )

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
