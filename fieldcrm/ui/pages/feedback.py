"""The feedback page: new feedback on visit reports, and a visit's thread with a reply box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter

from fieldcrm.app.changes import SESSION
from fieldcrm.ui.feedback_view import FeedbackInbox, FeedbackThread
from fieldcrm.ui.pages.user_page import UserPage


class FeedbackPage(UserPage):
    """New feedback on visit reports, and the thread of the chosen visit with a reply box."""

    unread_changed = Signal(int)
    kinds = frozenset({"comment", "visit", "customer", "user", SESSION})

    def _build(self, user_id: str) -> None:
        store, runner = self.ctx.store, self.ctx.db
        self.inbox = FeedbackInbox(store, runner, user_id)
        self.visit_thread = FeedbackThread(
            store, runner, user_id, can_acknowledge=self.ctx.role in ("manager", "admin")
        )
        self.inbox.open_visit.connect(self.visit_thread.set_visit)
        self.inbox.unread_changed.connect(self.unread_changed)
        self.visit_thread.changed.connect(self.ctx.changed)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.inbox)
        splitter.addWidget(self.visit_thread)
        splitter.setSizes([420, 600])
        self._layout.addWidget(splitter)

    def _refresh(self) -> None:
        self.inbox.reload()
        self.visit_thread.reload()

    def _retranslate_view(self) -> None:
        self.inbox.retranslate()
        self.visit_thread.retranslate()

    def show_visit(self, visit_id: str) -> None:
        if self._ensure_built():
            self.visit_thread.set_visit(visit_id)
