"""Pages of the main window that connect people: feedback, reports and the manager's area."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from fieldcrm.ui.context import AppContext
from fieldcrm.ui.feedback_view import FeedbackInbox, FeedbackThread
from fieldcrm.ui.manager_view import ManagerView
from fieldcrm.ui.reports_view import ReportsView
from fieldcrm.ui.views import View


class _UserPage(View):
    """A page whose content depends on who is signed in; built on first show after sign-in."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._layout = QVBoxLayout(self)
        self._placeholder = QLabel()
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._placeholder)
        self._built_for: str | None = None
        self._retired: list[QWidget] = []
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text (again, after a language change), the built view's too."""
        self._placeholder.setText(
            QCoreApplication.translate("PeoplePages", "Sign in to see this page.")
        )
        if self._built_for is not None:
            self._retranslate_view()

    def _retranslate_view(self) -> None:
        raise NotImplementedError

    def _ensure_built(self) -> bool:
        user_id = self.ctx.user_id
        if user_id is None:
            return False
        if self._built_for != user_id:
            # Another person signed in: the previous person's view goes out of sight. It is
            # kept (not deleted) so that a read it started can still deliver its result.
            for index in reversed(range(self._layout.count())):
                item = self._layout.itemAt(index)
                widget = item.widget() if item is not None else None
                if widget is not None and widget is not self._placeholder:
                    self._layout.removeWidget(widget)
                    widget.hide()
                    self._retired.append(widget)
            self._build(user_id)
            self._placeholder.hide()
            self._built_for = user_id
        return True

    def _build(self, user_id: str) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        super().reload()
        if self._ensure_built():
            self._refresh()

    def _refresh(self) -> None:
        raise NotImplementedError


class FeedbackPage(_UserPage):
    """New feedback on visit reports, and the thread of the chosen visit with a reply box."""

    unread_changed = Signal(int)

    def _build(self, user_id: str) -> None:
        store, runner = self.ctx.store, self.ctx.db
        self.inbox = FeedbackInbox(store, runner, user_id)
        self.visit_thread = FeedbackThread(
            store, runner, user_id, can_acknowledge=self.ctx.role in ("manager", "admin")
        )
        self.inbox.open_visit.connect(self.visit_thread.set_visit)
        self.inbox.unread_changed.connect(self.unread_changed)
        self.visit_thread.changed.connect(self.ctx.edited)
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


class ReportsPage(_UserPage):
    """The reports, computed on this laptop from what it holds (a rep: their territory)."""

    def _build(self, user_id: str) -> None:
        self.view = ReportsView(self.ctx.store, self.ctx.analysis)
        self.view.open_customer.connect(self.open_customer)
        self._layout.addWidget(self.view)

    def _refresh(self) -> None:
        self.view.load()

    def _retranslate_view(self) -> None:
        self.view.retranslate()


class TeamPage(_UserPage):
    """The area manager's page: team, visit reports to review with feedback, reports."""

    def _build(self, user_id: str) -> None:
        self.view = ManagerView(self.ctx.store, self.ctx.db, user_id)
        self.view.open_customer.connect(self.open_customer)
        self.view.feedback_thread.changed.connect(self.ctx.edited)
        self._layout.addWidget(self.view)

    def _refresh(self) -> None:
        self.view.load()

    def _retranslate_view(self) -> None:
        self.view.retranslate()
