"""Connections in the app: who is losing touch, a customer's map and people, handovers."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.domain.entities import RELATIONSHIP_KINDS
from fieldcrm.domain.validation import ValidationError
from fieldcrm.store import Store
from fieldcrm.store.connections import (
    HandoverSummary,
    LosingTouch,
    handover_summary,
    losing_touch_top,
    mark_handover_read,
)
from fieldcrm.store.relationship_graph import RelationshipGraph, relationship_graph
from fieldcrm.ui.i18n import field_label, validation_message
from fieldcrm.ui.relationship_map import RelationshipMap, relationship_label
from fieldcrm.ui.report_pdf import default_locale, format_day
from fieldcrm.ui.reports_view import Submitter

ModelIndex = QModelIndex | QPersistentModelIndex


def relationship_kind_names() -> dict[str, str]:
    """Each kind with its name in both directions, for a person to choose from."""
    return {
        "reports_to": QCoreApplication.translate("Connections", "reports to / manages"),
        "assistant_of": QCoreApplication.translate(
            "Connections", "is assistant of / has as assistant"
        ),
        "colleague": QCoreApplication.translate("Connections", "colleague"),
        "decides_for": QCoreApplication.translate("Connections", "decides for / is decided for by"),
        "influences": QCoreApplication.translate("Connections", "influences / is influenced by"),
        "custom": QCoreApplication.translate("Connections", "other (name it)"),
    }


def _day(value: date | None) -> str:
    if value is None:
        return QCoreApplication.translate("Connections", "never")
    return format_day(value, default_locale())


class LosingTouchModel(QAbstractTableModel):
    """People and customers past their stay-in-touch cadence."""

    ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
    SORT_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[LosingTouch] = []

    def set_items(self, items: list[LosingTouch]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = (
            QCoreApplication.translate("Connections", "Who"),
            QCoreApplication.translate("Connections", "Customer"),
            QCoreApplication.translate("Connections", "Every (days)"),
            QCoreApplication.translate("Connections", "Last contact"),
            QCoreApplication.translate("Connections", "Days over"),
        )
        return titles[section] if 0 <= section < len(titles) else None

    def retranslate(self) -> None:
        """Column titles and cells again in the current language and date format."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        if self._items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._items) - 1, self.columnCount() - 1)
            )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == self.ITEM_ROLE:
            return item
        if role == self.SORT_ROLE:
            return (
                item.name
                if column == 0
                else item.customer_name
                if column == 1
                else item.cadence_days
                if column == 2
                else (item.last_contact or date.min).isoformat()
                if column == 3
                else (item.days_over if item.days_over is not None else 10**6)
            )
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return (
                    item.name
                    if item.kind == "contact"
                    else QCoreApplication.translate("Connections", "%1 (customer)").replace(
                        "%1", item.name
                    )
                )
            if column == 1:
                return item.customer_name
            if column == 2:
                return default_locale().toString(item.cadence_days)
            if column == 3:
                return _day(item.last_contact)
            if item.days_over is None:
                return QCoreApplication.translate("Connections", "no contact yet")
            return default_locale().toString(item.days_over)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


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
        self.proxy.setSortRole(LosingTouchModel.SORT_ROLE)
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

        def work() -> dict[str | None, tuple[list[LosingTouch], int]]:
            with store.read() as conn:
                return losing_touch_top(conn, today, shown)

        self._runner.submit(work, self._loaded)

    def _loaded(self, lists: dict[str | None, tuple[list[LosingTouch], int]]) -> None:
        self._lists = lists
        self._apply_filter()
        self.loaded.emit(lists[None][1])

    def _apply_filter(self) -> None:
        items, _total = self._lists.get(self.kind_box.currentData(), ([], 0))
        self.model.set_items(items)
        self._show_title()

    def _show_title(self) -> None:
        """The list's name, and how many it leaves out when there are more."""
        items, total = self._lists.get(self.kind_box.currentData(), ([], 0))
        title = QCoreApplication.translate("Connections", "Losing touch")
        if total > len(items):
            title = (
                QCoreApplication.translate("Connections", "%1 — the %2 longest overdue of %3")
                .replace("%1", title)
                .replace("%2", default_locale().toString(len(items)))
                .replace("%3", default_locale().toString(total))
            )
        self.title.setText(title)

    def _activated(self, index: QModelIndex) -> None:
        item = self.proxy.data(index, LosingTouchModel.ITEM_ROLE)
        if isinstance(item, LosingTouch):
            self.open_customer.emit(item.customer_id)


