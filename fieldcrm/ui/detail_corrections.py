"""The customer page's corrections: edit or delete what is selected on the current tab
(a note or visit on the timeline, a contact, a follow-up), cancel a planned visit, and ask
someone to do something for the customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLayout

from fieldcrm.app import Changes, corrections, requests
from fieldcrm.ui import correction_dialogs as cd
from fieldcrm.ui.pages.base import make_button, selected_row

if TYPE_CHECKING:
    from fieldcrm.ui.pages.customer_detail import CustomerDetailView


TR_CONTEXT = "CustomerCorrections"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


class DetailCorrections:
    """Buttons "Edit…", "Delete", "Cancel visit…" and "Ask someone…" on the customer page."""

    def __init__(self, view: CustomerDetailView, row: QLayout) -> None:
        self.view = view
        self.edit_button = make_button("edit_selected", view)
        self.delete_button = make_button("delete_selected", view)
        self.cancel_button = make_button("cancel_visit", view)
        self.ask_button = make_button("ask_someone", view)
        for button in (self.edit_button, self.delete_button, self.cancel_button, self.ask_button):
            row.addWidget(button)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.cancel_button.clicked.connect(self.cancel_visit)
        self.ask_button.clicked.connect(self.ask)

    def retranslate(self) -> None:
        self.edit_button.setText(_t("Edit…"))
        self.edit_button.setToolTip(_t("Edit the selected note, visit, contact or follow-up"))
        self.delete_button.setText(_t("Delete"))
        self.cancel_button.setText(_t("Cancel visit…"))
        self.ask_button.setText(_t("Ask someone…"))
        self.ask_button.setToolTip(_t("Ask a teammate or a rep of your area to do something"))

    def set_enabled(self, enabled: bool) -> None:
        for button in (self.edit_button, self.delete_button, self.cancel_button, self.ask_button):
            button.setEnabled(enabled)

    def selected(self) -> tuple[str, dict[str, Any]] | None:
        """(entity, record) of what is selected on the current tab."""
        view = self.view
        tab = view.tabs.currentIndex()
        if tab == 0:
            row = selected_row(view.timeline_table)
            if row is None or row["kind"] == "comment":
                return None
            return str(row["kind"]), dict(row["record"])
        table, entity = {
            1: (view.contacts_table, "contact"),
            2: (view.followups_table, "followup"),
        }.get(tab, (None, ""))
        row = selected_row(table) if table is not None else None
        return (entity, dict(row)) if row is not None else None

    def edit(self) -> None:
        found = self.selected()
        if found is None:
            return
        entity, record = found
        view, ctx = self.view, self.view.ctx
        if entity == "contact":
            cd.edit_contact_dialog(ctx, view, record)
        elif entity == "note":
            cd.edit_note_dialog(ctx, view, record)
        elif entity == "visit" and record["status"] == "done":
            view.start_report(record)
        elif entity == "visit":
            cd.move_visit_dialog(ctx, view, record)
        elif entity == "followup":
            customer_id = record["customer_id"]

            def open_edit(people: list[requests.Person]) -> None:
                cd.edit_followup_dialog(ctx, view, record, people)

            ctx.read(lambda store: requests.assignable_people(store, customer_id), open_edit)

    def delete(self) -> None:
        found = self.selected()
        if found is None:
            return
        entity, record = found
        what = {
            "contact": _t("this contact (its relationships go with it)"),
            "note": _t("this note"),
            "visit": _t("this visit (its feedback goes with it)"),
            "followup": _t("this follow-up"),
        }[entity]
        if not cd.confirm_delete(self.view, what):
            return
        row_id = record["id"]

        def work(store: Any) -> Changes:
            return corrections.delete(store, entity, row_id, f"delete_{entity}")

        self.view.ctx.write(work, on_error=self.view.report_error)

    def cancel_visit(self) -> None:
        found = self.selected()
        if found is None or found[0] != "visit" or found[1]["status"] != "planned":
            self.view.ctx.message.emit(_t("Choose a planned visit on the timeline first."))
            return
        customer = self.view.customer
        record = {**found[1], "customer_name": customer["name"] if customer else None}
        cd.cancel_visit_dialog(self.view.ctx, self.view, record)

    def ask(self) -> None:
        customer_id = self.view.customer_id
        if customer_id is None:
            return
        ctx, view = self.view.ctx, self.view

        def open_ask(people: list[requests.Person]) -> None:
            cd.edit_followup_dialog(ctx, view, None, people, customer_id)

        ctx.read(lambda store: requests.assignable_people(store, customer_id), open_ask)
