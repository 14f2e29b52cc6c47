"""The base of pages whose content depends on who is signed in (feedback, reports, team)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fieldcrm.ui.context import AppContext
from fieldcrm.ui.pages.base import View


class UserPage(View):
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
