"""The area manager's page: the team, visit reports to review with feedback, reports."""

from __future__ import annotations

from fieldcrm.app import EVERYTHING
from fieldcrm.app.changes import CONFLICT, REJECTED
from fieldcrm.ui.manager_view import ManagerView
from fieldcrm.ui.pages.user_page import UserPage


class TeamPage(UserPage):
    """The area manager's page: team, visit reports to review with feedback, reports."""

    kinds = EVERYTHING - {CONFLICT, REJECTED}

    def _build(self, user_id: str) -> None:
        self.view = ManagerView(self.ctx.store, self.ctx.db, user_id)
        self.view.open_customer.connect(self.open_customer)
        self.view.feedback_thread.changed.connect(self.ctx.changed)
        self._layout.addWidget(self.view)

    def _refresh(self) -> None:
        self.view.load()

    def _retranslate_view(self) -> None:
        self.view.retranslate()
