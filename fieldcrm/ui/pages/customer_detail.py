"""One customer: the record, contacts, timeline, follow-ups and connections."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import customers, visits
from fieldcrm.app.attachments import Owner
from fieldcrm.app.changes import CONFLICT, EVERYTHING, REJECTED
from fieldcrm.app.records import CustomerRecord
from fieldcrm.domain.validation import ValidationError
from fieldcrm.ui import dialogs, i18n
from fieldcrm.ui.attachments_panel import AttachmentsPanel
from fieldcrm.ui.contact_import_view import ImportContactsDialog
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.customer_connections import CustomerConnections
from fieldcrm.ui.detail_corrections import DetailCorrections
from fieldcrm.ui.flow import FlowLayout
from fieldcrm.ui.forms import RecordForm, confirm_discard
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.pages.base import (
    View,
    make_button,
    make_heading,
    make_table,
    selected_row,
    translator,
)
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Views"
_t = translator(TR_CONTEXT)


class CustomerDetailView(View):
    """Master data, contacts, a timeline of visits and notes, follow-ups."""

    kinds = frozenset(EVERYTHING - {CONFLICT, REJECTED})

    back = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("customer_detail_view")
        self.customer_id: str | None = None
        self.customer: CustomerRecord | None = None
        self.title = make_heading(self, "customer_title")
        self.back_button = make_button("back", self)
        self.form = RecordForm("customer", dialogs.CUSTOMER_FIELDS, self)
        self.save_button = make_button("save_customer", self)
        self.revert_button = make_button("revert_customer", self)
        self.form.edited.connect(self._form_edited)
        self.contacts_model = RowsModel(
            [
                Column(
                    "last_name",
                    lambda: _t("Name"),
                    lambda r: " ".join(p for p in (r["first_name"], r["last_name"]) if p),
                ),
                Column("job_title", lambda: _t("Job title")),
                Column("phone", lambda: _t("Phone")),
                Column("email", lambda: _t("E-mail")),
            ],
            self,
        )
        self.timeline_model = RowsModel(
            [
                Column("when", lambda: _t("When"), lambda r: i18n.format_datetime_local(r["when"])),
                Column("kind", lambda: _t("What"), self._timeline_kind),
                Column("summary", lambda: _t("Summary"), self._timeline_summary),
            ],
            self,
        )
        self.followups_model = RowsModel(
            [
                Column("due_date", lambda: _t("Due"), lambda r: i18n.format_date(r["due_date"])),
                Column("title", lambda: _t("Follow-up")),
                Column(
                    "done_at",
                    lambda: _t("Done"),
                    lambda r: i18n.format_datetime_local(r["done_at"]) if r["done_at"] else "",
                ),
            ],
            self,
        )
        self.contacts_table = make_table(self.contacts_model, "contacts", self)
        self.timeline_table = make_table(self.timeline_model, "timeline", self)
        self.followups_table = make_table(self.followups_model, "followups", self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("detail_tabs")
        self.tabs.addTab(self.timeline_table, "")
        self.tabs.addTab(self.contacts_table, "")
        self.tabs.addTab(self.followups_table, "")
        self.connections = CustomerConnections(ctx.store, ctx.db, "")
        self.connections.changed.connect(ctx.changed)
        self.tabs.addTab(self.connections, "")
        self.attachments = AttachmentsPanel(ctx, "customer_attachments", self)
        self.attachments.changed.connect(ctx.changed)
        self.tabs.addTab(self.attachments, "")
        self.add_contact_button = make_button("add_contact", self)
        self.import_contacts_button = make_button("import_contacts", self)
        self.add_note_button = make_button("add_note", self)
        self.plan_visit_button = make_button("plan_visit", self)
        self.add_followup_button = make_button("add_followup", self)
        self.followup_done_button = make_button("followup_done", self)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.form.setParent(left)
        left_layout.addWidget(self.form)
        form_buttons = QHBoxLayout()
        form_buttons.addStretch()
        form_buttons.addWidget(self.revert_button)
        form_buttons.addWidget(self.save_button)
        left_layout.addLayout(form_buttons)
        left_layout.addStretch()
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        # One row of actions that wraps when the window is narrow.
        actions = FlowLayout()
        for button in (
            self.plan_visit_button,
            self.add_note_button,
            self.add_contact_button,
            self.import_contacts_button,
            self.add_followup_button,
            self.followup_done_button,
        ):
            actions.addWidget(button)
        self.corrections = DetailCorrections(self, actions)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.tabs)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 820])
        self.splitter = splitter
        layout.addWidget(splitter, 1)

        self.back_button.clicked.connect(self.back.emit)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self._revert)
        self.add_contact_button.clicked.connect(self.add_contact)
        self.import_contacts_button.clicked.connect(self.import_contacts)
        self.add_note_button.clicked.connect(self.add_note)
        self.plan_visit_button.clicked.connect(self.plan_visit)
        self.add_followup_button.clicked.connect(self.add_followup)
        self.followup_done_button.clicked.connect(self._followup_done)
        self._set_buttons()
        self.retranslate()

    def retranslate(self) -> None:
        self.connections.retranslate()
        self.back_button.setText(_t("← Customers"))
        self.back_button.setAccessibleName(_t("Back to the customer list"))
        self.save_button.setText(_t("Save"))
        self.revert_button.setText(_t("Revert"))
        self.tabs.setTabText(0, _t("Timeline"))
        self.tabs.setTabText(1, _t("Contacts"))
        self.tabs.setTabText(2, _t("Follow-ups"))
        self.tabs.setTabText(3, _t("People and connections"))
        self.tabs.setTabText(4, _t("Files"))
        self.attachments.retranslate()
        self.add_contact_button.setText(_t("Add contact…"))
        self.import_contacts_button.setText(_t("Import contacts…"))
        self.add_note_button.setText(_t("New note…"))
        self.plan_visit_button.setText(_t("Plan visit…"))
        self.add_followup_button.setText(_t("New follow-up…"))
        self.followup_done_button.setText(_t("Mark done"))
        self.corrections.retranslate()
        self.contacts_table.setAccessibleName(_t("Contacts"))
        self.timeline_table.setAccessibleName(_t("Timeline"))
        self.followups_table.setAccessibleName(_t("Follow-ups"))
        self.form.retranslate()
        for model in (self.contacts_model, self.timeline_model, self.followups_model):
            model.retranslate()
        self._update_title()

    @staticmethod
    def _timeline_kind(row: dict[str, Any]) -> str:
        if row["kind"] == "note":
            return i18n.label("note")
        if row["kind"] == "comment":
            return _t("Feedback")
        return f"{i18n.label('visit')} ({i18n.label(row['record']['status'])})"

    @staticmethod
    def _timeline_summary(row: dict[str, Any]) -> str:
        record = row["record"]
        if row["kind"] == "note":
            return str(record["text"]).replace("\n", " ")
        if row["kind"] == "comment":
            author = record.get("author_name") or ""
            if record["kind"] == "acknowledgement":
                text = fill(_t("%1 acknowledged the visit report"), author)
                return text + (f": {record['text']}" if record.get("text") else "")
            return f"{author}: " + str(record.get("text") or "").replace("\n", " ")
        parts = [record.get("purpose") or "", i18n.label(record.get("outcome"))]
        if record.get("report"):
            parts.append(str(record["report"]).replace("\n", " "))
        return " · ".join(p for p in parts if p)

    def _update_title(self) -> None:
        if self.customer:
            number = self.customer.get("number")
            name = self.customer["name"] or ""
            self.title.setText(f"{name} ({number})" if number else name)
            if self.form.dirty:
                self.title.setText(self.title.text() + " *")
        else:
            self.title.setText("")

    def show_customer(self, customer_id: str) -> None:
        self.connections.user_id = self.ctx.user_id or ""
        self.connections.show_customer(customer_id)
        self.attachments.show_owner(Owner("customer", customer_id))
        if customer_id != self.customer_id:
            self.customer_id = customer_id
            self.customer = None
            self.form.mark_clean()
        self._stale = True
        self.reload()

    def reload(self) -> None:
        super().reload()
        if self.customer_id is None:
            return
        customer_id = self.customer_id
        self.ctx.read(lambda store: customers.customer_detail(store, customer_id), self._loaded)
        self.attachments.reload()

    def _loaded(self, data: customers.CustomerDetail | None) -> None:
        if data is None:
            self.customer = None
            self._set_buttons()
            self.title.setText(_t("This customer no longer exists."))
            return
        if data["customer"]["id"] != self.customer_id:
            return
        self.customer = data["customer"]
        if not self.form.dirty:
            self.form.set_values(self.customer)
        self.contacts_model.set_rows(data["contacts"])
        self.timeline_model.set_rows(data["timeline"])
        self.followups_model.set_rows(data["followups"])
        self.timeline_table.resizeColumnToContents(0)
        self.timeline_table.resizeColumnToContents(1)
        self._set_buttons()
        self._update_title()

    def _set_buttons(self) -> None:
        has = self.customer is not None
        for button in (
            self.add_contact_button,
            self.add_note_button,
            self.plan_visit_button,
            self.add_followup_button,
            self.followup_done_button,
        ):
            button.setEnabled(
                (has and self.ctx.user_id is not None)
                or (button is self.add_contact_button and has)
            )
        self.import_contacts_button.setEnabled(has)
        self.save_button.setEnabled(has and self.form.dirty)
        self.revert_button.setEnabled(has and self.form.dirty)
        self.corrections.set_enabled(has and self.ctx.user_id is not None)

    def _form_edited(self) -> None:
        self._set_buttons()
        self._update_title()

    def save(self) -> None:
        if self.customer_id is None:
            return
        customer_id = self.customer_id
        changes = self.form.changes()
        self.save_button.setEnabled(False)

        def saved(_result: Any) -> None:
            self.form.mark_clean()
            self.form.clear_errors()
            self.ctx.message.emit(_t("Customer saved."))
            self._set_buttons()

        def failed(exc: BaseException) -> None:
            self._set_buttons()
            if isinstance(exc, ValidationError):
                self.form.show_errors(exc.errors)
            else:
                self.report_error(exc)

        self.ctx.write(
            lambda store: customers.update_customer(store, customer_id, changes), saved, failed
        )

    def _revert(self) -> None:
        if self.customer is not None:
            self.form.set_values(self.customer)
            self._set_buttons()
            self._update_title()

    def can_leave(self) -> bool:
        if not self.form.dirty:
            return True
        if confirm_discard(self):
            self._revert()
            return True
        return False

    def add_contact(self) -> None:
        if self.customer_id:
            dialogs.contact_dialog(
                self.ctx, self, self.customer_id, open_customer=self.show_customer
            )

    def import_contacts(self) -> ImportContactsDialog | None:
        if not self.customer_id or self.customer is None:
            return None
        name = self.customer["name"] or ""
        dialog = ImportContactsDialog(self.ctx, self.customer_id, name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def add_note(self) -> None:
        if self.customer_id:
            dialogs.note_dialog(self.ctx, self, self.customer_id)

    def plan_visit(self) -> None:
        if self.customer_id and self.customer:
            dialogs.plan_visit_dialog(self.ctx, self, self.customer_id, self.customer["name"] or "")

    def add_followup(self) -> None:
        if self.customer_id:
            dialogs.followup_dialog(self.ctx, self, self.customer_id)

    def start_report(self, visit: dict[str, Any]) -> None:
        """Correct a filed report in the report dialog."""
        visit_id = visit["id"]

        def open_report(info: visits.VisitWithContacts | None) -> None:
            if info is not None:
                dialogs.report_dialog(self.ctx, self, info)

        self.ctx.read(lambda store: visits.visit_with_contacts(store, visit_id), open_report)

    def _followup_done(self) -> None:
        row = selected_row(self.followups_table)
        if row is None or row["done_at"]:
            return
        followup_id = row["id"]
        self.ctx.write(
            lambda store: customers.complete_followup(store, followup_id),
            on_error=self.report_error,
        )
