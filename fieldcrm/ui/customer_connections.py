"""A customer's connections tab: the relationship map, who knows whom, handovers."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import Changes, connections
from fieldcrm.store import Store
from fieldcrm.store.connections import (
    HandoverSummary,
)
from fieldcrm.store.relationship_graph import RelationshipGraph
from fieldcrm.ui.connection_dialogs import ConnectionDialog, RecordDialog, RelationshipDialog
from fieldcrm.ui.losing_touch import day_text
from fieldcrm.ui.relationship_map import RelationshipMap, relationship_label
from fieldcrm.ui.reports_view import Submitter
from fieldcrm.ui.texts import fill


class CustomerConnections(QWidget):
    """A customer's relationship map with actions, and the handover summary when there is one."""

    #: A write went through (the ``Changes`` it made).
    changed = Signal(object)
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

        self._runner.submit(lambda: connections.customer_people(store, customer_id), self._loaded)

    def _loaded(self, result: connections.CustomerPeople) -> None:
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

    def _write(self, work: Callable[[], Changes], dialog: RecordDialog | None = None) -> None:
        """Save on the database thread; a refusal is shown in the dialog that asked for the
        save (which stays open with what was entered), or in a message when none did."""

        def failed(exc: BaseException) -> None:
            if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
                dialog.failed(exc)
                return
            QMessageBox.warning(
                self,
                QCoreApplication.translate("Connections", "Not saved"),
                fill(QCoreApplication.translate("Connections", "Could not save: %1"), str(exc)),
            )

        def done(changes: Changes) -> None:
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.saved()
            self.changed.emit(changes)
            self.reload()

        self._runner.submit(work, done, failed)

    def _add_relationship(self) -> RelationshipDialog | None:
        if self.graph is None or self.customer_id is None:
            return None
        dialog = RelationshipDialog(self._contacts(), self)
        store, customer_id = self._store, self.customer_id

        def save() -> None:
            values = dialog.values(customer_id)  # read on the GUI thread
            self._write(lambda: connections.add_relationship(store, values), dialog)

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
            self._write(lambda: connections.add_connection(store, values), dialog)

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
            self._write(lambda: connections.mark_handover_read(store, handover_id))

    def _save_note(self) -> None:
        latest = self._latest_handover()
        if latest is not None:
            store, handover_id = self._store, str(latest["id"])
            note = self.handover_note.toPlainText().strip() or None
            self._write(lambda: connections.set_handover_note(store, handover_id, note))


def handover_html(summary: HandoverSummary) -> str:
    """The handover summary as a short, printable page."""
    e = html.escape
    latest = summary.handovers[0]
    moved = fill(
        QCoreApplication.translate("Connections", "From %1 to %2"),
        str(latest["from"] or "—"),
        str(latest["to"] or "—"),
    )
    parts = [
        "<h3>"
        + e(fill(QCoreApplication.translate("Connections", "Handover: %1"), summary.customer_name))
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
                fill(
                    QCoreApplication.translate("Connections", "last contact %1"),
                    day_text(c["last_contact"]),  # type: ignore[arg-type]
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
