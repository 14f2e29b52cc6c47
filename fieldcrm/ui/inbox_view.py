"""The inbox: everything addressed to the user in one list, newest first, with the unread
count and a filter; and a request opened from it, with its answer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import inbox, requests
from fieldcrm.app.changes import Changes
from fieldcrm.store import Store
from fieldcrm.ui import correction_dialogs, i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.models import RECORD_ROLE, Column, RowsModel
from fieldcrm.ui.pages.base import make_button, translator
from fieldcrm.ui.requests_box import answer_text
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Inbox"
_t = translator(TR_CONTEXT)
ModelIndex = QModelIndex | QPersistentModelIndex


def kind_text(kind: str) -> str:
    return {
        "bulletin": _t("Bulletin"),
        "request": _t("Request"),
        "answer": _t("Answer to your request"),
        "feedback": _t("Feedback"),
        "question": _t("Question or answer"),
    }.get(kind, kind)


#: The filter's choices: (what it shows, the kinds).
FILTERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("All", frozenset(inbox.KINDS)),
    ("Bulletins", frozenset({"bulletin"})),
    ("Requests and answers", frozenset({"request", "answer"})),
    ("Feedback on reports", frozenset({"feedback"})),
    ("Questions and answers", frozenset({"question"})),
)


def filter_text(name: str) -> str:
    return {
        "All": _t("All"),
        "Bulletins": _t("Bulletins"),
        "Requests and answers": _t("Requests and answers"),
        "Feedback on reports": _t("Feedback on reports"),
        "Questions and answers": _t("Questions and answers"),
    }[name]


def item_line(item: inbox.InboxItem) -> str:
    """Two lines: kind, sender and time; the title and a line more."""
    head = f"{kind_text(item['kind'])} · {item['sender']} · "
    head += i18n.format_datetime_local(item["at"])
    text = item["title"]
    if item["detail"]:
        text = f"{text} — {item['detail']}" if text else item["detail"]
    if item["confirm_by"]:
        text += " " + fill(_t("(please confirm by %1)"), i18n.format_date(item["confirm_by"]))
    return f"{head}\n{text}"


class InboxModel(RowsModel):
    """Inbox items, one per row; unread ones are bold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([Column("title", lambda: _t("Inbox"), item_line)], parent)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            valid = index.isValid() and 0 <= index.row() < len(self._rows)
            if valid and self._rows[index.row()]["unread"]:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)


