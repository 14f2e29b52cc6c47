"""Who is losing touch: people and customers past their stay-in-touch cadence (Today page)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import connections
from fieldcrm.store import Store
from fieldcrm.store.connections import LosingTouch
from fieldcrm.ui.i18n import default_locale, format_day
from fieldcrm.ui.models import NUMBER, RECORD_ROLE, SORT_ROLE, Column, RowsModel
from fieldcrm.ui.texts import fill

if TYPE_CHECKING:
    from fieldcrm.ui.reports_view import Submitter


def day_text(value: date | None) -> str:
    if value is None:
        return QCoreApplication.translate("Connections", "never")
    return format_day(value, default_locale())


def _who(item: LosingTouch) -> str:
    if item.kind == "contact":
        return item.name
    return fill(QCoreApplication.translate("Connections", "%1 (customer)"), item.name)


def _days_over(item: LosingTouch) -> str:
    if item.days_over is None:
        return QCoreApplication.translate("Connections", "no contact yet")
    return default_locale().toString(item.days_over)


class LosingTouchModel(RowsModel):
    """People and customers past their stay-in-touch cadence (rows: ``LosingTouch``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(
                    "name",
                    lambda: QCoreApplication.translate("Connections", "Who"),
                    _who,
                    sort=lambda item: item.name,
                ),
                Column(
                    "customer_name", lambda: QCoreApplication.translate("Connections", "Customer")
                ),
                Column(
                    "cadence_days",
                    lambda: QCoreApplication.translate("Connections", "Every (days)"),
                    lambda item: default_locale().toString(item.cadence_days),
                    align=NUMBER,
                ),
                Column(
                    "last_contact",
                    lambda: QCoreApplication.translate("Connections", "Last contact"),
                    lambda item: day_text(item.last_contact),
                    sort=lambda item: (item.last_contact or date.min).isoformat(),
                ),
                Column(
                    "days_over",
                    lambda: QCoreApplication.translate("Connections", "Days over"),
                    _days_over,
                    # Never contacted: the longest overdue of all.
                    sort=lambda item: item.days_over if item.days_over is not None else 10**6,
                    align=NUMBER,
                ),
            ],
            parent,
        )


class LosingTouchView(QWidget):
    """The "losing touch" list, with a filter for people or customers."""

    open_customer = Signal(str)
    loaded = Signal(int)

    def __init__(
        self,
        store: Store,
        runner: Submitter,
        parent: QWidget | None = None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        super().__init__(parent)
        self._store, self._runner, self._today = store, runner, today
        #: Per filter (None: all kinds): the longest overdue first, at most ``shown``,
        #: and how many there are in all.
        self._lists: dict[str | None, tuple[list[LosingTouch], int]] = {}
        self.kind_box = QComboBox()
        for kind in (None, "contact", "customer"):
            self.kind_box.addItem("", kind)
        self.kind_box.currentIndexChanged.connect(self._apply_filter)
        self.model = LosingTouchModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Size columns from the first rows only: after a first sync the list is long, and
        # measuring every row on each reset stalled the GUI thread for hundreds of ms.
        self.table.horizontalHeader().setResizeContentsPrecision(50)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._activated)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.kind_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.table)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text (again, after a language change); the filter stays."""
        kinds = {
            None: QCoreApplication.translate("Connections", "People and customers"),
            "contact": QCoreApplication.translate("Connections", "People"),
            "customer": QCoreApplication.translate("Connections", "Customers"),
        }
        for index in range(self.kind_box.count()):
            self.kind_box.setItemText(index, kinds[self.kind_box.itemData(index)])
        self.kind_box.setAccessibleName(QCoreApplication.translate("Connections", "Show"))
        self.table.setAccessibleName(QCoreApplication.translate("Connections", "Losing touch"))
        self.model.retranslate()
        self._show_title()

    #: Rows the list shows per filter. A whole area (a manager's, or after a first sync)
    #: can have tens of thousands overdue; nobody works through those in a list, and
    #: handing them all to the table would hold up the window.
    shown = 300

    def reload(self) -> None:
        store, today, shown = self._store, self._today(), self.shown

        self._runner.submit(lambda: connections.losing_touch(store, today, shown), self._loaded)

    def _loaded(self, lists: dict[str | None, tuple[list[LosingTouch], int]]) -> None:
        self._lists = lists
        self._apply_filter()
        self.loaded.emit(lists[None][1])

    def _apply_filter(self) -> None:
        items, _total = self._lists.get(self.kind_box.currentData(), ([], 0))
        self.model.set_rows(items)
        self._show_title()

    def _show_title(self) -> None:
        """The list's name, and how many it leaves out when there are more."""
        items, total = self._lists.get(self.kind_box.currentData(), ([], 0))
        title = QCoreApplication.translate("Connections", "Losing touch")
        if total > len(items):
            title = fill(
                QCoreApplication.translate("Connections", "%1 — the %2 longest overdue of %3"),
                title,
                default_locale().toString(len(items)),
                default_locale().toString(total),
            )
        self.title.setText(title)

    def _activated(self, index: QModelIndex) -> None:
        item = self.proxy.data(index, RECORD_ROLE)
        if isinstance(item, LosingTouch):
            self.open_customer.emit(item.customer_id)
