"""What every page of the main window is built on: the page base class and table helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from fieldcrm.app import EVERYTHING
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.models import RowsModel
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Views"
AnyIndex = QModelIndex | QPersistentModelIndex


def translator(context: str) -> Callable[[str], str]:
    """``_t`` of a module whose strings are in the translation context ``context``."""

    def translate(text: str) -> str:
        return QCoreApplication.translate(context, text)

    return translate


_t = translator(TR_CONTEXT)


def make_table(model: QAbstractTableModel, name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    # Fitting columns to their contents measures the visible rows and 50 more, not every
    # row: measuring hundreds of rows at once kept the GUI thread busy after a sync.
    view.horizontalHeader().setResizeContentsPrecision(50)
    view.setWordWrap(False)
    return view


def selected_row(view: QTableView) -> dict[str, Any] | None:
    model = view.model()
    index = view.currentIndex()
    if not index.isValid() or not isinstance(model, RowsModel):
        return None
    if index.row() >= len(model.rows):
        return None
    return model.row_at(index.row())


def make_button(name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(parent)
    button.setObjectName(name)
    return button


def make_heading(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    return label


def customer_name(row: dict[str, Any]) -> str:
    return str(row.get("customer_name") or "")


class View(QWidget):
    """A page of the main window."""

    #: Open a customer's detail page.
    open_customer = Signal(str)
    #: The kinds of record the page shows (see ``fieldcrm.app.changes``): it reloads when a
    #: write or a sync changed one of them.
    kinds: frozenset[str] = EVERYTHING

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.data_changed.connect(self._mark_stale)

    def _mark_stale(self, kinds: frozenset[str]) -> None:
        if self.kinds.isdisjoint(kinds):
            return  # nothing this page shows changed
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False

    def retranslate(self) -> None:
        """Set every visible text (again, after a language change)."""

    def can_leave(self) -> bool:
        """False when the user chose to stay because of unsaved edits."""
        return True

    def report_error(self, exc: BaseException) -> None:
        self.ctx.message.emit(fill(_t("Could not save: %1"), str(exc)))