class _SaveDialog(QDialog):
    """A dialog whose OK saves: it stays open, with what was entered, until the save went
    through; a refused save shows why under the fields. While saving it cannot be
    cancelled, so that "cancelled" never hides a record that was written."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.saving = False

    def _ok(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.buttons.setEnabled(False)
        self.error_label.clear()
        self.save_requested.emit()

    def reject(self) -> None:
        if not self.saving:
            super().reject()

    def saved(self) -> None:
        self.saving = False
        self.accept()

    def failed(self, exc: BaseException) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            text = "\n".join(
                f"{field_label(e.field)}: {validation_message(e.message)}" for e in exc.errors
            )
        else:
            text = QCoreApplication.translate("Connections", "Could not save: %1").replace(
                "%1", str(exc)
            )
        self.error_label.setText(text)


class RelationshipDialog(_SaveDialog):
    """Say how two people relate (either may be of another customer)."""

    def __init__(self, contacts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Connections", "New relationship"))
        self.from_box, self.to_box, self.kind_box = QComboBox(), QComboBox(), QComboBox()
        for contact_id, name in contacts:
            self.from_box.addItem(name, contact_id)
            self.to_box.addItem(name, contact_id)
        if len(contacts) > 1:
            self.to_box.setCurrentIndex(1)
        for kind in RELATIONSHIP_KINDS:
            self.kind_box.addItem(relationship_kind_names()[kind], kind)
        self.label_edit, self.reverse_edit = QLineEdit(), QLineEdit()
        self.note_edit = QPlainTextEdit()
        self.note_edit.setMaximumHeight(70)
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("Connections", "&Person:"), self.from_box)
        form.addRow(QCoreApplication.translate("Connections", "&Relationship:"), self.kind_box)
        form.addRow(QCoreApplication.translate("Connections", "&To:"), self.to_box)
        form.addRow(QCoreApplication.translate("Connections", "&Name (other):"), self.label_edit)
        form.addRow(
            QCoreApplication.translate("Connections", "Name the &other way:"), self.reverse_edit
        )
        form.addRow(QCoreApplication.translate("Connections", "N&ote:"), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        custom = self.kind_box.currentData() == "custom"
        self.label_edit.setEnabled(custom)
        self.reverse_edit.setEnabled(custom)

    def values(self, customer_id: str) -> dict[str, Any]:
        return {
            "customer_id": customer_id,
            "from_contact_id": self.from_box.currentData(),
            "to_contact_id": self.to_box.currentData(),
            "kind": self.kind_box.currentData(),
            "label": self.label_edit.text() or None,
            "reverse_label": self.reverse_edit.text() or None,
            "note": self.note_edit.toPlainText() or None,
        }


class ConnectionDialog(_SaveDialog):
    """ "I know this person": how well, since when, a note. Declared, never inferred."""

    def __init__(self, contacts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Connections", "I know this person"))
        self.contact_box = QComboBox()
        for contact_id, name in contacts:
            self.contact_box.addItem(name, contact_id)
        self.strength = QSpinBox()
        self.strength.setRange(1, 5)
        self.strength.setValue(3)
        self.strength.setToolTip(
            QCoreApplication.translate("Connections", "1 = met once, 5 = know each other well")
        )
        self.since = QDateEdit(QDate.currentDate())
        self.since.setCalendarPopup(True)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setMaximumHeight(70)
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("Connections", "&Person:"), self.contact_box)
        form.addRow(QCoreApplication.translate("Connections", "How &well (1–5):"), self.strength)
        form.addRow(QCoreApplication.translate("Connections", "&Since:"), self.since)
        form.addRow(QCoreApplication.translate("Connections", "N&ote:"), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def values(self, customer_id: str, user_id: str) -> dict[str, Any]:
        return {
            "customer_id": customer_id,
            "contact_id": self.contact_box.currentData(),
            "user_id": user_id,
            "strength": self.strength.value(),
            "since": self.since.date().toString("yyyy-MM-dd"),
            "note": self.note_edit.toPlainText() or None,
        }


class CustomerConnections(QWidget):
    """A customer's relationship map with actions, and the handover summary when there is one."""

    changed = Signal()
    loaded = Signal()

    def __init__(
        self, store: Store, runner: Submitter, user_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store, self._runner = store, runner
        self.user_id = user_id
        self.customer_id: str | None = None
        self.graph: RelationshipGraph | None = None
        self.summary: HandoverSummary | None = None
        self.map = RelationshipMap()
        self.add_relationship_button = QPushButton()
        self.add_connection_button = QPushButton()
        self.export_button = QPushButton()
        self.fit_button = QPushButton()
        self.handover_text = QTextBrowser()
        self.mark_read_button = QPushButton()
        self.handover_note = QPlainTextEdit()
        self.handover_note.setMaximumHeight(70)
        self.save_note_button = QPushButton()
        buttons = QHBoxLayout()
        for button in (self.add_relationship_button, self.add_connection_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.fit_button)
        buttons.addWidget(self.export_button)
        handover_buttons = QHBoxLayout()
        handover_buttons.addWidget(self.mark_read_button)
        handover_buttons.addStretch(1)
        handover_buttons.addWidget(self.save_note_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.map, 3)
        self.handover_box = QWidget()
        handover_layout = QVBoxLayout(self.handover_box)
        handover_layout.setContentsMargins(0, 0, 0, 0)
        handover_layout.addWidget(self.handover_text)
        handover_layout.addWidget(self.handover_note)
        handover_layout.addLayout(handover_buttons)
        layout.addWidget(self.handover_box, 2)
        self.add_relationship_button.clicked.connect(self._add_relationship)
        self.add_connection_button.clicked.connect(self._add_connection)
        self.export_button.clicked.connect(self._export)
        self.fit_button.clicked.connect(self.map.fit)
        self.mark_read_button.clicked.connect(self._mark_read)
        self.save_note_button.clicked.connect(self._save_note)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text (again, after a language change); a typed note stays."""
        self.add_relationship_button.setText(
            QCoreApplication.translate("Connections", "Add &relationship…")
        )
        self.add_connection_button.setText(
            QCoreApplication.translate("Connections", "I &know someone here…")
        )
        self.export_button.setText(QCoreApplication.translate("Connections", "&Export map as PNG…"))
        self.fit_button.setText(QCoreApplication.translate("Connections", "&Fit to window"))
        self.handover_text.setAccessibleName(
            QCoreApplication.translate("Connections", "Handover summary")
        )
        self.mark_read_button.setText(
            QCoreApplication.translate("Connections", "&Mark handover as read")
        )
        self.handover_note.setPlaceholderText(
            QCoreApplication.translate("Connections", "Handover note for the new owner…")
        )
        self.save_note_button.setText(
            QCoreApplication.translate("Connections", "Save handover &note")
        )
        self.map.retranslate()
        if self.summary is not None and self._latest_handover() is not None:
            scroll = self.handover_text.verticalScrollBar()
            position = scroll.value()
            self.handover_text.setHtml(handover_html(self.summary))
            scroll.setValue(position)

    def show_customer(self, customer_id: str) -> None:
        self.customer_id = customer_id
        self.reload()

    def reload(self) -> None:
        customer_id, store = self.customer_id, self._store
        if customer_id is None:
            return

        def work() -> tuple[RelationshipGraph, HandoverSummary]:
            with store.read() as conn:
                return relationship_graph(conn, customer_id), handover_summary(conn, customer_id)

        self._runner.submit(work, self._loaded)

    def _loaded(self, result: tuple[RelationshipGraph, HandoverSummary]) -> None:
        self.graph, self.summary = result
        if self.graph.customer_id != self.customer_id:
            return
        self.map.show_graph(self.graph)
        self.map.fit()
        self._show_handover(self.summary)
        self.loaded.emit()

    def _contacts(self) -> list[tuple[str, str]]:
        assert self.graph is not None
        return [(p.id, p.name) for p in self.graph.people if p.own]

    def _write(self, work: Callable[[], object], dialog: _SaveDialog | None = None) -> None:
        """Save on the database thread; a refusal is shown in the dialog that asked for the
        save (which stays open with what was entered), or in a message when none did."""

        def failed(exc: BaseException) -> None:
            if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
                dialog.failed(exc)
                return
            QMessageBox.warning(
                self,
                QCoreApplication.translate("Connections", "Not saved"),
                QCoreApplication.translate("Connections", "Could not save: %1").replace(
                    "%1", str(exc)
                ),
            )

        def done(_result: object) -> None:
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.saved()
            self.changed.emit()
            self.reload()

        self._runner.submit(work, done, failed)

    def _add_relationship(self) -> RelationshipDialog | None:
        if self.graph is None or self.customer_id is None:
            return None
        dialog = RelationshipDialog(self._contacts(), self)
        store, customer_id = self._store, self.customer_id

        def save() -> None:
            values = dialog.values(customer_id)  # read on the GUI thread
            self._write(lambda: store.create("relationship", values), dialog)

        dialog.save_requested.connect(save)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _add_connection(self) -> ConnectionDialog | None:
        if self.graph is None or self.customer_id is None:
            return None
        dialog = ConnectionDialog(self._contacts(), self)
        store, customer_id, user_id = self._store, self.customer_id, self.user_id

        def save() -> None:
            values = dialog.values(customer_id, user_id)
            self._write(lambda: store.create("connection", values), dialog)

        dialog.save_requested.connect(save)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _export(self) -> None:
        name = (self.graph.customer_name if self.graph else "map").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("Connections", "Export map"),
            f"{name}.png",
            QCoreApplication.translate("Connections", "PNG images (*.png)"),
        )
        if path:
            self.map.export_png(Path(path))

    # ---- handover -----------------------------------------------------------------------

    def _latest_handover(self) -> dict[str, Any] | None:
        return self.summary.handovers[0] if self.summary and self.summary.handovers else None

    def _show_handover(self, summary: HandoverSummary) -> None:
        latest = self._latest_handover()
        self.handover_box.setVisible(latest is not None)
        if latest is None:
            return
        mine = latest["to_user_id"] == self.user_id
        self.mark_read_button.setVisible(mine and not latest["read_at"])
        self.handover_note.setVisible(not mine)
        self.save_note_button.setVisible(not mine)
        if not mine and not self.handover_note.toPlainText():
            self.handover_note.setPlainText(str(latest["note"] or ""))
        self.handover_text.setHtml(handover_html(summary))

    def _mark_read(self) -> None:
        latest = self._latest_handover()
        if latest is not None:
            store, handover_id = self._store, str(latest["id"])
            self._write(lambda: mark_handover_read(store, handover_id))

    def _save_note(self) -> None:
        latest = self._latest_handover()
        if latest is not None:
            store, handover_id = self._store, str(latest["id"])
            note = self.handover_note.toPlainText().strip() or None
            self._write(lambda: store.update("handover", handover_id, {"note": note}))


def handover_html(summary: HandoverSummary) -> str:
    """The handover summary as a short, printable page."""
    e = html.escape
    latest = summary.handovers[0]
    moved = (
        QCoreApplication.translate("Connections", "From %1 to %2")
        .replace("%1", str(latest["from"] or "—"))
        .replace("%2", str(latest["to"] or "—"))
    )
    parts = [
        "<h3>"
        + e(
            QCoreApplication.translate("Connections", "Handover: %1").replace(
                "%1", summary.customer_name
            )
        )
        + "</h3>",
        f"<p>{e(moved)}</p>",
    ]
    if latest["note"]:
        parts.append(
            "<p><b>"
            + e(QCoreApplication.translate("Connections", "Note from the previous owner"))
            + f":</b> {e(str(latest['note']))}</p>"
        )

    def section(title: str, lines: list[str]) -> None:
        if lines:
            parts.append(
                f"<p><b>{e(title)}</b></p><ul>"
                + "".join(f"<li>{line}</li>" for line in lines)
                + "</ul>"
            )

    section(
        QCoreApplication.translate("Connections", "People"),
        [
            e(f"{c['name']}" + (f", {c['job_title']}" if c["job_title"] else ""))
            + " — "
            + e(
                QCoreApplication.translate("Connections", "last contact %1").replace(
                    "%1",
                    _day(c["last_contact"]),  # type: ignore[arg-type]
                )
                if c["last_contact"]
                else QCoreApplication.translate("Connections", "no contact yet")
            )
            for c in summary.contacts
        ],
    )
    section(
        QCoreApplication.translate("Connections", "How they relate"),
        [
            e(f"{r['from']} {relationship_label(str(r['relation']))} {r['to']}")
            + (f" <i>({e(str(r['note']))})</i>" if r["note"] else "")
            for r in summary.relationships
        ],
    )
    section(
        QCoreApplication.translate("Connections", "Who in the team knows whom"),
        [
            e(f"{c['who']} → {c['knows']} ")
            + "★" * int(c["strength"])  # type: ignore[call-overload]
            + (f" <i>({e(str(c['note']))})</i>" if c["note"] else "")
            for c in summary.connections
        ],
    )
    section(
        QCoreApplication.translate("Connections", "Last visits"),
        [e(f"{v['day']} · {v['rep']}: {v['report'] or '—'}") for v in summary.last_visits],
    )
    section(
        QCoreApplication.translate("Connections", "Open follow-ups"),
        [e(f"{f['due_date']} · {f['title']} ({f['assignee']})") for f in summary.open_followups],
    )
    return "".join(parts)
