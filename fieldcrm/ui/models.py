"""Item models of the desktop views: the lazily fetched customer list and simple row lists."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from fieldcrm.app.customers import CustomerFilter, CustomerRow, customer_page
from fieldcrm.domain.textfold import sort_key
from fieldcrm.store import Store
from fieldcrm.ui import i18n
from fieldcrm.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2


def reading_order(text: str) -> str:
    """A text as a list sorts it: German order, case ignored (``Bäckerei`` < ``Bauer``),
    the text itself breaking ties so that equal keys keep a fixed order."""
    folded, raw = sort_key(text)
    return f"{folded}\x00{raw}"


#: The value a ``QSortFilterProxyModel`` sorts a column by (``proxy.setSortRole(SORT_ROLE)``).
SORT_ROLE = Qt.ItemDataRole.UserRole + 3
AnyIndex = QModelIndex | QPersistentModelIndex
#: Right-aligned, for numbers.
NUMBER = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def field_of(row: Any, key: str) -> Any:
    """A row's value of ``key``: rows are mappings (TypedDicts) or objects (dataclasses)."""
    if isinstance(row, Mapping):
        return row.get(key)
    return getattr(row, key, None)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a ``RowsModel``.

    ``render`` makes the text shown (and the tool tip) from the row, by default the field
    ``key`` as text; ``sort`` gives the value the column sorts by, by default the field
    itself; ``align`` places the text (``NUMBER`` for numbers), by default Qt's.
    """

    key: str
    title: Callable[[], str]
    render: Callable[[Any], str] | None = None
    sort: Callable[[Any], Any] | None = None
    align: Qt.AlignmentFlag | None = None


def _plain(key: str) -> Callable[[Any], str]:
    def render(row: Any) -> str:
        value = field_of(row, key)
        return "" if value is None else str(value)

    return render


class RowsModel(QAbstractTableModel):
    """A read-only table of rows, one ``Column`` each; ``set_rows`` replaces them all.

    Rows are typed results of ``fieldcrm.app`` (TypedDicts or dataclasses). Besides the
    text, every cell answers ``SORT_ROLE`` (for a ``QSortFilterProxyModel``), the text
    alignment, ``ID_ROLE`` (the row's ``id``) and ``RECORD_ROLE`` (the row itself).
    """

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows`` (typed results of ``fieldcrm.app``; a list is kept, not copied)."""
        self.beginResetModel()
        self._rows = rows if isinstance(rows, list) else list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    @property
    def rows(self) -> list[Any]:
        return self._rows

    @property
    def columns(self) -> list[Column]:
        return self._columns

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or not 0 <= index.row() < len(self._rows)
            or not 0 <= index.column() < len(self._columns)
        ):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            render = column.render or _plain(column.key)
            return render(row)
        if role == SORT_ROLE:
            value = column.sort(row) if column.sort else field_of(row, column.key)
            return reading_order(value) if isinstance(value, str) else value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return None if column.align is None else int(column.align)
        if role == ID_ROLE:
            return field_of(row, "id")
        if role == RECORD_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title()
        return None

    def retranslate(self) -> None:
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1)
            )


def customer_columns() -> list[Column]:
    return [
        Column("number", lambda: QCoreApplication.translate("CustomerModel", "Number")),
        Column("name", lambda: QCoreApplication.translate("CustomerModel", "Name")),
        Column("city", lambda: QCoreApplication.translate("CustomerModel", "City")),
        Column("territory", lambda: QCoreApplication.translate("CustomerModel", "Territory")),
        Column(
            "status",
            lambda: QCoreApplication.translate("CustomerModel", "Status"),
            lambda r: i18n.label(r["status"]),
        ),
        Column("segment", lambda: QCoreApplication.translate("CustomerModel", "Segment")),
        Column(
            "last_visit",
            lambda: QCoreApplication.translate("CustomerModel", "Last visit"),
            lambda r: i18n.format_datetime_local(r["last_visit"]),
        ),
    ]


class CustomerTableModel(RowsModel):
    """The customer list: pages fetched on the database thread as the view scrolls.

    ``canFetchMore``/``fetchMore`` never query on the GUI thread: ``fetchMore`` asks the
    database thread for the next page, and the rows are inserted when it arrives. A new
    filter starts a new generation; pages of an older generation are dropped.
    """

    PAGE_SIZE = 200
    #: A page arrived (rows already in the model); argument: generation.
    page_loaded = Signal(int)

    def __init__(self, store: Store, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(customer_columns(), parent)
        self._store = store
        self._runner = runner
        self._filter = CustomerFilter()
        self._generation = 0
        self._loading = False
        self._exhausted = True

    @property
    def filter(self) -> CustomerFilter:
        return self._filter

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def generation(self) -> int:
        return self._generation

    def set_filter(self, flt: CustomerFilter) -> None:
        """Show the customers matching ``flt``: the first page is fetched right away."""
        self._filter = flt
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self._request_page()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self._rows[index.row()] if index.row() < len(self._rows) else None
            if row and row.get("overdue") and index.column() == 6:
                return QBrush(QColor("#b3261e"))
            return None
        return super().data(index, role)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not self._exhausted and not self._loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self.canFetchMore():
            return
        self._request_page()

    def _request_page(self) -> None:
        self._loading = True
        generation = self._generation
        flt = self._filter
        offset = len(self._rows)
        store = self._store
        size = self.PAGE_SIZE
        self._runner.submit(
            lambda: customer_page(store, flt, offset, size),
            lambda rows: self._page_arrived(generation, offset, rows),
            lambda exc: self._page_failed(generation, exc),
        )

    def _page_arrived(self, generation: int, offset: int, rows: list[CustomerRow]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._loading = False
        self._exhausted = len(rows) < self.PAGE_SIZE
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.page_loaded.emit(generation)

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._exhausted = True
        log.error("could not load customers", exc_info=exc)
