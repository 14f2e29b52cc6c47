"""A list with an editor for the chosen row, whose typing survives reloads (the base of
the conflicts and rejected-changes pages)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QSignalBlocker,
)
from PySide6.QtWidgets import (
    QTableView,
)

from fieldcrm.ui.forms import confirm_discard
from fieldcrm.ui.models import RowsModel
from fieldcrm.ui.pages.base import (
    View,
    translator,
)

TR_CONTEXT = "Views"
_t = translator(TR_CONTEXT)


class PickAndEditView(View):
    """A list with an editor for the chosen row (conflicts, rejected changes): what the
    user typed there survives a reload, and is not dropped silently when another row is
    picked, the page is left, or the row goes away meanwhile."""

    #: The column that tells the rows apart.
    row_key = "id"
    current: Mapping[str, Any] | None
    model: RowsModel
    table: QTableView

    def _typed(self) -> bool:
        raise NotImplementedError

    def forget_typed(self) -> None:
        """Let go of what the user typed (it is no longer kept or asked about)."""
        raise NotImplementedError

    def _gone_message(self) -> str:
        raise NotImplementedError

    def _show(self, row: Mapping[str, Any] | None) -> None:
        raise NotImplementedError

    def _loaded(self, rows: Sequence[Mapping[str, Any]]) -> None:
        key = self.row_key
        current = self.current[key] if self.current else None
        if current is not None and self._typed() and all(r[key] != current for r in rows):
            self.ctx.message.emit(self._gone_message())  # e.g. a sync settled it meanwhile
            self.forget_typed()
        with QSignalBlocker(self.table.selectionModel()):
            self.model.set_rows(rows)
            self.table.resizeColumnsToContents()
            index = next((i for i, r in enumerate(rows) if r[key] == current), 0 if rows else -1)
            if index >= 0:
                self.table.selectRow(index)
        self._show(rows[index] if index >= 0 else None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.model.rows):
            return
        chosen = self.model.row_at(current.row())
        shown = self.current
        leaving = shown is not None and chosen[self.row_key] != shown[self.row_key]
        if leaving and self._typed() and not confirm_discard(self):
            assert shown is not None
            self._select(shown[self.row_key])  # stay, with what was typed
            return
        self._show(chosen)

    def _select(self, key: Any) -> None:
        index = next((i for i, r in enumerate(self.model.rows) if r[self.row_key] == key), -1)
        if index >= 0:
            with QSignalBlocker(self.table.selectionModel()):
                self.table.selectRow(index)

    def can_leave(self) -> bool:
        if not self._typed():
            return True
        if confirm_discard(self):
            self.forget_typed()
            return True
        return False
