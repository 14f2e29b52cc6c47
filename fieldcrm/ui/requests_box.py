"""Today's requests: what others asked of the user (accept, decline with a reason, done)
and the answers to what the user asked of others."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from fieldcrm.app import Changes, requests
from fieldcrm.store import Store
from fieldcrm.ui import correction_dialogs, i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.pages.base import customer_name, make_button, make_table, selected_row
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Requests"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def answer_text(row: requests.RequestRow) -> str:
    """The state of a request in words: done, accepted, declined (with the reason), open."""
    if row["done_at"]:
        state = fill(_t("done %1"), i18n.format_datetime_local(row["done_at"]))
    elif row["response"] == requests.ACCEPTED:
        state = _t("accepted")
    elif row["response"] == requests.DECLINED:
        state = _t("declined")
    else:
        state = _t("no answer yet")
    return f"{state}: {row['response_note']}" if row["response_note"] else state


class RequestsBox(QWidget):
    """Two pages (``incoming_box``, ``answers_box``, shown as tabs by the Today page):
    "Asked of you" with the answers to give, "Answers to your requests" with theirs."""

    #: How many requests wait for an answer, and how many answers came.
    counts_changed = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.incoming_model = RowsModel(
            [
                Column("due_date", lambda: _t("Due"), lambda r: i18n.format_date(r["due_date"])),
                Column("title", lambda: _t("What")),
                Column("customer_name", lambda: _t("Customer"), customer_name),
                Column("requested_by_name", lambda: _t("Asked by")),
                Column("response", lambda: _t("Your answer"), answer_text),
            ],
            self,
        )
        self.answers_model = RowsModel(
            [
                Column("title", lambda: _t("What")),
                Column("customer_name", lambda: _t("Customer"), customer_name),
                Column("assignee_name", lambda: _t("Asked of")),
                Column("response", lambda: _t("Answer"), answer_text),
            ],
            self,
        )
        self.incoming_box = QWidget(self)
        self.incoming_box.setObjectName("asked_of_you")
        self.answers_box = QWidget(self)
        self.answers_box.setObjectName("answers_to_you")
        self.incoming_table = make_table(self.incoming_model, "incoming_requests", self)
        self.answers_table = make_table(self.answers_model, "request_answers", self)
        self.accept_button = make_button("accept_request", self)
        self.decline_button = make_button("decline_request", self)
        self.done_button = make_button("complete_request", self)
        inner = QVBoxLayout(self.incoming_box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.incoming_table)
        row = QHBoxLayout()
        row.addStretch()
        for button in (self.accept_button, self.decline_button, self.done_button):
            row.addWidget(button)
        inner.addLayout(row)
        answers = QVBoxLayout(self.answers_box)
        answers.setContentsMargins(0, 0, 0, 0)
        answers.addWidget(self.answers_table)
        self.accept_button.clicked.connect(lambda: self._answer(requests.accept))
        self.done_button.clicked.connect(lambda: self._answer(requests.complete))
        self.decline_button.clicked.connect(self._decline)
        self.retranslate()

    def retranslate(self) -> None:
        self.incoming_table.setAccessibleName(_t("Asked of you"))
        self.answers_table.setAccessibleName(_t("Answers to your requests"))
        self.accept_button.setText(_t("Accept"))
        self.decline_button.setText(_t("Decline…"))
        self.done_button.setText(_t("Done"))
        self.incoming_model.retranslate()
        self.answers_model.retranslate()

    def show_rows(
        self, incoming: list[requests.RequestRow], answers: list[requests.RequestRow]
    ) -> None:
        self.counts_changed.emit(len(incoming), len(answers))
        self.incoming_model.set_rows(incoming)
        self.answers_model.set_rows(answers)
        for button in (self.accept_button, self.decline_button, self.done_button):
            button.setEnabled(bool(incoming))
        self.incoming_table.resizeColumnsToContents()
        self.answers_table.resizeColumnsToContents()

    def _chosen(self) -> requests.RequestRow | None:
        row = selected_row(self.incoming_table)
        if row is None and self.incoming_model.rows:
            row = self.incoming_model.rows[0]
        return row  # type: ignore[return-value]

    def _answer(self, how: Callable[[Store, str, str], Changes]) -> None:
        row = self._chosen()
        user_id = self.ctx.user_id
        if row is None or user_id is None:
            return
        request_id = row["id"]

        def work(store: Store) -> Changes:
            return how(store, request_id, user_id)

        self.ctx.write(work, on_error=self._failed)

    def _decline(self) -> None:
        row = self._chosen()
        if row is not None:
            correction_dialogs.decline_dialog(self.ctx, self, row)

    def _failed(self, exc: BaseException) -> None:
        code = getattr(exc, "code", None)
        text = correction_dialogs.refusal_text(code) if code else str(exc)
        self.ctx.message.emit(fill(_t("Could not answer: %1"), text))
