"""The inbox page: everything addressed to the user (bulletins, requests and answers,
feedback on visit reports, questions under bulletins) beside the item opened, and the
area's documents shelf. Managers write bulletins here."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import inbox
from fieldcrm.app.changes import SESSION
from fieldcrm.ui.bulletin_view import BulletinEditor, BulletinPane
from fieldcrm.ui.feedback_view import FeedbackThread
from fieldcrm.ui.inbox_view import InboxView, RequestPane
from fieldcrm.ui.pages.user_page import UserPage
from fieldcrm.ui.shelf_view import ShelfView

TR_CONTEXT = "InboxPage"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


class InboxPage(UserPage):
    """The inbox beside the opened item; the documents shelf as a second tab."""

    unread_changed = Signal(int)
    kinds = frozenset(
        {
            "comment",
            "visit",
            "customer",
            "user",
            "bulletin",
            "bulletin_receipt",
            "followup",
            "attachment",
            SESSION,
        }
    )

    def _build(self, user_id: str) -> None:
        ctx = self.ctx
        store, runner = ctx.store, ctx.db
        self.inbox = InboxView(ctx, user_id)
        self.visit_thread = FeedbackThread(
            store, runner, user_id, can_acknowledge=ctx.role in ("manager", "admin")
        )
        self.bulletin_pane = BulletinPane(ctx)
        self.request_pane = RequestPane(ctx)
        self.nothing = QLabel()
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.panes = QStackedWidget()
        for pane in (self.nothing, self.bulletin_pane, self.request_pane, self.visit_thread):
            self.panes.addWidget(pane)
        self.inbox.opened.connect(self.open_item)
        self.inbox.unread_changed.connect(self.unread_changed)
        self.visit_thread.changed.connect(ctx.changed)
        for pane in (self.bulletin_pane, self.request_pane):  # they write through ctx
            pane.changed.connect(lambda _changes: self.inbox.reload())
        self.new_bulletin_button = QPushButton()
        self.new_bulletin_button.setObjectName("new_bulletin")
        self.new_bulletin_button.setVisible(ctx.role in ("manager", "admin"))
        self.new_bulletin_button.clicked.connect(self.write_bulletin)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.inbox, 1)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.new_bulletin_button)
        left_layout.addLayout(row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panes)
        splitter.setSizes([420, 640])
        self.shelf = ShelfView(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("inbox_tabs")
        self.tabs.addTab(splitter, "")
        self.tabs.addTab(self.shelf, "")
        self._layout.addWidget(self.tabs)
        self._retranslate_view()

    def _refresh(self) -> None:
        self.inbox.reload()
        self.shelf.reload()
        if self.panes.currentWidget() is self.visit_thread:
            self.visit_thread.reload()

    def _retranslate_view(self) -> None:
        self.tabs.setTabText(0, _t("Inbox"))
        self.tabs.setTabText(1, _t("Documents shelf"))
        self.nothing.setText(_t("Choose something from the inbox."))
        self.new_bulletin_button.setText(_t("&New bulletin…"))
        self.inbox.retranslate()
        self.visit_thread.retranslate()
        self.bulletin_pane.retranslate()
        self.request_pane.retranslate()
        self.shelf.retranslate()

    def open_item(self, item: inbox.InboxItem) -> None:
        kind = item["kind"]
        if kind in ("bulletin", "question"):
            self.panes.setCurrentWidget(self.bulletin_pane)
            self.bulletin_pane.show_bulletin(item["target_id"])
        elif kind in ("request", "answer"):
            self.panes.setCurrentWidget(self.request_pane)
            self.request_pane.show_request(item["target_id"], answer=kind == "answer")
        else:
            self.panes.setCurrentWidget(self.visit_thread)
            self.visit_thread.set_visit(item["target_id"])  # reading the thread reads it
            self.inbox.reload()  # queued after it: the count without what was just read

    def show_visit(self, visit_id: str) -> None:
        if self._ensure_built():
            self.panes.setCurrentWidget(self.visit_thread)
            self.visit_thread.set_visit(visit_id)

    def show_bulletin(self, bulletin_id: str) -> None:
        if self._ensure_built():
            self.tabs.setCurrentIndex(0)
            self.panes.setCurrentWidget(self.bulletin_pane)
            self.bulletin_pane.show_bulletin(bulletin_id)

    def write_bulletin(self) -> BulletinEditor:
        editor = BulletinEditor(self.ctx, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open()
        return editor