class InboxView(QWidget):
    """The list: unread count, filter by kind, unread only; activating an item opens it."""

    #: The number of unread items changed (for the navigation's badge).
    unread_changed = Signal(int)
    #: The user opened an item (an ``InboxItem``).
    opened = Signal(object)

    def __init__(self, ctx: AppContext, user_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        #: The person whose inbox this is (the page builds another one for another person).
        self.user_id = user_id
        self.items: list[inbox.InboxItem] = []
        self.model = InboxModel(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold")
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("inbox_filter")
        for name, _kinds in FILTERS:
            self.kind_filter.addItem(name)
        self.unread_only = QCheckBox()
        self.unread_only.setObjectName("inbox_unread_only")
        self.list_view = QListView()
        self.list_view.setObjectName("inbox_list")
        self.list_view.setModel(self.model)
        self.list_view.setWordWrap(True)
        self.list_view.setSpacing(3)
        self.list_view.activated.connect(self._activated)
        self.list_view.clicked.connect(self._activated)
        self.empty_label = QLabel()
        self.read_all_button = QPushButton()
        self.read_all_button.setObjectName("inbox_read_all")
        self.read_all_button.clicked.connect(self._read_all)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self._show())
        self.unread_only.toggled.connect(lambda _on: self._show())
        filters = QHBoxLayout()
        filters.addWidget(self.kind_filter, 1)
        filters.addWidget(self.unread_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.read_all_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.list_view.setAccessibleName(_t("Inbox"))
        self.kind_filter.setAccessibleName(_t("Show"))
        for row, (name, _kinds) in enumerate(FILTERS):
            self.kind_filter.setItemText(row, filter_text(name))
        self.unread_only.setText(_t("&Unread only"))
        self.empty_label.setText(_t("Nothing here."))
        self.read_all_button.setText(_t("Mark feedback and questions as &read"))
        self._show_title()
        self.model.retranslate()

    def _show_title(self) -> None:
        unread = inbox.unread_count(self.items)
        self.title.setText(
            fill(_t("Inbox — %1 unread"), i18n.format_number(unread)) if unread else _t("Inbox")
        )

    def reload(self) -> None:
        user_id = self.user_id
        self.ctx.read(lambda store: inbox.inbox(store, user_id), self._loaded)

    def _loaded(self, items: list[inbox.InboxItem]) -> None:
        self.items = items
        self._show()
        self.unread_changed.emit(inbox.unread_count(items))

    def set_filter(self, kinds_row: int, unread_only: bool = False) -> None:
        self.kind_filter.setCurrentIndex(kinds_row)
        self.unread_only.setChecked(unread_only)

    def _show(self) -> None:
        kinds = FILTERS[max(0, self.kind_filter.currentIndex())][1]
        shown = [
            i
            for i in self.items
            if i["kind"] in kinds and (i["unread"] or not self.unread_only.isChecked())
        ]
        self.model.set_rows(shown)
        self.empty_label.setVisible(not shown)
        self.read_all_button.setEnabled(
            any(i["unread"] and i["kind"] in ("feedback", "question") for i in self.items)
        )
        self._show_title()

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.data(index, RECORD_ROLE)
        if isinstance(item, dict):
            self.opened.emit(item)

    def _read_all(self) -> None:
        items = [i for i in self.items if i["unread"]]

        def work(store: Store) -> Changes:
            inbox.mark_comments_read(store, items)
            return Changes.of("comment")

        self.ctx.write(work, lambda _changes: self.reload())


class RequestPane(QWidget):
    """A request opened from the inbox: what, for whom, by when, and the answer; the
    person asked accepts, declines with a reason or marks it done here."""

    changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row: requests.RequestRow | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold; font-size: 14pt")
        self.heading.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.accept_button = make_button("inbox_accept", self)
        self.decline_button = make_button("inbox_decline", self)
        self.done_button = make_button("inbox_done", self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.accept_button.clicked.connect(lambda: self._answer(requests.accept))
        self.done_button.clicked.connect(lambda: self._answer(requests.complete))
        self.decline_button.clicked.connect(self._decline)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.accept_button, self.decline_button, self.done_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addStretch()
        self.retranslate()

    def retranslate(self) -> None:
        self.accept_button.setText(_t("&Accept"))
        self.decline_button.setText(_t("&Decline…"))
        self.done_button.setText(_t("D&one"))
        if self.row is not None:
            self._show(self.row)

    def show_request(self, followup_id: str, *, answer: bool) -> None:
        def work(store: Store) -> requests.RequestRow | None:
            if answer:
                inbox.mark_answer_seen(store, followup_id)
            return requests.followup_with_people(store, followup_id)

        self.ctx.read(work, self._loaded)

    def _loaded(self, row: requests.RequestRow | None) -> None:
        self.row = row
        if row is not None:
            self._show(row)
            self.changed.emit(Changes.of())

    def _show(self, row: requests.RequestRow) -> None:
        self.heading.setText(row["title"] or "")
        lines = [
            fill(_t("Customer: %1"), row["customer_name"] or ""),
            fill(_t("Due: %1"), i18n.format_date(row["due_date"])),
            fill(
                _t("Asked by %1 of %2"), row["requested_by_name"] or "", row["assignee_name"] or ""
            ),
            fill(_t("Answer: %1"), answer_text(row)),
        ]
        self.details.setText("\n".join(lines))
        asked_of_me = row["assignee_id"] == self.ctx.user_id and not row["done_at"]
        for button in (self.accept_button, self.decline_button, self.done_button):
            button.setVisible(asked_of_me)
        self.accept_button.setEnabled(row["response"] != requests.ACCEPTED)

    def _answer(self, how: Any) -> None:
        if self.row is None:
            return
        request_id, user_id = self.row["id"], self.ctx.require_user()
        self.ctx.write(lambda store: how(store, request_id, user_id), self._answered, self._failed)

    def _answered(self, changes: Changes) -> None:
        self.changed.emit(changes)
        if self.row is not None:
            self.show_request(self.row["id"], answer=False)

    def _decline(self) -> None:
        if self.row is not None:
            dialog = correction_dialogs.decline_dialog(self.ctx, self, self.row)
            dialog.finished.connect(lambda _result: self._answered(Changes.of("followup")))

    def _failed(self, exc: BaseException) -> None:
        code = getattr(exc, "code", None)
        text = correction_dialogs.refusal_text(code) if code else str(exc)
        self.hint.setText(fill(_t("Could not answer: %1"), text))
