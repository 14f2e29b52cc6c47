"""Feedback on visit reports in the app: a visit's thread, and the list of new feedback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import Changes, feedback
from fieldcrm.store import Store
from fieldcrm.store.feedback import FeedbackItem
from fieldcrm.ui.i18n import default_locale, format_day
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.report_pdf import format_datetime
from fieldcrm.ui.reports_view import Submitter
from fieldcrm.ui.texts import fill

ModelIndex = QModelIndex | QPersistentModelIndex


def _day(text: str) -> str:
    if not text:
        return ""
    return format_day(date.fromisoformat(text), default_locale())


def _when(item: FeedbackItem) -> str:
    if not item.written_at_ms:
        return ""
    moment = datetime.fromtimestamp(item.written_at_ms / 1000, UTC).astimezone()

    return format_datetime(moment, default_locale())


class FeedbackModel(RowsModel):
    """Feedback items (``FeedbackItem``), one per row: "who, when: text" (an acknowledgement
    says so). A list: one column, shown in a ``QListView``; unread feedback is bold."""

    def __init__(self, parent: QWidget | None = None, user_id: str | None = None) -> None:
        super().__init__([Column("text", lambda: self.tr("Feedback"), self._line)], parent)
        #: The signed-in user: their own words are never shown as new.
        self.user_id = user_id
        #: Say which visit each item is about (in a list of feedback on many visits).
        self.show_visit = False

    def _line(self, item: FeedbackItem) -> str:
        head = f"{item.author_name}, {_when(item)}"
        if self.show_visit and item.customer_name:
            about = fill(
                self.tr("on the visit at %1 (%2)"), item.customer_name, _day(item.visit_day)
            )
            head += " " + about
        if item.kind == "acknowledgement":
            body = self.tr("acknowledged the report")
            return f"{head}: {body}" + (f" — {item.text}" if item.text else "")
        return f"{head}:\n{item.text or ''}"

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole):
            if not index.isValid() or not 0 <= index.row() < len(self._rows):
                return None
            item: FeedbackItem = self._rows[index.row()]
            if role == Qt.ItemDataRole.ToolTipRole:
                return item.text
            if not item.read and item.author_id != self.user_id:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)


class FeedbackThread(QWidget):
    """The feedback on one visit report, with a box to comment or reply."""

    #: A write went through (the ``Changes`` it made).
    changed = Signal(object)

    def __init__(
        self,
        store: Store,
        runner: Submitter,
        user_id: str,
        can_acknowledge: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store, self._runner, self._user_id = store, runner, user_id
        self._visit_id: str | None = None
        #: The chosen visit's customer, day and report, once loaded.
        self._summary: tuple[str, str, str | None] | None = None
        #: The message under the reply box, made in the current language when shown.
        self._error: Callable[[], str] | None = None
        self.model = FeedbackModel(self, user_id)
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setWordWrap(True)
        self.list_view.setSpacing(4)
        self.editor = QPlainTextEdit()
        self.editor.setMaximumHeight(80)
        self.send_button = QPushButton()
        self.ack_button = QPushButton()
        self.ack_button.setVisible(can_acknowledge)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: bold")
        self.report_label = QLabel()
        self.report_label.setWordWrap(True)
        self.report_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020")
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_label, 1)
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.report_label)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        self.send_button.clicked.connect(self._send)
        self.ack_button.clicked.connect(self._acknowledge)
        self.retranslate()
        self.set_visit(None)

    def retranslate(self) -> None:
        """Set every visible text (again, after a language change); what is typed stays."""
        self.list_view.setAccessibleName(self.tr("Feedback on this visit report"))
        self.editor.setPlaceholderText(self.tr("Write a comment or a reply…"))
        self.editor.setAccessibleName(self.tr("Comment"))
        self.send_button.setText(self.tr("&Send"))
        self.ack_button.setText(self.tr("&Acknowledge report"))
        self._show_heading()
        self._show_error(self._error)
        self.model.retranslate()

    def _show_heading(self) -> None:
        if self._visit_id is None:
            self.heading.setText(self.tr("Choose a visit report to see its feedback."))
            self.report_label.clear()
        elif self._summary is not None:
            name, day, report = self._summary
            self.heading.setText(fill(self.tr("Visit at %1 on %2"), name, _day(day)))
            self.report_label.setText(report or self.tr("No report written yet."))

    def _show_error(self, message: Callable[[], str] | None) -> None:
        self._error = message
        self.error_label.setText(message() if message is not None else "")

    def set_visit(self, visit_id: str | None) -> None:
        self._visit_id = visit_id
        self._summary = None
        for widget in (self.editor, self.send_button, self.ack_button):
            widget.setEnabled(visit_id is not None)
        self._show_error(None)
        self.reload()

    def reload(self) -> None:
        visit_id, store, user_id = self._visit_id, self._store, self._user_id
        if visit_id is None:
            self.model.set_rows([])
            self._show_heading()
            return

        # Seeing a thread reads what others wrote in it.
        self._runner.submit(lambda: feedback.visit_thread(store, visit_id, user_id), self._loaded)

    def _loaded(self, result: feedback.VisitThread) -> None:
        visit_id, summary, items = result
        if visit_id != self._visit_id:
            return
        if summary is not None:
            self._summary = summary
            self._show_heading()
        self.model.set_rows(items)
        self.list_view.scrollToBottom()

    def _write(self, kind: str, text: str | None, done: Callable[[], None]) -> None:
        visit_id, store, user_id = self._visit_id, self._store, self._user_id
        if visit_id is None:
            return

        def saved(changes: Changes) -> None:
            done()
            self.reload()
            self.changed.emit(changes)

        self._runner.submit(
            lambda: feedback.give_feedback(store, visit_id, user_id, text, kind),
            saved,
            self._failed,
        )

    def _send(self) -> None:
        text = self.editor.toPlainText().strip()
        if not text:
            self._show_error(lambda: self.tr("Write something first."))
            return
        self._show_error(None)
        self._write("comment", text, self.editor.clear)

    def _acknowledge(self) -> None:
        text = self.editor.toPlainText().strip() or None
        self._write("acknowledgement", text, self.editor.clear)

    def _failed(self, exc: BaseException) -> None:
        reason = str(exc)
        self._show_error(lambda: fill(self.tr("Could not save: %1"), reason))
