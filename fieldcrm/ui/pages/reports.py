"""The reports page: manager reports computed from what this laptop holds."""

from __future__ import annotations

from fieldcrm.app import EVERYTHING
from fieldcrm.app.changes import CONFLICT, REJECTED
from fieldcrm.ui.pages.user_page import UserPage
from fieldcrm.ui.reports_view import ReportsView


class ReportsPage(UserPage):
    """The reports, computed on this laptop from what it holds (a rep: their territory)."""

    kinds = EVERYTHING - {CONFLICT, REJECTED}

    def _build(self, user_id: str) -> None:
        self.view = ReportsView(self.ctx.store, self.ctx.analysis)
        self.view.open_customer.connect(self.open_customer)
        self._layout.addWidget(self.view)

    def _refresh(self) -> None:
        self.view.load()

    def _retranslate_view(self) -> None:
        self.view.retranslate()
